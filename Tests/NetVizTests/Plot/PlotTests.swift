import Foundation
import Synchronization
import Testing

@testable import NetViz

/// Models the plot tests draw.
private enum PlotModels {
    /// A small graph with both kinds of merge: two branches added, then concatenated with both branches again.
    static func branchy() throws -> Model {
        let i = try Input(shape: [8, 8, 3])
        let a = try Conv2D(filters: 4, kernelSize: 3, padding: .same, name: "left")(i)
        let b = try Conv2D(filters: 4, kernelSize: 1, name: "right")(i)
        let sum = try Add()([a, b])
        let relu = try ReLU()(sum)
        let joined = try Concatenate()([relu, a, b])
        let pooled = try GlobalAveragePooling2D()(joined)
        let y = try Dense(units: 10, activation: .softmax)(pooled)
        return try Model(inputs: [i], outputs: [y], name: "branchy")
    }

    static func stats(_ name: String) throws -> ModelStatistics {
        try ModelStatistics(name == "branchy" ? branchy() : Zoo.build(name))
    }

    /// Distinct (source, layer) pairs: the edges a plot draws.
    static func connections(_ model: Model) -> Int {
        Set(model.nodes.flatMap { node in node.inbound.map { [$0, node.index] } }).count
    }
}

/// PNG facts read from the bytes: signature and the IHDR chunk's width and height.
private enum PNGInfo {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    static func size(_ data: Data) -> PixelSize? {
        let bytes = [UInt8](data.prefix(24))
        guard bytes.count == 24, Array(bytes[0..<8]) == signature, Array(bytes[12..<16]) == Array("IHDR".utf8) else {
            return nil
        }
        func int(_ at: Int) -> Int { bytes[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
        return PixelSize(width: int(16), height: int(20))
    }
}

private func occurrences(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

@Suite("Plot: DOT text") struct PlotDOTTests {
    @Test(arguments: [
        ("mobilenet", RankDir.topToBottom, "mobilenet_tb.dot"),
        ("mobilenet", RankDir.leftToRight, "mobilenet_lr.dot"),
        ("mobilenet-article", RankDir.topToBottom, "mobilenet-article.dot"),
        ("branchy", RankDir.topToBottom, "branchy.dot"),
    ])
    func golden(model: String, rankdir: RankDir, file: String) throws {
        var options = PlotOptions()
        options.rankdir = rankdir
        try Golden.check(Plot.dot(try PlotModels.stats(model), options: options), "plot/" + file)
    }

    /// Every extra at once, so the golden file pins collapsed runs, heat colours, the legend and the title.
    @Test func goldenEverything() throws {
        var options = PlotOptions()
        options.collapseRepeats = true
        options.heat = .macs
        options.showMACs = true
        options.showParams = true
        options.showDtype = true
        options.showTrainable = true
        options.showLayerActivations = true
        options.title = "MobileNet v1 <collapsed> & heated"
        try Golden.check(Plot.dot(try PlotModels.stats("mobilenet"), options: options), "plot/mobilenet_everything.dot")
    }

    @Test func deterministic() throws {
        var options = PlotOptions()
        options.heat = .params
        options.collapseRepeats = true
        let first = Plot.dot(try PlotModels.stats("mobilenet"), options: options)
        let second = Plot.dot(try PlotModels.stats("mobilenet"), options: options)
        #expect(first == second)
    }

    @Test func keraslikeLabels() throws {
        let dot = Plot.dot(try PlotModels.stats("branchy"))
        #expect(dot.contains("<b>left</b> (Conv2D)"))
        #expect(dot.contains("Input shape: <b>(None, 8, 8, 3)</b>"))
        #expect(dot.contains("Output shape: <b>(None, 8, 8, 4)</b>"))
        // A merge lists every input shape, as Keras prints a list of shapes.
        #expect(dot.contains("Input shape: <b>[(None, 8, 8, 4), (None, 8, 8, 4), (None, 8, 8, 4)]</b>"))
        // An input layer has no input shape row.
        #expect(!dot.contains("<b>input_layer</b> (InputLayer)</font></td></tr><tr><td bgcolor=\"white\"><font point-size=\"14\">Input shape"))
        #expect(dot.contains("rankdir=\"TB\""))
        #expect(dot.contains("dpi=\"96\""))
    }

    @Test func optionalRows() throws {
        var options = PlotOptions()
        options.showShapes = false
        options.showLayerNames = false
        options.showDtype = true
        options.showTrainable = true
        options.showLayerActivations = true
        options.showParams = true
        options.showMACs = true
        let dot = Plot.dot(try PlotModels.stats("branchy"), options: options)
        #expect(!dot.contains("Output shape"))
        #expect(!dot.contains("<b>left</b>"))
        #expect(dot.contains("<b>Conv2D</b>"))
        #expect(dot.contains("Output dtype: <b>float32</b>"))
        #expect(occurrences("<b>Trainable</b>", in: dot) == 3)  // left, right, dense: the layers with weights
        #expect(dot.contains("Activation: <b>softmax</b>"))
        #expect(dot.contains("Params: <b>112</b>"))  // left: 3*3*3*4 + 4
        #expect(dot.contains("MACs: <b>6.91 K</b>"))  // left: 8*8*4 outputs x 27
    }

    @Test func edgesFromEveryInbound() throws {
        let stats = try PlotModels.stats("branchy")
        let description = Plot.description(stats)
        #expect(description.nodes.count == stats.model.nodes.count)
        #expect(description.edges.count == PlotModels.connections(stats.model))
        let concat = try #require(stats.model.nodes.first { $0.className == "Concatenate" })
        let into = description.edges.filter { $0.to == "n\(concat.index)" }.map(\.from)
        #expect(into == concat.inbound.map { "n\($0)" })
    }

    @Test func escapesHTML() throws {
        let i = try Input(shape: [4], name: "in<put> & \"more\"")
        let y = try Dense(units: 2, name: "d'\u{1}x")(i)
        let stats = try ModelStatistics(try Model(inputs: [i], outputs: [y], name: "we!rd name"))
        var options = PlotOptions()
        options.title = "A <b>title</b> & more"
        let dot = Plot.dot(stats, options: options)
        #expect(dot.contains("in&lt;put&gt; &amp; &quot;more&quot;"))
        #expect(dot.contains("d&#39;\u{FFFD}x"))
        #expect(dot.contains("A &lt;b&gt;title&lt;/b&gt; &amp; more"))
        #expect(dot.hasPrefix("digraph we_rd_name {"))
        // Graphviz parses every label without complaint.
        let result = try Plot.render(stats, options: options, format: .svg)
        #expect(result.warnings == [])
        #expect(occurrences("class=\"node\"", in: String(decoding: result.data, as: UTF8.self)) == 2)
    }

    @Test func graphIDs() {
        #expect(PlotBuilder.graphID("mobilenet_1.00_224") == "mobilenet_1_00_224")
        #expect(PlotBuilder.graphID("224net") == "_224net")
        #expect(PlotBuilder.graphID("") == "_")
    }
}

@Suite("Plot: collapse repeats and heat") struct PlotCollapseTests {
    @Test func mobilenetFiveBlocks() throws {
        let stats = try PlotModels.stats("mobilenet")
        let runs = RepeatFinder.runs(in: stats)
        #expect(runs == [RepeatRun(start: try #require(stats.model.node(named: "conv_dw_7")).index, length: 6, count: 5)])

        var options = PlotOptions()
        options.collapseRepeats = true
        let description = Plot.description(stats, options: options)
        #expect(description.nodes.count == stats.model.nodes.count - 24)
        #expect(description.clusters.count == 1)
        let dot = description.dot
        #expect(dot.contains("<b>x5</b>"))
        #expect(dot.contains("conv_dw_7 …"))
        #expect(dot.contains("… conv_pw_11_relu"))
        #expect(!dot.contains("conv_dw_8"))
        // Still one connected chain: the block's last node feeds what followed the last repetition.
        #expect(description.edges.count == description.nodes.count - 1)
        let ids = Set(description.nodes.map(\.id))
        #expect(description.edges.allSatisfy { ids.contains($0.from) && ids.contains($0.to) })

        let svg = String(decoding: try Plot.render(stats, options: options, format: .svg).data, as: UTF8.self)
        #expect(occurrences("class=\"node\"", in: svg) == stats.model.nodes.count - 24)
        #expect(occurrences("class=\"cluster\"", in: svg) == 1)
    }

    @Test func identicalLayers() throws {
        let i = try Input(shape: [16])
        var x = i
        for _ in 0..<7 { x = try Dense(units: 16)(x) }
        let y = try Dense(units: 4)(x)
        let stats = try ModelStatistics(try Model(inputs: [i], outputs: [y]))
        #expect(RepeatFinder.runs(in: stats) == [RepeatRun(start: 1, length: 1, count: 7)])
        var options = PlotOptions()
        options.collapseRepeats = true
        let description = Plot.description(stats, options: options)
        #expect(description.nodes.map(\.id) == ["n0", "n1", "n8"])
        #expect(description.edges == [.init(from: "n0", to: "n1"), .init(from: "n1", to: "n8")])
        #expect(description.dot.contains("<b>x7</b>"))
    }

    @Test func branchesAreNotCollapsed() throws {
        let stats = try PlotModels.stats("branchy")
        var options = PlotOptions()
        options.collapseRepeats = true
        #expect(Plot.dot(stats, options: options) == Plot.dot(stats))
    }

    @Test func heatColours() throws {
        let stats = try PlotModels.stats("mobilenet")
        var options = PlotOptions()
        options.heat = .macs
        let description = Plot.description(stats, options: options)
        #expect(description.nodes.last?.id == "legend")
        #expect(description.nodes.count == stats.model.nodes.count + 1)
        #expect(HeatScale.color(fraction: 0) == "#FFFFFF")
        #expect(HeatScale.color(fraction: 1) == "#EF3B2C")
        // The costliest layer (conv_pw_13, 9.0% of MACs) is full red; a ReLU is white.
        let dot = description.dot
        let hottest = try #require(stats.model.node(named: "conv_pw_13"))
        let node = try #require(description.nodes.first { $0.id == "n\(hottest.index)" })
        guard case .html(let label) = node.attributes[0].value else { Issue.record("no HTML label"); return }
        #expect(label.contains("bgcolor=\"#EF3B2C\""))
        #expect(dot.contains("9.0%"))
        #expect(dot.contains("568.74 M"))
    }
}

@Suite("Plot: rendering") struct PlotRenderTests {
    @Test(arguments: ["branchy", "mobilenet-article", "mobilenet"])
    func svgHasOneNodePerLayerAndOneEdgePerConnection(model: String) throws {
        let stats = try PlotModels.stats(model)
        let result = try Plot.render(stats, format: .svg)
        let svg = String(decoding: result.data, as: UTF8.self)
        #expect(svg.hasPrefix("<?xml"))
        #expect(occurrences("class=\"node\"", in: svg) == stats.model.nodes.count)
        #expect(occurrences("class=\"edge\"", in: svg) == PlotModels.connections(stats.model))
        #expect(result.warnings == [])
    }

    @Test func png() throws {
        let stats = try PlotModels.stats("mobilenet")
        let result = try Plot.render(stats, format: .png)
        #expect(Array(result.data.prefix(8)) == PNGInfo.signature)
        let size = try #require(PNGInfo.size(result.data))
        // Keras draws this model about 30,000 px tall at dpi 200; at 96 dpi that is about 14,400.
        #expect((600...1000).contains(size.width))
        #expect((13_000...16_000).contains(size.height))
        #expect(result.pixelSize == size)
        #expect(result.warnings == [])
    }

    @Test func pngScalesWithDPI() throws {
        let stats = try PlotModels.stats("branchy")
        var options = PlotOptions()
        let small = try #require(PNGInfo.size(try Plot.render(stats, options: options, format: .png).data))
        options.dpi = 192
        let large = try #require(PNGInfo.size(try Plot.render(stats, options: options, format: .png).data))
        #expect(abs(large.width - 2 * small.width) <= 2)
        #expect(abs(large.height - 2 * small.height) <= 2)
    }

    @Test func pdf() throws {
        let data = try Plot.render(try PlotModels.stats("branchy"), format: .pdf).data
        #expect(data.starts(with: Array("%PDF".utf8)))
    }

    @Test func json() throws {
        let data = try Plot.render(try PlotModels.stats("branchy"), format: .json).data
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect((object["objects"] as? [Any])?.count == 8)
        #expect((object["edges"] as? [Any])?.count == PlotModels.connections(try PlotModels.branchy()))
    }

    @Test func dotFormatIsTheDOTText() throws {
        let stats = try PlotModels.stats("branchy")
        #expect(try Plot.render(stats, format: .dot).data == Data(Plot.dot(stats).utf8))
    }

    /// Cairo caps bitmaps at 32767 px; mobilenet at 300 dpi is about 45,000 px tall.
    @Test func oversizeBitmapWarns() throws {
        let stats = try PlotModels.stats("mobilenet")
        var options = PlotOptions()
        options.dpi = 300
        let result = try Plot.render(stats, options: options, format: .png)
        #expect(result.warnings.count == 1)
        let warning = try #require(result.warnings.first)
        #expect(warning.contains("32767"))
        #expect(warning.contains("at 300 dpi"))
        #expect(warning.contains("scale 0.7"))
        #expect(warning.contains("SVG"))
        #expect(warning.contains("--collapse-repeats"))
        let size = try #require(PNGInfo.size(result.data))
        #expect(size == result.pixelSize)
        #expect(size.height < GraphvizRenderer.cairoLimit && size.height > 30_000)
        // SVG has no such limit: no warning.
        #expect(try Plot.render(stats, options: options, format: .svg).warnings == [])
    }

    @Test func pixelArithmetic() {
        // 72 points = one inch, plus Graphviz's 4-point pad on each side.
        #expect(GraphvizRenderer.pixels((64, 136), dpi: 72) == PixelSize(width: 72, height: 144))
        #expect(GraphvizRenderer.pixels((64, 136), dpi: 144) == PixelSize(width: 144, height: 288))
    }

    /// Graphviz is not thread-safe; the process-wide lock makes concurrent renders safe and identical.
    @Test func eightThreadsAtOnce() throws {
        let stats = try PlotModels.stats("mobilenet-article")
        let branchy = try PlotModels.stats("branchy")
        let expectedSVG = try Plot.render(stats, format: .svg).data
        let expectedPNG = try Plot.render(branchy, format: .png).data
        let outcomes = Mutex<[Int: Bool]>([:])
        let start = DispatchSemaphore(value: 0), done = DispatchGroup()
        for worker in 0..<8 {
            done.enter()
            Thread {
                start.wait()
                var ok = true
                for round in 0..<3 {
                    do {
                        let svg = (worker + round).isMultiple(of: 2)
                        let data = try Plot.render(svg ? stats : branchy, format: svg ? .svg : .png).data
                        if data != (svg ? expectedSVG : expectedPNG) { ok = false }
                    } catch {
                        ok = false
                    }
                }
                outcomes.withLock { $0[worker] = ok }
                done.leave()
            }.start()
        }
        for _ in 0..<8 { start.signal() }
        done.wait()
        let results = outcomes.withLock { $0 }
        #expect(results.count == 8)
        #expect(results.values.allSatisfy { $0 })
    }
}

@Suite("Plot: files and options") struct PlotFileTests {
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("netviz-plot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func contents(_ url: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
    }

    @Test func writesEachFormat() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let stats = try PlotModels.stats("branchy")
        for format in PlotFormat.allCases {
            let path = directory.appendingPathComponent("model.\(format.rawValue)").path
            let warnings = try Plot.write(stats, to: path)
            #expect(warnings == [])
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Plot.render(stats, format: format).data)
        }
        #expect(try Self.contents(directory) == ["model.dot", "model.json", "model.pdf", "model.png", "model.svg"])
        // An explicit format wins over the extension.
        let path = directory.appendingPathComponent("picture.out").path
        try Plot.write(stats, to: path, format: .svg)
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("<?xml"))
    }

