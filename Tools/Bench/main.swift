// In-process benchmarks for `make bench`: build + count synthetic chains and report the growth per layer.
// Whole-process figures (netviz summary mobilenet) are taken by Tools/bench.sh.
import Foundation
import NetViz

/// A chain of `layers` layers cycling Conv2D 1x1 -> BatchNormalization -> ReLU6 on a 14x14x32 tensor.
func chain(_ layers: Int) throws -> Model {
    let input = try Input(shape: [14, 14, 32])
    var x = input
    for i in 0..<layers - 1 {
        switch i % 3 {
        case 0: x = try Conv2D(filters: 32, kernelSize: 1, useBias: false)(x)
        case 1: x = try BatchNormalization()(x)
        default: x = try ReLU(maxValue: 6)(x)
        }
    }
    return try Model(inputs: [input], outputs: [x])
}

/// Median, min and max of `runs` timings of `body`, in milliseconds.
func measure(runs: Int, _ body: () throws -> Void) rethrows -> (median: Double, min: Double, max: Double) {
    let clock = ContinuousClock()
    var times: [Double] = []
    for _ in 0..<runs {
        let elapsed = try clock.measure(body)
        times.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1e3)
    }
    times.sort()
    return (times[times.count / 2], times[0], times[times.count - 1])
}

let sizes = CommandLine.arguments.count > 1
    ? CommandLine.arguments.dropFirst().compactMap { Int($0) } : [1_000, 10_000, 100_000]
print("| layers | runs | build + count median (ms) | min | max | µs per layer | + JSON summary median (ms) |")
print("|---:|---:|---:|---:|---:|---:|---:|")
do {
    _ = try ModelStatistics(chain(100))  // warm-up
    for size in sizes {
        let runs = size >= 100_000 ? 5 : 11
        let count = try measure(runs: runs) { _ = try ModelStatistics(chain(size)) }
        let json = try measure(runs: runs) { _ = SummaryReport.json(try ModelStatistics(chain(size))).rendered() }
        let perLayer = count.median * 1000 / Double(size)
        print(
            "| \(size) | \(runs) | \(String(format: "%.2f", count.median)) | \(String(format: "%.2f", count.min)) | "
                + "\(String(format: "%.2f", count.max)) | \(String(format: "%.2f", perLayer)) | "
                + "\(String(format: "%.2f", json.median)) |")
    }
} catch {
    FileHandle.standardError.write(Data("netviz-bench: \(error)\n".utf8))
    exit(1)
}
