import Foundation

/// Layers that rearrange a sample without weights: `Permute`, `RepeatVector`, and the 1D members of the padding,
/// cropping and upsampling families (`ZeroPadding1D`, `Cropping1D`, `UpSampling1D`, on (steps, channels)).
public struct Permute: Layer {
    public static let className = "Permute"
    public static let arity = Arity.one
    /// Keras's `dims`: a permutation of 1...rank-1 (the batch axis stays).
    public var dims: [Int]
    public var name: String?
    public var activation: ActivationFunction? { nil }

    public init(dims: [Int], name: String? = nil) {
        self.dims = dims
        self.name = name
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        let input = inputs[0]
        guard dims.sorted() == Array(1...max(input.dims.count, 1)), dims.count == input.dims.count else {
            throw LayerProblem("dims \(dims) is not a permutation of 1...\(input.dims.count)")
        }
        return TensorSpec(dims.map { input.dims[$0 - 1] }, dtype: input.dtype)
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] { [] }
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { 0 }
}

extension Permute: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        Kernels.transpose(context.inputs[0], [0] + dims)
    }
}

/// `keras.layers.RepeatVector`: (features) -> (n, features).
public struct RepeatVector: Layer {
    public static let className = "RepeatVector"
    public static let arity = Arity.one
    public var n: Int
    public var name: String?
    public var activation: ActivationFunction? { nil }

    public init(n: Int, name: String? = nil) {
        self.n = n
        self.name = name
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        try ShapeRules.requireRank(inputs[0], 2)
        try ShapeRules.requirePositive(n, "n")
        let output = TensorSpec([n] + inputs[0].dims, dtype: inputs[0].dtype)
        _ = try output.elementCount()
        return output
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] { [] }
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { 0 }
}

extension RepeatVector: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        let x = context.inputs[0]
        let (batch, features) = (x.shape[0], x.count / max(x.shape[0], 1))
        var out: [Float] = []
        out.reserveCapacity(batch * n * features)
        for b in 0..<batch {
            for _ in 0..<n { out.append(contentsOf: x.data[(b * features)..<((b + 1) * features)]) }
        }
        return Tensor(unchecked: [batch, n, features], data: out)
    }
}

/// What a 1D margin layer does to the steps axis: zeros added (ZeroPadding1D) or steps removed (Cropping1D).
public struct Margins1DLayer: Layer, InstanceClassName {
    public static let className = "ZeroPadding1D"
    public static let arity = Arity.one
    public var before: Int
    public var after: Int
    /// Cropping1D when true, ZeroPadding1D otherwise.
    public var crops: Bool
    public var name: String?
    public var activation: ActivationFunction? { nil }
    public var instanceClassName: String { crops ? "Cropping1D" : "ZeroPadding1D" }

    public init(before: Int, after: Int, crops: Bool, name: String? = nil) {
        self.before = before
        self.after = after
        self.crops = crops
        self.name = name
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        try ShapeRules.requireRank(inputs[0], 3)
        guard before >= 0, after >= 0 else { throw LayerProblem("margins (\(before), \(after)) must not be negative") }
        var dims = inputs[0].dims
        dims[0] = crops ? dims[0] - before - after : dims[0] + before + after
        guard dims[0] > 0 else { throw LayerProblem("cropping (\(before), \(after)) leaves no steps of \(inputs[0])") }
        return TensorSpec(dims, dtype: inputs[0].dtype)
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] { [] }
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { 0 }
}

extension Margins1DLayer: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        let x = context.inputs[0]
        guard x.rank == 3 else { throw KernelError("expects a rank-3 input") }
        let (batch, steps, channels) = (x.shape[0], x.shape[1], x.shape[2])
        let outSteps = crops ? steps - before - after : steps + before + after
        var out = [Float](repeating: 0, count: batch * outSteps * channels)
        for b in 0..<batch {
            for t in 0..<outSteps {
                let source = crops ? t + before : t - before
                guard source >= 0, source < steps else { continue }
                for c in 0..<channels { out[(b * outSteps + t) * channels + c] = x.data[(b * steps + source) * channels + c] }
            }
        }
        return Tensor(unchecked: [batch, outSteps, channels], data: out)
    }
}

/// `keras.layers.UpSampling1D`: each step repeated `size` times.
public struct UpSampling1D: Layer {
    public static let className = "UpSampling1D"
    public static let arity = Arity.one
    public var size: Int
    public var name: String?
    public var activation: ActivationFunction? { nil }

    public init(size: Int = 2, name: String? = nil) {
        self.size = size
        self.name = name
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        try ShapeRules.requireRank(inputs[0], 3)
        try ShapeRules.requirePositive(size, "size")
        var dims = inputs[0].dims
        dims[0] = Int(try Checked.multiply(Int64(dims[0]), Int64(size)))
        return TensorSpec(dims, dtype: inputs[0].dtype)
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] { [] }
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { 0 }
}

extension UpSampling1D: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        let x = context.inputs[0]
        guard x.rank == 3 else { throw KernelError("expects a rank-3 input") }
        let (batch, steps, channels) = (x.shape[0], x.shape[1], x.shape[2])
        var out: [Float] = []
        out.reserveCapacity(x.count * size)
        for b in 0..<batch {
            for t in 0..<(steps * size) {
                let source = (b * steps + t / size) * channels
                out.append(contentsOf: x.data[source..<(source + channels)])
            }
        }
        return Tensor(unchecked: [batch, steps * size, channels], data: out)
    }
}