    @Test func unwritablePathThrowsAndLeavesNothing() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let stats = try PlotModels.stats("branchy")
        let missing = directory.appendingPathComponent("no/such/dir/model.png").path
        #expect {
            try Plot.write(stats, to: missing)
        } throws: { error in
            guard case NetVizError.file(let path, _) = error else { return false }
            return path == missing && "\(error)".hasPrefix(missing + ": ")
        }
        // A directory as the output.
        let folder = directory.appendingPathComponent("folder.png")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
        #expect {
            try Plot.write(stats, to: folder.path)
        } throws: { error in
            guard case NetVizError.file(let path, let message) = error else { return false }
            return path == folder.path && message.contains("directory")
        }
        #expect(try Self.contents(directory) == ["folder.png"])
        #expect(try Self.contents(folder) == [])
    }

    @Test func badOptionsThrowBeforeWriting() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let stats = try PlotModels.stats("branchy")
        #expect(throws: NetVizError.self) { try Plot.write(stats, to: directory.appendingPathComponent("m.gif").path) }
        #expect(throws: NetVizError.self) { try Plot.write(stats, to: directory.appendingPathComponent("model").path) }
        var options = PlotOptions()
        options.dpi = 0
        #expect {
            try Plot.write(stats, options: options, to: directory.appendingPathComponent("m.png").path)
        } throws: { error in
            guard case NetVizError.invalidSetting(let name, _) = error else { return false }
            return name == "dpi"
        }
        #expect(try Self.contents(directory) == [])
    }

    @Test func formats() throws {
        #expect(PlotFormat(fileExtension: "PNG") == .png)
        #expect(PlotFormat(fileExtension: ".svg") == .svg)
        #expect(PlotFormat(fileExtension: "gv") == .dot)
        #expect(PlotFormat(fileExtension: "gif") == nil)
        #expect(try PlotFormat(path: "out/model.v2.pdf") == .pdf)
        #expect(try PlotFormat(path: "a.b/model.json") == .json)
        #expect(throws: NetVizError.self) { try PlotFormat(path: "a.b/model") }
    }

    @Test func rankdir() throws {
        #expect(try RankDir(parsing: "lr") == .leftToRight)
        #expect(try RankDir(parsing: "BT") == .bottomToTop)
        #expect {
            try RankDir(parsing: "up")
        } throws: { error in
            guard case NetVizError.invalidSetting(let name, let message) = error else { return false }
            return name == "rankdir" && message.contains("TB, LR, BT, RL")
        }
    }
}

