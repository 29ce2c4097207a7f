/// One ONNX node in a netviz `Model`: its op type (shown as the class), attributes, and what the reader worked out
/// for it (output shapes, weights, MACs by the rules of `ONNXOps`). The graph's edges name every input, so shapes
/// are inferred once while reading, with the values of constant inputs at hand, and stored here.
struct ONNXOperator: Layer, InstanceClassName {
    static let className = "ONNX"
    static let arity = Arity.none

    /// Where each of the node's ONNX inputs comes from, in ONNX's order.
    enum Slot: Sendable {
        /// The `position`-th of the node's inbound tensors.
        case activation(Int)
        /// An initializer, passed to the kernel as the weight of that name.
        case weight(String)
        /// A value known when the file was read (a Constant node, a small initializer, folded shape arithmetic).
        case constant(ONNXValue)
        /// An optional input left out.
        case absent
    }

    var name: String?
    let node: ONNXNodeProto
    /// An op netviz has no rule for, read under `--allow-unknown`: shapes from the file, MACs missing.
    var unknown = false
    let slots: [Slot]
    let outputs: [TensorSpec]
    let weightSpecs: [WeightSpec]
    let macCount: Int64
    /// The part of `macCount` that multiplies two activations (attention's Q·Kᵀ and A·V).
    let activationMACs: Int64
    let group: String?
    /// The values of a node evaluated while reading, kept as a row under `--show-constants`: its kernel returns them.
    var folded: [ONNXValue]? = nil

    var instanceClassName: String { unknown ? "\(node.opType), unknown" : node.opType }
    var activation: ActivationFunction? { nil }

    func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        guard let first = outputs.first else { throw LayerProblem("has no output") }
        return first
    }

    func weights(for inputs: [TensorSpec]) -> [WeightSpec] { weightSpecs }
    func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { macCount }
    func activationProductMACs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { activationMACs }
    func costGroup(for inputs: [TensorSpec]) -> String? { group }
}
