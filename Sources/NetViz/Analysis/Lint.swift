/// A layer that carries what its importer found about it: lines for `Lint` to report, and, for an operator netviz
/// cannot count (let through with `--allow-unknown`), what it is ("TFLite operator LSTM").
public protocol ImportNotes {
    var importWarnings: [String] { get }
    var uncountedOperator: String? { get }
    /// How it was read, said after "has no counting rule in netviz; ".
    var uncountedNote: String { get }
}

extension ImportNotes {
    public var uncountedNote: String {
        "imported with --allow-unknown with the file's output shape, 0 params and 0 MACs: its MACs are missing from the totals"
    }
}

/// Checks for graphs that are legal but probably not what their author meant, one rule per function.
/// Each finding is one line naming the layer. A rule may fold another's finding for the same layer into
/// its own line, so one mistake reads as one warning.
public enum Lint {
    public static func warnings(for model: Model) -> [String] {
        var found: [String] = []
        var flagged: Set<Int> = []
        for node in model.nodes {
            if let message = channelsFirstPooling(node, in: model) {
                found.append(message)
            }
            if let message = denseOnPositions(node) {
                found.append(message)
                flagged.insert(node.index)
            }
            if !flagged.contains(node.index), let message = softmaxNotRank2(node) {
                found.append(message)
            }
        }
        return found + importNotes(model) + unknownClasses(model)
    }

    /// What importers found about their layers (a file's shape that netviz's rule disagrees with), then the
    /// operators they could not count, one line per operator type naming its rows.
    static func importNotes(_ model: Model) -> [String] {
        var found: [String] = []
        var uncounted: [String: (layers: [String], note: String)] = [:]
        var order: [String] = []
        for node in model.nodes where !node.isLaterCall {
            guard let notes = node.baseLayer as? any ImportNotes else { continue }
            found += notes.importWarnings.map { "\(node.name) (\(node.className)): \($0)" }
            if let what = notes.uncountedOperator {
                if uncounted[what] == nil { order.append(what) }
                uncounted[what, default: ([], notes.uncountedNote)].layers.append("'\(node.name)'")
            }
        }
        return found + order.map { what in
            "\(what) (\(Limits.list(uncounted[what]?.layers ?? []))) has no counting rule in netviz; \(uncounted[what]?.note ?? "")"
        }
    }

    /// Classes imported with `--allow-unknown`, one line per class naming its layers: their counts are missing, so
    /// the totals are a lower bound. The one report of them (summary shows it; plot and compare print it).
    public static func unknownClasses(_ model: Model) -> [String] {
        var layers: [String: [String]] = [:]
        var order: [String] = []
        for node in model.nodes where node.className.hasSuffix(", unknown") {
            let className = String(node.className.dropLast(", unknown".count))
            if layers[className] == nil { order.append(className) }
            layers[className, default: []].append("'\(node.name)'")
        }
        let onnx = Set(model.nodes.filter { $0.layer is ONNXOperator }.map(\.className))
        return order.map { className in
            onnx.contains(className + ", unknown")
                ? "unknown ONNX op \(className) (\(Limits.list(layers[className] ?? []))) read with --allow-unknown: its "
                    + "shapes are the file's value_info, its MACs are missing from the totals"
                : "unknown Keras class \(className) (\(Limits.list(layers[className] ?? []))) imported with --allow-unknown as "
                    + "shape-preserving, 0 params and 0 MACs: its counts are missing from the totals"
        }
    }

    /// The article's bug: `data_format='channels_first'` pooling on a tensor that channels_last layers made.
    static func channelsFirstPooling(_ node: Node, in model: Model) -> String? {
        guard let pool = node.baseLayer.spatial, pool.pools, pool.dataFormat == .channelsFirst,
            let producer = nearestDataFormat(before: node, in: model),
            producer.format == .channelsLast
        else { return nil }
        let input = node.inputSpecs[0]
        return "\(node.name) (\(node.className)): data_format='channels_first' on \(input), which "
            + "'\(producer.name)' made channels_last: it pools over the last two axes and treats \(input.dims[0]) "
            + "as channels, giving \(node.output); use data_format='channels_last'"
    }

    /// The nearest upstream layer that states a data format (the model input counts as channels_last).
    static func nearestDataFormat(before node: Node, in model: Model) -> (name: String, format: DataFormat)? {
        var current = node
        while let source = current.inbound.first {
            current = model.nodes[source]
            if let layer = current.baseLayer.spatial, !layer.pools { return (current.name, layer.dataFormat) }
            if current.baseLayer is InputLayer { return (current.name, .channelsLast) }
        }
        return nil
    }

    /// Dense on a feature map (rank 4 or more) runs once per position: usually a missing Flatten. On a sequence
    /// (rank 3) per-step Dense is what transformers and sequence models mean, so it is not flagged.
    static func denseOnPositions(_ node: Node) -> String? {
        guard node.className == Dense.className, let dense = node.baseLayer as? Dense, let input = node.inputSpecs.first, input.rank > 3
        else { return nil }
        let positions = input.dims.dropLast()
        guard positions.contains(where: { $0 != 1 }) else { return nil }
        let count = positions.reduce(1, *)
        var message = "\(node.name) (Dense): applied to rank-\(input.rank) input \(input), so it runs separately at "
            + "\(count) positions (\(count)x the MACs of one) and outputs \(node.output); add Flatten or "
            + "GlobalAveragePooling2D before it"
        if dense.activation?.normalisesLastAxis == true {
            message += "; its \(dense.activation?.rawValue ?? "") is taken per position, not over one class vector"
        }
        return message
    }

    /// A classifier's softmax should see (batch, classes).
    static func softmaxNotRank2(_ node: Node) -> String? {
        guard node.layer.activation?.normalisesLastAxis == true, node.output.rank != 2 else { return nil }
        return "\(node.name) (\(node.className)): \(node.layer.activation?.rawValue ?? "softmax") output "
            + "\(node.output) is rank \(node.output.rank), not (batch, classes)"
    }
}
