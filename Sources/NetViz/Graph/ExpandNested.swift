/// `--expand-nested`: the rows of `model.summary(expand_nested=True)`. Each nested model's row is followed by its
/// layers, named `   └ layer` (three spaces per level, as Keras does), without the InputLayer of a Sequential.
/// So that the totals still add up, the nested model's own row carries no weights here (Keras repeats its total);
/// its layers carry them. Indented (for tables) the inner rows have no connections, as Keras prints `-`;
/// not indented (for plots) they are wired from the nested model's row to its output.
extension Model {
    public var hasNestedModels: Bool { nodes.contains { $0.layer is NestedModel || Self.nested($0.layer) != nil } }

    static func nested(_ layer: any Layer) -> NestedModel? {
        if let nested = layer as? NestedModel { return nested }
        if let frozen = layer as? FrozenLayer<OneInput>, let nested = frozen.base as? NestedModel { return nested }
        return nil
    }

    /// This model with every nested model's layers listed after it (recursively, iteratively bounded by
    /// the import's nesting limit); the model itself when nothing is nested.
    /// `indent: false` keeps the layers' own names (for plots, where nesting is drawn, not typed).
    public func expandingNested(indent: Bool = true) -> Model {
        guard hasNestedModels else { return self }
        var nodes: [Node] = []
        var mapped = [Int](repeating: 0, count: self.nodes.count)
        for node in self.nodes {
            mapped[node.index] = nodes.count
            let inbound = node.inbound.map { mapped[$0] }
            guard let nested = Self.nested(node.layer) else {
                nodes.append(Node(index: nodes.count, name: node.name, layer: node.layer, inbound: inbound,
                                  inboundPorts: node.inboundPorts, inputSpecs: node.inputSpecs, output: node.output,
                                  extraOutputs: node.extraOutputs))
                continue
            }
            let frozen = !(node.layer is NestedModel)
            nodes.append(Node(
                index: nodes.count, name: node.name,
                layer: NestedModelRow(kerasClassName: nested.kerasClassName, name: node.name), inbound: inbound,
                inputSpecs: node.inputSpecs, output: node.output))
            // In a plot, later layers read the nested model's output: connect them to its last layer's row.
            // In a table, as Keras prints it, they read the nested model's row and its layers show no connections.
            let header = nodes.count - 1
            let output = Self.appendInner(nested, header: header, level: 1, indent: indent, frozen: frozen, to: &nodes)
            Self.setMembers(of: header, in: &nodes)
            if !indent { mapped[node.index] = output }
        }
        return Model(
            name: name, nodes: nodes, inputIndices: inputIndices.map { mapped[$0] },
            outputIndices: outputIndices.map { mapped[$0] }, outputPorts: outputPorts)
    }

    /// Appends the rows of `nested` after its header row; returns the row of its output.
    private static func appendInner(
        _ nested: NestedModel, header: Int, level: Int, indent: Bool, frozen: Bool, to nodes: inout [Node]
    ) -> Int {
        let prefix = indent ? String(repeating: "   ", count: level) + "└ " : ""
        var mapped = [Int](repeating: header, count: nested.model.nodes.count)
        for inner in nested.model.nodes {
            let inbound = !indent ? (inner.inbound.isEmpty ? [header] : inner.inbound.map { mapped[$0] }) : []
            if nested.kerasClassName == "Sequential", inner.layer is InputLayer { continue }
            let innerNested = Self.nested(inner.layer)
            let layer: any Layer
            if let innerNested {
                layer = NestedModelRow(kerasClassName: innerNested.kerasClassName, name: inner.name)
            } else if frozen {
                layer = FrozenLayer<OneInput>(inner.layer)
            } else {
                layer = inner.layer
            }
            nodes.append(Node(index: nodes.count, name: prefix + inner.name, layer: layer, inbound: inbound,
                              inboundPorts: indent ? [] : inner.inboundPorts, inputSpecs: inner.inputSpecs,
                              output: inner.output, extraOutputs: inner.extraOutputs))
            mapped[inner.index] = nodes.count - 1
            if let innerNested, level < 64 {
                let innerHeader = nodes.count - 1
                mapped[inner.index] = appendInner(
                    innerNested, header: innerHeader, level: level + 1, indent: indent,
                    frozen: frozen || !(inner.layer is NestedModel), to: &nodes)
                setMembers(of: innerHeader, in: &nodes)
            }
        }
        return nested.model.outputIndices.first.map { mapped[$0] } ?? header
    }

    /// Records on a nested model's row how many rows after it are its layers (they are appended contiguously),
    /// so plots can draw them as one cluster.
    private static func setMembers(of header: Int, in nodes: inout [Node]) {
        guard var row = nodes[header].layer as? NestedModelRow else { return }
        row.members = nodes.count - header - 1
        let node = nodes[header]
        nodes[header] = Node(index: node.index, name: node.name, layer: row, inbound: node.inbound,
                             inputSpecs: node.inputSpecs, output: node.output)
    }

    /// A model from nodes already in order (used for expanded views).
    init(name: String, nodes: [Node], inputIndices: [Int], outputIndices: [Int], outputPorts: [Int] = []) {
        self.name = name
        self.nodes = nodes
        self.inputIndices = inputIndices
        self.outputIndices = outputIndices
        self.outputPorts = outputPorts
    }
}

/// The row of a nested model in an expanded view: its class and output, no weights of its own.
struct NestedModelRow: Layer, InstanceClassName {
    static let className = "Functional"
    static let arity = Arity.one
    var kerasClassName: String
    var name: String?
    /// How many rows after this one are the nested model's layers (nested models inside it included).
    var members = 0
    var activation: ActivationFunction? { nil }
    var instanceClassName: String { kerasClassName }

    func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec { inputs[0] }
    func weights(for inputs: [TensorSpec]) -> [WeightSpec] { [] }
    func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { 0 }
}