@Suite("Plot: one description, two readers") struct PlotReadersTests {
    /// The graph built in memory and the same graph parsed from its DOT text draw byte-identical pictures.
    @Test(arguments: ["branchy", "mobilenet-article"])
    func builtGraphMatchesDOTText(model: String) throws {
        let stats = try PlotModels.stats(model)
        var options = PlotOptions()
        options.heat = .params
        options.showParams = true
        options.title = "A & B"
        let dot = Plot.dot(stats, options: options)
        for format in [PlotFormat.svg, .json] {
            let built = try Plot.render(stats, options: options, format: format)
            let parsed = try GraphvizRenderer.render(dotText: dot, format: format, dpi: options.dpi)
            #expect(built.data == parsed.data, "\(model) as \(format)")
        }
    }

    @Test func collapsedClustersToo() throws {
        let stats = try PlotModels.stats("mobilenet")
        var options = PlotOptions()
        options.collapseRepeats = true
        options.rankdir = .leftToRight
        let built = try Plot.render(stats, options: options, format: .svg)
        let parsed = try GraphvizRenderer.render(dotText: Plot.dot(stats, options: options), format: .svg, dpi: 96)
        #expect(built.data == parsed.data)
    }

    @Test func badDOTTextThrows() {
        #expect(throws: NetVizError.self) {
            try GraphvizRenderer.render(dotText: "digraph { a -> }", format: .svg, dpi: 96)
        }
    }
}
