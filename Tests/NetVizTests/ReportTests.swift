import Foundation
import Testing

@testable import NetViz

@Suite struct ReportTests {
    static let zooModels = ["mobilenet", "mobilenet-article", "conv-mobilenet"]

    /// torchinfo's self-check: the table's columns add up to the footer's totals.
    @Test(arguments: zooModels)
    func columnSumsEqualFooterTotals(model: String) throws {
        let stats = try ModelStatistics(Zoo.build(model))
        let text = try SummaryReport.text(stats)
        let rows = SummaryTable.rows(text)
        #expect(rows.count == stats.model.nodes.count)
        let params = rows.compactMap { SummaryTable.integer($0[2]) }.reduce(0, +)
        let macs = rows.compactMap { SummaryTable.integer($0[3]) }.reduce(0, +)
        #expect(params == SummaryTable.footerCount(text, "Total params"))
        let trainable = try #require(SummaryTable.footerCount(text, "Trainable params"))
        let frozen = try #require(SummaryTable.footerCount(text, "Non-trainable params"))
        #expect(trainable + frozen == params)
        #expect(macs == stats.totalMACs)
        #expect(text.contains(" Total MACs: \(NumberFormat.decimal(macs))\n"))
    }

    /// The JSON written a layer at a time is the tree's rendering, byte for byte.
    @Test func streamedJSONEqualsTheTree() throws {
        for stats in try Self.zooModels.map({ try ModelStatistics(Zoo.build($0)) }) + [try HostileModel.build()] {
            var options = SummaryOptions()
            options.format = .json
            #expect(try SummaryReport.render(stats, options: options) == SummaryReport.json(stats).rendered() + "\n")
        }
        let input = try Input(shape: [2])
        let lone = try ModelStatistics(Model(inputs: [input], outputs: [input]))
        #expect(SummaryReport.jsonText(lone) == SummaryReport.json(lone).rendered() + "\n")
    }

    @Test func jsonHasExactlyTheDocumentedKeys() throws {
        let stats = try ModelStatistics(Zoo.build("mobilenet"))
        let text = SummaryReport.json(stats).rendered()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(Set(object.keys) == [
            "model", "input_shape", "output_shape", "total_params", "trainable_params", "non_trainable_params",
            "total_macs", "warnings", "layers",
        ])
        let layers = try #require(object["layers"] as? [[String: Any]])
        #expect(layers.count == 91)
        for layer in layers {
            #expect(Set(layer.keys) == [
                "name", "type", "output_shape", "params", "trainable_params", "non_trainable_params", "macs", "inbound",
            ])
        }
        #expect(layers.compactMap { $0["macs"] as? Int64 }.reduce(0, +) == object["total_macs"] as? Int64)
        let output = try #require(object["output_shape"] as? [Any])
        #expect(output.count == 2)
        #expect(output.first is NSNull)
        #expect(output.last as? Int == 1000)
    }

    @Test func csvRowsMatchTheStatistics() throws {
        let stats = try ModelStatistics(Zoo.build("mobilenet-article"))
        let lines = SummaryReport.csv(stats).split(separator: "\n")
        #expect(lines.count == stats.model.nodes.count + 1)
        #expect(lines[1] == "input_layer,InputLayer,\"(None, 224, 224, 3)\",0,0,0,0,602112,")
        #expect(lines.last == "dense,Dense,\"(None, 7, 1, 1000)\",1019000,1019000,0,7126000,28000,average_pooling2d")
    }

    @Test func kerasNumberFormats() {
        #expect(NumberFormat.grouped(4_253_864) == "4,253,864")
        #expect(NumberFormat.grouped(0) == "0")
        #expect(NumberFormat.grouped(999) == "999")
        #expect(NumberFormat.grouped(1000) == "1,000")
        // Keras: 4,253,864 params x 4 bytes = "16.23 MB"; 21,888 x 4 = "85.50 KB".
        #expect(NumberFormat.memory(bytes: 4_253_864 * 4) == "16.23 MB")
        #expect(NumberFormat.memory(bytes: 21_888 * 4) == "85.50 KB")
        #expect(NumberFormat.memory(bytes: 0) == "0.00 B")
        #expect(NumberFormat.decimal(568_740_352) == "568.74 M")
        #expect(NumberFormat.decimal(4_866_000_000) == "4.87 G")
        #expect(NumberFormat.decimal(512) == "512")
    }

    @Test func lineLengthAndAscii() throws {
        let stats = try ModelStatistics(Zoo.build("mobilenet"))
        var options = SummaryOptions()
        options.lineLength = 120
        options.ascii = true
        let text = try SummaryReport.text(stats, options: options)
        let tableLines = text.split(separator: "\n").filter { $0.hasPrefix("+") || $0.hasPrefix("|") }
        #expect(!tableLines.isEmpty)
        #expect(tableLines.allSatisfy { $0.count == 120 })
        #expect(text.allSatisfy { $0.isASCII })
        options.lineLength = 20
        #expect(throws: NetVizError.self) { try SummaryReport.text(stats, options: options) }
    }

    @Test func chosenColumnsAndTrainable() throws {
        let stats = try ModelStatistics(Zoo.build("mobilenet"))
        var options = SummaryOptions()
        options.columns = [.shape, .memory]
        options.showTrainable = true
        let rows = SummaryTable.rows(try SummaryReport.text(stats, options: options))
        #expect(rows[0] == ["input_layer (InputLayer)", "(None, 224, 224, 3)", "588.00 KB", "-"])
        #expect(rows[1] == ["conv1 (Conv2D)", "(None, 112, 112, 32)", "1.53 MB", "Y"])
    }

    @Test func markdownTable() throws {
        let stats = try ModelStatistics(Zoo.build("mobilenet-article"))
        let text = SummaryReport.markdown(stats)
        #expect(text.contains("| Layer (type) | Output Shape | Param # | MACs |\n|---|---|--:|--:|\n"))
        #expect(text.contains("| dense (Dense) | (None, 7, 1, 1000) | 1,019,000 | 7,126,000 |"))
        #expect(text.contains("**Warnings:**"))
    }
}
