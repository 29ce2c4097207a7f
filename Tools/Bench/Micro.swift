import Benchmark
import Foundation
import NetViz

/// In-process figures with google/swift-benchmark (`netviz-bench micro [its options]`).
enum Micro {
    static func run(_ arguments: [String]) {
        // Keras writes bare NaN/Infinity (e.g. a Normalization's statistics); say whether Foundation's reader takes them.
        let nan = Data(#"{"mean": NaN, "variance": Infinity}"#.utf8)
        let foundation = (try? JSONSerialization.jsonObject(with: nan)) != nil
        let decoder = JSONDecoder()
        decoder.allowsJSON5 = true
        let json5 = (try? decoder.decode([String: Double].self, from: nan)) != nil
        let own = (try? JSONParser.parse(Array(nan))) != nil
        print("Bare NaN/Infinity: netviz JSONParser \(own ? "reads" : "refuses"); Foundation JSONSerialization \(foundation ? "reads" : "refuses"), JSONDecoder with allowsJSON5 \(json5 ? "reads" : "refuses")")
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
            // Why netviz keeps its own JSON reader (Docs/architecture.md, "Containers"): the same config through both.
            let config = (try? Data(contentsOf: URL(fileURLWithPath: "Tests/NetVizTests/Fixtures/keras/extra/NASNetMobile.json"))) ?? Data()
            let configBytes = [UInt8](config)
            suite.benchmark("NASNetMobile config (694 KB): netviz JSONParser") {
                _ = try JSONParser.parse(configBytes)
            }
            suite.benchmark("NASNetMobile config (694 KB): Foundation JSONSerialization") {
                _ = try JSONSerialization.jsonObject(with: config)
            }
            suite.benchmark("NASNetMobile config: import + count") {
                _ = try ModelStatistics(KerasImporter.importConfig(configBytes, file: "NASNetMobile.json").model)
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
