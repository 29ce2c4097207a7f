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

/// `netviz-bench plot N...`: Graphviz layout + SVG render of chains, plain and with --collapse-repeats.
func plotBench(_ sizes: [Int]) throws {
    print("| layers | SVG median (ms) | µs per layer | --collapse-repeats SVG median (ms) | nodes drawn collapsed |")
    print("|---:|---:|---:|---:|---:|")
    for size in sizes {
        let stats = try ModelStatistics(chain(size))
        var collapsed = PlotOptions()
        collapsed.collapseRepeats = true
        let runs = size >= 2_000 ? 1 : 3
        let plain = try measure(runs: runs) { _ = try Plot.render(stats, format: .svg) }
        let short = try measure(runs: 3) { _ = try Plot.render(stats, options: collapsed, format: .svg) }
        let drawn = Plot.description(stats, options: collapsed).nodes.count
        print(
            "| \(size) | \(String(format: "%.0f", plain.median)) | \(String(format: "%.0f", plain.median * 1000 / Double(size))) | "
                + "\(String(format: "%.1f", short.median)) | \(drawn) |")
    }
}

if CommandLine.arguments.dropFirst().first == "plot" {
    do {
        let sizes = CommandLine.arguments.dropFirst(2).compactMap { Int($0) }
        try plotBench(sizes.isEmpty ? [250, 500, 1_000, 2_000, 5_000] : sizes)
    } catch {
        FileHandle.standardError.write(Data("netviz-bench: \(error)\n".utf8))
        exit(1)
    }
    exit(0)
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
