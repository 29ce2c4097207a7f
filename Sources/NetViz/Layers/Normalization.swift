/// `keras.layers.Normalization`: `(x - mean) / sqrt(variance)` with statistics over the kept `axis`.
/// With `mean`/`variance` in the config it has no weights; without them (to be `adapt()`ed) Keras creates
/// non-trainable `mean` and `variance` of the kept axes' shape and a scalar `count`.
public struct Normalization: Layer {
    public static let className = "Normalization"
    public static let arity = Arity.one
    /// Axes kept (one statistic per position along them); empty for a single global mean and variance.
    public var axes: [Int]
    /// True when the config gives `mean` and `variance` (no weights are created).
    public var statisticsGiven: Bool
    public var invert: Bool
    public var name: String?
    public var activation: ActivationFunction? { nil }

    /// The mean and variance given in the config (a scalar or one value per kept position), when they are.
    public var mean: [Double]?
    public var variance: [Double]?

    public init(
        axes: [Int] = [-1], statisticsGiven: Bool = false, mean: [Double]? = nil, variance: [Double]? = nil,
        invert: Bool = false, name: String? = nil
    ) {
        self.axes = axes
        self.statisticsGiven = statisticsGiven
        self.mean = mean
        self.variance = variance
        self.invert = invert
        self.name = name
    }

    func keptShape(_ input: TensorSpec) throws -> [Int] { try ShapeRules.dims(at: axes, of: input) }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        _ = try keptShape(inputs[0])
        return TensorSpec(inputs[0].dims, dtype: inputs[0].dtype)
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] {
        guard !statisticsGiven, let shape = try? keptShape(inputs[0]) else { return [] }
        return [
            WeightSpec("mean", shape, trainable: false), WeightSpec("variance", shape, trainable: false),
            WeightSpec("count", [], trainable: false),
        ]
    }

    /// An element-wise affine map: no multiply-accumulates in the paper's convention.
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { 0 }
}

extension Normalization: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        try ImportedKernels.normalization(self, &context)
    }
}
