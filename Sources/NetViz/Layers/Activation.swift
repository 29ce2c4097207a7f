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

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec { inputs[0] }
    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] { [] }

    /// Element-wise: no multiply-accumulates in the paper's convention.
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { 0 }
}
