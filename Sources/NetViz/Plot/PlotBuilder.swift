import Foundation

/// Turns a model and its counts into a `PlotDescription`: a pure function, so the DOT text is deterministic.
///
/// Labels follow Keras 3's `plot_model` (`keras/src/utils/model_visualization.py`): a black header
/// "name (Class)", then white cells "Input shape: ..." / "Output shape: ...", dtype and trainable cells, plus
/// netviz's extras (params, MACs, heat colours, collapsed repeats).
enum PlotBuilder {
    static func describe(_ stats: ModelStatistics, options: PlotOptions) -> PlotDescription {
        describe(stats, options: options, plan: plan(stats, options: options))
    }

    static func plan(_ stats: ModelStatistics, options: PlotOptions) -> DrawPlan {
        DrawPlan(
            stats, fuse: options.fuse, nestedClusters: options.expandNested,
            repeats: options.collapseRepeats ? .collapse : .ignore)
    }

    /// `plan` says which layers are drawn as which node and what is boxed.
    static func describe(_ stats: ModelStatistics, options: PlotOptions, plan: DrawPlan) -> PlotDescription {
        let model = stats.model
        let runs = plan.runs
        let drawn = plan.drawn, hidden = plan.hidden
        let heat = options.heat.map { HeatScale(metric: $0, stats: stats) }

        var nodes: [PlotDescription.Node] = []
        for node in model.nodes where !hidden[node.index] {
            let layers = plan.layers(of: node.index)
            var attributes = [PlotDescription.Attribute("label", .html(label(layers, stats, options, heat, plan)))]
            if let heat { attributes.append(.init("tooltip", .plain(heat.tooltip(layers)))) }
            nodes.append(PlotDescription.Node(id: id(node.index), attributes: attributes))
        }
        if let heat { nodes.append(PlotDescription.Node(id: "legend", attributes: [.init("label", .html(heat.legend))])) }

        var edges: [PlotDescription.Edge] = []
        var seen: Set<[Int]> = []
        for node in model.nodes where !hidden[node.index] {
            for source in node.inbound where drawn[source] != node.index && seen.insert([drawn[source], node.index]).inserted {
                edges.append(PlotDescription.Edge(from: id(drawn[source]), to: id(node.index)))
            }
        }

        let nestedIDs = plan.nested.map { "cluster_nested\($0.header)" }
        func visible(_ range: Range<Int>, in nested: Int?) -> [String] {
            range.filter { !hidden[$0] && plan.nestedOf[$0] == nested }.map(id)
        }
        var clusters = plan.nested.enumerated().map { k, cluster in
            PlotDescription.Cluster(
                id: nestedIDs[k],
                attributes: [
                    .init("label", .html(nestedLabel(model.nodes[cluster.header]))),
                    .init("style", .plain("dashed")),
                    .init("labeljust", .plain("l")),
                ],
                nodeIDs: visible(cluster.members, in: k),
                parent: plan.nestedOf[cluster.header].map { nestedIDs[$0] })
        }
        // Collapsed runs are boxed by Graphviz; found ones (the report) get boxes drawn by the page.
        if plan.repeats == .collapse {
            clusters += runs.enumerated().map { number, run in
                PlotDescription.Cluster(
                    id: "cluster_repeat\(number)",
                    attributes: [
                        .init("label", .html(repeatLabel(run, model))),
                        .init("style", .plain("dashed,rounded")),
                        .init("color", .plain("gray40")),
                        .init("labeljust", .plain("l")),
                    ],
                    nodeIDs: visible(run.start..<run.end, in: plan.nestedOf[run.start]),
                    parent: plan.nestedOf[run.start].map { nestedIDs[$0] })
            }
        }

        var graph: [PlotDescription.Attribute] = [
            .init("rankdir", .plain(options.rankdir.rawValue)),
            .init("dpi", .plain(String(options.dpi))),
            // Not Keras's splines="ortho": Graphviz's orthogonal router (2.43 here) aborts the whole process
            // ("Trapezoid-table overflow") on some branching graphs, so netviz keeps the default splines.
            .init("fontname", .plain(font)),
        ]
        if nodes.count > largeGraph {
            // Measured (Docs/plotting.md): dot's default ranking takes most of a long chain's layout time and
            // newrank does it ~3x faster; small graphs keep the default, so their pictures do not move.
            graph.append(.init("newrank", .plain("true")))
        }
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

    /// Drawn nodes above which the layout is tuned for speed (see `describe`).
    static let largeGraph = 1_000

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

    /// One node's HTML table (Keras 3's `make_layer_label`, plus netviz's params/MACs row and heat fill): a layer,
    /// or a fused group, which shows the first layer's name and input and the last one's output.
    static func label(
        _ layers: [Int], _ stats: ModelStatistics, _ options: PlotOptions, _ heat: HeatScale?, _ plan: DrawPlan
    ) -> String {
        let first = layers.first ?? 0
        let node = stats.model.nodes[first]
        let last = stats.model.nodes[layers.last ?? first]
        let output = last.output
        // Sums of some layers' counts cannot overflow: ModelStatistics checked the sums over all layers.
        let params = layers.reduce(Int64(0)) { $0 &+ stats.layers[$1].params }
        let macs = layers.reduce(Int64(0)) { $0 &+ stats.layers[$1].macs }
        let weighted = layers.contains { !stats.layers[$0].weights.isEmpty }
        let trainable = layers.contains { stats.layers[$0].trainableParams > 0 }
        let fill = heat?.color(layers) ?? "white"
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
            cells.append(cell("Output shape: <b>\(HTML.escape(last.outputDescription))</b>"))
        }
        if options.showDtype { cells.append(cell("Output dtype: <b>\(output.dtype.rawValue)</b>")) }
        if options.showTrainable, weighted {
            cells.append(
                trainable
                    ? "<td bgcolor=\"forestgreen\"><font point-size=\"14\" color=\"white\"><b>Trainable</b></font></td>"
                    : "<td bgcolor=\"firebrick\"><font point-size=\"14\" color=\"white\"><b>Non-trainable</b></font></td>")
        }
        let width = max(1, cells.count)

        let className = HTML.escape(plan.fused[first]?.title ?? node.className)
        let header = options.showLayerNames ? "<b>\(HTML.escape(node.name))</b> (\(className))" : "<b>\(className)</b>"
        var rows = [
            "<tr><td colspan=\"\(width)\" bgcolor=\"black\"><font point-size=\"16\" color=\"white\">\(header)</font></td></tr>"
        ]
        if options.showLayerActivations, let activation = node.layer.activation {
            rows.append("<tr>" + cell("Activation: <b>\(activation.rawValue)</b>", colspan: width) + "</tr>")
        }
        if !cells.isEmpty { rows.append("<tr>" + cells.joined() + "</tr>") }
        var extras: [String] = []
        if options.showParams { extras.append("Params: <b>\(NumberFormat.grouped(params))</b>") }
        if options.showMACs { extras.append("MACs: <b>\(NumberFormat.decimal(macs))</b>") }
        if !extras.isEmpty {
            rows.append("<tr>" + cell(extras.joined(separator: "&#160;&#160;&#160;"), colspan: width) + "</tr>")
        }
        return "<table border=\"0\" cellborder=\"1\" bgcolor=\"black\" cellpadding=\"10\">" + rows.joined() + "</table>"
    }

