/// A second or later call of a layer that a model calls several times (a siamese model's shared encoder).
///
/// Keras shows such a layer once. netviz keeps one node per call, each with its own inputs and output, so the graph
/// stays acyclic (a layer may be applied to its own output) and the executor runs every call; reports fold the later
/// calls into the first call's row (their inputs in "Connected to", their MACs summed). The weights are the first
/// call's: listed with `heldBy`, counted once, and read under the first call's name (`Node.weightOwner`).
public struct LaterCall<Inputs: InputCount>: Layer, InstanceClassName, WrappingLayer, SharedLayerCall {
    public static var className: String { "LaterCall" }
    public static var arity: Arity { Inputs.arity }
    public let base: any Layer
    /// The node name of the layer's first call, which holds the weights.
    public let firstCallName: String
    /// Keras's node index of this call (1 for the second call).
    public let callIndex: Int

    public init(_ base: any Layer, firstCallName: String, callIndex: Int) {
        self.base = base
        self.firstCallName = firstCallName
        self.callIndex = callIndex
    }

    /// `encoder[1]`: Keras's way of naming a layer's second call.
    public var name: String? { "\(firstCallName)[\(callIndex)]" }
    public var activation: ActivationFunction? { base.activation }
    public var instanceClassName: String { (base as? any InstanceClassName)?.instanceClassName ?? type(of: base).className }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec { try base.outputSpec(for: inputs) }
    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] {
        base.weights(for: inputs).map { WeightSpec($0.name, $0.shape, trainable: $0.trainable, heldBy: firstCallName) }
    }
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { try base.macs(for: inputs, output: output) }
    public func activationProductMACs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 {
        try base.activationProductMACs(for: inputs, output: output)
    }
    public func extraOutputSpecs(for inputs: [TensorSpec]) throws -> [TensorSpec] { try base.extraOutputSpecs(for: inputs) }
    public var spatial: Spatial2D? { base.spatial }
    public func costGroup(for inputs: [TensorSpec]) -> String? { base.costGroup(for: inputs) }
}

/// What reports and the executor need of a later call, whatever its arity.
public protocol SharedLayerCall {
    var firstCallName: String { get }
    var callIndex: Int { get }
}

extension Node {
    /// The name the node's weights are stored under: its own, or its layer's first call's.
    public var weightOwner: String { (layer as? any SharedLayerCall)?.firstCallName ?? name }
}