/// `keras.layers.GroupNormalization`: statistics per sample over each group of channels (the last axis by
/// default) and every other axis; gamma and beta per channel.
public struct GroupNormalization: Layer {
    public static let className = "GroupNormalization"
    public static let arity = Arity.one
    public var groups: Int
    public var epsilon: Double
    public var center: Bool
    public var scale: Bool
    public var name: String?
    public var activation: ActivationFunction? { nil }

    public init(groups: Int = 32, epsilon: Double = 1e-3, center: Bool = true, scale: Bool = true, name: String? = nil) {
        self.groups = groups
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.name = name
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        guard let channels = inputs[0].dims.last else { throw LayerProblem("needs at least one axis") }
        try ShapeRules.requirePositive(groups, "groups")
        guard channels % groups == 0 else { throw LayerProblem("groups=\(groups) must divide the \(channels) channels") }
        return inputs[0]
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] {
        let channels = inputs[0].dims.last ?? 0
        return (scale ? [WeightSpec("gamma", [channels])] : []) + (center ? [WeightSpec("beta", [channels])] : [])
    }

    /// Normalisation: no multiply-accumulates in the paper's convention.
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { 0 }
}

extension GroupNormalization: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        let x = context.inputs[0]
        let gamma = try context.optionalWeight("gamma", if: scale), beta = try context.optionalWeight("beta", if: center)
        guard let channels = x.shape.last, channels % groups == 0 else { throw KernelError("groups do not divide the channels") }
        let batch = x.shape[0], positions = x.count / max(batch * channels, 1), perGroup = channels / groups
        var out = x.data
        for b in 0..<batch {
            for g in 0..<groups {
                var sum = 0.0, squares = 0.0
                for p in 0..<positions {
                    for c in (g * perGroup)..<((g + 1) * perGroup) {
                        let v = Double(x.data[(b * positions + p) * channels + c])
                        sum += v
                        squares += v * v
                    }
                }
                let count = Double(positions * perGroup)
                let mean = sum / count, variance = max(squares / count - mean * mean, 0)
                let inverse = 1 / (variance + epsilon).squareRoot()
                for p in 0..<positions {
                    for c in (g * perGroup)..<((g + 1) * perGroup) {
                        let i = (b * positions + p) * channels + c
                        let normal = Float((Double(x.data[i]) - mean) * inverse)
                        out[i] = normal * (gamma?.data[c] ?? 1) + (beta?.data[c] ?? 0)
                    }
                }
            }
        }
        return Tensor(unchecked: x.shape, data: out)
    }
}

/// `keras.layers.UnitNormalization`: each vector along the last axis scaled to length 1 (Keras's l2 normalise,
/// epsilon 1e-12 under the square root).
public struct UnitNormalization: Layer {
    public static let className = "UnitNormalization"
    public static let arity = Arity.one
    public var name: String?
    public var activation: ActivationFunction? { nil }

    public init(name: String? = nil) { self.name = name }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec { inputs[0] }
    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] { [] }
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { 0 }
}

extension UnitNormalization: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        let x = context.inputs[0]
        guard let width = x.shape.last, width > 0 else { return x }
        var out = x.data
        for row in stride(from: 0, to: x.count, by: width) {
            let norm = x.data[row..<(row + width)].reduce(0) { $0 + $1 * $1 }
            let inverse = 1 / max(norm, 1e-12).squareRoot()
            for i in row..<(row + width) { out[i] = x.data[i] * inverse }
        }
        return Tensor(unchecked: x.shape, data: out)
    }
}

/// `keras.layers.TimeDistributed`: the wrapped layer applied to every step of a (steps, ...) input. Params are the
/// layer's; MACs its MACs x steps.
public struct TimeDistributed: Layer {
    public static let className = "TimeDistributed"
    public static let arity = Arity.one
    public var layer: any Executable
    public var name: String?
    public var activation: ActivationFunction? { layer.activation }

    public init(_ layer: any Executable, name: String? = nil) {
        self.layer = layer
        self.name = name
    }

    func inner(_ input: TensorSpec) throws -> TensorSpec {
        guard input.dims.count >= 2 else { throw LayerProblem("needs a (steps, ...) input, got \(input)") }
        return TensorSpec(Array(input.dims.dropFirst()), dtype: input.dtype)
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        let output = try layer.outputSpec(for: [inner(inputs[0])])
        return TensorSpec([inputs[0].dims[0]] + output.dims, dtype: output.dtype)
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] {
        (try? inner(inputs[0])).map { layer.weights(for: [$0]) } ?? []
    }

    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 {
        let step = try inner(inputs[0])
        let macs = try layer.macs(for: [step], output: layer.outputSpec(for: [step]))
        return try Checked.multiply(macs, Int64(inputs[0].dims[0]))
    }

    public func costGroup(for inputs: [TensorSpec]) -> String? { (try? inner(inputs[0])).flatMap { layer.costGroup(for: [$0]) } }
}

extension TimeDistributed: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        let x = context.inputs[0]
        guard x.rank >= 3 else { throw KernelError("needs a (batch, steps, ...) input") }
        // Batch and steps folded into one batch for the wrapped kernel, then unfolded.
        let folded = Tensor(unchecked: [x.shape[0] * x.shape[1]] + Array(x.shape.dropFirst(2)), data: x.data)
        var inner = KernelContext(layerName: context.layerName, inputs: [folded], weights: context.weightsForWrapped, mode: context.mode)
        let out = try layer.execute(&inner)
        context.macs += inner.macs
        context.markUsed(inner.used)
        return Tensor(unchecked: [x.shape[0], x.shape[1]] + Array(out.shape.dropFirst()), data: out.data)
    }
}
