import Benchmark
import NetViz

/// In-process figures with google/swift-benchmark (`netviz-bench micro [its options]`).
enum Micro {
    static func run(_ arguments: [String]) {
        let suite = BenchmarkSuite(name: "netviz") { suite in
            suite.benchmark("mobilenet: build + count") {
                _ = try ModelStatistics(Zoo.build("mobilenet"))
            }
            let stats = try? ModelStatistics(Zoo.build("mobilenet"))
            suite.benchmark("mobilenet: summary text") {
                guard let stats else { return }
                _ = try SummaryReport.text(stats)
            }
            suite.benchmark("mobilenet: summary JSON") {
                guard let stats else { return }
                _ = SummaryReport.json(stats).rendered()
            }
            suite.benchmark("mobilenet: plot DOT text") {
                guard let stats else { return }
                _ = Plot.dot(stats)
            }
            suite.benchmark("chain 10k: build + count") {
                _ = try ModelStatistics(SyntheticGraph.chain.build(layers: 10_000))
            }
            suite.benchmark("alpha x resolution grid: 16 builds + counts") {
                for alpha in [1.0, 0.75, 0.5, 0.25] {
                    for resolution in [224, 192, 160, 128] {
                        var options = ZooOptions()
                        options.alpha = alpha
                        options.resolution = resolution
                        _ = try ModelStatistics(Zoo.build("mobilenet", options))
                    }
                }
            }
        }
        let settings = (try? BenchmarkArguments.parse(arguments).settings) ?? []
        Benchmark.main([suite], settings: settings)
    }
}
