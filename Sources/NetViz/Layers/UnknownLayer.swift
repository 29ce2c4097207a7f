/// A Keras class netviz does not know, imported with `--allow-unknown`: treated as shape-preserving (the output
/// is its first input) with no weights and no MACs, and marked as such in its class name and in the warnings.
public struct UnknownLayer<Inputs: InputCount>: Layer, InstanceClassName {
    public static var className: String { "Unknown" }
    public static var arity: Arity { Inputs.arity }
    /// The class name in the Keras config.
    public var kerasClassName: String
    public var name: String?
    public var activation: ActivationFunction? { nil }
    public var instanceClassName: String { "\(kerasClassName), unknown" }

    public init(kerasClassName: String, name: String? = nil) {
        self.kerasClassName = kerasClassName
        self.name = name
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec { inputs[0] }
    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] { [] }
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { 0 }
}
