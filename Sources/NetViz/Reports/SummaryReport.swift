import Foundation

/// Output formats of `netviz summary`.
public enum SummaryFormat: String, Sendable, CaseIterable {
    case text, markdown, json, csv
}

/// Columns the summary table can show (`--columns`), in Keras's and torchinfo's words.
public enum SummaryColumn: String, Sendable, CaseIterable {
    case layer, shape, params, macs, memory, connected, trainable
    /// Bytes of the weights as stored (`.tflite` files); shown by default when the model's file gives weight types.
    case weightBytes = "weight_bytes"

    var title: String {
        switch self {
        case .layer: "Layer (type)"
        case .shape: "Output Shape"
        case .params: "Param #"
        case .macs: "MACs"
        case .memory: "Activations"
        case .connected: "Connected to"
        case .trainable: "Trainable"
        case .weightBytes: "Weight bytes"
        }
    }

    /// Keras's proportions at its default 88 columns (layer 39, shape 31, params 18), extended.
    var weight: Int {
        switch self {
        case .layer: 39
        case .shape: 31
        case .params: 18
        case .macs: 18
        case .memory: 14
        case .connected: 36
        case .trainable: 13
        case .weightBytes: 16
        }
    }

    var alignment: TextTable.Alignment {
        switch self {
        case .params, .macs, .memory, .weightBytes: .right
        case .trainable: .center
        default: .left
        }
    }
}

public struct SummaryOptions: Sendable {
    public var format: SummaryFormat = .text
    /// nil: Layer, Output Shape, Param #, MACs, plus Connected to when the graph branches (as Keras decides).
    public var columns: [SummaryColumn]? = nil
    public var showTrainable = false
    public var lineLength: Int? = nil
    public var ascii = false

    public init() {}

    func resolvedColumns(for model: Model) -> [SummaryColumn] {
        let stored: [SummaryColumn] = model.nodes.contains { $0.layer is any StoredWeightTypes } ? [.weightBytes] : []
        var columns = self.columns ?? ([.layer, .shape, .params] + stored + [.macs] + (model.isChain ? [] : [.connected]))
        if columns.first != .layer { columns.removeAll { $0 == .layer }; columns.insert(.layer, at: 0) }
        if showTrainable, !columns.contains(.trainable) { columns.append(.trainable) }
        return columns
    }
}

/// The summary report: pure functions from statistics to text (Keras's `model.summary()` plus MACs).
public enum SummaryReport {
    public static func render(_ stats: ModelStatistics, options: SummaryOptions = SummaryOptions()) throws -> String {
        switch options.format {
        case .text: try text(stats, options: options)
        case .markdown: markdown(stats, options: options)
        case .json: jsonText(stats)
        case .csv: csv(stats)
        }
    }

    /// One cell of the table for a layer.
    static func cell(_ column: SummaryColumn, _ index: Int, _ stats: ModelStatistics) -> String {
        let node = stats.model.nodes[index]
        let layer = stats.layers[index]
        switch column {
        case .layer: return "\(node.name) (\(node.className))"
        case .shape: return shape(index, stats)
        case .params: return NumberFormat.grouped(layer.params)
        case .macs: return NumberFormat.grouped(stats.rowMACs(index))
        case .memory: return NumberFormat.memory(bytes: stats.rowActivationBytes(index))
        case .connected: return stats.calls(ofRow: index).map { connections(stats.model.nodes[$0], in: stats.model) }.joined(separator: ", ")
        case .trainable: return layer.weights.isEmpty ? "-" : (layer.trainableParams > 0 ? "Y" : "N")
        case .weightBytes: return layer.weightBytes.map(NumberFormat.grouped) ?? "-"
        }
    }

    /// A row's output shape: a shared layer's calls may differ (Keras then prints `multiple`).
    static func shape(_ index: Int, _ stats: ModelStatistics) -> String {
        let outputs = stats.calls(ofRow: index).map { stats.model.nodes[$0].outputs }
        return outputs.allSatisfy { $0 == outputs[0] } ? stats.model.nodes[index].outputDescription : "multiple"
    }

    /// Keras's "Connected to": `name[node][tensor]` for each inbound tensor, or `-`; a shared layer's later call is
    /// its layer's name with the call's node index (`encoder[1][0]`).
    static func connections(_ node: Node, in model: Model) -> String {
        node.inbound.isEmpty
            ? "-" : node.inbound.indices.map { position in
                let source = model.nodes[node.inbound[position]]
                let call = (source.layer as? any SharedLayerCall)
                return "\(call?.firstCallName ?? source.name)[\(call?.callIndex ?? 0)][\(node.port(ofInput: position))]"
            }.joined(separator: ", ")
    }

