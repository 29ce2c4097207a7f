/// `keras.layers.BatchNormalization`: gamma and beta train; the moving mean and variance do not.
public struct BatchNormalization: Layer {
    public static let className = "BatchNormalization"
    public static let arity = Arity.one
    public var axis: Int
    public var momentum: Double
    public var epsilon: Double
    public var center: Bool
    public var scale: Bool
    public var name: String?
    public var activation: ActivationFunction? { nil }

    public init(
        axis: Int = -1, momentum: Double = 0.99, epsilon: Double = 0.001, center: Bool = true, scale: Bool = true,
        name: String? = nil
    ) {
        self.axis = axis
        self.momentum = momentum
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.name = name
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        _ = try ShapeRules.dimIndex(axis: axis, rank: inputs[0].rank)
        return inputs[0]
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] {
        guard let index = try? ShapeRules.dimIndex(axis: axis, rank: inputs[0].rank) else { return [] }
        let features = [inputs[0].dims[index]]
        var specs: [WeightSpec] = []
        if scale { specs.append(WeightSpec("gamma", features)) }
        if center { specs.append(WeightSpec("beta", features)) }
        specs.append(WeightSpec("moving_mean", features, trainable: false))
        specs.append(WeightSpec("moving_variance", features, trainable: false))
        return specs
    }

    /// Excluded by the paper's convention (it folds into the preceding convolution at inference).
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { 0 }
}

extension BatchNormalization: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        try Kernels.batchNormalization(self, &context)
    }
}
