import Foundation

/// `keras.layers.Masking`: zeroes the time steps whose features all equal `mask_value`, and marks them masked for
/// the layers after it (an RNN skips them; the executor's `MaskFlow` carries the mask).
/// Output = inputs x any(inputs != mask_value, axis=-1); no weights.
public struct Masking: Layer {
    public static let className = "Masking"
    public static let arity = Arity.one
    public var maskValue: Double
    public var name: String?
    public var activation: ActivationFunction? { nil }

    public init(maskValue: Double = 0, name: String? = nil) {
        self.maskValue = maskValue
        self.name = name
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        guard inputs[0].dims.count >= 1 else { throw LayerProblem("needs an input with a feature axis, got \(inputs[0])") }
        guard maskValue.isFinite else { throw LayerProblem("mask_value must be a finite number") }
        return inputs[0]
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] { [] }

    /// A comparison and a multiplication by 0 or 1 per element: no multiply-accumulates (as activations).
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { 0 }

    /// Keras's `compute_mask`: any(inputs != mask_value) over the last axis, one flag per position before it.
    func mask(of x: Tensor) -> [Bool] {
        let features = x.shape.last ?? 1, value = Float(maskValue)
        guard features > 0 else { return [] }
        return stride(from: 0, to: x.count, by: features).map { start in
            x.data[start..<(start + features)].contains { $0 != value }
        }
    }
}

extension Masking: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        let x = context.inputs[0], features = x.shape.last ?? 1
        var out = x.data
        for (position, kept) in mask(of: x).enumerated() where !kept {
            for i in (position * features)..<((position + 1) * features) { out[i] = 0 }
        }
        return Tensor(unchecked: x.shape, data: out)
    }
}
