/// A Keras model used as a layer of another (a `Sequential` stem, a `Functional` backbone): one row in the
/// summary, with the sub-model's class, output shape and total params; its MACs are those of its layers.
/// `Model.expandingNested()` lists its layers instead, as `model.summary(expand_nested=True)` does.
public struct NestedModel: Layer, InstanceClassName {
    public static let className = "Functional"
    public static let arity = Arity.one
    public let model: Model
    /// `Functional` or `Sequential`.
    public var kerasClassName: String
    public var name: String?
    public var activation: ActivationFunction? { nil }
    public var instanceClassName: String { kerasClassName }

    public init(_ model: Model, kerasClassName: String = "Functional", name: String? = nil) {
        self.model = model
        self.kerasClassName = kerasClassName
        self.name = name
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        guard model.inputSpecs.count == 1, let output = model.outputSpecs.first, model.outputSpecs.count == 1 else {
            throw LayerProblem("sub-models with several inputs or outputs are not supported")
        }
        guard inputs[0].dims == model.inputSpecs[0].dims else {
            throw LayerProblem("expects input \(model.inputSpecs[0]) (its own Input), got \(inputs[0])")
        }
        return output
    }

    /// Every weight of every layer inside, named `layer/weight`.
    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] {
        model.nodes.flatMap { node in
            node.layer.weights(for: node.inputSpecs).map {
                WeightSpec(node.name + "/" + $0.name, $0.shape, trainable: $0.trainable)
            }
        }
    }

    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 {
        try Checked.sum(model.nodes.map { try $0.layer.macs(for: $0.inputSpecs, output: $0.output) })
    }

    /// The attention products of the layers inside (a nested transformer block keeps its split).
    public func activationProductMACs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 {
        try Checked.sum(model.nodes.map { try $0.layer.activationProductMACs(for: $0.inputSpecs, output: $0.output) })
    }
}

/// A layer whose config says `"trainable": false` (a frozen backbone): the same layer, its weights non-trainable.
public struct FrozenLayer<Inputs: InputCount>: Layer, InstanceClassName, WrappingLayer {
    public static var className: String { "Frozen" }
    public static var arity: Arity { Inputs.arity }
    public let base: any Layer
    public var name: String? { base.name }
    public var activation: ActivationFunction? { base.activation }
    public var instanceClassName: String {
        (base as? any InstanceClassName)?.instanceClassName ?? type(of: base).className
    }

    public init(_ base: any Layer) { self.base = base }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec { try base.outputSpec(for: inputs) }
    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] {
        base.weights(for: inputs).map { WeightSpec($0.name, $0.shape, trainable: false) }
    }
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 {
        try base.macs(for: inputs, output: output)
    }
    public func activationProductMACs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 {
        try base.activationProductMACs(for: inputs, output: output)
    }
    public func extraOutputSpecs(for inputs: [TensorSpec]) throws -> [TensorSpec] { try base.extraOutputSpecs(for: inputs) }
}

extension NestedModel: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        try ImportedKernels.nested(self, &context)
    }
}
