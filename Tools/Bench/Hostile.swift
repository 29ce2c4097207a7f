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
        say("## Hostile inputs: merged-input naming, a 1 MB name, long .tflite chains")
        say()
        say("Whole `netviz summary` processes on generated configs (issue 15): N InputLayers merged one by one by")
        say("`Add([new, acc])` (2N - 1 layers), a layer whose name is 1 MB or 2 MB long (shown cut to 1,000 characters), and")
        say("`.tflite` files of N RELUs in a chain (issue 14).")
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
        var perOperator: [Double] = []
        for operators in smoke ? [1_000] : [20_000, 40_000] {
            let path = folder.appendingPathComponent("chain-\(operators).tflite").path
            try Data(Self.tfliteChain(operators)).write(to: URL(fileURLWithPath: path))
            let timing = try ProcessTiming.measure([netviz, "summary", path, "--format", "json"], runs: runs, warmups: 1)
            let micro = timing.medianMs * 1000 / Double(operators)
            perOperator.append(micro)
            say("| `summary --format json` of a \(operators)-operator .tflite chain | \(ms(timing.medianMs)) (\(ms(timing.minMs))-\(ms(timing.maxMs))) | \(timing.runs) | \(String(format: "%.1f", timing.peakMiB)) | \(String(format: "%.1f µs", micro)) |")
        }
        if perOperator.count == 2 {
            target(".tflite chain: time per operator within 1.5x from 20,000 to 40,000 operators (issue 14; was quadratic, 49 s at 50,000)",
                   String(format: "%.2fx", perOperator[1] / perOperator[0]), perOperator[1] / perOperator[0] <= 1.5)
        }
        say()
    }

    /// A TensorFlow Lite FlatBuffer of `operators` RELUs in a chain over (1, 8) tensors, written forward (each
    /// table's vtable just before it, children after their parents, every field 4 bytes).
    static func tfliteChain(_ operators: Int) -> [UInt8] {
        var bytes: [UInt8] = [0, 0, 0, 0] + Array("TFL3".utf8)
        func put(_ value: UInt32, at position: Int) {
            for i in 0..<4 { bytes[position + i] = UInt8((value >> (8 * UInt32(i))) & 0xFF) }
        }
        func append(_ value: UInt32) {
            bytes += [0, 0, 0, 0]
            put(value, at: bytes.count - 4)
        }
        /// A table with scalar fields and reference slots (by field id); returns its position and the slots.
        func table(_ scalars: [Int: UInt32], refs: [Int]) -> (Int, [Int: Int]) {
            let ids = (Array(scalars.keys) + refs).sorted()
            let vtable = bytes.count, fields = (ids.last ?? -1) + 1
            bytes += [UInt8](repeating: 0, count: 4 + 2 * fields + (fields % 2 == 1 ? 2 : 0))
            let start = bytes.count
            append(UInt32(start - vtable))
            var slots: [Int: Int] = [:]
            for id in ids {
                bytes[vtable + 4 + 2 * id] = UInt8(bytes.count - start)
                if let value = scalars[id] { append(value) } else { slots[id] = bytes.count; append(0) }
            }
            bytes[vtable] = UInt8(4 + 2 * fields)
            bytes[vtable + 2] = UInt8(bytes.count - start)
            return (start, slots)
        }
        func link(_ slot: Int?, _ target: Int) { if let slot { put(UInt32(target - slot), at: slot) } }
        func ints(_ values: [Int32]) -> Int {
            let start = bytes.count
            append(UInt32(values.count))
            for value in values { append(UInt32(bitPattern: value)) }
            return start
        }
        func vector(_ count: Int) -> (Int, [Int]) {
            let start = bytes.count
            append(UInt32(count))
            let slots = (0..<count).map { i in start + 4 + 4 * i }
            for _ in 0..<count { append(0) }
            return (start, slots)
        }
        let (model, modelSlots) = table([0: 3], refs: [1, 2, 4])
        put(UInt32(model), at: 0)
        let (codes, codeSlots) = vector(1)
        link(modelSlots[1], codes)
        link(codeSlots[0], table([0: 19, 2: 1, 3: 19], refs: []).0)
        let (subgraphs, subgraphSlots) = vector(1)
        link(modelSlots[2], subgraphs)
        let (subgraph, slots) = table([:], refs: [0, 1, 2, 3])
        link(subgraphSlots[0], subgraph)
        let (tensors, tensorSlots) = vector(operators + 1)
        link(slots[0], tensors)
        for (i, slot) in tensorSlots.enumerated() {
            let (tensor, fields) = table([:], refs: [0, 3])
            link(slot, tensor)
            link(fields[0], ints([1, 8]))
            let name = Array("model/t\(i)".utf8)
            let text = bytes.count
            append(UInt32(name.count))
            bytes += name + [UInt8](repeating: 0, count: 4 - name.count % 4)
            link(fields[3], text)
        }
        link(slots[1], ints([0]))
        link(slots[2], ints([Int32(operators)]))
        let (ops, opSlots) = vector(operators)
        link(slots[3], ops)
        for (i, slot) in opSlots.enumerated() {
            let (op, fields) = table([0: 0], refs: [1, 2])
            link(slot, op)
            link(fields[1], ints([Int32(i)]))
            link(fields[2], ints([Int32(i + 1)]))
        }
        let (buffers, bufferSlots) = vector(1)
        link(modelSlots[4], buffers)
        link(bufferSlots[0], table([:], refs: []).0)
        return bytes
    }
}
