/// One layer in a built model: the layer value, where its inputs come from and its inferred outputs.
public struct Node: Sendable {
    public let index: Int
    public let name: String
    public let layer: any Layer
    /// Indices (into `Model.nodes`) of the nodes whose outputs feed this one, in call order.
    public let inbound: [Int]
    /// Which output of each inbound node is read (Keras's tensor index); empty when every one is the first.
    public let inboundPorts: [Int]
    public let inputSpecs: [TensorSpec]
    /// The first output: every layer has one, and most have only this one.
    public let output: TensorSpec
    /// Outputs after the first (an LSTM's states, ONNX's Split); empty for most layers.
    public let extraOutputs: [TensorSpec]
    /// The layer itself, looking through wrappers such as a frozen layer: what lint, cost grouping and kernels read.
    public var baseLayer: any Layer {
        var current = layer
        // A later call of a frozen layer wraps a wrapper; every level is bounded by how the importer builds them.
        while let wrapper = current as? any WrappingLayer { current = wrapper.base }
        return current
    }

    /// The Keras class; a nested model, keras.ops node or imported unknown class names its own.
    /// Stored, because reports and lint read it for every node.
    public let className: String

    init(
        index: Int, name: String, layer: any Layer, inbound: [Int], inboundPorts: [Int] = [], inputSpecs: [TensorSpec],
        output: TensorSpec, extraOutputs: [TensorSpec] = []
    ) {
        self.index = index
        self.name = name
        self.layer = layer
        self.inbound = inbound
        self.inboundPorts = inboundPorts
        self.inputSpecs = inputSpecs
        self.output = output
        self.extraOutputs = extraOutputs
        className = (layer as? any InstanceClassName)?.instanceClassName ?? type(of: layer).className
        isLaterCall = layer is any SharedLayerCall
    }

    /// Whether this node is a second or later call of a shared layer (its weights belong to the first call).
    public let isLaterCall: Bool

    /// Every output, the first one first.
    public var outputs: [TensorSpec] { [output] + extraOutputs }

    /// The output shape as Keras's summary prints it: `(None, 4)`, or a list `[(None, 5, 4), (None, 4)]` for a layer
    /// with several outputs.
    public var outputDescription: String {
        extraOutputs.isEmpty ? output.description : "[" + outputs.map(\.description).joined(separator: ", ") + "]"
    }

    /// The output of this node read by its `position`-th input.
    public func port(ofInput position: Int) -> Int {
        position < inboundPorts.count ? inboundPorts[position] : 0
    }
}

/// A node as a format reader describes it, for `Model(name:describing:...)`: formats whose files name every edge
/// (ONNX, TFLite) build the graph directly rather than by calling layers.
public struct NodeDescription: Sendable {
    public var name: String
    public var layer: any Layer
    /// (node index, output index) of each input, in order; every node index is below this node's.
    public var inputs: [(node: Int, port: Int)]
    public var outputs: [TensorSpec]

    public init(name: String, layer: any Layer, inputs: [(node: Int, port: Int)], outputs: [TensorSpec]) {
        self.name = name
        self.layer = layer
        self.inputs = inputs
        self.outputs = outputs
    }
}

/// An immutable layer graph in topological order, the single value every report, plot and check reads.
public struct Model: Sendable {
    public let name: String
    public let nodes: [Node]
    public let inputIndices: [Int]
    public let outputIndices: [Int]
    /// Which output of each output node is a model output; empty when every one is the first.
    public let outputPorts: [Int]

    /// `keras.Model(inputs=..., outputs=...)`: the layers that lead from `inputs` to `outputs`.
    public init(inputs: [SymbolicTensor], outputs: [SymbolicTensor], name: String = "functional") throws {
        guard !outputs.isEmpty else { throw NetVizError.graph("a model needs at least one output") }
        let calls = Self.calls(leadingTo: outputs)

        let inputIDs = Set(inputs.map { ObjectIdentifier($0.producer) })
        for input in inputs where type(of: input.producer.layer) != InputLayer.self {
            throw NetVizError.graph("model input '\(input.layerName)' is not an Input")
        }
        // nil: the calls' own names (see buildTimeNames), not copied into an array of a million.
        let names = Self.buildTimeNamesApply(calls) ? nil : try Self.uniqueNames(calls.map(\.layer))
        // A call's node index is its place in `calls`, found by its sequence number (no dictionary of a million).
        func indexOf(_ call: LayerCall) -> Int? {
            var low = 0, high = calls.count
            while low < high {
                let middle = (low + high) / 2
                if calls[middle].sequence < call.sequence { low = middle + 1 } else { high = middle }
            }
            return low < calls.count && calls[low] === call ? low : nil
        }
        var nodes: [Node] = []
        nodes.reserveCapacity(calls.count)
        for (position, call) in calls.enumerated() {
            let name = names?[position] ?? call.name
            if type(of: call.layer) == InputLayer.self, !inputIDs.contains(ObjectIdentifier(call)) {
                throw NetVizError.graph("the outputs depend on input '\(call.name)', which is not among the model's inputs")
            }
            let inbound = call.inputs.compactMap { indexOf($0.producer) }
            let ports = call.inputs.map(\.port)
            nodes.append(
                Node(
                    index: nodes.count, name: name, layer: call.layer, inbound: inbound,
                    inboundPorts: ports.allSatisfy { $0 == 0 } ? [] : ports,
                    inputSpecs: call.inputs.map(\.spec), output: call.output, extraOutputs: call.extraOutputs))
        }
        var inputIndices: [Int] = []
        for input in inputs {
            guard let index = indexOf(input.producer) else {
                throw NetVizError.graph("input '\(input.layerName)' does not lead to any output")
            }
            inputIndices.append(index)
        }
        self.name = name
        self.nodes = nodes
        self.inputIndices = inputIndices
        self.outputIndices = outputs.compactMap { indexOf($0.producer) }
        let ports = outputs.map(\.port)
        outputPorts = ports.allSatisfy { $0 == 0 } ? [] : ports
    }

