import Foundation
import Testing

@testable import NetViz

/// Plots that Graphviz could not finish or Cairo could not draw are refused with advice, never written empty.
@Suite struct PlotLimitsTests {
    static func chain(_ layers: Int) throws -> ModelStatistics {
        let input = try Input(shape: [4])
        var x = input
        for _ in 1..<layers { x = try ReLU()(x) }
        return try ModelStatistics(Model(inputs: [input], outputs: [x]))
    }

    @Test func tooManyNodesAreRefusedAtOnce() throws {
        let stats = try Self.chain(99_999)
        #expect(throws: NetVizError.graph(
            "plot: 99,999 nodes to lay out; netviz draws at most 10,000 (Graphviz's layout would not finish): use "
                + "--collapse-repeats to draw repeated blocks once, or --format dot for the DOT text")) {
            try Plot.render(stats, format: .svg)
        }
        // The DOT text is not laid out, so it is still written; collapsed, the chain is one block drawn once.
        #expect(try Plot.render(stats, format: .dot).data.count > 99_999 * 20)
        var options = PlotOptions()
        options.collapseRepeats = true
        #expect(Plot.description(stats, options: options).nodes.count < 10)
        #expect(try Plot.render(stats, options: options, format: .svg).data.count > 1000)
    }

    /// A 6,000-layer chain drawn left to right is too wide for Cairo even at 1 dpi: an error, no 0-byte PNG.
    @Test func pngTooLargeEvenAtOneDPIIsAnErrorAndNoFile() throws {
        let stats = try Self.chain(6_000)
        var options = PlotOptions()
        options.rankdir = .leftToRight
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("netviz-wide-\(UUID().uuidString).png").path
        do {
            try Plot.write(stats, options: options, to: path)
            Issue.record("wrote \(path)")
        } catch let error as NetVizError {
            #expect(error.description.hasPrefix("model: plot: the PNG would be "))
            #expect(error.description.contains("even at 1 dpi, over Cairo's 32767-px limit: use SVG (--format svg) or --collapse-repeats"))
        }
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}

@Suite struct PlotLimitsCLITests {
    /// Through the command: one line, no Graphviz text on standard error, no file.
    @Test func wideChainPNGIsOneLineAndNoFile() throws {
        var layers = [KerasConfigText.input("in")]
        for i in 0..<5_999 { layers.append(KerasConfigText.layer("ReLU", "r\(i)", [KerasConfigText.tensor(i == 0 ? "in" : "r\(i - 1)")])) }
        let model = try KerasConfigText.file(KerasConfigText.functional(layers, inputs: ["in"], outputs: ["r5998"]))
        let png = URL(fileURLWithPath: model).deletingLastPathComponent().appendingPathComponent("x.png").path
        try CLI.expectOneLineError(["plot", model, "--rankdir", "LR", "-o", png], "even at 1 dpi, over Cairo's 32767-px limit")
        #expect(!FileManager.default.fileExists(atPath: png))
    }
}
