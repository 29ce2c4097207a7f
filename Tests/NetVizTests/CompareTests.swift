import Foundation
import Testing

@testable import NetViz

@Suite struct CompareTests {
    /// The paper's section 3 example: Df = 14, M = N = 512, Dk = 3; numbers from its cost formulas, by hand.
    @Test func blockMatchesThePapersFormulas() throws {
        let (df, m, n, dk): (Int64, Int64, Int64, Int64) = (14, 512, 512, 3)
        let block = ConvolutionBlock(height: 14, width: 14, channels: 512, filters: 512, kernel: 3)
        let standard = try block.standard(), separable = try block.separable()
        #expect(standard.totalMACs == dk * dk * m * n * df * df)  // 462,422,016 (paper: 462M)
        #expect(standard.totalParams == dk * dk * m * n)  // 2.36M
        #expect(separable.totalMACs == dk * dk * m * df * df + m * n * df * df)  // 52.3M
        #expect(separable.totalParams == dk * dk * m + m * n)  // 0.27M
        let ratio = Double(separable.totalMACs) / Double(standard.totalMACs)
        #expect(abs(ratio - (1.0 / 512 + 1.0 / 9)) < 1e-12)

        // Width multiplier 0.75 then resolution multiplier 0.714 (paper: 29.6M / 0.15M, then 15.1M / 0.15M).
        let narrow = block.scaled(alpha: 0.75)
        #expect(try narrow.separable().totalMACs == 3 * 3 * 384 * 14 * 14 + 384 * 384 * 14 * 14)
        #expect(try narrow.separable().totalParams == 3 * 3 * 384 + 384 * 384)
        let small = narrow.scaled(rho: 0.714)
        #expect(small.height == 10)
        #expect(try small.separable().totalMACs == 3 * 3 * 384 * 10 * 10 + 384 * 384 * 10 * 10)
    }

