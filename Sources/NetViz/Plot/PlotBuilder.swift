import Foundation

/// Turns a model and its counts into a `PlotDescription`: a pure function, so the DOT text is deterministic.
///
/// Labels follow Keras 3's `plot_model` (`keras/src/utils/model_visualization.py`): a black header
/// "name (Class)", then white cells "Input shape: ..." / "Output shape: ...", dtype and trainable cells, plus
/// netviz's extras (params, MACs, heat colours, collapsed repeats).
enum PlotBuilder {
    static func describe(_ stats: ModelStatistics, options: PlotOptions) -> PlotDescription {
        let model = stats.model
        let runs = options.collapseRepeats ? RepeatFinder.runs(in: stats) : []
        // Nodes in repetitions after the first are not drawn; `drawn[i]` is the node that stands for node i.
        var drawn = Array(model.nodes.indices)
        var hidden = [Bool](repeating: false, count: model.nodes.count)
        for run in runs {
            for i in (run.start + run.length)..<run.end {
                drawn[i] = run.start + (i - run.start) % run.length
                hidden[i] = true
            }
        }
        let heat = options.heat.map { HeatScale(metric: $0, stats: stats) }

        var nodes: [PlotDescription.Node] = []
        for node in model.nodes where !hidden[node.index] {
            var attributes = [PlotDescription.Attribute("label", .html(label(node, stats, options, heat)))]
            if let heat { attributes.append(.init("tooltip", .plain(heat.tooltip(node.index)))) }
            nodes.append(PlotDescription.Node(id: id(node.index), attributes: attributes))
        }
        if let heat { nodes.append(PlotDescription.Node(id: "legend", attributes: [.init("label", .html(heat.legend))])) }

        var edges: [PlotDescription.Edge] = []
        var seen: Set<[Int]> = []
        for node in model.nodes where !hidden[node.index] {
            for source in node.inbound where seen.insert([drawn[source], node.index]).inserted {
                edges.append(PlotDescription.Edge(from: id(drawn[source]), to: id(node.index)))
            }
        }

        let clusters = runs.enumerated().map { number, run in
            PlotDescription.Cluster(
                id: "cluster_repeat\(number)",
                attributes: [
                    .init("label", .html(repeatLabel(run, model))),
                    .init("style", .plain("dashed,rounded")),
                    .init("color", .plain("gray40")),
                    .init("labeljust", .plain("l")),
                ],
                nodeIDs: run.representative.map(id))
        }

        var graph: [PlotDescription.Attribute] = [
            .init("rankdir", .plain(options.rankdir.rawValue)),
            .init("dpi", .plain(String(options.dpi))),
            // Not Keras's splines="ortho": Graphviz's orthogonal router (2.43 here) aborts the whole process
            // ("Trapezoid-table overflow") on some branching graphs, so netviz keeps the default splines.
            .init("fontname", .plain(font)),
        ]
        if let title = options.title {
            graph += [
                .init("label", .html("<font point-size=\"20\"><b>\(HTML.escape(title))</b></font>")),
                .init("labelloc", .plain("t")),
            ]
        }
        return PlotDescription(
            name: graphID(model.name), graphAttributes: graph,
            nodeDefaults: [.init("shape", .plain("plain")), .init("fontname", .plain(font))],
            edgeDefaults: [],
            nodes: nodes, edges: edges, clusters: clusters)
    }

    /// Keras's font.
    static let font = "Helvetica"

    static func id(_ index: Int) -> String { "n\(index)" }

    /// A DOT ID from a model name: `mobilenet_1.00_224` -> `mobilenet_1_00_224`.
    static func graphID(_ name: String) -> String {
        var id = String(name.unicodeScalars.map { scalar -> Character in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_")
                ? Character(scalar) : "_"
        })
        if id.first.map({ $0.isNumber }) ?? true { id = "_" + id }
        return id
    }

