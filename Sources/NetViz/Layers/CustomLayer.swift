/// A Keras layer read without its Python code: a registered custom class, Keras's own application helpers
/// (`CustomScaleLayer`), or `Lambda`. Its output shape is the one the layers it feeds were built with (their
/// `build_config`, or a Lambda's `output_shape`), its weights the variables a `.keras` archive's `model.weights.h5`
/// holds for it (a Lambda holds none). Nothing says what it computes, so its MACs are not counted: Lint says so for
/// every such class, and verify has no kernel for it.
public struct CustomLayer<Inputs: InputCount>: Layer, InstanceClassName, ImportNotes {
    public static var className: String { "Custom" }
    public static var arity: Arity { Inputs.arity }
    /// The class name in the Keras config.
    public var kerasClassName: String
    public var name: String?
    public var activation: ActivationFunction? { nil }
    public var instanceClassName: String { "\(kerasClassName), custom" }
    /// The output its consumers were built with.
    public var output: TensorSpec
    /// Its variables, named by their path under the layer's group in model.weights.h5 (`vars/0`).
    public var variables: [WeightSpec]

    public init(kerasClassName: String, output: TensorSpec, variables: [WeightSpec], name: String? = nil) {
        self.kerasClassName = kerasClassName
        self.output = output
        self.variables = variables
        self.name = name
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec { output }
    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] { variables }
    /// Not known (reported by `uncountedOperator`), so it adds nothing to the totals.
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { 0 }

    public var importWarnings: [String] { [] }
    public var uncountedOperator: String? { "custom Keras class \(kerasClassName)" }
    public var uncountedNote: String {
        let params = kerasClassName == "Lambda" ? "a Lambda holds no weights" : "params from model.weights.h5, counted as trainable"
        return "read without its code (output shape from the layers it feeds, \(params)): its MACs are missing from the "
            + "totals, and verify cannot run it"
    }
}

extension CustomLayer: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        throw KernelError("was read without its code (\(kerasClassName) is not a Keras class netviz knows), so netviz cannot run it")
    }
}
