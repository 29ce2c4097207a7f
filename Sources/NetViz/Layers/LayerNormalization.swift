/// `keras.layers.LayerNormalization`: normalises over `axis` per sample; gamma and beta have the shape of those axes.
public struct LayerNormalization: Layer {
    public static let className = "LayerNormalization"
    public static let arity = Arity.one
    public var axes: [Int]
    public var epsilon: Double
    public var center: Bool
    public var scale: Bool
    public var name: String?
    public var activation: ActivationFunction? { nil }

    public init(axes: [Int] = [-1], epsilon: Double = 0.001, center: Bool = true, scale: Bool = true, name: String? = nil) {
        self.axes = axes
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.name = name
    }

    func paramShape(_ input: TensorSpec) throws -> [Int] {
        guard !axes.isEmpty else { throw LayerProblem("axis must name at least one axis") }
        return try ShapeRules.dims(at: axes, of: input)
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        _ = try paramShape(inputs[0])
        return inputs[0]
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] {
        guard let shape = try? paramShape(inputs[0]) else { return [] }
        var specs: [WeightSpec] = []
        if scale { specs.append(WeightSpec("gamma", shape)) }
        if center { specs.append(WeightSpec("beta", shape)) }
        return specs
    }

    /// Normalisation: no multiply-accumulates in the paper's convention (as BatchNormalization).
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { 0 }
}

extension LayerNormalization: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        try ImportedKernels.layerNormalization(self, &context)
    }
}
