import Foundation
import Testing

@testable import NetViz

@Suite("Report: the page's text") struct ReportPageTests {
    /// The JSON in the page can neither close its script element nor start markup.
    @Test func scriptSafeJSON() {
        let json = OrderedJSON.string("</script><!-- & \u{2028}\u{2029} >").rendered()
        let safe = HTMLReport.scriptSafe(json)
        #expect(safe == #""\u003c/script\u003e\u003c!-- \u0026 \u2028\u2029 \u003e""#)
        let decoded = try? JSONSerialization.jsonObject(with: Data(safe.utf8), options: .fragmentsAllowed) as? String
        #expect(decoded == "</script><!-- & \u{2028}\u{2029} >")
    }

    /// Nothing on the page points outside it: no address, no `//`, no src or href but to itself.
    @Test func selfContained() throws {
        let page = try HTMLReport.render(try ModelStatistics(try Zoo.build("mobilenet")))
        for needle in ["http:", "https:", "//", "src=", "<link", "<img", "<iframe", "url("] {
            #expect(!page.contains(needle), "the page contains \(needle)")
        }
        #expect(page.contains("default-src 'none'"))
        // One SVG for the graph, one for the by-type chart, with distinct ids.
        #expect(page.components(separatedBy: "<svg").count - 1 == 2)
        #expect(page.contains("id=\"g-graph0\"") && page.contains("id=\"c-graph0\""))
    }

    /// Model text is escaped in the SVG and in the JSON: the only script elements are the page's two.
    @Test func hostileTextIsEscaped() throws {
        let input = try Input(shape: [4], name: "</script><script>alert(1)</script>")
        let y = try Dense(units: 2, name: "<img src=x onerror=alert(2)>")(input)
        let page = try HTMLReport.render(try ModelStatistics(try Model(inputs: [input], outputs: [y])))
        #expect(page.components(separatedBy: "<script").count - 1 == 2)
        #expect(!page.contains("<img"))
        #expect(page.contains("&lt;img src=x onerror=alert(2)&gt;"))
    }

    /// The data: one entry per layer with its counts, fused groups with their members.
    @Test func dataMatchesStatistics() throws {
        let stats = try ModelStatistics(try Zoo.build("mobilenet"))
        let plan = DrawPlan(stats, fuse: true, nestedClusters: true, repeats: .find)
        let description = PlotBuilder.describe(stats, options: PlotOptions(), plan: plan)
        let data = HTMLReport.data(stats, plan: plan, description: description).rendered()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any])
        let layers = try #require(object["layers"] as? [[String: Any]])
        #expect(layers.count == stats.model.nodes.count)
        #expect(layers[1]["macs"] as? Int == 10_838_016)
        #expect(layers[1]["macs_share"] as? String == "1.91%")
        #expect(layers[2]["node"] as? String == "n1")
        let nodes = try #require(object["nodes"] as? [[String: Any]])
        #expect(nodes.count == description.nodes.count)
        #expect(nodes[1]["fused"] as? String == "Conv2D + BN + ReLU6")
        #expect(nodes[1]["layers"] as? [Int] == [1, 2, 3])
        let clusters = try #require(object["clusters"] as? [[String: Any]])
        #expect(clusters.count == 1)
        #expect((clusters[0]["layers"] as? [Int])?.count == 30)
        #expect(object["totals"] as? [String] == SummaryReport.footer(stats))
    }

    /// Every Keras fixture makes a page whose data has one entry per row, and one node per drawn layer.
    @Test(arguments: PlotKerasModelsTests.files)
    func everyKerasFixture(file: String) throws {
        let model = try KerasImporter.load(path: Fixtures.url("keras/" + file).path).model
        let stats = try ModelStatistics(model.expandingNested(indent: false))
        for fuse in [false, true] {
            var options = HTMLReportOptions()
            options.fuse = fuse
            try checkPage(try HTMLReport.render(stats, options: options), stats: stats, file: file)
        }
    }

    private func checkPage(_ page: String, stats: ModelStatistics, file: String) throws {
        let start = try #require(page.range(of: "<script type=\"application/json\" id=\"nv-data\">"))
        let end = try #require(page.range(of: "</script>", range: start.upperBound..<page.endIndex))
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(page[start.upperBound..<end.lowerBound].utf8)) as? [String: Any])
        #expect((object["layers"] as? [Any])?.count == stats.model.nodes.count, "\(file)")
        let nodes = try #require(object["nodes"] as? [[String: Any]])
        // The graph's nodes (the by-type chart after it is one more node).
        let graph = try #require(page.components(separatedBy: "<div id=\"nv-chart\">").first)
        #expect(graph.components(separatedBy: "class=\"node\"").count - 1 == nodes.count, "\(file)")
        let drawnLayers = nodes.reduce(0) { $0 + (($1["layers"] as? [Int])?.count ?? 0) }
        let headers = stats.model.nodes.filter { $0.layer is NestedModelRow }.count
        #expect(drawnLayers + headers == stats.model.nodes.count, "\(file)")
    }

    @Test func config() {
        let pairs = HTMLReport.config(Conv2D(filters: 8, kernelSize: 3, strides: 2, name: "c"))
        #expect(pairs.contains { $0.0 == "filters" && $0.1 == "8" })
        #expect(!pairs.contains { $0.0 == "name" })
        let frozen = HTMLReport.config(FrozenLayer<OneInput>(Dense(units: 3)))
        #expect(frozen.first?.0 == "trainable" && frozen.first?.1 == "false")
        #expect(frozen.contains { $0.0 == "units" && $0.1 == "3" })
    }
}

