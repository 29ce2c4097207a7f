/// Which layers a picture draws as which node, and which boxes (clusters) it draws around them.
///
/// One plan for `netviz plot` and `netviz report`, so both fold, fuse and nest the same way:
/// - `--fuse`: a Conv/Dense/Depthwise/Separable layer and the BatchNormalization and activation layer that alone
///   read it are drawn as one node (`FusedGroup`);
/// - nested models (rows of an expanded model, `NestedModelRow`) become clusters holding their layers;
/// - repeated blocks (`RepeatFinder`) are either collapsed (drawn once, the rest hidden) or only found.
struct DrawPlan {
    /// `collapse`: drawn once in a Graphviz cluster, the rest hidden. `find`: every layer drawn, no cluster (the
    /// report draws its own boxes; a Graphviz cluster of thousands of nodes takes dot quadratic time).
    enum Repeats { case ignore, collapse, find }

    /// `drawn[i]`: the drawn node that stands for layer i (i itself when it is drawn).
    private(set) var drawn: [Int]
    /// Layers without a node of their own.
    private(set) var hidden: [Bool]
    let runs: [RepeatRun]
    let repeats: Repeats
    /// Fused groups by their first layer (the drawn one).
    let fused: [Int: FusedGroup]
    let nested: [NestedCluster]
    /// `nestedOf[i]`: index into `nested` of the innermost nested model holding layer i.
    let nestedOf: [Int?]

    init(_ stats: ModelStatistics, fuse: Bool, nestedClusters: Bool, repeats: Repeats) {
        let model = stats.model
        let count = model.nodes.count
        let nested = nestedClusters ? NestedCluster.find(in: model) : []
        var nestedOf = [Int?](repeating: nil, count: count)
        // Outer clusters first, so inner ones overwrite: each layer ends up with its innermost model.
        for (k, cluster) in nested.enumerated() { for i in cluster.members { nestedOf[i] = k } }
        // A run that crosses a nested model's border could not be drawn as one box: it is left out.
        let runs = repeats == .ignore
            ? []
            : RepeatFinder.runs(in: stats).filter { run in
                (run.start..<run.end).allSatisfy { nestedOf[$0] == nestedOf[run.start] }
            }
        // Layers in the same box and block may fuse; a fused node never straddles a border.
        var runOf = [Int](repeating: -1, count: count), blockOf = [Int](repeating: -1, count: count)
        for (r, run) in runs.enumerated() {
            for i in run.start..<run.end { (runOf[i], blockOf[i]) = (r, (i - run.start) / run.length) }
        }
        let fused = fuse
            ? FusedGroup.find(in: model) { a, b in
                nestedOf[a] == nestedOf[b] && runOf[a] == runOf[b] && blockOf[a] == blockOf[b]
            }
            : []
        var fusedByHead: [Int: FusedGroup] = [:]
        for group in fused { fusedByHead[group.members[0]] = group }

        drawn = Array(0..<count)
        hidden = [Bool](repeating: false, count: count)
        self.runs = runs
        self.repeats = repeats
        self.fused = fusedByHead
        self.nested = nested
        self.nestedOf = nestedOf
        // Each rule maps a layer to an earlier one, so one pass in order settles every chain of mappings.
        var target = Array(0..<count)
        for cluster in nested {
            target[cluster.header] = model.nodes[cluster.header].inbound.first ?? cluster.header
            hidden[cluster.header] = model.nodes[cluster.header].inbound.first != nil
        }
        if repeats == .collapse {
            for run in runs {
                for i in (run.start + run.length)..<run.end {
                    target[i] = run.start + (i - run.start) % run.length
                    hidden[i] = true
                }
            }
        }
        for group in fused {
            for i in group.members.dropFirst() {
                target[i] = group.members[0]
                hidden[i] = true
            }
        }
        for i in 0..<count { drawn[i] = target[i] == i ? i : drawn[target[i]] }
    }

    /// The layers a drawn node stands for (itself, or its fused group), in order.
    func layers(of node: Int) -> [Int] { fused[node]?.members ?? [node] }
}

/// A layer that computes (Conv2D, Dense, DepthwiseConv2D, SeparableConv2D) with the BatchNormalization and/or
/// activation layer after it, drawn as one node "Conv2D + BN + ReLU6" (Netron's fused view).
struct FusedGroup: Sendable, Equatable {
    /// Layer indices, the computing layer first.
    let members: [Int]
    /// "Conv2D + BN + ReLU6".
    let title: String

    /// Groups in model order. `together(a, b)`: whether layers a and b may share a node (same box in the picture).
    static func find(in model: Model, together: (Int, Int) -> Bool) -> [FusedGroup] {
        let nodes = model.nodes
        var consumers = [[Int]](repeating: [], count: nodes.count)
        for node in nodes { for source in node.inbound { consumers[source].append(node.index) } }
        let outputs = Set(model.outputIndices)
        /// The one layer that reads `i` and reads nothing else, when `i` is not a model output.
        func soleReader(_ i: Int) -> Int? {
            guard !outputs.contains(i), consumers[i].count == 1, let j = consumers[i].first, nodes[j].inbound == [i],
                together(i, j)
            else { return nil }
            return j
        }
        var groups: [FusedGroup] = []
        for node in nodes where isComputing(node.baseLayer) {
            var members = [node.index]
            var parts = [node.className]
            if let next = soleReader(node.index), nodes[next].baseLayer is BatchNormalization {
                members.append(next)
                parts.append("BN")
            }
            if let last = members.last, let next = soleReader(last), let name = activationName(nodes[next].baseLayer) {
                members.append(next)
                parts.append(name)
            }
            if members.count > 1 { groups.append(FusedGroup(members: members, title: parts.joined(separator: " + "))) }
        }
        return groups
    }

    static func isComputing(_ layer: any Layer) -> Bool {
        layer is Conv2D || layer is Dense || layer is DepthwiseConv2D || layer is SeparableConv2D
    }

    /// "ReLU6", "ReLU", "swish", ... for an activation layer; nil for any other layer.
    static func activationName(_ layer: any Layer) -> String? {
        if let relu = layer as? ReLU { return relu.maxValue == 6 ? "ReLU6" : "ReLU" }
        if let activation = layer as? Activation {
            switch activation.function {
            case .relu: return "ReLU"
            case .relu6: return "ReLU6"
            default: return activation.function.rawValue
            }
        }
        return nil
    }
}

/// A nested model of an expanded model: its row (`header`) and the rows of its layers right after it.
struct NestedCluster: Sendable, Equatable {
    let header: Int
    let members: Range<Int>

    /// Outer models come before the models inside them.
    static func find(in model: Model) -> [NestedCluster] {
        model.nodes.compactMap { node in
            guard let row = node.layer as? NestedModelRow else { return nil }
            let end = min(model.nodes.count, node.index + 1 + row.members)
            return NestedCluster(header: node.index, members: (node.index + 1)..<end)
        }
    }
}
