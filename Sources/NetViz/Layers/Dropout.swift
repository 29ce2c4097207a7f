/// `keras.layers.Dropout`: identity at inference.
public struct Dropout: Layer {
    public static let className = "Dropout"
    public static let arity = Arity.one
    public var rate: Double
    public var name: String?
    public var activation: ActivationFunction? { nil }

    public init(rate: Double, name: String? = nil) {
        self.rate = rate
        self.name = name
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        guard rate >= 0, rate <= 1 else { throw LayerProblem("rate must be in [0, 1], got \(rate)") }
        return inputs[0]
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] { [] }
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { 0 }
}

extension Dropout: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        context.inputs[0]  // identity at inference, as in Keras
    }
}
