/// One layer in a built model: the layer value, where its inputs come from and its inferred output.
public struct Node: Sendable {
    public let index: Int
    public let name: String
    public let layer: any Layer
    /// Indices (into `Model.nodes`) of the nodes whose outputs feed this one, in call order.
    public let inbound: [Int]
    public let inputSpecs: [TensorSpec]
    public let output: TensorSpec
    /// The layer itself, looking through wrappers such as a frozen layer: what lint, cost grouping and kernels read.
    public var baseLayer: any Layer { (layer as? any WrappingLayer)?.base ?? layer }

    /// The Keras class; a nested model, keras.ops node or imported unknown class names its own.
    /// Stored, because reports and lint read it for every node.
    public let className: String

    init(index: Int, name: String, layer: any Layer, inbound: [Int], inputSpecs: [TensorSpec], output: TensorSpec) {
        self.index = index
        self.name = name
        self.layer = layer
        self.inbound = inbound
        self.inputSpecs = inputSpecs
        self.output = output
        className = (layer as? any InstanceClassName)?.instanceClassName ?? type(of: layer).className
    }
}

/// An immutable layer graph in topological order, the single value every report, plot and check reads.
public struct Model: Sendable {
    public let name: String
    public let nodes: [Node]
    public let inputIndices: [Int]
    public let outputIndices: [Int]

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
            nodes.append(
                Node(
                    index: nodes.count, name: name, layer: call.layer, inbound: inbound,
                    inputSpecs: call.inputs.map(\.spec), output: call.output))
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
    public var outputSpecs: [TensorSpec] { outputIndices.map { nodes[$0].output } }

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
