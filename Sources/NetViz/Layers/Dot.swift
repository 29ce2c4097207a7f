import Foundation

/// `keras.layers.Dot`: the batchwise dot product of two tensors along one axis of each (Keras's `batch_dot`). Axes
/// count the batch axis, as Keras's do (0 is refused); an int names the same axis of both (negative: from each end).
/// The output is the first input's dims without its axis, then the second's without its axis; (1,) when both are
/// rank 2. `normalize=True` L2-normalises both inputs along their axes first (`x * min(rsqrt(sum x²), 1/1e-7)`).
///
/// MACs: output elements x the contracted length. Both operands are activations, so they are also reported as
/// `activationProductMACs` (as MultiHeadAttention's Q·Kᵀ).
public struct Dot: Layer {
    public static let className = "Dot"
    public static let arity = Arity.atLeastTwo
    /// One axis for both inputs, or (first, second).
    public var axes: [Int]
    public var normalize: Bool
    public var name: String?
    public var activation: ActivationFunction? { nil }

    public init(axes: [Int], normalize: Bool = false, name: String? = nil) {
        self.axes = axes
        self.normalize = normalize
        self.name = name
    }

    /// The two axes as indices into each input's `dims` (batch excluded), and the contracted length.
    func resolved(_ inputs: [TensorSpec]) throws -> (Int, Int, Int) {
        guard inputs.count == 2 else { throw LayerProblem("takes exactly 2 inputs, got \(inputs.count)") }
        guard axes.count == 1 || axes.count == 2 else { throw LayerProblem("axes must be one integer or two, got \(axes.count)") }
        var picked: [Int] = []
        for (i, input) in inputs.enumerated() {
            let axis = axes.count == 1 ? axes[0] : axes[i]
            let rank = input.rank
            let full = axis < 0 ? axis + rank : axis
            guard full >= 1, full < rank else {
                throw LayerProblem("axis \(axis) is out of range for input \(input) (the batch axis 0 is not allowed)")
            }
            picked.append(full - 1)
        }
        let length = inputs[0].dims[picked[0]]
        guard length == inputs[1].dims[picked[1]] else {
            throw LayerProblem("axis sizes differ: \(length) in \(inputs[0]) and \(inputs[1].dims[picked[1]]) in \(inputs[1])")
        }
        return (picked[0], picked[1], length)
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        let (a, b, _) = try resolved(inputs)
        var dims = inputs[0].dims
        dims.remove(at: a)
        var second = inputs[1].dims
        second.remove(at: b)
        dims += second
        let output = TensorSpec(dims.isEmpty ? [1] : dims, dtype: inputs[0].dtype)
        _ = try output.elementCount()
        return output
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] { [] }

    /// Output elements x the contracted length (products of two activations).
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 {
        try activationProductMACs(for: inputs, output: output)
    }

    public func activationProductMACs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 {
        let (_, _, length) = try resolved(inputs)
        return try Checked.multiply(output.elementCount(), Int64(length))
    }
}

extension Dot: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        guard context.inputs.count == 2 else { throw KernelError("takes exactly 2 inputs") }
        var x = context.inputs[0], y = context.inputs[1]
        guard x.rank >= 2, y.rank >= 2, x.shape[0] == y.shape[0] else { throw KernelError("inputs \(x.shapeDescription) and \(y.shapeDescription) do not fit") }
        let specs = [TensorSpec(Array(x.shape.dropFirst())), TensorSpec(Array(y.shape.dropFirst()))]
        let (a, b, k) = try LayerProblem.asKernelError { try resolved(specs) }
        if normalize {
            x = Self.l2Normalized(x, axis: a + 1)
            y = Self.l2Normalized(y, axis: b + 1)
        }
        // x as (batch, I, K), y as (batch, K, J): the contracted axis moved last and first.
        let px = (0..<x.rank).filter { $0 != a + 1 } + [a + 1]
        let py = [0, b + 1] + (1..<y.rank).filter { $0 != b + 1 }
        let xt = Kernels.transpose(x, px), yt = Kernels.transpose(y, py)
        let batch = x.shape[0], rows = x.count / max(batch * k, 1), columns = y.count / max(batch * k, 1)
        var out = [Float](repeating: 0, count: batch * rows * columns)
        for n in 0..<batch {
            for i in 0..<rows {
                for j in 0..<columns {
                    var acc: Float = 0
                    for t in 0..<k { acc += xt.data[(n * rows + i) * k + t] * yt.data[(n * k + t) * columns + j] }
                    out[(n * rows + i) * columns + j] = acc
                }
            }
        }
        context.macs += Int64(batch * rows * columns * k)
        var shape = [batch] + Array(x.shape.dropFirst()).enumerated().filter { $0.offset != a }.map(\.element)
        shape += Array(y.shape.dropFirst()).enumerated().filter { $0.offset != b }.map(\.element)
        return Tensor(unchecked: shape.count == 1 ? [batch, 1] : shape, data: out)
    }

    /// Keras's `ops.normalize(x, axis, order=2)`: x * min(rsqrt(sum of squares along axis), 1 / epsilon).
    static func l2Normalized(_ x: Tensor, axis: Int) -> Tensor {
        let inner = x.shape[(axis + 1)...].reduce(1, *), length = x.shape[axis], outer = x.count / max(length * inner, 1)
        var out = x
        for o in 0..<outer {
            for i in 0..<inner {
                var sum: Float = 0
                for t in 0..<length { let v = x.data[(o * length + t) * inner + i]; sum += v * v }
                let scale = min(1 / sum.squareRoot(), 1 / Float(1e-7))
                for t in 0..<length { out.data[(o * length + t) * inner + i] *= scale }
            }
        }
        return out
    }
}

extension LayerProblem {
    /// A shape rule run inside a kernel: its problem as the kernel's error.
    static func asKernelError<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let problem as LayerProblem { throw KernelError(problem.message) }
    }
}
