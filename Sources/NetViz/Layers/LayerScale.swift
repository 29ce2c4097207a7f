/// ConvNeXt's `LayerScale` (registered in `keras.applications.convnext`): multiplies the last axis by a
/// trainable vector `gamma` of `projection_dim` values.
public struct LayerScale: Layer {
    public static let className = "LayerScale"
    public static let arity = Arity.one
    public var initValues: Double
    public var projectionDim: Int
    public var name: String?
    public var activation: ActivationFunction? { nil }

    public init(initValues: Double = 1e-6, projectionDim: Int, name: String? = nil) {
        self.initValues = initValues
        self.projectionDim = projectionDim
        self.name = name
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        try ShapeRules.requirePositive(projectionDim, "projection_dim")
        guard let last = inputs[0].dims.last, last == projectionDim || last == 1 || projectionDim == 1 else {
            throw LayerProblem("projection_dim \(projectionDim) does not match the last axis of \(inputs[0])")
        }
        return inputs[0]
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] { [WeightSpec("gamma", [projectionDim])] }

    /// An element-wise scale: no multiply-accumulates in the paper's convention.
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { 0 }
}

extension LayerScale: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        // x * gamma along the last axis (broadcast as Keras does).
        let gamma = try context.weight("gamma"), x = context.inputs[0]
        let shaped = Tensor(unchecked: [Int](repeating: 1, count: max(x.rank - 1, 0)) + [gamma.count], data: gamma.data)
        return try Kernels.broadcastMerge([x, shaped], *)
    }
}
