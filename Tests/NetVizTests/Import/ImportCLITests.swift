import Foundation
import Testing

@testable import NetViz

/// `netviz summary|plot FILE` as users run it on Keras files: golden tables and one-line errors.
@Suite struct ImportCLITests {
    static let goldenCases: [(String, [String])] = [
        ("summary-keras-mix.txt", ["summary", Fixtures.url("keras/extra/Mix.json").path]),
        ("summary-keras-mix-expanded.txt", ["summary", Fixtures.url("keras/extra/Mix.keras").path, "--expand-nested"]),
        ("summary-keras-sequential.csv", ["summary", Fixtures.url("keras/extra/SmallSequential.keras").path, "--format", "csv"]),
    ]

    @Test(arguments: goldenCases.map(\.0))
    func goldenOutput(name: String) throws {
        try CLI.expectGolden(try #require(Self.goldenCases.first { $0.0 == name }?.1), "cli/" + name)
    }

    @Test func jsonAndArchiveGiveTheSameSummary() throws {
        let json = try CLI.run(["summary", Fixtures.url("keras/configs/MobileNet_alpha1.0_224.json").path])
        #expect(json.status == 0)
        #expect(json.stdout == (try CLI.run(["summary", "mobilenet"])).stdout)
    }

    @Test func plotReadsTheSameModel() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("netviz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let svg = directory.appendingPathComponent("m.svg").path
        // (Mix.keras expanded is not drawn to SVG here: Graphviz's ortho router aborts on its layout, `dot` too.)
        let result = try CLI.run(["plot", Fixtures.url("keras/extra/ConvNeXtTiny.json").path, "--expand-nested", "-o", svg])
        #expect(result.status == 0, "\(result.stderr)")
        let text = try String(contentsOfFile: svg, encoding: .utf8)
        #expect(text.hasPrefix("<?xml"))
        #expect(text.contains("convnext_tiny_stem_conv"))
        #expect(text.contains("convnext_tiny_downsampling_conv_2"))
        let expandedDot = directory.appendingPathComponent("e.dot").path
        #expect(try CLI.run(["plot", Fixtures.url("keras/extra/Mix.keras").path, "--expand-nested", "-o", expandedDot]).status == 0)
        #expect(try String(contentsOfFile: expandedDot, encoding: .utf8).contains("inner_conv"))
        let dot = directory.appendingPathComponent("m.dot").path
        #expect(try CLI.run(["plot", Fixtures.url("keras/extra/Mix.keras").path, "-o", dot]).status == 0)
        #expect(!(try String(contentsOfFile: dot, encoding: .utf8)).contains("inner_conv"))
    }

    @Test func unknownClassesFailOrWarn() throws {
        let path = Fixtures.url("bad-input/unknown-classes.json").path
        let failed = try CLI.run(["summary", path])
        #expect(failed.status != 0)
        #expect(failed.stderr.split(separator: "\n").count == 1)
        #expect(failed.stderr.contains("MyCustomLayer (used by 'custom_a')"))
        let allowed = try CLI.run(["summary", path, "--allow-unknown"])
        #expect(allowed.status == 0)
        #expect(allowed.stdout.contains("custom_a (MyCustomLayer, unknown)"))
        // Told once: under the table, not also on standard error.
        #expect(allowed.stdout.contains(" - unknown Keras class MyCustomLayer ('custom_a') imported with --allow-unknown"))
        #expect(allowed.stdout.components(separatedBy: "unknown Keras class MyCustomLayer").count == 2)
        #expect(allowed.stderr.isEmpty)
        // plot has no table: it tells them on standard error, once.
        let dot = FileManager.default.temporaryDirectory.appendingPathComponent("netviz-unknown-\(UUID().uuidString).dot").path
        defer { try? FileManager.default.removeItem(atPath: dot) }
        let plotted = try CLI.run(["plot", path, "--allow-unknown", "-o", dot])
        #expect(plotted.status == 0)
        #expect(plotted.stderr.components(separatedBy: "\n").filter { $0.hasPrefix("warning: unknown Keras class") }.count == 2)
    }

    @Test(arguments: ["malformed.json", "not-keras.keras", "dangling-inbound.json", "cycle.json", "negative-shape.json", "none-spatial.json"])
    func badInputIsOneLineAndNonZeroExit(file: String) throws {
        let path = Fixtures.url("bad-input/" + file).path
        let result = try CLI.run(["summary", path])
        #expect(result.status != 0)
        #expect(result.stdout.isEmpty)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)")
        #expect(lines.first?.hasPrefix("Error: \(path): ") == true, "\(result.stderr)")
    }

    @Test func zooOptionsDoNotApplyToFiles() throws {
        let result = try CLI.run(["summary", Fixtures.url("keras/extra/Mix.json").path, "--alpha", "0.5"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--alpha"))
    }
}

extension ImportCLITests {
    /// `netviz verify` runs imported models: nested models, keras.ops nodes, normalisations, frozen layers.
    @Test(arguments: ["extra/Mix.keras", "extra/MobileNetV3Small.json"])
    func verifyRunsImportedModels(file: String) throws {
        let result = try CLI.run(["verify", Fixtures.url("keras/" + file).path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.split(separator: "\n").last?.hasSuffix("all checks passed") == true, "\(result.stdout.suffix(300))")
    }
}
