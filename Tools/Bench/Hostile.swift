import Foundation

/// Issue 15's runaway inputs as whole `netviz summary` processes: merged-input naming and a 1 MB layer name.
/// Time and peak memory should grow linearly (they were quadratic: 16 s and 3 GB at 10,000 inputs, 32 s for the name).
extension Runner {
    /// A config of `inputs` InputLayers merged one by one by `Add([new, acc])` (the order that was quadratic).
    static func mergedInputs(_ inputs: Int) -> String {
        func tensor(_ name: String) -> String { #"{"class_name": "__keras_tensor__", "config": {"keras_history": ["\#(name)", 0, 0]}}"# }
        var layers: [String] = []
        var acc = "in0"
        for i in 0..<inputs {
            layers.append(#"{"class_name": "InputLayer", "config": {"batch_shape": [null, 4], "name": "in\#(i)"}, "name": "in\#(i)", "inbound_nodes": []}"#)
            guard i > 0 else { continue }
            layers.append(#"{"class_name": "Add", "config": {"name": "add\#(i)"}, "name": "add\#(i)", "inbound_nodes": [{"args": [[\#(tensor("in\(i)")), \#(tensor(acc))]], "kwargs": {}}]}"#)
            acc = "add\(i)"
        }
        let ends = (0..<inputs).map { "[\"in\($0)\", 0, 0]" }.joined(separator: ", ")
        return #"{"class_name": "Functional", "config": {"name": "merged", "layers": [\#(layers.joined(separator: ",\n"))], "input_layers": [\#(ends)], "output_layers": [["\#(acc)", 0, 0]]}}"#
    }

    /// A three-layer config whose middle layer's name is `bytes` long.
    static func longName(_ bytes: Int) -> String {
        let name = String(repeating: "x", count: bytes)
        return #"{"class_name": "Functional", "config": {"name": "long", "layers": [{"class_name": "InputLayer", "config": {"batch_shape": [null, 4], "name": "in"}, "name": "in", "inbound_nodes": []}, {"class_name": "ReLU", "config": {"name": "\#(name)"}, "name": "\#(name)", "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"keras_history": ["in", 0, 0]}}], "kwargs": {}}]}], "input_layers": [["in", 0, 0]], "output_layers": [["\#(name)", 0, 0]]}}"#
    }

    mutating func hostile() throws {
        say("## Hostile inputs: merged-input naming and a 1 MB name")
        say()
        say("Whole `netviz summary` processes on generated configs (issue 15): N InputLayers merged one by one by")
        say("`Add([new, acc])` (2N - 1 layers), and a layer whose name is 1 MB or 2 MB long (shown cut to 1,000 characters).")
        say()
        say("| case | median ms (min-max) | runs | peak MiB | µs per layer or KB |")
        say("|---|---:|---:|---:|---:|")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("netviz-bench-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let runs = smoke ? 1 : 5
        var perInput: [Double] = []
        for inputs in smoke ? [1_000] : [10_000, 20_000] {
            let path = folder.appendingPathComponent("merged-\(inputs).json").path
            try Data(Self.mergedInputs(inputs).utf8).write(to: URL(fileURLWithPath: path))
            let timing = try ProcessTiming.measure([netviz, "summary", path], runs: runs, warmups: 1)
            let micro = timing.medianMs * 1000 / Double(2 * inputs - 1)
            perInput.append(micro)
            say("| `summary` of \(inputs) inputs merged by Add([new, acc]) | \(ms(timing.medianMs)) (\(ms(timing.minMs))-\(ms(timing.maxMs))) | \(timing.runs) | \(String(format: "%.1f", timing.peakMiB)) | \(String(format: "%.1f µs", micro)) |")
            if inputs == 10_000 {
                target("10,000 merged inputs: summary under 1 s and 200 MiB (issue 15; was 16 s, 3 GB)",
                       "\(ms(timing.medianMs)) ms, \(String(format: "%.0f", timing.peakMiB)) MiB", timing.medianMs < 1000 && timing.peakMiB < 200)
            }
        }
        if perInput.count == 2 {
            target("merged inputs: time per layer within 1.5x from 10,000 to 20,000 inputs (linear)",
                   String(format: "%.2fx", perInput[1] / perInput[0]), perInput[1] / perInput[0] <= 1.5)
        }
        var perKB: [Double] = []
        for megabytes in smoke ? [1] : [1, 2] {
            let path = folder.appendingPathComponent("long-\(megabytes).json").path
            try Data(Self.longName(megabytes << 20).utf8).write(to: URL(fileURLWithPath: path))
            let timing = try ProcessTiming.measure([netviz, "summary", path], runs: runs, warmups: 1)
            perKB.append(timing.medianMs / Double(megabytes << 10))
            say("| `summary` of a \(megabytes) MB layer name | \(ms(timing.medianMs)) (\(ms(timing.minMs))-\(ms(timing.maxMs))) | \(timing.runs) | \(String(format: "%.1f", timing.peakMiB)) | \(String(format: "%.3f ms/KB", perKB.last ?? 0)) |")
            if megabytes == 1 {
                target("1 MB layer name: summary under 500 ms (issue 15; was 32 s)", "\(ms(timing.medianMs)) ms", timing.medianMs < 500)
            }
        }
        say()
    }
}
