/// `keras.layers.Dense`: applied to the last axis of an input of any rank, as Keras does.
public struct Dense: Layer {
    public static let className = "Dense"
    public static let arity = Arity.one
    public var units: Int
    public var activation: ActivationFunction?
    public var useBias: Bool
    public var name: String?

    public init(units: Int, activation: ActivationFunction? = nil, useBias: Bool = true, name: String? = nil) {
        self.units = units
        self.activation = activation
        self.useBias = useBias
        self.name = name
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        try ShapeRules.requirePositive(units, "units")
        guard inputs[0].rank >= 2 else { throw LayerProblem("expects an input of rank 2 or more, got \(inputs[0])") }
        var dims = inputs[0].dims
        dims[dims.count - 1] = units
        return TensorSpec(dims, dtype: inputs[0].dtype)
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] {
        let kernel = WeightSpec("kernel", [inputs[0].dims.last ?? 0, units])
        return useBias ? [kernel, WeightSpec("bias", [units])] : [kernel]
    }

    /// One dot product of length `input features` per output element, at every leading position.
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 {
        try Checked.multiply(output.elementCount(), Int64(inputs[0].dims.last ?? 0))
    }
}

extension Dense: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        try Kernels.dense(self, &context)
    }
}

extension Dense {
    public func costGroup(for inputs: [TensorSpec]) -> String? { "Fully Connected" }
}
