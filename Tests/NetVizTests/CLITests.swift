import Foundation
import Testing

@testable import NetViz

/// The `netviz` executable as users run it: golden outputs and one-line errors.
@Suite struct CLITests {
    static let goldenCases: [(String, [String])] = [
        ("summary-mobilenet.txt", ["summary", "mobilenet"]),
        ("summary-mobilenet.md", ["summary", "mobilenet", "--format", "markdown"]),
        ("summary-mobilenet.csv", ["summary", "mobilenet", "--format", "csv"]),
        ("summary-mobilenet.json", ["summary", "mobilenet", "--format", "json"]),
        ("summary-mobilenet-article.txt", ["summary", "mobilenet-article"]),
        ("summary-mobilenet-article.md", ["summary", "mobilenet-article", "--format", "markdown"]),
        ("summary-mobilenet-article.csv", ["summary", "mobilenet-article", "--format", "csv"]),
        ("summary-mobilenet-article.json", ["summary", "mobilenet-article", "--format", "json"]),
        ("summary-mobilenet-0.5-160.json", ["summary", "mobilenet", "--alpha", "0.5", "--resolution", "160", "--format", "json"]),
        ("summary-mobilenet-ascii.txt", ["summary", "--ascii", "--show-trainable", "--line-length", "110"]),
        ("models.txt", ["models"]),
    ]

    @Test(arguments: goldenCases.map(\.0))
    func goldenOutput(name: String) throws {
        try CLI.expectGolden(try #require(Self.goldenCases.first { $0.0 == name }?.1), "cli/" + name)
    }

    @Test func defaultModelIsMobileNet() throws {
        #expect(try CLI.run(["summary"]).stdout == CLI.run(["summary", "mobilenet"]).stdout)
    }

    @Test func outputFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("netviz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("summary.json").path
        let result = try CLI.run(["summary", "--format", "json", "-o", path])
        #expect(result.status == 0)
        #expect(result.stdout.isEmpty)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == CLI.run(["summary", "--format", "json"]).stdout)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["summary.json"])
    }

    @Test func plotWritesEachFormat() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("netviz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let signatures: [(String, [UInt8])] = [
            ("png", [0x89, 0x50, 0x4E, 0x47]), ("pdf", Array("%PDF".utf8)), ("svg", Array("<?xml".utf8)),
            ("dot", Array("digraph".utf8)),
        ]
        for (ext, signature) in signatures {
            let path = directory.appendingPathComponent("model.\(ext)").path
            let result = try CLI.run(["plot", "mobilenet-article", "--rankdir", "LR", "--collapse-repeats", "-o", path])
            #expect(result.status == 0, "\(result.stderr)")
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            #expect(Array(data.prefix(signature.count)) == signature, "\(ext)")
        }
        #expect(!FileManager.default.fileExists(atPath: "/tmp/netviz-never.png"))
    }

    /// Bad input: one clear line on stderr naming what is wrong, a non-zero exit, no crash, nothing written.
    static let badInputs: [(arguments: [String], message: String)] = [
        (["summary", "resnet"], "unknown model 'resnet'; the zoo has: mobilenet, mobilenet-article, conv-mobilenet"),
        (["summary", "mobilenet", "--alpha", "0"], "option --alpha: must be in (0, 16], got 0.0"),
        (["summary", "mobilenet", "--alpha", "-1"], "option --alpha: must be in (0, 16], got -1.0"),
        (["summary", "mobilenet", "--resolution", "16"], "layer 'conv_dw_12' (DepthwiseConv2D): input (None, 2, 2, 512) is too small for window 3x3, strides (2, 2), padding 'valid': output would be (None, 0, 0, 512)"),
        (["summary", "mobilenet-article", "--resolution", "100"], "layer 'average_pooling2d' (AveragePooling2D): input (None, 4, 4, 1024) is too small"),
        (["summary", "mobilenet-article", "--alpha", "0.5"], "option --alpha: model 'mobilenet-article' does not take this option"),
        (["summary", "--resolution", "-3"], "option --resolution: must be in [1, 65536], got -3"),
        (["summary", "--classes", "0"], "option --classes: must be in [1, 16777216], got 0"),
        (["summary", "--columns", "params,flops"], "option --columns: unknown column 'flops'"),
        (["summary", "--line-length", "10"], "option --line-length: 10 is too narrow"),
        (["summary", "-o", "/nonexistent-dir/summary.txt"], "/nonexistent-dir/summary.txt: cannot write: directory /nonexistent-dir does not exist"),
        (["summary", "-o", "/"], "/: cannot write"),
        (["summary", "model.json"], "model.json: no such file"),
        (["summary", "--pooling", "avg"], "option --pooling: applies only with --no-include-top"),
        (["plot", "--rankdir", "XY", "-o", "/tmp/netviz-never.png"], "XY"),
        (["plot", "--heat", "flops", "-o", "/tmp/netviz-never.png"], "option --heat: must be macs, params or memory, got 'flops'"),
        (["plot", "--format", "gif", "-o", "/tmp/netviz-never.png"], "option --format: must be one of png, svg, pdf, dot, json, got 'gif'"),
        (["plot", "-o", "/nonexistent-dir/model.png"], "/nonexistent-dir/model.png: cannot write: directory /nonexistent-dir does not exist"),
        (["plot", "-o", "/tmp/netviz-never.gif"], "/tmp/netviz-never.gif"),
        (["plot", "--resolution", "8", "-o", "/tmp/netviz-never.png"], "layer 'conv_dw_6' (DepthwiseConv2D): input (None, 2, 2, 256) is too small"),
    ]

    @Test(arguments: badInputs.indices)
    func badInputGetsOneClearLine(index: Int) throws {
        try CLI.expectOneLineError(Self.badInputs[index].arguments, Self.badInputs[index].message)
    }
}

extension CLITests {
    /// Parser errors are one line too; help still prints in full and exits 0.
    @Test func parserErrorsAreOneLineAndHelpWorks() throws {
        let bad = try CLI.run(["summary", "--alpha", "abc"])
        #expect(bad.status == 64)
        #expect(bad.stderr.split(separator: "\n").count == 1, "\(bad.stderr)")
        #expect(bad.stderr.contains("--alpha"))
        let help = try CLI.run(["summary", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("USAGE: netviz summary"))
    }
}
