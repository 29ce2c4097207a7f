import Foundation

/// What `netviz report` puts on its page.
public struct HTMLReportOptions: Sendable, Equatable {
    /// Draw each Conv/Dense layer with its BatchNormalization and activation as one node (the layers stay in the
    /// table and the details panel).
    public var fuse = false
    /// The page's heading; the model's name when nil.
    public var title: String? = nil

    public init() {}
}

/// `netviz report`: one self-contained HTML page per model (Docs/report.md).
///
/// The page holds the Graphviz SVG of the graph (drawn in-process, nested models and repeated blocks as clusters
/// the page folds), the per-layer numbers as JSON in a `<script type="application/json">` element, the by-type
/// chart (`CostBreakdown` through `BarChart`), and its own small script and style (ReportPage.swift). Nothing on the
/// page is fetched: a Content-Security-Policy forbids it. Model text reaches the page only as escaped text: in the
/// SVG through Graphviz's HTML labels (`HTML.escape`), in the JSON with `<`, `>`, `&`, U+2028 and U+2029 escaped, and
/// the script puts it into the DOM with `textContent` only.
public enum HTMLReport {
    /// The page as text. A pure function of the statistics and options (Graphviz's layout is deterministic).
    public static func render(_ stats: ModelStatistics, options: HTMLReportOptions = HTMLReportOptions()) throws -> String {
        let plan = DrawPlan(stats, fuse: options.fuse, nestedClusters: true, repeats: .find)
        let description = PlotBuilder.describe(stats, options: PlotOptions(), plan: plan)
        let graph = try GraphvizRenderer.render(description, format: .svg, dpi: 96)
        let chart = try GraphvizRenderer.render(
            BarChart(CostBreakdown.report(stats), columns: ["macs", "params"]).description, format: .svg, dpi: 96)
        let title = options.title ?? stats.model.name
        var page = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        page += "<meta http-equiv=\"Content-Security-Policy\" content=\"\(ReportPage.contentSecurityPolicy)\">\n"
        page += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        page += "<title>\(HTML.escape(title)) - netviz report</title>\n<style>\n\(ReportPage.style)</style>\n</head>\n"
        page += "<body>\n" + ReportPage.header(title: HTML.escape(title))
        page += "<div id=\"nv-graph\">" + SVGInline.clean(graph.data, idPrefix: "g-") + "</div>\n"
        page += ReportPage.middle
        page += "<div id=\"nv-chart\">" + SVGInline.clean(chart.data, idPrefix: "c-") + "</div>\n"
        page += ReportPage.footer
        page += "<script type=\"application/json\" id=\"nv-data\">"
        page += scriptSafe(data(stats, plan: plan, description: description).rendered())
        page += "</script>\n<script>\n\(ReportPage.script)</script>\n</body>\n</html>\n"
        return page
    }

    /// JSON that cannot end its `<script>` element or start markup: `<`, `>` and `&` as `\u` escapes (they
    /// occur only inside strings), and U+2028/2029, which old parsers take for line ends.
    static func scriptSafe(_ json: String) -> String {
        HTML.replacing(json) { scalar in
            switch scalar {
            case "<": "\\u003c"
            case ">": "\\u003e"
            case "&": "\\u0026"
            case "\u{2028}": "\\u2028"
            case "\u{2029}": "\\u2029"
            default: nil
            }
        }
    }

    // MARK: The page's data

