/// `keras.layers.ReLU`: `max_value` caps it (6.0 gives MobileNet's ReLU6).
public struct ReLU: Layer {
    public static let className = "ReLU"
    public static let arity = Arity.one
    public var maxValue: Double?
    public var negativeSlope: Double
    public var threshold: Double
    public var name: String?

    public init(maxValue: Double? = nil, negativeSlope: Double = 0, threshold: Double = 0, name: String? = nil) {
        self.maxValue = maxValue
        self.negativeSlope = negativeSlope
        self.threshold = threshold
        self.name = name
    }

    /// The nearest named activation, for labels: ReLU6 only when it is exactly that.
    public var activation: ActivationFunction? {
        if negativeSlope > 0 { return .leakyRelu }
        return maxValue == 6 && threshold == 0 ? .relu6 : .relu
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        if let maxValue, maxValue < 0 { throw LayerProblem("max_value must be >= 0, got \(maxValue)") }
        guard negativeSlope >= 0 else { throw LayerProblem("negative_slope must be >= 0, got \(negativeSlope)") }
        return inputs[0]
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] { [] }

    /// Element-wise: no multiply-accumulates in the paper's convention.
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { 0 }
}

extension ReLU: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        try Kernels.relu(self, &context)
    }
}
