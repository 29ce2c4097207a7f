import ArgumentParser
import Foundation
import NetViz

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Run the model on real tensors and check every layer's shape, MACs and params (Docs/verification.md)."
    )

    @OptionGroup var source: ModelOptions

    @Option(parsing: .unconditional, help: "Seed of the deterministic weights and input (when no file gives them).")
    var seed: UInt64 = SeededInit.defaultSeed

    @Option(help: "Weights as .safetensors, tensors named '<layer name>/<weight name>' or by Keras 3's variable.path (default: the model file's own (.h5, .keras, .onnx, .tflite), else seeded).")
    var weights: String?

    @Flag(help: "Run on seeded weights even when the model file carries its own (.h5, .keras).")
    var seededWeights = false

    @Option(help: "The input as .npy, float32, shape (batch, ...) (default: seeded, batch 1).")
    var input: String?

    @Option(help: "Write the model's output to this .npy file.")
    var output: String?

    @Flag(help: "Use the plain reference kernels instead of the fast paths (slow).")
    var reference = false

    func run() throws {
        let inputFiles = [source.model] + [weights, input].compactMap { $0 }
        if let output { try OutputFile.check(output, inputs: inputFiles) }
        let model = try source.load()
        // Refused before weights are read; checked again with the input's batch.
        let stats = try source.modelSource.located { try ModelStatistics(model) }
        try Verifier.checkSize(stats, batch: 1)
        var store: WeightStore
        if let weights {
            store = try WeightStore(tensors: try SafeTensors.read(path: weights)).resolved(for: model, source: weights)
        } else if !seededWeights, let own = try source.modelSource.fileWeights(for: model) {
            store = own
        } else {
            store = SeededInit.weights(for: model, seed: seed)
        }
        var inputs: [Tensor]
        if let input {
            guard model.inputIndices.count == 1 else {
                throw OptionError(flag: "--input", message: "model '\(model.name)' has \(model.inputIndices.count) inputs; one .npy gives one")
            }
            let tensor = try NumPyFile.read(path: input)
            let spec = model.inputSpecs[0]
            guard let batch = spec.batch(of: tensor.shape) else {
                throw NetVizError.file(
                    path: input, message: "input has shape \(tensor.shapeDescription), model '\(model.name)' takes \(spec) (batch >= 1)")
            }
            try Verifier.checkSize(stats, batch: batch)
            inputs = [tensor]
        } else {
            inputs = model.inputIndices.map { SeededInit.input(name: model.nodes[$0].name, spec: model.nodes[$0].output, seed: seed) }
        }
        let bar = ProgressBar()
        let report = try Verifier.verify(
            model, weights: store, inputs: inputs, executor: Executor(mode: reference ? .reference : .fast),
            progress: bar.update)
        bar.finish()
        if let output, report.passed, let first = report.outputs.first {
            try OutputFile.write(NumPyFile.encode(first), to: output, inputs: inputFiles)
        }
        try OutputFile.writeStandardOutput(report.text())
        if !report.passed { throw ExitCode(1) }
    }
}

/// A progress bar on standard error, drawn only when it is a terminal and the run has taken over a second.
final class ProgressBar {
    private let enabled = isatty(STDERR_FILENO) == 1
    private let start = DispatchTime.now().uptimeNanoseconds
    private var drawn = false

    func update(done: Int, total: Int, name: String) {
        guard enabled, DispatchTime.now().uptimeNanoseconds - start > 1_000_000_000, total > 0 else { return }
        let width = 30, filled = width * done / total
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        FileHandle.standardError.write(Data("\r[\(bar)] \(done)/\(total) \(UntrustedText.terminal(String(name.prefix(30))))\u{1B}[K".utf8))
        drawn = true
    }

    func finish() {
        if drawn { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
