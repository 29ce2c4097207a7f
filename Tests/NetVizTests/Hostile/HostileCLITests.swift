import Foundation
import Testing

@testable import NetViz

/// Hostile options and names through the `netviz` command itself: one escaped error line, never a trap.
@Suite struct HostileCLITests {
    typealias K = KerasConfigText

    @Test func lineLengthIsBoundedBothWays() throws {
        for value in ["9223372036854775807", "10000000", "10001"] {
            try CLI.expectOneLineError(
                ["summary", "--line-length", value], "option --line-length: \(value) is wider than the limit of 10000")
        }
        try CLI.expectOneLineError(
            ["summary", "--line-length=-9223372036854775808"], "is too narrow for 4 columns (at least 29)")
        let widest = try CLI.run(["summary", "--line-length", "10000", "--columns", "layer"])
        #expect(widest.status == 0)
        #expect(widest.stdout.split(separator: "\n")[1].count == 10_000)
    }

    /// A name with a newline and ESC in an error: one line, shown escaped, with the reason after the newline kept.
    @Test func errorsAreOneEscapedWholeLine() throws {
        let text = K.functional(
            [K.input("in"), K.layer("Weird\u{1B}[2J", "first\nsecond\u{202E}", [K.tensor("in")])],
            inputs: ["in"], outputs: ["first\nsecond\u{202E}"])
        let path = try K.file(text)
        let result = try CLI.run(["summary", path])
        #expect(result.status == 1)
        #expect(result.stderr.split(separator: "\n", omittingEmptySubsequences: false).count == 2)
        #expect(result.stderr.hasSuffix("\n"))
        #expect(result.stderr.contains(
            "model: unknown Keras class Weird\\x1b[2J (used by 'first\\nsecond\\u{202E}'); netviz reads a custom layer from a .keras archive, whose weights give its params; --allow-unknown imports them"))
        #expect(HostileModel.rawControls(result.stderr).isEmpty)
    }

    @Test func summaryOutputAndWarningsCarryNoRawControls() throws {
        let name = "d\u{1B}]0;title\u{07}\u{9B}2J\r"
        let text = K.functional(
            [K.input("in\u{202E}"), K.layer("Mystery\u{1B}", name, [K.tensor("in\u{202E}")])],
            inputs: ["in\u{202E}"], outputs: [name], name: "m\u{1B}c")
        let path = try K.file(text)
        for format in ["text", "markdown", "json"] {
            let result = try CLI.run(["summary", path, "--allow-unknown", "--format", format])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(HostileModel.rawControls(result.stdout).isEmpty, "\(format)")
            #expect(HostileModel.rawControls(result.stderr).isEmpty, "\(format)")
        }
        let text2 = try CLI.run(["summary", path, "--allow-unknown"])
        #expect(text2.stdout.contains(" - unknown Keras class Mystery\\x1b ('d\\x1b]0;title\\x07\\x9b2J\\r') imported"))
    }

    /// Batch 1000 of 8x8x3 into a Dense(2^20) on a rank-4 tensor: 2^26 elements a sample, 2^36 for the batch.
    @Test func verifyRefusesABatchThatCannotFit() throws {
        let text = K.functional(
            [K.input("in", shape: [8, 8, 3]), K.layer("Dense", "wide", [K.tensor("in")], config: #""units": 1048576"#)],
            inputs: ["in"], outputs: ["wide"])
        let model = try K.file(text)
        let input = URL(fileURLWithPath: model).deletingLastPathComponent().appendingPathComponent("batch.npy").path
        try NumPyFile.encode(Tensor(unchecked: [1000, 8, 8, 3], data: [Float](repeating: 0.5, count: 192_000)))
            .write(to: URL(fileURLWithPath: input))
        try CLI.expectOneLineError(
            ["verify", model, "--input", input],
            "model: too large for verify: 'm' has 4194304 params and activations of up to batch 1000 x 67108864 elements")
    }
}
