import Foundation
import NetViz

/// `netviz-bench run`: every figure of Docs/benchmarks.md, printed as it is measured and written to the doc.
struct Runner {
    var smoke = false
    /// A Python with tensorflow-cpu (and pydot) for the peer figures; nil or unusable: peers are reported missing.
    var python: String?
    /// A Python with onnx-tool, for the ONNX peer figures (`make bench-onnx-models`).
    var onnxPython: String?
    var docsPath: String?

    let directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    var netviz: String { directory.appendingPathComponent("netviz").path }
    var bench: String { directory.appendingPathComponent("netviz-bench").path }
    let peerScript = "Tools/bench-peers.py"

    private(set) var doc: [String] = []
    private(set) var targets: [(String, String, Bool?)] = []

    mutating func say(_ line: String = "") {
        print(line)
        fflush(stdout)
        doc.append(line)
    }

    var peersAvailable: Bool {
        guard let python, FileManager.default.fileExists(atPath: peerScript) else { return false }
        return (try? ProcessTiming.runOnce([python, "-c", "import tensorflow, pydot"])) != nil
    }

    mutating func run() throws {
        let peers = peersAvailable
        say("## Whole process")
        say()
        say("Median wall time of repeated runs after warm-ups; peak RSS is the largest of the runs (wait4's ru_maxrss).")
        say(peers ? "Peers ran with `\(python ?? "")` (tensorflow-cpu in a virtualenv)."
            : "Peer figures are missing: no Python with tensorflow-cpu and pydot was given (`make bench-peers` sets one up).")
        say()
        say("| case | netviz median ms (min-max) | runs | peak MiB | peer | peer median ms | runs | peak MiB | netviz faster by |")
        say("|---|---:|---:|---:|---|---:|---:|---:|---:|")
        let runs = smoke ? 3 : 21, peerRuns = smoke ? 1 : 3

        let summary = try ProcessTiming.measure([netviz, "summary", "mobilenet"], runs: runs, warmups: 3)
        let kerasSummary = peers ? try? ProcessTiming.measure([python!, peerScript, "summary-mobilenet"], runs: peerRuns, warmups: 1) : nil
        row("`netviz summary mobilenet`", summary, "Keras: MobileNet() + model.summary()", kerasSummary)
        target("summary mobilenet under 30 ms wall (issue 2)", "\(ms(summary.medianMs)) ms", summary.medianMs < 30)
        target("summary mobilenet under 30 MiB peak", String(format: "%.1f MiB", summary.peakMiB), summary.peakMiB < 30)
        target("summary at least 100x faster than Keras end to end", kerasSummary.map { String(format: "%.0fx", $0.medianMs / summary.medianMs) } ?? "peer missing",
               kerasSummary.map { $0.medianMs / summary.medianMs >= 100 })

        let grid = try ProcessTiming.measure(
            [netviz, "compare", "mobilenet", "--alpha", "1,0.75,0.5,0.25", "--resolution", "224,192,160,128"],
            runs: runs, warmups: 3)
        row("`netviz compare mobilenet` 16-variant grid", grid, "", nil)
        target("16-variant grid under 100 ms (issue 4)", "\(ms(grid.medianMs)) ms", grid.medianMs < 100)

        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("netviz-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: temporary) }
        let plotRuns = smoke ? 1 : 5
        for dpi in smoke ? [96] : [96, 200] {
            let png = temporary.appendingPathComponent("m.png").path
            let dot = temporary.appendingPathComponent("m\(dpi).dot").path
            _ = try ProcessTiming.runOnce([netviz, "plot", "mobilenet", "--dpi", String(dpi), "-o", dot])
            let netvizPlot = [netviz, "plot", "mobilenet", "--dpi", String(dpi), "-o", png]
            let dotPlot = ["dot", "-Tpng", dot, "-o", temporary.appendingPathComponent("d.png").path]
            // Measured in alternation with dot, when dot is installed, so the ratio is fair on a noisy machine.
            let plot: ProcessTiming, dotTiming: ProcessTiming?
            if let pair = try? ProcessTiming.measurePair(netvizPlot, dotPlot, runs: plotRuns, warmups: 1) {
                (plot, dotTiming) = (pair.0, pair.1)
            } else {
                (plot, dotTiming) = (try ProcessTiming.measure(netvizPlot, runs: plotRuns, warmups: 1), nil)
            }
            row("`netviz plot mobilenet --dpi \(dpi) -o m.png`", plot, "`dot -Tpng` on netviz's DOT", dotTiming)
            if let dotTiming {
                target("plot at dpi \(dpi) within 10% of dot alone (issue 3)", String(format: "%.2fx dot's time", plot.medianMs / dotTiming.medianMs), plot.medianMs <= dotTiming.medianMs * 1.1)
            }
            if peers {
                let keras = try? ProcessTiming.measure([python!, peerScript, "plot-mobilenet", String(dpi), temporary.appendingPathComponent("k.png").path], runs: peerRuns, warmups: 0)
                row("`netviz plot mobilenet --dpi \(dpi)`", plot, "Keras: plot_model(show_shapes=True, dpi=\(dpi))", keras)
                target("plot at dpi \(dpi) at least 3x faster than Keras", keras.map { String(format: "%.1fx", $0.medianMs / plot.medianMs) } ?? "peer failed",
                       keras.map { $0.medianMs / plot.medianMs >= 3 })
            }
        }

        try reports(in: temporary)
        try kerasFiles(peers: peers, peerRuns: peerRuns)
        try onnxFiles(peerRuns: peerRuns)
        tfliteFiles(runs: runs)
        try verify(peers: peers)
        say()

        try scaling()
        try hostile()
        try plotScaling()
        micro()

        say("## Targets")
        say()
        say("| target | measured | met |")
        say("|---|---|---|")
        for (name, value, met) in targets { say("| \(name) | \(value) | \(met.map { $0 ? "yes" : "**no**" } ?? "not measured") |") }
        say()
        if let docsPath { try writeDoc(docsPath) }
    }

    /// `netviz summary` of every Keras model file in the fixtures, beside Keras loading and summarising the same JSON.
    mutating func kerasFiles(peers: Bool, peerRuns: Int) throws {
        let folders = ["Tests/NetVizTests/Fixtures/keras/configs", "Tests/NetVizTests/Fixtures/keras/extra"]
        var files: [String] = []
        for folder in folders {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            files += names.filter { $0.hasSuffix(".json") || $0.hasSuffix(".keras") }.sorted().map { "\(folder)/\($0)" }
        }
        // Expected-results files sit beside the configs in extra/; they are not models.
        files = files.filter { !$0.hasSuffix(".expected.json") }
        let limits = ["InceptionV3.json": 50.0, "NASNetMobile.json": 100.0]
        for path in smoke ? Array(files.prefix(1)) : files {
            let name = URL(fileURLWithPath: path).lastPathComponent
            guard let timing = try? ProcessTiming.measure([netviz, "summary", path], runs: smoke ? 3 : 11, warmups: 2) else {
                say("| `netviz summary \(name)` | failed (cannot read it in this build) | | | | | | | |")
                continue
            }
            let keras = peers && path.hasSuffix(".json")
                ? try? ProcessTiming.measure([python!, peerScript, "summary-config", path], runs: peerRuns, warmups: 0) : nil
            row("`netviz summary \(name)`", timing, path.hasSuffix(".json") ? "Keras: model_from_json + summary()" : "", keras)
            if let limit = limits[name] {
                target("import + summary of \(name) under \(Int(limit)) ms (issue 6)", "\(ms(timing.medianMs)) ms", timing.medianMs < limit)
            }
        }
    }

    /// `netviz summary` of ONNX files: the committed fixtures, and the full-size exports of `make bench-onnx-models`
    /// (weights included, so a summary that read them would show) beside onnx-tool on the same file.
    mutating func onnxFiles(peerRuns: Int) throws {
        let fixtures = ["resnet18.dynamo.onnx", "mobilenet_v2.classic.onnx", "transformer_encoder.dynamo.onnx"]
            .map { "Tests/NetVizTests/Fixtures/onnx/" + $0 }
        let made = ["vit_b_16.onnx", "resnet18.onnx", "mobilenet_v2.onnx"].map { ".bench-models/" + $0 }
            .filter { FileManager.default.fileExists(atPath: $0) }
        let onnxTool = onnxPython.flatMap { python in
            (try? ProcessTiming.runOnce([python, "-c", "import onnx_tool"])) != nil ? python : nil
        }
        for path in smoke ? Array(fixtures.prefix(1)) : fixtures + made {
            let name = URL(fileURLWithPath: path).lastPathComponent
            guard let timing = try? ProcessTiming.measure([netviz, "summary", path], runs: smoke ? 3 : 11, warmups: 2) else {
                say("| `netviz summary \(name)` | failed (cannot read it in this build) | | | | | | | |")
                continue
            }
            // The file's own size (`.bench-models` may hold links to the exports).
            let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
            let size = ((try? FileManager.default.attributesOfItem(atPath: resolved)[.size]) as? Int).map { $0 >> 20 } ?? 0
            let peer = path.hasPrefix(".bench-models/") ? onnxTool.flatMap {
                try? ProcessTiming.measure([$0, peerScript, "onnx-tool-summary", path], runs: peerRuns, warmups: 0)
            } : nil
            let label = path.hasPrefix(".bench-models/") ? "`netviz summary \(name)` (\(size) MB, with weights)" : "`netviz summary \(name)`"
            row(label, timing, peer == nil ? "" : "onnx-tool: load + shape_infer + profile", peer)
            if name == "vit_b_16.onnx" {
                target("ViT-B/16 .onnx summary under 100 ms (issue 12)", "\(ms(timing.medianMs)) ms", timing.medianMs < 100)
                target("ViT-B/16 .onnx summary under 100 MiB peak", String(format: "%.1f MiB", timing.peakMiB), timing.peakMiB < 100)
            }
            if name == "resnet18.onnx" && path.hasPrefix(".bench-models/") {
                target("resnet18 .onnx summary under 30 ms (issue 12)", "\(ms(timing.medianMs)) ms", timing.medianMs < 30)
            }
            if let peer, path.hasPrefix(".bench-models/") {
                target("\(name) at least 10x faster than onnx-tool", String(format: "%.0fx", peer.medianMs / timing.medianMs),
                       peer.medianMs / timing.medianMs >= 10)
            }
        }
        if made.isEmpty, !smoke {
            say("| full-size ONNX models | not made: `make bench-onnx-models` exports ViT-B/16, resnet18 and mobilenet_v2 | | | | | | | |")
        }
    }

    /// `netviz summary` of the MobileNet `.tflite` fixtures: the FlatBuffer mapped, its tables read, no weights.
    mutating func tfliteFiles(runs: Int) {
        let folder = "Tests/NetVizTests/Fixtures/tflite"
        let files = smoke ? ["mobilenet_025_128.full_int8.tflite"]
            : ["mobilenet_025_128.float32.tflite", "mobilenet_025_128.full_int8.tflite", "mobilenet_v2_035_96.full_int8.tflite"]
        for name in files {
            guard let timing = try? ProcessTiming.measure([netviz, "summary", "\(folder)/\(name)"], runs: runs, warmups: 2) else {
                say("| `netviz summary \(name)` | failed (cannot read it in this build) | | | | | | | |")
                continue
            }
            row("`netviz summary \(name)`", timing, "", nil)
            target("summary of \(name) under 30 ms (issue 14)", "\(ms(timing.medianMs)) ms", timing.medianMs < 30)
        }
    }

    /// `netviz verify mobilenet`: the executor's forward pass (as it reports it) beside TensorFlow's tf.function.
    mutating func verify(peers: Bool) throws {
        let runs = smoke ? 1 : 7
        guard let whole = try? ProcessTiming.measure([netviz, "verify", "mobilenet"], runs: runs, warmups: smoke ? 0 : 1) else {
            say("| `netviz verify mobilenet` | failed or not in this build | | | | | | | |")
            return
        }
        var forward: [Double] = []
        for _ in 0..<runs {
            let output = (try? ProcessTiming.output([netviz, "verify", "mobilenet"])) ?? ""
            if let line = output.split(separator: "\n").first(where: { $0.hasPrefix("Forward pass") }),
                let value = line.split(separator: ":").last?.split(separator: " ").first, let number = Double(value)
            {
                forward.append(number)
            }
        }
        forward.sort()
        let median = forward.isEmpty ? nil : forward[forward.count / 2]
        var tf: Double? = nil
        if peers, let text = try? ProcessTiming.output([python!, peerScript, "forward-mobilenet", smoke ? "3" : "21"]) {
            tf = Double(text.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        row("`netviz verify mobilenet` (whole process)", whole, "", nil)
        say("| MobileNet-224 forward pass, batch 1 (in-process) | \(median.map(ms) ?? "?") | \(forward.count) | | TensorFlow tf.function forward | \(tf.map(ms) ?? "missing") | \(smoke ? 3 : 21) | | \(tf.flatMap { t in median.map { String(format: "%.2fx", t / $0) } } ?? "") |")
        target("verify: forward pass under 300 ms (issue 5)", median.map { "\(ms($0)) ms" } ?? "?", median.map { $0 < 300 })
        target("verify: forward pass within 3x of TensorFlow", tf.flatMap { t in median.map { String(format: "%.1fx TensorFlow's %.1f ms", $0 / t, t) } } ?? "peer missing",
               tf.flatMap { t in median.map { $0 <= 3 * t } })
        target("verify: peak memory under 200 MiB", String(format: "%.0f MiB", whole.peakMiB), whole.peakMiB < 200)
    }

    mutating func row(_ name: String, _ ours: ProcessTiming, _ peerName: String, _ peer: ProcessTiming?) {
        let peerCells = peer.map { "\(ms($0.medianMs)) | \($0.runs) | \(String(format: "%.0f", $0.peakMiB)) | \(String(format: "%.1fx", $0.medianMs / ours.medianMs))" }
            ?? (peerName.isEmpty ? " | | | " : "missing | | | ")
        say("| \(name) | \(ms(ours.medianMs)) (\(ms(ours.minMs))-\(ms(ours.maxMs))) | \(ours.runs) | \(String(format: "%.1f", ours.peakMiB)) | \(peerName) | \(peerCells) |")
    }

    mutating func target(_ name: String, _ value: String, _ met: Bool?) { targets.append((name, value, met)) }

    mutating func scaling() throws {
        let sizes = smoke ? [1_000] : [1_000, 10_000, 100_000, 1_000_000]
        say("## Scaling: build + count + JSON summary of synthetic graphs")
        say()
        say("Each size runs in a child process (`netviz-bench scale-one`), so its peak RSS is its own; median of 3 runs (1 at 1M).")
        say("`chain`: Conv 1x1 -> BN -> ReLU6 repeated; `residual`: x + ReLU(BN(Conv(x))) blocks; `concat`: concat(x, Conv(x)) -> Conv blocks.")
        say()
        say("| graph | layers | build + count ms | JSON ms | total ms | µs per layer | peak MiB |")
        say("|---|---:|---:|---:|---:|---:|---:|")
        var series: [BarChart.Series] = []
        for kind in SyntheticGraph.allCases {
            var bars: [BarChart.Bar] = []
            var perLayer: [Double] = []
            for size in sizes {
                let point = try Scaling.measure(bench, kind: kind, layers: size, runs: size >= 1_000_000 ? 1 : 3)
                say("| \(kind.rawValue) | \(point.layers) | \(ms(point.buildCountMs)) | \(ms(point.jsonMs)) | \(ms(point.totalMs)) | \(String(format: "%.2f", point.microsecondsPerLayer)) | \(String(format: "%.0f", point.peakMiB)) |")
                bars.append(BarChart.Bar(label: "\(kind.rawValue) \(size >= 1_000_000 ? "\(size / 1_000_000)M" : "\(size / 1000)k")", value: point.microsecondsPerLayer, text: String(format: "%.2f µs", point.microsecondsPerLayer)))
                perLayer.append(point.microsecondsPerLayer)
                if kind == .chain, size == 1_000_000 {
                    target("1M-layer chain: build + count + JSON under 3 s and 600 MiB (issue 15; was 15 s, 1.9 GB)",
                           "\(ms(point.totalMs)) ms, \(String(format: "%.0f", point.peakMiB)) MiB",
                           point.totalMs < 3000 && point.peakMiB < 600)
                }
                if kind == .chain, size == 100_000 {
                    target("100k-layer chain: build + count + JSON under 1 s (issue 7)", "\(ms(point.totalMs)) ms", point.totalMs < 1000)
                }
                if kind == .chain, size == 10_000 {
                    // The issue's figure is in-process: warm runs here, beside the child's single cold run above.
                    let warm = try measureInProcess(runs: smoke ? 3 : 11) {
                        _ = try ModelStatistics(SyntheticGraph.chain.build(layers: 10_000))
                    }
                    target("10k-layer chain: build + count in-process under 50 ms (issue 2)",
                           "\(ms(warm.median)) ms warm (median of \(smoke ? 3 : 11)); \(ms(point.buildCountMs)) ms in a cold process",
                           warm.median < 50)
                }
            }
            series.append(BarChart.Series(title: kind.rawValue, bars: bars))
            if perLayer.count > 1, let low = perLayer.min(), let high = perLayer.max() {
                target("\(kind.rawValue): time per layer flat within 2x from \(sizes.first ?? 0) to \(sizes.last ?? 0) layers", String(format: "%.2f-%.2f µs (%.2fx)", low, high, high / low), high / low <= 2)
            }
        }
        say()
        if !smoke, docsPath != nil {
            let chart = BarChart(title: "Build + count + JSON: µs per layer (flat = linear growth)", series: series)
            try chart.write(to: "Docs/images/bench-scaling.svg")
            say("![Time per layer at each size](images/bench-scaling.svg)")
            say()
        }
    }

    /// `netviz report` end to end (issue 13) on the zoo's MobileNet and the two largest Keras fixtures.
    mutating func reports(in temporary: URL) throws {
        let extra = "Tests/NetVizTests/Fixtures/keras/extra/"
        let cases: [(String, String, Double?)] = [
            ("mobilenet", "mobilenet", nil), ("DenseNet121.json", extra + "DenseNet121.json", 3000),
            ("NASNetMobile.json", extra + "NASNetMobile.json", 3000),
        ]
        for (name, source, limit) in smoke ? Array(cases.prefix(1)) : cases {
            let page = temporary.appendingPathComponent("r.html").path
            let timing = try ProcessTiming.measure([netviz, "report", source, "-o", page], runs: smoke ? 1 : 5, warmups: 1)
            row("`netviz report \(name)`", timing, "", nil)
            if let limit {
                target("report \(name) under \(Int(limit / 1000)) s (issue 13)", "\(ms(timing.medianMs)) ms", timing.medianMs < limit)
            }
        }
    }

    /// Layout time of long chains (issue 13): Graphviz's defaults, then the tuning netviz applies above
    /// `PlotBuilder.largeGraph` nodes (newrank), then --collapse-repeats; and each of Graphviz's other knobs alone.
    mutating func plotScaling() throws {
        say("## Scaling: Graphviz layout + SVG of chains")
        say()
        say("Each point in a fresh child process (`netviz-bench plot-one`), the settings interleaved; median of 3 rounds")
        say("(1 at 10,000 layers). \"default\" is the description with Graphviz's defaults (netviz before issue 13);")
        say("\"netviz\" is what netviz draws: `newrank=true` above \(Plot.largeGraphNodes) drawn nodes.")
        say()
        say("| layers | default SVG ms | µs per layer | netviz SVG ms | µs per layer | speed-up | --collapse-repeats SVG ms | nodes drawn collapsed |")
        say("|---:|---:|---:|---:|---:|---:|---:|---:|")
        var tenThousand: Double? = nil
        var reportLine: String? = nil
        for size in smoke ? [100] : [1_000, 2_000, 5_000, 10_000] {
            let stats = try ModelStatistics(SyntheticGraph.chain.build(layers: size))
            var collapsed = PlotOptions()
            collapsed.collapseRepeats = true
            let times = try PlotScaling.measure(bench, layers: size, settings: ["default", "netviz"], rounds: size >= 10_000 ? 1 : 3)
            let short = try measureInProcess(runs: 3) { _ = try Plot.render(stats, options: collapsed, format: .svg) }
            let drawn = Plot.description(stats, options: collapsed).nodes.count
            func perLayer(_ value: Double) -> String { String(format: "%.0f", value * 1000 / Double(size)) }
            say("| \(size) | \(ms(times[0])) | \(perLayer(times[0])) | \(ms(times[1])) | \(perLayer(times[1])) | "
                + String(format: "%.1fx", times[0] / times[1]) + " | \(ms(short.median)) | \(drawn) |")
            if size == 10_000 {
                tenThousand = times[1]
                let page = try measureInProcess(runs: 1) { _ = try HTMLReport.render(stats) }
                reportLine = "`HTMLReport.render` of the 10,000-layer chain (the whole page, in-process): \(ms(page.median)) ms."
            }
        }
        say()
        if let reportLine {
            say(reportLine)
            say()
        }
        if let tenThousand {
            target("10,000-layer chain as SVG under 5 s (issue 13)", "\(ms(tenThousand)) ms", tenThousand < 5000)
        }
        guard !smoke else { return }

        // Each of Graphviz's layout knobs alone and on top of newrank, on a 5,000-layer chain.
        let knobs = ["nslimit=1,nslimit1=1", "mclimit=0.1", "searchsize=10", "remincross=false"]
        let settings = ["default", "newrank=true"] + knobs.flatMap { [$0, $0 + ",newrank=true"] }
        let times = try PlotScaling.measure(bench, layers: 5_000, settings: settings, rounds: 3)
        say("Graphviz's knobs on a 5,000-layer chain, alone and with newrank (fresh processes, median of 3 interleaved rounds):")
        say()
        say("| setting | alone ms | with newrank=true ms |")
        say("|---|---:|---:|")
        for (k, name) in (["defaults"] + knobs).enumerated() {
            say("| \(name) | \(ms(times[2 * k])) | \(ms(times[2 * k + 1])) |")
        }
        say()

        // --fuse on MobileNet: the picture's height, plain and fused (issue 13 expects about a third).
        let mobilenet = try ModelStatistics(try Zoo.build("mobilenet"))
        var fused = PlotOptions()
        fused.fuse = true
        if let a = try Plot.render(mobilenet, format: .png).pixelSize, let b = try Plot.render(mobilenet, options: fused, format: .png).pixelSize {
            say("`netviz plot mobilenet` is \(a); with `--fuse` \(b) (" + String(format: "%.2f", Double(b.height) / Double(a.height)) + " of the height).")
            say()
        }
    }

    mutating func micro() {
        say("## In-process figures (google/swift-benchmark)")
        say()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: bench)
        process.arguments = ["micro", "--quiet"] + (smoke ? ["--iterations", "3", "--filter", "mobilenet: build", "--allow-debug-build"] : [])
        let pipe = Pipe()
        process.standardOutput = pipe
        guard (try? process.run()) != nil else { say("(micro benchmarks could not start)"); return }
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        say("```")
        for line in output.split(separator: "\n", omittingEmptySubsequences: false) where !line.isEmpty { say(String(line)) }
        say("```")
        say()
    }

    func writeDoc(_ path: String) throws {
        let machine = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("model name") }?.split(separator: ":").last?
            .trimmingCharacters(in: .whitespaces) ?? "unknown CPU"
        let header = """
            # Benchmarks

            `make bench` measures netviz alone and writes this page; `make bench-peers` also sets up a virtualenv with
            tensorflow-cpu and pydot and times Keras, TensorFlow and Graphviz's `dot` on the same work. The runner is
            `netviz-bench run` (Tools/Bench): whole-process timings with warm-ups, medians and min/max, peak RSS from
            wait4; scaling in child processes; in-process figures with google/swift-benchmark. Speed targets live here,
            never in unit tests. CI runs only `netviz-bench run --smoke`.

            Measured \(ISO8601DateFormatter().string(from: Date()).prefix(10)) on this project's machine: \(ProcessInfo.processInfo.activeProcessorCount) cores (\(machine)),
            \(ProcessInfo.processInfo.physicalMemory / (1 << 30)) GiB, release build. The machine is shared and noisy: compare
            ratios measured in the same run rather than absolute times across runs.

            For context, the reference measurements beside the Keras numbers (shared/reference/README.md, same kind of
            machine): `import tensorflow` 4.65 s; Keras MobileNet + `model.summary()` 5.50 s and 641 MiB;
            `plot_model(MobileNet, show_shapes=True)` 3.8 s, of which `dot` 3.3 s; MobileNet-224 forward with tf.function 17 ms.


            """
        try OutputFile.write(header + doc.joined(separator: "\n") + "\n", to: path)
    }
}
