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

    /// A box around nodes (`subgraph cluster_...`): a collapsed run of repeated blocks.
    public struct Cluster: Sendable, Equatable {
        public var id: String
        public var attributes: [Attribute]
        public var nodeIDs: [String]
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
        for item in ordered {
            switch item {
            case .node(let node):
                out += "  \(node.id) [\(list(node.attributes))];\n"
            case .cluster(let cluster, let members):
                out += "  subgraph \(cluster.id) {\n"
                for attribute in cluster.attributes { out += "    \(attribute.name)=\(Self.dotValue(attribute.value));\n" }
                for node in members { out += "    \(node.id) [\(list(node.attributes))];\n" }
                out += "  }\n"
            }
        }
        for edge in edges { out += "  \(edge.from) -> \(edge.to);\n" }
        out += "}\n"
        return out
    }

    /// One statement of the graph body: a node, or a cluster with its nodes.
    enum Item {
        case node(Node)
        case cluster(Cluster, members: [Node])
    }

    /// Nodes in order, each cluster written once where its first node falls. Both readers walk this,
    /// so DOT text and the in-memory graph create nodes in the same order (which dot's layout depends on).
    var ordered: [Item] {
        var clusterOf: [String: Int] = [:]
        for (index, cluster) in clusters.enumerated() {
            for id in cluster.nodeIDs where clusterOf[id] == nil { clusterOf[id] = index }
        }
        var items: [Item] = []
        var emitted: Set<Int> = []
        for node in nodes {
            guard let index = clusterOf[node.id] else {
                items.append(.node(node))
                continue
            }
            guard emitted.insert(index).inserted else { continue }
            items.append(.cluster(clusters[index], members: nodes.filter { clusterOf[$0.id] == index }))
        }
        return items
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
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case _ where UntrustedText.xmlForbidden(scalar): out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
