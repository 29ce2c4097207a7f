import Foundation
import Testing

@testable import NetViz

/// Every Keras model in the fixtures draws (Graphviz's ortho router used to abort the process on some of them),
/// with one SVG node per drawn layer and one edge per connection.
@Suite struct PlotKerasModelsTests {
    static let files: [String] = {
        let root = Fixtures.url("keras")
        var files: [String] = []
        for folder in ["configs", "extra"] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path)) ?? []
            files += names.filter { ($0.hasSuffix(".json") && !$0.hasSuffix(".expected.json")) || $0.hasSuffix(".keras") }
                .sorted().map { "\(folder)/\($0)" }
        }
        return files
    }()

    @Test func fixturesAreFound() { #expect(Self.files.count >= 15) }

    @Test(arguments: files)
    func drawsAsSVG(file: String) throws {
        let model = try KerasImporter.load(path: Fixtures.url("keras/" + file).path).model
        for expanded in [false, true] {
            let stats = try ModelStatistics(expanded ? model.expandingNested(indent: false) : model)
            let svg = String(decoding: try Plot.render(stats, format: .svg).data, as: UTF8.self)
            let edges = stats.model.nodes.reduce(0) { $0 + $1.inbound.count }
            #expect(svg.components(separatedBy: "class=\"node\"").count - 1 == stats.model.nodes.count, "\(file)")
            #expect(svg.components(separatedBy: "class=\"edge\"").count - 1 == edges, "\(file)")
        }
    }
}
