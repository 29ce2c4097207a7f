import Foundation
import NetViz

/// One scaling measurement, made in a child process so its peak memory is its own.
struct ScalePoint: Codable {
    var kind: String
    var layers: Int
    var buildCountMs: Double
    var jsonMs: Double
    var peakMiB: Double = 0

    var totalMs: Double { buildCountMs + jsonMs }
    var microsecondsPerLayer: Double { totalMs * 1000 / Double(layers) }
}

enum Scaling {
    /// `netviz-bench scale-one KIND N OUT`: build + count, then the JSON summary, timed in-process; written to OUT.
    static func runChild(kind: String, layers: Int, output: String) throws {
        guard let graph = SyntheticGraph(rawValue: kind) else { throw BenchError("unknown graph kind \(kind)") }
        let clock = ContinuousClock()
        let start = clock.now
        let stats = try ModelStatistics(graph.build(layers: layers))
        let counted = clock.now
        // What `summary --format json` writes, in pieces, here into /dev/null.
        let sink = open("/dev/null", O_WRONLY)
        defer { close(sink) }
        var bytes = 0
        SummaryReport.writeJSON(stats) { bytes += $0.count; _ = write(sink, $0.baseAddress, $0.count) }
        let end = clock.now
        guard bytes > stats.model.nodes.count else { throw BenchError("the JSON summary came out empty") }
        func msBetween(_ a: ContinuousClock.Instant, _ b: ContinuousClock.Instant) -> Double {
            let d = b - a
            return Double(d.components.seconds) * 1e3 + Double(d.components.attoseconds) / 1e15
        }
        let point = ScalePoint(
            kind: kind, layers: stats.model.nodes.count, buildCountMs: msBetween(start, counted),
            jsonMs: msBetween(counted, end))
        try JSONEncoder().encode(point).write(to: URL(fileURLWithPath: output))
    }

    /// Runs the child `runs` times and keeps the median run (by total time) with the largest peak RSS.
    static func measure(_ bench: String, kind: SyntheticGraph, layers: Int, runs: Int) throws -> ScalePoint {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("netviz-scale-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        var points: [ScalePoint] = []
        var peak = 0.0
        for _ in 0..<runs {
            let (_, rss) = try ProcessTiming.runOnce([bench, "scale-one", kind.rawValue, String(layers), file.path])
            points.append(try JSONDecoder().decode(ScalePoint.self, from: Data(contentsOf: file)))
            peak = max(peak, Double(rss) / 1024)
        }
        points.sort { $0.totalMs < $1.totalMs }
        var median = points[points.count / 2]
        median.peakMiB = peak
        return median
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Graphviz layout of long chains, each point in a fresh process: Graphviz keeps global state, and in a process
/// that has already laid out big graphs a 10,000-layer layout took four times as long as in a new one.
enum PlotScaling {
    /// `netviz-bench plot-one LAYERS SETTING OUT`: SVG of a chain, timed in-process, milliseconds written to OUT.
    /// SETTING: `netviz` (the description as netviz makes it), `default` (without netviz's tuning) or
    /// `name=value,...` (Graphviz attributes added to the default).
    static func runChild(layers: Int, setting: String, output: String) throws {
        let stats = try ModelStatistics(SyntheticGraph.chain.build(layers: layers))
        var description = Plot.description(stats)
        if setting != "netviz" {
            description.graphAttributes.removeAll { $0.name == "newrank" }
            for pair in setting.split(separator: ",") where setting != "default" {
                let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2 else { throw BenchError("setting \(pair) is not name=value") }
                description.graphAttributes.append(PlotDescription.Attribute(parts[0], .plain(parts[1])))
            }
        }
        let elapsed = try ContinuousClock().measure { _ = try Plot.render(description: description, format: .svg) }
        let ms = Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) / 1e15
        try String(ms).write(toFile: output, atomically: true, encoding: .utf8)
    }

    /// Medians of `rounds` runs of each setting, interleaved so a burst of load on the machine hits all alike.
    static func measure(_ bench: String, layers: Int, settings: [String], rounds: Int) throws -> [Double] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("netviz-plot-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: file) }
        var times = [[Double]](repeating: [], count: settings.count)
        for _ in 0..<rounds {
            for (k, setting) in settings.enumerated() {
                _ = try ProcessTiming.runOnce([bench, "plot-one", String(layers), setting, file.path])
                guard let ms = Double(try String(contentsOf: file, encoding: .utf8)) else { throw BenchError("plot-one wrote no time") }
                times[k].append(ms)
            }
        }
        return times.map { $0.sorted()[$0.count / 2] }
    }
}
