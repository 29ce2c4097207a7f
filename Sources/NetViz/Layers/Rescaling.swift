/// `keras.layers.Rescaling`: `x * scale + offset`, no weights.
public struct Rescaling: Layer {
    public static let className = "Rescaling"
    public static let arity = Arity.one
    public var scale: Double
    public var offset: Double
    public var name: String?
    public var activation: ActivationFunction? { nil }

    public init(scale: Double, offset: Double = 0, name: String? = nil) {
        self.scale = scale
        self.offset = offset
        self.name = name
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec { inputs[0] }
    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] { [] }

    /// An element-wise affine map, not a multiply-accumulate of the paper's kind.
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { 0 }
}

extension Rescaling: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        let (scale, offset) = (Float(scale), Float(offset))
        var out = context.inputs[0]
        for i in out.data.indices { out.data[i] = out.data[i] * scale + offset }
        return out
    }
}