    /// One layer's HTML table (Keras 3's `make_layer_label`, plus netviz's params/MACs row and heat fill).
    static func label(_ node: Node, _ stats: ModelStatistics, _ options: PlotOptions, _ heat: HeatScale?) -> String {
        let counts = stats.layers[node.index]
        let fill = heat?.color(node.index) ?? "white"
        func cell(_ text: String, colspan: Int = 1) -> String {
            let span = colspan > 1 ? " colspan=\"\(colspan)\"" : ""
            return "<td bgcolor=\"\(fill)\"\(span)><font point-size=\"14\">\(text)</font></td>"
        }

        var cells: [String] = []
        if options.showShapes {
            if !(node.layer is InputLayer) {
                let input = node.inputSpecs.count == 1
                    ? node.inputSpecs[0].description
                    : "[" + node.inputSpecs.map(\.description).joined(separator: ", ") + "]"
                cells.append(cell("Input shape: <b>\(HTML.escape(input))</b>"))
            }
            cells.append(cell("Output shape: <b>\(HTML.escape(node.output.description))</b>"))
        }
        if options.showDtype { cells.append(cell("Output dtype: <b>\(node.output.dtype.rawValue)</b>")) }
        if options.showTrainable, !counts.weights.isEmpty {
            cells.append(
                counts.trainableParams > 0
                    ? "<td bgcolor=\"forestgreen\"><font point-size=\"14\" color=\"white\"><b>Trainable</b></font></td>"
                    : "<td bgcolor=\"firebrick\"><font point-size=\"14\" color=\"white\"><b>Non-trainable</b></font></td>")
        }
        let width = max(1, cells.count)

        let className = HTML.escape(node.className)
        let header = options.showLayerNames ? "<b>\(HTML.escape(node.name))</b> (\(className))" : "<b>\(className)</b>"
        var rows = [
            "<tr><td colspan=\"\(width)\" bgcolor=\"black\"><font point-size=\"16\" color=\"white\">\(header)</font></td></tr>"
        ]
        if options.showLayerActivations, let activation = node.layer.activation {
            rows.append("<tr>" + cell("Activation: <b>\(activation.rawValue)</b>", colspan: width) + "</tr>")
        }
        if !cells.isEmpty { rows.append("<tr>" + cells.joined() + "</tr>") }
        var extras: [String] = []
        if options.showParams { extras.append("Params: <b>\(NumberFormat.grouped(counts.params))</b>") }
        if options.showMACs { extras.append("MACs: <b>\(NumberFormat.decimal(counts.macs))</b>") }
        if !extras.isEmpty {
            rows.append("<tr>" + cell(extras.joined(separator: "&#160;&#160;&#160;"), colspan: width) + "</tr>")
        }
        return "<table border=\"0\" cellborder=\"1\" bgcolor=\"black\" cellpadding=\"10\">" + rows.joined() + "</table>"
    }

    /// "x5" and which layers the drawn block stands for, on short left-aligned lines so the edge that enters
    /// the cluster at its middle does not cross the text.
    static func repeatLabel(_ run: RepeatRun, _ model: Model) -> String {
        let first = HTML.escape(model.nodes[run.start].name), last = HTML.escape(model.nodes[run.end - 1].name)
        let layers = run.length == 1 ? "1 layer" : "\(run.length) layers"
        let lines = ["\(run.count) identical blocks of \(layers):", "\(first) …", "… \(last)"]
        return "<font point-size=\"20\"><b>x\(run.count)</b></font><br align=\"left\"/><font point-size=\"14\">"
            + lines.map { $0 + "<br align=\"left\"/>" }.joined() + "</font>"
    }
}

/// `--heat`: each layer's share of the model's MACs or params as a white-to-red fill, with a legend.
/// The ramp is scaled to the largest share, so the costliest layer is full red; the legend gives the shares.
struct HeatScale {
    let metric: HeatMetric
    let values: [Int64]
    let total: Int64
    let largest: Int64

    init(metric: HeatMetric, stats: ModelStatistics) {
        self.metric = metric
        values = stats.layers.map { metric == .macs ? $0.macs : $0.params }
        total = metric == .macs ? stats.totalMACs : stats.totalParams
        largest = values.max() ?? 0
    }

    /// ColorBrewer's Reds end: white -> #EF3B2C.
    static let hot = (r: 0xEF, g: 0x3B, b: 0x2C)

    static func color(fraction: Double) -> String {
        let t = min(max(fraction, 0), 1)
        func mix(_ end: Int) -> Int { Int((255 - Double(255 - end) * t).rounded()) }
        return String(format: "#%02X%02X%02X", mix(hot.r), mix(hot.g), mix(hot.b))
    }

    func color(_ index: Int) -> String {
        largest > 0 ? Self.color(fraction: Double(values[index]) / Double(largest)) : "white"
    }

    var name: String { metric == .macs ? "MACs" : "params" }

    func percent(_ value: Double) -> String { String(format: "%.1f%%", value * 100) }

    func tooltip(_ index: Int) -> String {
        let share = total > 0 ? Double(values[index]) / Double(total) : 0
        return "\(percent(share)) of the model's \(name)"
    }

    /// Five swatches from 0 to the largest share.
    var legend: String {
        let amount = metric == .macs ? NumberFormat.decimal(total) : NumberFormat.grouped(total)
        let largestShare = total > 0 ? Double(largest) / Double(total) : 0
        let swatches = (0...4).map { step -> String in
            let t = Double(step) / 4
            return "<td bgcolor=\"\(Self.color(fraction: t))\"><font point-size=\"14\">\(percent(t * largestShare))</font></td>"
        }
        return "<table border=\"0\" cellborder=\"1\" bgcolor=\"black\" cellpadding=\"8\">"
            + "<tr><td colspan=\"5\" bgcolor=\"black\"><font point-size=\"16\" color=\"white\">"
            + "<b>Heat</b>: share of the model's \(name) (\(amount))</font></td></tr>"
            + "<tr>" + swatches.joined() + "</tr></table>"
    }
}
