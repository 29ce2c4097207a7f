/// A plot before layout: nodes with HTML-table labels, edges, clusters and attributes, in a fixed order.
///
/// One description, two readers: `dot` serialises it to DOT text (golden-tested, written by `--format dot`),
/// and `GraphvizRenderer` builds the same nodes and edges as a cgraph graph in memory (agopen/agnode/agedge,
/// labels through agstrdup_html) instead of re-parsing the text, so nothing is escaped twice or lost in a round trip.
public struct PlotDescription: Sendable, Equatable {
    /// An attribute value: plain text (netviz's own constants: colours, sizes) or an HTML label.
    /// All text that comes from the model or the user is put in HTML labels, escaped by `HTML.escape`.
    public enum Value: Sendable, Equatable {
        case plain(String)
        case html(String)
    }

    public struct Attribute: Sendable, Equatable {
        public var name: String
        public var value: Value
        public init(_ name: String, _ value: Value) {
            self.name = name
            self.value = value
        }
    }

    public struct Node: Sendable, Equatable {
        /// `n0`, `n1`, ...: the index of the layer it draws (or `legend`); never user text.
        public var id: String
        public var attributes: [Attribute]
    }

    public struct Edge: Sendable, Equatable {
        public var from: String
        public var to: String
    }

    /// A box around nodes (`subgraph cluster_...`): a run of repeated blocks, or a nested model.
    public struct Cluster: Sendable, Equatable {
        public var id: String
        public var attributes: [Attribute]
        /// The nodes directly inside (not those of clusters inside it).
        public var nodeIDs: [String]
        /// The cluster this one is drawn inside (a model nested in a nested model).
        public var parent: String? = nil
    }

    /// The DOT graph ID: the model name reduced to `[A-Za-z0-9_]` (the title, not the ID, shows user text).
    public var name: String
    public var graphAttributes: [Attribute]
    public var nodeDefaults: [Attribute]
    public var edgeDefaults: [Attribute]
    public var nodes: [Node]
    public var edges: [Edge]
    public var clusters: [Cluster]

    /// The DOT text: same description, same bytes.
    public var dot: String {
        var out = "digraph \(name) {\n"
        func list(_ attributes: [Attribute]) -> String {
            attributes.map { "\($0.name)=\(Self.dotValue($0.value))" }.joined(separator: ", ")
        }
        for attribute in graphAttributes { out += "  \(attribute.name)=\(Self.dotValue(attribute.value));\n" }
        if !nodeDefaults.isEmpty { out += "  node [\(list(nodeDefaults))];\n" }
        if !edgeDefaults.isEmpty { out += "  edge [\(list(edgeDefaults))];\n" }
        func write(_ items: [Item], indent: String) {
            for item in items {
                switch item {
                case .node(let node):
                    out += "\(indent)\(node.id) [\(list(node.attributes))];\n"
                case .cluster(let cluster, let members):
                    out += "\(indent)subgraph \(cluster.id) {\n"
                    for attribute in cluster.attributes {
                        out += "\(indent)  \(attribute.name)=\(Self.dotValue(attribute.value));\n"
                    }
                    write(members, indent: indent + "  ")
                    out += "\(indent)}\n"
                }
            }
        }
        write(ordered, indent: "  ")
        for edge in edges { out += "  \(edge.from) -> \(edge.to);\n" }
        out += "}\n"
        return out
    }

    /// One statement of the graph body: a node, or a cluster with what is inside it.
    indirect enum Item {
        case node(Node)
        case cluster(Cluster, members: [Item])
    }

    /// Nodes in order, each cluster written once where its first node falls (clusters inside clusters likewise).
    /// Both readers walk this, so DOT text and the in-memory graph create nodes in the same order (which dot's
    /// layout depends on).
    var ordered: [Item] {
        var index: [String: Int] = [:]
        for (k, cluster) in clusters.enumerated() where index[cluster.id] == nil { index[cluster.id] = k }
        var clusterOf: [String: Int] = [:]
        for (k, cluster) in clusters.enumerated() {
            for id in cluster.nodeIDs where clusterOf[id] == nil { clusterOf[id] = k }
        }
        // Each node's clusters, innermost first (bounded, so a parent cycle cannot loop).
        func chain(_ id: String) -> [Int] {
            var out: [Int] = []
            var current = clusterOf[id]
            while let k = current, out.count < clusters.count, !out.contains(k) {
                out.append(k)
                current = clusters[k].parent.flatMap { index[$0] }
            }
            return out
        }
        let chains = nodes.map { chain($0.id) }
        func items(in parent: Int?) -> [Item] {
            var out: [Item] = []
            var emitted: Set<Int> = []
            for (node, chain) in zip(nodes, chains) {
                let child: Int?
                if let parent {
                    guard let position = chain.firstIndex(of: parent) else { continue }
                    child = position > 0 ? chain[position - 1] : nil
                } else {
                    child = chain.last
                }
                guard let child else {
                    out.append(.node(node))
                    continue
                }
                if emitted.insert(child).inserted { out.append(.cluster(clusters[child], members: items(in: child))) }
            }
            return out
        }
        return items(in: nil)
    }

    static func dotValue(_ value: Value) -> String {
        switch value {
        // Plain values are netviz's constants; quotes are escaped anyway so the text always parses.
        case .plain(let text): "\"" + text.replacingOccurrences(of: "\"", with: "\\\"") + "\""
        case .html(let text): "<" + text + ">"
        }
    }
}

/// Escaping for Graphviz HTML labels (an XML dialect parsed by expat).
enum HTML {
    /// `&`, `<`, `>`, quotes as entities; characters XML cannot carry at all (`UntrustedText.xmlForbidden`) as U+FFFD.
    static func escape(_ text: String) -> String {
        replacing(text) { scalar in
            switch scalar {
            case "&": "&amp;"
            case "<": "&lt;"
            case ">": "&gt;"
            case "\"": "&quot;"
            case "'": "&#39;"
            case _ where UntrustedText.xmlForbidden(scalar): "\u{FFFD}"
            default: nil
            }
        }
    }

    /// `text` with each scalar for which `replacement` gives a string replaced by it, in one pass.
    static func replacing(_ text: String, _ replacement: (Unicode.Scalar) -> String?) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if let replaced = replacement(scalar) { out += replaced } else { out.unicodeScalars.append(scalar) }
        }
        return out
    }
}