    /// A model from nodes in topological order, as a format reader describes them (checked here, so a reader's
    /// mistake is an error, not a broken graph). `inputs` are node indices; `outputs` are (node, output index).
    public init(name: String, describing described: [NodeDescription], inputs: [Int], outputs: [(node: Int, port: Int)]) throws {
        guard !outputs.isEmpty else { throw NetVizError.graph("a model needs at least one output") }
        var nodes: [Node] = []
        nodes.reserveCapacity(described.count)
        var names = NameAllocator(capacity: described.count)
        for (index, node) in described.enumerated() {
            try names.reserve(node.name)
            guard let first = node.outputs.first else { throw NetVizError.graph("node '\(node.name)' has no output") }
            var specs: [TensorSpec] = []
            for input in node.inputs {
                guard input.node >= 0, input.node < index, input.port >= 0, input.port < described[input.node].outputs.count else {
                    throw NetVizError.graph("node '\(node.name)' reads an output that does not come before it")
                }
                specs.append(described[input.node].outputs[input.port])
            }
            let ports = node.inputs.map(\.port)
            nodes.append(
                Node(
                    index: index, name: node.name, layer: node.layer, inbound: node.inputs.map(\.node),
                    inboundPorts: ports.allSatisfy { $0 == 0 } ? [] : ports, inputSpecs: specs, output: first,
                    extraOutputs: Array(node.outputs.dropFirst())))
        }
        for output in outputs {
            guard output.node >= 0, output.node < nodes.count, output.port >= 0, output.port < nodes[output.node].outputs.count else {
                throw NetVizError.graph("a model output names no node output")
            }
        }
        for input in inputs where input < 0 || input >= nodes.count {
            throw NetVizError.graph("a model input names no node")
        }
        self.name = name
        self.nodes = nodes
        inputIndices = inputs
        outputIndices = outputs.map(\.node)
        let ports = outputs.map(\.port)
        outputPorts = ports.allSatisfy { $0 == 0 } ? [] : ports
    }

    /// Keras-style names, settled per model so they are deterministic: given names as they are, then
    /// `stem`, `stem_1`, ... in creation order for the rest, skipping names already taken.
    /// (While building, `NameScope` gives the same names to a single-input graph, for error messages.)
    static func uniqueNames(_ layers: [any Layer]) throws -> [String] {
        var names = NameAllocator(capacity: layers.count)
        for name in layers.compactMap(\.name) { try names.reserve(name) }
        return layers.map { layer in layer.name ?? names.next(stem: type(of: layer).defaultNameStem) }
    }

    /// Whether the names the calls got while building are what `uniqueNames` would give: one scope that never
    /// merged another, whose every claim is one of these calls (so no dead branch took a number). Saves naming a
    /// million-layer chain twice.
    static func buildTimeNamesApply(_ calls: [LayerCall]) -> Bool {
        guard let scope = calls.first?.scope.root, !scope.merged, scope.size == calls.count else { return false }
        return calls.allSatisfy { $0.scope.root === scope }
    }

    /// Every call the outputs depend on, in creation order (so topological), collected iteratively (chains can be
    /// a million layers long); the visited set is gone when this returns, before the nodes are made.
    static func calls(leadingTo outputs: [SymbolicTensor]) -> [LayerCall] {
        var seen: Set<ObjectIdentifier> = []
        var calls: [LayerCall] = []
        var stack = outputs.map(\.producer)
        while let call = stack.popLast() {
            guard seen.insert(ObjectIdentifier(call)).inserted else { continue }
            calls.append(call)
            stack.append(contentsOf: call.inputs.map(\.producer))
        }
        calls.sort { $0.sequence < $1.sequence }
        return calls
    }

    public func node(named name: String) -> Node? { nodes.first { $0.name == name } }

    public var inputSpecs: [TensorSpec] { inputIndices.map { nodes[$0].output } }
    public var outputSpecs: [TensorSpec] {
        outputIndices.indices.map { nodes[outputIndices[$0]].outputs[outputPort($0)] }
    }

    /// The output index of the `position`-th model output.
    public func outputPort(_ position: Int) -> Int { position < outputPorts.count ? outputPorts[position] : 0 }

    /// Keras's "sequential-like" test: a single chain, where no layer merges or shares a tensor.
    /// When false, the summary adds a "Connected to" column as Keras does.
    public var isChain: Bool {
        var consumers = [Int](repeating: 0, count: nodes.count)
        for node in nodes {
            if node.inbound.count > 1 { return false }
            for source in node.inbound {
                consumers[source] += 1
                if consumers[source] > 1 { return false }
            }
        }
        return inputIndices.count == 1 && outputIndices.count == 1
    }
}