@Suite("Report: the command") struct ReportCLITests {
    @Test(arguments: ["mobilenet", "KERAS"])
    func writesAPage(model: String) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("netviz-report-\(UUID().uuidString).html").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let source = model == "KERAS" ? Fixtures.url("keras/extra/Mix.keras").path : model
        let result = try CLI.run(["report", source, "-o", path, "--fuse"])
        #expect(result.status == 0, "\(result.stderr)")
        let page = try String(contentsOfFile: path, encoding: .utf8)
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        #expect(page.contains(model == "KERAS" ? "cluster_nested" : "conv_pw_13_relu"))
    }

    @Test func badPathIsOneLine() throws {
        try CLI.expectOneLineError(["report", "mobilenet", "-o", "/tmp/"], "cannot write: it is a directory")
    }
}

@Suite("Plot: fuse and nested clusters") struct PlotFuseNestedTests {
    /// MobileNet fused: every conv with its BN and ReLU6 is one node; the picture is well under half as tall.
    @Test func fusedMobileNet() throws {
        let stats = try ModelStatistics(try Zoo.build("mobilenet"))
        var options = PlotOptions()
        options.fuse = true
        let description = Plot.description(stats, options: options)
        // 27 conv layers each take a BN and a ReLU6: 91 - 54 nodes.
        #expect(description.nodes.count == stats.model.nodes.count - 54)
        #expect(description.dot.contains("<b>conv1</b> (Conv2D + BN + ReLU6)"))
        #expect(description.dot.contains("n0 -> n1;\n  n1 -> n4;"))
        let plain = try #require(try Plot.render(stats, format: .png).pixelSize)
        let fused = try #require(try Plot.render(stats, options: options, format: .png).pixelSize)
        #expect(Double(fused.height) < Double(plain.height) * 0.45, "\(fused) vs \(plain)")
    }

    /// --fuse with --collapse-repeats: the drawn block is fused too, and no group straddles a block's border.
    @Test func fusedAndCollapsed() throws {
        let stats = try ModelStatistics(try Zoo.build("mobilenet"))
        var options = PlotOptions()
        options.fuse = true
        options.collapseRepeats = true
        let description = Plot.description(stats, options: options)
        // 91 layers, 24 in the four hidden blocks; 19 visible conv groups each absorb a BN and a ReLU6.
        #expect(description.nodes.count == 91 - 24 - 2 * 19)
        let cluster = try #require(description.clusters.first)
        #expect(cluster.nodeIDs.count == 2)
        #expect(description.dot.contains("<b>conv_dw_7</b> (DepthwiseConv2D + BN + ReLU6)"))
    }

    /// --heat memory: each layer's share of the activation memory, with the total in the legend.
    @Test func heatByMemory() throws {
        let stats = try ModelStatistics(try Zoo.build("mobilenet"))
        var options = PlotOptions()
        options.heat = .memory
        let dot = Plot.dot(stats, options: options)
        #expect(dot.contains("<b>Heat</b>: share of the model's activation memory (64.27 MB)"))
        let share = Double(stats.layers[1].activationBytes) / Double(stats.activationBytes) * 100
        #expect(dot.contains("tooltip=\"\(String(format: "%.1f", share))% of the model's activation memory\""))
    }