    static func data(_ stats: ModelStatistics, plan: DrawPlan, description: PlotDescription) -> OrderedJSON {
        let model = stats.model
        var consumers = [[Int]](repeating: [], count: model.nodes.count)
        for node in model.nodes { for source in node.inbound { consumers[source].append(node.index) } }
        let headers = Dictionary(uniqueKeysWithValues: plan.nested.map { ($0.header, "cluster_nested\($0.header)") })
        func ints(_ values: [Int]) -> OrderedJSON { .array(values.map { .int(Int64($0)) }) }
        func share(_ value: Int64, _ total: Int64) -> String {
            total > 0 ? NumberFormat.fixed2(Double(value) / Double(total) * 100) + "%" : "0.00%"
        }

        let layers: [OrderedJSON] = zip(model.nodes, stats.layers).map { node, counts in
            let drawnNode: OrderedJSON =
                headers[node.index].map { _ in .null } ?? .string(PlotBuilder.id(plan.drawn[node.index]))
            let weights: [OrderedJSON] = counts.weights.map { weight in
                .array([
                    .string(weight.name), .string("(" + weight.shape.map(String.init).joined(separator: ", ") + ")"),
                    .bool(weight.trainable),
                ])
            }
            return .object([
                ("name", .string(node.name)),
                ("class", .string(node.className)),
                ("group", .string(CostBreakdown.group(node))),
                ("inputs", .array(node.inputSpecs.map { .string($0.description) })),
                ("output", .string(node.outputDescription)),
                ("params", .int(counts.params)),
                ("params_text", .string(NumberFormat.grouped(counts.params))),
                ("trainable", .int(counts.trainableParams)),
                ("trainable_text", .string(NumberFormat.grouped(counts.trainableParams))),
                ("non_trainable_text", .string(NumberFormat.grouped(counts.nonTrainableParams))),
                ("macs", .int(counts.macs)),
                ("macs_text", .string(NumberFormat.grouped(counts.macs))),
                ("macs_share", .string(share(counts.macs, stats.totalMACs))),
                ("bytes", .int(counts.activationBytes)),
                ("memory_text", .string(NumberFormat.memory(bytes: counts.activationBytes))),
                ("connected", .string(SummaryReport.connections(node, in: model))),
                ("inbound", ints(node.inbound)),
                ("outbound", ints(consumers[node.index])),
                ("node", drawnNode),
                ("cluster", headers[node.index].map(OrderedJSON.string) ?? .null),
                ("config", .array(config(node.layer).map { .array([.string($0.0), .string($0.1)]) })),
                ("weights", .array(weights)),
                ("warnings", .array(stats.warnings.filter { $0.hasPrefix(node.name + " (") }.map(OrderedJSON.string))),
            ])
        }

        let heats = HeatMetric.allCases.map { HeatScale(metric: $0, stats: stats) }
        let nodes: [OrderedJSON] = description.nodes.compactMap { drawn in
            guard drawn.id.hasPrefix("n"), let index = Int(drawn.id.dropFirst()), index < model.nodes.count else {
                return nil
            }
            let members = plan.layers(of: index)
            return .object([
                ("id", .string(drawn.id)),
                ("layers", ints(members)),
                ("fused", plan.fused[index].map { .string($0.title) } ?? .null),
                ("heat", .object(heats.map { ($0.metric.rawValue, .string($0.color(members))) })),
                ("share", .object(heats.map { ($0.metric.rawValue, .string($0.percent($0.share(members)))) })),
            ])
        }

        var clusters: [OrderedJSON] = plan.nested.map { cluster in
            let row = model.nodes[cluster.header]
            let count = cluster.members.count
            return .object([
                ("id", .string("cluster_nested\(cluster.header)")),
                ("kind", .string("nested")),
                ("label", .string("\(row.name) (\(row.className)): \(count) layer\(count == 1 ? "" : "s")")),
                ("layers", ints(Array(cluster.members))),
                ("header", .int(Int64(cluster.header))),
            ])
        }
        clusters += plan.runs.enumerated().map { number, run in
            .object([
                ("id", .string("cluster_repeat\(number)")),
                ("kind", .string("repeat")),
                ("label", .string(
                    "x\(run.count): \(run.count) identical blocks of \(run.length) layer\(run.length == 1 ? "" : "s"), "
                        + "\(model.nodes[run.start].name) … \(model.nodes[run.end - 1].name)")),
                ("layers", ints(Array(run.start..<run.end))),
                ("header", .null),
            ])
        }

        return .object([
            ("model", .string(model.name)),
            ("totals", .array(SummaryReport.footer(stats).map(OrderedJSON.string))),
            ("total_macs", .int(stats.totalMACs)),
            ("warnings", .array(stats.warnings.map(OrderedJSON.string))),
            ("layers", .array(layers)),
            ("nodes", .array(nodes)),
            ("clusters", .array(clusters)),
        ])
    }

    /// A layer's settings as netviz holds them (its stored properties, read by reflection), for the details
    /// panel: Keras's config where netviz models it. Sub-models and wrapped layers are shown by what they are.
    static func config(_ layer: any Layer) -> [(String, String)] {
        var pairs: [(String, String)] = []
        if let wrapper = layer as? any WrappingLayer {
            pairs.append(("trainable", "false"))
            return pairs + config(wrapper.base)
        }
        for child in Mirror(reflecting: layer).children {
            guard let label = child.label, label != "name", !(child.value is Model), !(child.value is any Layer) else {
                continue
            }
            var text = describe(child.value)
            if text.count > 200 { text = String(text.prefix(200)) + "…" }
            pairs.append((label, text))
        }
        return pairs
    }

    /// An optional's value, or `None` (as Keras prints it).
    private static func describe(_ value: Any) -> String {
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            guard let wrapped = mirror.children.first?.value else { return "None" }
            return describe(wrapped)
        }
        return String(describing: value)
    }
}

/// Graphviz's SVG made fit to sit inside an HTML page: from `<svg` on (no XML prolog, DOCTYPE or comments),
/// without the namespace declarations (an HTML parser supplies them, and the page names no outside address),
/// and with every `id` prefixed so two drawings on one page cannot clash.
enum SVGInline {
    static func clean(_ data: Data, idPrefix: String) -> String {
        let svgTag = Array("<svg".utf8), commentOpen = Array("<!--".utf8), commentClose = Array("-->".utf8)
        let id = Array(" id=\"".utf8), prefix = Array(idPrefix.utf8)
        let namespaces = [" xmlns=\"http://www.w3.org/2000/svg\"", " xmlns:xlink=\"http://www.w3.org/1999/xlink\""]
            .map { Array($0.utf8) }
        // One pass over the bytes: a big drawing is tens of megabytes, so no repeated searching or copying.
        let out: [UInt8] = data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            func matches(_ pattern: [UInt8], at i: Int) -> Bool {
                guard i + pattern.count <= bytes.count else { return false }
                for k in pattern.indices where bytes[i + k] != pattern[k] { return false }
                return true
            }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + bytes.count / 20)
            var i = 0
            while i < bytes.count, !matches(svgTag, at: i) { i += 1 }
            while i < bytes.count {
                let byte = bytes[i]
                if byte == UInt8(ascii: "<"), matches(commentOpen, at: i) {
                    // Comments hold only Graphviz's own node IDs, but nothing needs them.
                    i += commentOpen.count
                    while i < bytes.count, !matches(commentClose, at: i) { i += 1 }
                    i += commentClose.count
                } else if byte == UInt8(ascii: " "), let namespace = namespaces.first(where: { matches($0, at: i) }) {
                    i += namespace.count
                } else if byte == UInt8(ascii: " "), matches(id, at: i) {
                    out += id
                    out += prefix
                    i += id.count
                } else {
                    out.append(byte)
                    i += 1
                }
            }
            return out
        }
        return String(decoding: out, as: UTF8.self)
    }
}
