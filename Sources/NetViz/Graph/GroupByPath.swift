/// `--depth N`: rows grouped by the module path in their names, as torchinfo's `depth`. PyTorch's exporter names a
/// node by the module that made it (`/features/features.1/conv/conv.0/Conv`); at depth 2 that node is a member of
/// `/features/features.1`. A group is one row: its members' weights and MACs summed, the output of its last member.
/// Nodes with fewer path levels than N (and names that are not paths) keep their own rows.
extension Model {
    public func groupedByPath(depth: Int) throws -> Model {
        guard depth >= 1 else { throw NetVizError.invalidSetting(name: "depth", message: "must be at least 1, got \(depth)") }
        // The group of each node: the first `depth` components of its path, or the node alone.
        var keys: [String] = []
        var groupOf = [Int](repeating: 0, count: nodes.count)
        var indexOfKey: [String: Int] = [:]
        var members: [[Int]] = []
        for node in nodes {
            let parts = node.name.split(separator: "/", omittingEmptySubsequences: true)
            let grouped = node.name.hasPrefix("/") && parts.count > depth && !inputIndices.contains(node.index)
            let key = grouped ? "/" + parts.prefix(depth).joined(separator: "/") : "\u{0}" + node.name
            if let existing = indexOfKey[key] {
                groupOf[node.index] = existing
                members[existing].append(node.index)
            } else {
                indexOfKey[key] = keys.count
                groupOf[node.index] = keys.count
                keys.append(key)
                members.append([node.index])
            }
        }
        var described: [NodeDescription] = []
        for (group, indices) in members.enumerated() {
            guard indices.count > 1, let last = indices.last else {
                let node = nodes[indices[0]]
                described.append(NodeDescription(
                    name: node.name, layer: node.layer,
                    inputs: node.inbound.indices.map { (groupOf[node.inbound[$0]], node.port(ofInput: $0)) }, outputs: node.outputs))
                continue
            }
            var inputs: [(node: Int, port: Int)] = []
            var weights: [WeightSpec] = []
            var macs: Int64 = 0, activationMACs: Int64 = 0
            for index in indices {
                let node = nodes[index]
                for (position, source) in node.inbound.enumerated() where groupOf[source] != group {
                    if !inputs.contains(where: { $0.node == groupOf[source] }) { inputs.append((groupOf[source], node.port(ofInput: position))) }
                }
                weights += node.layer.weights(for: node.inputSpecs).map { spec in
                    var named = spec
                    named.name = node.name + "/" + spec.name
                    return named
                }
                macs = try Checked.add(macs, node.layer.macs(for: node.inputSpecs, output: node.output))
                activationMACs = try Checked.add(activationMACs, node.layer.activationProductMACs(for: node.inputSpecs, output: node.output))
            }
            let layer = PathGroup(
                name: String(keys[group]), members: indices.count, weightSpecs: weights, macCount: macs,
                activationMACs: activationMACs, output: nodes[last].output)
            described.append(NodeDescription(name: String(keys[group]), layer: layer, inputs: inputs, outputs: [nodes[last].output]))
        }
        do {
            return try Model(
                name: name, describing: described, inputs: inputIndices.map { groupOf[$0] },
                outputs: outputIndices.indices.map { (groupOf[outputIndices[$0]], outputPort($0)) })
        } catch NetVizError.graph {
            throw NetVizError.invalidSetting(
                name: "depth", message: "the modules at depth \(depth) interleave (one reads another that reads it); try another depth")
        }
    }
}

/// The row of one module at `--depth N`: its members' weights and MACs; applies no function of its own.
struct PathGroup: Layer, InstanceClassName {
    static let className = "Module"
    static let arity = Arity.none
    var name: String?
    let members: Int
    let weightSpecs: [WeightSpec]
    let macCount: Int64
    let activationMACs: Int64
    let output: TensorSpec

    var instanceClassName: String { "\(members) ops" }
    var activation: ActivationFunction? { nil }
    func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec { output }
    func weights(for inputs: [TensorSpec]) -> [WeightSpec] { weightSpecs }
    func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { macCount }
    func activationProductMACs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { activationMACs }
}