    /// A nested model's box: its name and class, as keras's `plot_model(expand_nested=True)` labels it.
    static func nestedLabel(_ row: Node) -> String {
        "<font point-size=\"16\"><b>\(HTML.escape(row.name))</b> (\(HTML.escape(row.className)))</font>"
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
        switch metric {
        case .macs: (values, total) = (stats.layers.map(\.macs), stats.totalMACs)
        case .params: (values, total) = (stats.layers.map(\.params), stats.totalParams)
        case .memory: (values, total) = (stats.layers.map(\.activationBytes), stats.activationBytes)
        }
        largest = values.max() ?? 0
    }

    /// ColorBrewer's Reds end: white -> #EF3B2C.
    static let hot = (r: 0xEF, g: 0x3B, b: 0x2C)

    static func color(fraction: Double) -> String {
        let t = min(max(fraction, 0), 1)
        func mix(_ end: Int) -> Int { Int((255 - Double(255 - end) * t).rounded()) }
        return String(format: "#%02X%02X%02X", mix(hot.r), mix(hot.g), mix(hot.b))
    }

    /// The summed value of some layers (one, or a fused group); within the model's checked total.
    func value(_ layers: [Int]) -> Int64 { layers.reduce(Int64(0)) { $0 &+ values[$1] } }

    func color(_ index: Int) -> String { color([index]) }

    func color(_ layers: [Int]) -> String {
        largest > 0 ? Self.color(fraction: Double(value(layers)) / Double(largest)) : "white"
    }

    var name: String {
        switch metric {
        case .macs: "MACs"
        case .params: "params"
        case .memory: "activation memory"
        }
    }

    func percent(_ value: Double) -> String { String(format: "%.1f%%", value * 100) }

    func share(_ layers: [Int]) -> Double { total > 0 ? Double(value(layers)) / Double(total) : 0 }

    func tooltip(_ layers: [Int]) -> String { "\(percent(share(layers))) of the model's \(name)" }

    /// Five swatches from 0 to the largest share.
    var legend: String {
        let amount: String
        switch metric {
        case .macs: amount = NumberFormat.decimal(total)
        case .params: amount = NumberFormat.grouped(total)
        case .memory: amount = NumberFormat.memory(bytes: total)
        }
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