    /// The lines under the table: Keras's three totals, then MACs and activation memory.
    static func footer(_ stats: ModelStatistics) -> [String] {
        func params(_ label: String, _ count: Int64, _ bytes: Int64) -> String {
            "\(label): \(NumberFormat.grouped(count)) (\(NumberFormat.memory(bytes: bytes)))"
        }
        var lines = [
            params("Total params", stats.totalParams, stats.totalParamBytes),
            params("Trainable params", stats.trainableParams, stats.trainableParamBytes),
            params("Non-trainable params", stats.nonTrainableParams, stats.nonTrainableParamBytes),
        ]
        if stats.hasStoredWeights {
            let types = stats.weightBytesByType.map { "\($0.type) \(NumberFormat.grouped($0.bytes))" }
            lines.append(
                "Weight bytes: \(NumberFormat.grouped(stats.totalParamBytes)) (\(NumberFormat.memory(bytes: stats.totalParamBytes)))"
                    + (types.isEmpty ? "" : ": " + types.joined(separator: ", ")))
        }
        lines.append("Total MACs: \(NumberFormat.decimal(stats.totalMACs))")
        if stats.activationProductMACs > 0 {
            // Said apart: conventions differ on counting products of two activations (Docs/counting.md).
            lines.append(
                "  of which activation x activation (attention's Q.K^T and A.V): \(NumberFormat.grouped(stats.activationProductMACs))")
        }
        lines.append("Activation memory: \(NumberFormat.memory(bytes: stats.activationBytes)) (all layer outputs, batch 1)")
        return lines
    }

    public static func text(_ stats: ModelStatistics, options: SummaryOptions = SummaryOptions()) throws -> String {
        let columns = options.resolvedColumns(for: stats.model)
        var table = TextTable(
            columns: columns.map { TextTable.Column($0.title, $0.alignment, weight: $0.weight) })
        table.rows = stats.model.nodes.indices.filter(stats.isRow).map { i in columns.map { cell($0, i, stats) } }
        var out = "Model: \"\(UntrustedText.terminal(stats.model.name))\"\n"
        out += try table.render(lineLength: options.lineLength, ascii: options.ascii) + "\n"
        out += footer(stats).map { " " + $0 + "\n" }.joined()
        if !stats.warnings.isEmpty {
            out += "Warnings:\n" + stats.warnings.map { " - " + UntrustedText.terminal($0) + "\n" }.joined()
        }
        return out
    }

