/// `keras.layers.Activation`: applies one named activation element-wise (softmax along the last axis).
public struct Activation: Layer {
    public static let className = "Activation"
    public static let arity = Arity.one
    public var function: ActivationFunction
    public var name: String?

    public init(_ function: ActivationFunction, name: String? = nil) {
        self.function = function
        self.name = name
    }

    public var activation: ActivationFunction? { function }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        // glu splits the last axis in two halves (a * sigmoid(b)), so it halves that axis.
        guard function == .glu else { return inputs[0] }
        var dims = inputs[0].dims
        guard let last = dims.last, last % 2 == 0 else { throw LayerProblem("glu needs an even last axis, got \(inputs[0])") }
        dims[dims.count - 1] = last / 2
        return TensorSpec(dims, dtype: inputs[0].dtype)
    }
    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] { [] }

    /// Element-wise: no multiply-accumulates in the paper's convention.
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { 0 }
}

extension Activation: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        try Activations.apply(function, to: context.inputs[0])
    }
}