    @Test func blockReportPrintsTheClosedForm() throws {
        let result = try CLI.run(["compare", "block", "--input", "14x14x512", "--filters", "512", "--kernel", "3", "--alpha", "0.75", "--rho", "0.714", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let rows = try #require(object["rows"] as? [[String: Any]])
        #expect(rows.map { $0["macs"] as? Int64 } == [462_422_016, 52_283_392, 903_168, 51_380_224, 29_578_752, 15_091_200])
        #expect(rows.map { $0["params"] as? Int64 } == [2_359_296, 266_752, 4_608, 262_144, 150_912, 150_912])
        let ratio = try #require(object["macs_ratio"] as? Double)
        #expect(abs(ratio - (1.0 / 512 + 1.0 / 9)) < 1e-12)
        #expect(abs((object["closed_form_ratio"] as? Double ?? 0) - (1.0 / 512 + 1.0 / 9)) < 1e-15)
        let text = try CLI.run(["compare", "block", "--input", "14x14x512", "--filters", "512"]).stdout
        #expect(text.contains("separable / standard MACs = 0.113064; the paper's 1/N + 1/Dk^2 = 1/512 + 1/9 = 0.113064"))
    }

    @Test func biasAndBatchNormAddParamsNotMACs() throws {
        var block = ConvolutionBlock(height: 8, width: 8, channels: 16, filters: 32, kernel: 3)
        let plain = try block.separable()
        block.bias = true
        block.batchNorm = true
        let full = try block.separable()
        #expect(full.totalMACs == plain.totalMACs)
        #expect(full.totalParams == plain.totalParams + (16 + 32) + 4 * (16 + 32))
    }

    /// Paper Table 4: MobileNet 569M / 4.2M vs Conv MobileNet 4866M / 29.3M.
    @Test func mobileNetVersusConvMobileNet() throws {
        let result = try CLI.run(["compare", "mobilenet", "conv-mobilenet", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let rows = try #require(object["rows"] as? [[String: Any]])
        try #require(rows.count == 2)
        let mobileMACs = try #require(rows[0]["macs"] as? Int64), convMACs = try #require(rows[1]["macs"] as? Int64)
        #expect(mobileMACs == 568_740_352)
        #expect(abs(Double(convMACs) / 1e6 - 4866) / 4866 < 0.001)
        #expect(abs(Double(try #require(rows[1]["params"] as? Int64)) / 1e6 - 29.3) <= 0.1)
        #expect(abs((rows[1]["macs_vs_first"] as? Double ?? 0) - Double(convMACs) / Double(mobileMACs)) < 1e-12)
    }

    /// Keras files compare like zoo models: Keras's own MobileNet config costs exactly what the zoo's does.
    @Test func kerasFilesCompareWithZooModels() throws {
        let file = Fixtures.url("keras/configs/MobileNet_alpha1.0_224.json").path
        let result = try CLI.run(["compare", "mobilenet", file, Fixtures.url("keras/configs/ResNet50.json").path, "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let rows = try #require(object["rows"] as? [[String: Any]])
        try #require(rows.count == 3)
        #expect(rows[1]["model"] as? String == "MobileNet_alpha1.0_224.json")
        #expect(rows[1]["macs"] as? Int64 == 568_740_352)
        #expect(rows[1]["params"] as? Int64 == 4_253_864)
        #expect(rows[1]["macs_vs_first"] as? Double == 1)
        let resnet = try Fixtures.object("keras/expected/ResNet50.json")
        #expect(rows[2]["params"] as? Int64 == resnet["total_params"] as? Int64)
    }

    /// The 16-cell alpha x resolution grid equals the measured MACs and Keras's params exactly.
    @Test func gridEqualsReference() throws {
        let result = try CLI.run([
            "compare", "mobilenet", "--alpha", "1,0.75,0.5,0.25", "--resolution", "224,192,160,128", "--format", "json",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let rows = try #require(object["rows"] as? [[String: Any]])
        let macs = try #require(try Fixtures.object("keras/mobilenet_macs.json")["grid"] as? [[String: Any]])
        let params = try #require(try Fixtures.object("keras/mobilenet_grid.json")["grid"] as? [[String: Any]])
        try #require(rows.count == 16)
        for row in rows {
            let alpha = try #require(row["alpha"] as? Double), resolution = try #require(row["resolution"] as? Int)
            let macCell = macs.first { $0["alpha"] as? Double == alpha && $0["resolution"] as? Int == resolution }
            let paramCell = params.first { $0["alpha"] as? Double == alpha && $0["resolution"] as? Int == resolution }
            #expect(row["macs"] as? Int64 == macCell?["analytic_macs"] as? Int64, "\(alpha) \(resolution)")
            #expect(row["params"] as? Int64 == paramCell?["total_params"] as? Int64, "\(alpha) \(resolution)")
        }
    }

    @Test(arguments: ["mobilenet", "mobilenet-article", "conv-mobilenet"])
    func breakdownAddsUp(model: String) throws {
        let stats = try ModelStatistics(Zoo.build(model))
        let groups = CostBreakdown.groups(stats)
        #expect(groups.reduce(0) { $0 + $1.macs } == stats.totalMACs)
        #expect(groups.reduce(0) { $0 + $1.params } == stats.totalParams)
        #expect(groups.reduce(0) { $0 + $1.layers } == stats.model.nodes.count)
        let table = CostBreakdown.report(stats)
        let body = table.rows.dropLast()
        for column in [3, 5] {
            // Each share is rounded on its own: the rounded column is within half a hundredth per row of 100.
            let total = body.reduce(0.0) { $0 + (Double($1[column].text) ?? .nan) }
            #expect(abs(total - 100) <= 0.005 * Double(body.count) + 1e-9, "column \(column)")
            let exact = body.reduce(0.0) { sum, row in if case .double(let d) = row[column].value { sum + d } else { .nan } }
            #expect(abs(exact - 100) < 1e-9, "column \(column)")
        }
    }

    /// The paper's Table 2 groups: Conv 1x1 94.86% of MACs, Conv DW 3x3 3.06%, Fully Connected 0.18%.
    @Test func mobileNetBreakdownMatchesPaperTable2() throws {
        let table = CostBreakdown.report(try ModelStatistics(Zoo.build("mobilenet")))
        let share = Dictionary(uniqueKeysWithValues: table.rows.map { ($0[0].text, $0[3].text) })
        #expect(share["Conv 1x1"] == "94.86")
        #expect(share["Conv DW 3x3"] == "3.06")
        #expect(share["Fully Connected"] == "0.18")
        // 10,838,016 / 568,740,352 = 1.9056%: rounded on its own, as the paper prints it (not 1.90 to force 100.00).
        #expect(share["Conv 3x3"] == "1.91")
    }

    @Test func percentagesAreExactShares() {
        for values: [Int64] in [[1, 1, 1], [2, 1], [7, 0, 0], [1, 2, 3, 4, 5, 6, 7], [0, 0]] {
            let shares = NumberFormat.percentages(values)
            let sum = shares.reduce(0, +)
            #expect(values.allSatisfy { $0 == 0 } ? sum == 0 : abs(sum - 100) < 1e-9, "\(values)")
        }
        // Shown rounded each on its own: 33.33 three times (99.99), not 33.34 bent to reach 100.00.
        #expect(NumberFormat.percentages([1, 1, 1]).map { String(format: "%.2f", $0) } == ["33.33", "33.33", "33.33"])
    }

    static let goldenCases: [(String, [String])] = [
        ("compare-block.txt", ["compare", "block", "--input", "14x14x512", "--filters", "512", "--kernel", "3", "--alpha", "0.75", "--rho", "0.714"]),
        ("compare-block.md", ["compare", "block", "--input", "14x14x512", "--filters", "512", "--format", "markdown"]),
        ("compare-block.csv", ["compare", "block", "--input", "14x14x512", "--filters", "512", "--format", "csv"]),
        ("compare-block.json", ["compare", "block", "--input", "14x14x512", "--filters", "512", "--bias", "--batchnorm", "--format", "json"]),
        ("compare-models.txt", ["compare", "mobilenet", "conv-mobilenet", "mobilenet-article"]),
        ("compare-models.md", ["compare", "mobilenet", "conv-mobilenet", "--format", "markdown"]),
        ("compare-models.csv", ["compare", "mobilenet", "conv-mobilenet", "--format", "csv"]),
        ("compare-models.json", ["compare", "mobilenet", "mobilenet", "--alpha", "1,0.5", "--format", "json"]),
        ("compare-grid.txt", ["compare", "mobilenet", "--alpha", "1,0.75,0.5,0.25", "--resolution", "224,192,160,128"]),
        ("summary-by-type.txt", ["summary", "mobilenet", "--by-type"]),
        ("summary-by-type.md", ["summary", "mobilenet-article", "--by-type", "--format", "markdown"]),
        ("summary-by-type.csv", ["summary", "conv-mobilenet", "--by-type", "--format", "csv"]),
        ("summary-by-type.json", ["summary", "mobilenet", "--by-type", "--format", "json"]),
    ]

    @Test(arguments: goldenCases.map(\.0))
    func goldenOutput(name: String) throws {
        try CLI.expectGolden(try #require(Self.goldenCases.first { $0.0 == name }?.1), "compare/" + name)
    }

    @Test func chartsAreDrawn() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("netviz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let svg = directory.appendingPathComponent("chart.svg").path
        let png = directory.appendingPathComponent("chart.png").path
        #expect(try CLI.run(["compare", "mobilenet", "conv-mobilenet", "--chart", svg]).status == 0)
        #expect(try CLI.run(["summary", "mobilenet", "--by-type", "--chart", png]).status == 0)
        let text = try String(contentsOfFile: svg, encoding: .utf8)
        #expect(text.contains("<svg"))
        #expect(text.contains("conv&#45;mobilenet") || text.contains("conv-mobilenet"))
        #expect(text.contains("4,867,293,184"))
        let data = try Data(contentsOf: URL(fileURLWithPath: png))
        #expect(Array(data.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
    }

    static let badInputs: [([String], String)] = [
        (["compare", "block", "--input", "0x14x512", "--filters", "512"], "option --input: must be HxWxC with three positive integers, got '0x14x512'"),
        (["compare", "block", "--input", "14x14", "--filters", "512"], "option --input: must be HxWxC"),
        (["compare", "block", "--input", "2x2x8", "--filters", "8", "--kernel", "3", "--padding", "valid"], "layer 'conv' (Conv2D): input (None, 2, 2, 8) is too small for window 3x3"),
        (["compare", "block", "--input", "14x14x512", "--filters", "512", "--alpha", "1.5"], "option --alpha: must be in (0, 1], got 1.5"),
        (["compare", "block", "--input", "14x14x512", "--filters", "512", "--rho", "0"], "option --rho: must be in (0, 1], got 0.0"),
        (["compare", "block", "--input", "14x14x512", "--filters", "0"], "option --filters: must be positive, got 0"),
        (["compare", "mobilenet", "conv-mobilenet", "mobilenet-article", "--alpha", "1,0.5"], "option --alpha: mismatched list lengths: 3 models but 2 values"),
        (["compare", "mobilenet", "--alpha", "1,0"], "option --alpha: must be in (0, 16], got 0.0"),
        (["compare", "mobilenet", "--alpha", "1,x"], "option --alpha: 'x' in '1,x' is not a number"),
        (["compare", "mobilenet", "resnet"], "unknown model 'resnet'"),
        (["compare", "Tests/NetVizTests/Fixtures/keras/configs/VGG16.json", "--alpha", "0.5,1"], "option --alpha: applies only to zoo models, not to the file"),
        (["compare"], "give at least one model"),
        (["compare", "mobilenet", "--chart", "/tmp/netviz-chart.gif"], "option --chart: must end in .svg or .png"),
        (["summary", "--chart", "/tmp/netviz-chart.svg"], "option --chart: applies only with --by-type"),
    ]

    @Test(arguments: badInputs.indices)
    func badInputGetsOneClearLine(index: Int) throws {
        try CLI.expectOneLineError(Self.badInputs[index].0, Self.badInputs[index].1)
    }
}