    public static func markdown(_ stats: ModelStatistics, options: SummaryOptions = SummaryOptions()) -> String {
        let columns = options.resolvedColumns(for: stats.model)
        let row = UntrustedText.markdownRow
        var lines = ["**Model: \"\(UntrustedText.markdown(stats.model.name))\"**", ""]
        lines.append(row(columns.map(\.title)))
        lines.append(
            "|" + columns.map {
                switch $0.alignment {
                case .right: "--:"
                case .center: ":-:"
                case .left: "---"
                }
            }.joined(separator: "|") + "|")
        for i in stats.model.nodes.indices where stats.isRow(i) { lines.append(row(columns.map { cell($0, i, stats) })) }
        lines.append("")
        lines += footer(stats).map { "- " + $0 }
        if !stats.warnings.isEmpty {
            lines += ["", "**Warnings:**", ""] + stats.warnings.map { "- " + UntrustedText.markdown($0) }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Machine-readable: one row per layer with every count; inbound layer names separated by spaces.
    public static func csv(_ stats: ModelStatistics) -> String {
        let stored = stats.hasStoredWeights
        var lines = [
            "name,type,output_shape,params,trainable_params,non_trainable_params,macs,activation_bytes,inbound"
                + (stored ? ",weight_bytes" : "")
        ]
        for (node, layer) in zip(stats.model.nodes, stats.layers) where stats.isRow(node.index) {
            let inbound = stats.calls(ofRow: node.index).flatMap { stats.model.nodes[$0].inbound }
            let cells = [
                node.name, node.className, shape(node.index, stats), String(layer.params),
                String(layer.trainableParams), String(layer.nonTrainableParams), String(stats.rowMACs(node.index)),
                String(stats.rowActivationBytes(node.index)), inbound.map { stats.model.nodes[$0].name }.joined(separator: " "),
            ] + (stored ? [layer.weightBytes.map { String($0) } ?? ""] : [])
            lines.append(cells.map(UntrustedText.csv).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The JSON other tools rely on; keys exactly as documented in Docs/cli.md.
    public static func json(_ stats: ModelStatistics) -> OrderedJSON {
        .object(jsonHeader(stats) + [("layers", .array(stats.model.nodes.indices.filter(stats.isRow).map { jsonLayer($0, stats) }))])
    }

    /// `json(stats).rendered()`, byte for byte, as one string.
    static func jsonText(_ stats: ModelStatistics) -> String {
        var out: [UInt8] = []
        writeJSON(stats) { out.append(contentsOf: $0) }
        return String(decoding: out, as: UTF8.self)
    }

    /// `json(stats).rendered()` and a newline, byte for byte, handed to `emit` in pieces of about `chunk` bytes as
    /// it is written, a layer at a time: a 1,000,000-layer summary never holds its whole text or tree of values
    /// (which took 8.7 s and a gigabyte). `--format json` writes its output this way.
    public static func writeJSON(
        _ stats: ModelStatistics, chunk: Int = 1 << 16, _ emit: (UnsafeRawBufferPointer) throws -> Void
    ) rethrows {
        var out: [UInt8] = []
        out.reserveCapacity(chunk + 4096)
        func flush(_ force: Bool = false) throws {
            guard force || out.count >= chunk else { return }
            try out.withUnsafeBytes(emit)
            out.removeAll(keepingCapacity: true)
        }
        out.append(UInt8(ascii: "{"))
        for (key, value) in jsonHeader(stats) {
            out.append(contentsOf: "\n  ".utf8)
            OrderedJSON.quote(key, into: &out)
            out.append(contentsOf: ": ".utf8)
            value.write(to: &out, indent: 1)
            out.append(UInt8(ascii: ","))
            try flush()
        }
        out.append(contentsOf: "\n  \"layers\": ".utf8)
        if stats.model.nodes.isEmpty { out.append(contentsOf: "[]".utf8) } else {
            out.append(UInt8(ascii: "["))
            // Read in place: copying each Node and its statistics out of the arrays costs a dozen retains a layer.
            try stats.model.nodes.withUnsafeBufferPointer { nodes in
                try stats.layers.withUnsafeBufferPointer { layers in
                    var first = true
                    for index in nodes.indices where stats.isRow(index) {
                        out.append(contentsOf: (first ? "\n    " : ",\n    ").utf8)
                        first = false
                        // A shared layer's row: its calls' MACs and inputs (nil: the node's own, the hot path).
                        let later = stats.laterCallsOf[index]
                        writeLayer(
                            index, nodes, layers, macs: later == nil ? nil : stats.rowMACs(index),
                            laterInbound: later.map { $0.flatMap { nodes[$0].inbound } } ?? [], to: &out)
                        try flush()
                    }
                }
            }
            out.append(contentsOf: "\n  ]".utf8)
        }
        out.append(contentsOf: "\n}\n".utf8)
        try flush(true)
    }

    /// `jsonLayer(index, stats).write(to:indent: 2)` without building the value first (the hot loop at 1M layers).
    static func writeLayer(
        _ index: Int, _ nodes: UnsafeBufferPointer<Node>, _ layers: UnsafeBufferPointer<LayerStatistics>,
        macs: Int64? = nil, laterInbound: [Int] = [], to out: inout [UInt8]
    ) {
        func key(_ name: StaticString) {
            out.append(contentsOf: "\n      \"".utf8)
            out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            out.append(contentsOf: "\": ".utf8)
        }
        func int(_ value: Int64) { out.append(contentsOf: String(value).utf8) }
        out.append(UInt8(ascii: "{"))
        key("name"); OrderedJSON.quote(nodes[index].name, into: &out); out.append(UInt8(ascii: ","))
        key("type"); OrderedJSON.quote(nodes[index].className, into: &out); out.append(UInt8(ascii: ","))
        key("output_shape")
        let output = nodes[index].output
        if !nodes[index].extraOutputs.isEmpty {
            // A layer with several outputs (an RNN's states): the list of their shapes, as the model's output_shape.
            OrderedJSON.array(nodes[index].outputs.map(\.jsonShape)).write(to: &out, indent: 3)
        } else if output.batched, output.symbols.isEmpty {
            // The common case written directly: a million-layer summary would otherwise build a million arrays.
            out.append(contentsOf: "[null".utf8)
            for dim in output.dims { out.append(contentsOf: ", ".utf8); int(Int64(dim)) }
            out.append(UInt8(ascii: "]"))
        } else {
            output.jsonShape.write(to: &out, indent: 3)
        }
        out.append(UInt8(ascii: ","))
        key("params"); int(layers[index].params); out.append(UInt8(ascii: ","))
        key("trainable_params"); int(layers[index].trainableParams); out.append(UInt8(ascii: ","))
        key("non_trainable_params"); int(layers[index].nonTrainableParams); out.append(UInt8(ascii: ","))
        key("macs"); int(macs ?? layers[index].macs); out.append(UInt8(ascii: ","))
        key("inbound")
        if nodes[index].inbound.isEmpty && laterInbound.isEmpty { out.append(contentsOf: "[]".utf8) } else {
            out.append(UInt8(ascii: "["))
            for (i, source) in (nodes[index].inbound + laterInbound).enumerated() {
                if i > 0 { out.append(contentsOf: ", ".utf8) }
                OrderedJSON.quote(nodes[source].name, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
        if let bytes = layers[index].weightBytes {
            out.append(UInt8(ascii: ","))
            key("weight_bytes"); int(bytes); out.append(UInt8(ascii: ","))
            key("weights")
            let layer = nodes[index].layer as? any StoredWeightTypes
            OrderedJSON.array((layer?.storedWeights ?? []).map(\.json)).write(to: &out, indent: 3)
            if let output = layer?.storedOutput {
                out.append(UInt8(ascii: ","))
                key("output"); output.json.write(to: &out, indent: 3)
            }
        }
        out.append(contentsOf: "\n    }".utf8)
    }

    static func jsonShape(_ spec: TensorSpec?) -> OrderedJSON {
        guard let spec else { return .null }
        return spec.jsonShape
    }

    static func jsonHeader(_ stats: ModelStatistics) -> [(String, OrderedJSON)] {
        let model = stats.model
        func shapes(_ specs: [TensorSpec]) -> OrderedJSON {
            specs.count == 1 ? jsonShape(specs.first) : .array(specs.map(jsonShape))
        }
        return [
            ("model", .string(model.name)),
            ("input_shape", shapes(model.inputSpecs)),
            ("output_shape", shapes(model.outputSpecs)),
            ("total_params", .int(stats.totalParams)),
            ("trainable_params", .int(stats.trainableParams)),
            ("non_trainable_params", .int(stats.nonTrainableParams)),
            ("total_macs", .int(stats.totalMACs)),
        ] + (stats.activationProductMACs > 0 ? [("activation_product_macs", .int(stats.activationProductMACs))] : [])
        + (stats.hasStoredWeights ? [
            ("weight_bytes", .int(stats.totalParamBytes)),
            ("weight_bytes_by_type", .object(stats.weightBytesByType.map { ($0.type, .int($0.bytes)) })),
        ] : []) + [
            ("warnings", .array(stats.warnings.map(OrderedJSON.string))),
        ]
    }

    static func jsonLayer(_ index: Int, _ stats: ModelStatistics) -> OrderedJSON {
        let node = stats.model.nodes[index], layer = stats.layers[index]
        return .object([
            ("name", .string(node.name)),
            ("type", .string(node.className)),
            ("output_shape", node.extraOutputs.isEmpty ? jsonShape(node.output) : .array(node.outputs.map(\.jsonShape))),
            ("params", .int(layer.params)),
            ("trainable_params", .int(layer.trainableParams)),
            ("non_trainable_params", .int(layer.nonTrainableParams)),
            ("macs", .int(stats.rowMACs(index))),
            ("inbound", .array(stats.calls(ofRow: index).flatMap { stats.model.nodes[$0].inbound }.map { .string(stats.model.nodes[$0].name) })),
        ] + (layer.weightBytes.map { bytes in
            let stored = node.layer as? any StoredWeightTypes
            return [("weight_bytes", .int(bytes)), ("weights", .array((stored?.storedWeights ?? []).map(\.json)))]
                + (stored?.storedOutput.map { [("output", $0.json)] } ?? [])
        } ?? []))
    }
}