    /// Fused labels sum params and MACs of the group.
    @Test func fusedCounts() throws {
        let stats = try ModelStatistics(try Zoo.build("mobilenet"))
        var options = PlotOptions()
        options.fuse = true
        options.showParams = true
        options.showMACs = true
        let params = stats.layers[1].params + stats.layers[2].params
        #expect(Plot.dot(stats, options: options).contains("Params: <b>\(NumberFormat.grouped(params))</b>"))
    }

    /// keras's plot_model(expand_nested=True): each nested model a dashed cluster named after it, around its layers.
    @Test func nestedClusters() throws {
        let model = try KerasImporter.load(path: Fixtures.url("keras/extra/Mix.json").path).model
        let stats = try ModelStatistics(model.expandingNested(indent: false))
        var options = PlotOptions()
        options.expandNested = true
        let dot = Plot.dot(stats, options: options)
        #expect(dot.contains("subgraph cluster_nested3 {\n    label=<<font point-size=\"16\"><b>stem_seq</b> (Sequential)</font>>;\n    style=\"dashed\";"))
        #expect(dot.contains("    n4 [") && dot.contains("    n6 ["))
        #expect(!dot.contains("  n3 ["))
        // The layer before the nested model feeds its first layer directly.
        #expect(dot.contains("n2 -> n4;"))
        let svg = String(decoding: try Plot.render(stats, options: options, format: .svg).data, as: UTF8.self)
        #expect(svg.components(separatedBy: "class=\"cluster\"").count - 1 == 2)
        // Without the option the nested model's row is one node, as before.
        #expect(!Plot.dot(stats).contains("subgraph"))
    }

    /// A model nested in a nested model: a box inside a box, each around its own layers.
    @Test func nestedTwoDeep() throws {
        func model(_ name: String, _ body: (SymbolicTensor) throws -> SymbolicTensor) throws -> Model {
            let input = try Input(shape: [8, 8, 4], name: name + "_in")
            return try Model(inputs: [input], outputs: [try body(input)], name: name)
        }
        let inner = try model("inner") { try Conv2D(filters: 4, kernelSize: 1, name: "inner_conv")($0) }
        let middle = try model("middle") { x in
            let y = try NestedModel(inner, name: "inner")(x)
            return try ReLU(name: "middle_relu")(y)
        }
        let outer = try model("outer") { x in try Dense(units: 2, name: "head")(try NestedModel(middle, name: "middle")(x)) }
        let stats = try ModelStatistics(outer.expandingNested(indent: false))
        var options = PlotOptions()
        options.expandNested = true
        let dot = Plot.dot(stats, options: options)
        let names = stats.model.nodes.map(\.name)
        let middleRow = try #require(names.firstIndex(of: "middle")), innerRow = try #require(names.firstIndex(of: "inner"))
        let conv = try #require(names.firstIndex(of: "inner_conv")), relu = try #require(names.firstIndex(of: "middle_relu"))
        // outer box, then the middle model's own layers and the inner box inside it.
        let outerBox = try #require(dot.range(of: "  subgraph cluster_nested\(middleRow) {"))
        let innerBox = try #require(dot.range(of: "    subgraph cluster_nested\(innerRow) {"))
        #expect(outerBox.lowerBound < innerBox.lowerBound)
        #expect(dot.contains("      n\(conv) ["))
        #expect(dot.contains("    n\(relu) ["))
        let svg = String(decoding: try Plot.render(stats, options: options, format: .svg).data, as: UTF8.self)
        #expect(svg.components(separatedBy: "class=\"cluster\"").count - 1 == 2)
        #expect(try HTMLReport.render(stats).contains("cluster_nested\(innerRow)"))
    }

    /// Nested clusters nest: a cluster's parent is written around it.
    @Test func clustersInsideClusters() {
        let node = { (id: String) in PlotDescription.Node(id: id, attributes: []) }
        let description = PlotDescription(
            name: "g", graphAttributes: [], nodeDefaults: [], edgeDefaults: [],
            nodes: [node("a"), node("b"), node("c"), node("d")], edges: [],
            clusters: [
                .init(id: "cluster_outer", attributes: [], nodeIDs: ["b"]),
                .init(id: "cluster_inner", attributes: [], nodeIDs: ["c"], parent: "cluster_outer"),
            ])
        #expect(description.dot == """
            digraph g {
              a [];
              subgraph cluster_outer {
                b [];
                subgraph cluster_inner {
                  c [];
                }
              }
              d [];
            }

            """)
    }
}
