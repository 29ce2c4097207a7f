import Foundation
import Testing

@testable import NetViz

/// netviz's numbers against Keras 3 / TensorFlow (Fixtures/keras, measured by keras 3.15.1) and the paper.
@Suite struct KerasReferenceTests {
    static func shapeText(_ value: Any?) -> String {
        guard let dims = value as? [Any] else { return "?" }
        return "(" + dims.map { ($0 as? Int).map(String.init) ?? "None" }.joined(separator: ", ") + ")"
    }

    @Test func mobileNetRowsEqualKeras() throws {
        let expected = try Fixtures.object("keras/expected/MobileNet.json")
        let stats = try ModelStatistics(Zoo.build("mobilenet"))
        #expect(stats.totalParams == 4_253_864)
        #expect(stats.trainableParams == 4_231_976)
        #expect(stats.nonTrainableParams == 21_888)
        #expect(stats.totalParams == expected["total_params"] as? Int64)
        #expect(stats.model.name == expected["keras_name"] as? String)
        let rows = try #require(expected["layers"] as? [[String: Any]])
        try #require(rows.count == stats.model.nodes.count)
        for (row, (node, layer)) in zip(rows, zip(stats.model.nodes, stats.layers)) {
            #expect(node.name == row["name"] as? String)
            #expect(node.className == row["class_name"] as? String, "\(node.name)")
            #expect(node.output.description == Self.shapeText(row["output_shape"]), "\(node.name)")
            #expect(layer.params == row["params"] as? Int64, "\(node.name)")
            #expect(layer.trainableParams == row["trainable_params"] as? Int64, "\(node.name)")
            let inbound = (row["inbound"] as? [String] ?? []).map { $0.replacingOccurrences(of: "[0][0]", with: "") }
            #expect(node.inbound.map { stats.model.nodes[$0].name } == inbound, "\(node.name)")
        }
    }

    @Test func mobileNetMACsEqualTensorFlowPerLayer() throws {
        let macs = try Fixtures.object("keras/mobilenet_macs.json")
        let perLayer = try #require(macs["per_layer_alpha1.0_224"] as? [[String: Any]])
        let stats = try ModelStatistics(Zoo.build("mobilenet"))
        #expect(stats.totalMACs == 568_740_352)
        var expectedByName: [String: Int64] = [:]
        for row in perLayer { expectedByName[row["name"] as? String ?? ""] = row["macs"] as? Int64 }
        #expect(expectedByName.count == 28)
        for (node, layer) in zip(stats.model.nodes, stats.layers) {
            #expect(layer.macs == expectedByName[node.name] ?? 0, "\(node.name)")
        }
    }

    /// All 16 alpha x resolution cells: params from Keras, MACs from the analytic count checked against TF's profiler.
    @Test(arguments: [1.0, 0.75, 0.5, 0.25])
    func mobileNetGrid(alpha: Double) throws {
        let params = try #require(try Fixtures.object("keras/mobilenet_grid.json")["grid"] as? [[String: Any]])
        let macs = try #require(try Fixtures.object("keras/mobilenet_macs.json")["grid"] as? [[String: Any]])
        for resolution in [224, 192, 160, 128] {
            var options = ZooOptions()
            options.alpha = alpha
            options.resolution = resolution
            let stats = try ModelStatistics(Zoo.build("mobilenet", options))
            let cell = try #require(
                params.first { $0["alpha"] as? Double == alpha && $0["resolution"] as? Int == resolution })
            let macCell = try #require(
                macs.first { $0["alpha"] as? Double == alpha && $0["resolution"] as? Int == resolution })
            #expect(stats.totalParams == cell["total_params"] as? Int64, "\(alpha) \(resolution)")
            #expect(stats.trainableParams == cell["trainable_params"] as? Int64, "\(alpha) \(resolution)")
            #expect(stats.nonTrainableParams == cell["non_trainable_params"] as? Int64, "\(alpha) \(resolution)")
            #expect(stats.model.name == cell["model_name"] as? String)
            #expect(stats.model.nodes.count == cell["num_layers"] as? Int)
            #expect(stats.totalMACs == macCell["analytic_macs"] as? Int64, "\(alpha) \(resolution)")
            #expect(stats.totalMACs == macCell["tf_profiler_conv_macs"] as? Int64, "\(alpha) \(resolution)")
            let byClass = try #require(macCell["analytic_macs_by_class"] as? [String: Int64])
            for (className, expected) in byClass {
                let sum = zip(stats.model.nodes, stats.layers).filter { $0.0.className == className }.reduce(Int64(0)) {
                    $0 + $1.1.macs
                }
                #expect(sum == expected, "\(className) \(alpha) \(resolution)")
            }
        }
    }

    @Test func articleModelMatchesKerasSummaryRowForRow() throws {
        let keras = SummaryTable.rows(try Fixtures.text("keras/expected/seed_summary.txt"))
        let stats = try ModelStatistics(Zoo.build("mobilenet-article"))
        let ours = SummaryTable.rows(try SummaryReport.text(stats))
        try #require(keras.count == stats.model.nodes.count)
        try #require(ours.count == keras.count)
        for (k, o) in zip(keras, ours) {
            #expect(Array(o.prefix(3)) == k, "netviz row \(o) vs Keras row \(k)")
        }
        #expect(stats.model.outputSpecs == [TensorSpec([7, 1, 1000])])
        #expect(stats.totalParams == 4_258_808)
        #expect(stats.nonTrainableParams == 21_888)
        #expect(stats.totalMACs == 574_842_352)
        #expect(stats.warnings.count == 2)
        #expect(stats.warnings[0].hasPrefix("average_pooling2d (AveragePooling2D): data_format='channels_first'"))
        #expect(stats.warnings[1].hasPrefix("dense (Dense): applied to rank-4 input (None, 7, 1, 1018)"))
    }

    @Test func articleModelMACsEqualTensorFlowPerLayer() throws {
        let seed = try #require(
            (try Fixtures.object("keras/mobilenet_macs.json")["seed_models"] as? [String: Any])?["seed"]
                as? [String: Any])
        let stats = try ModelStatistics(Zoo.build("mobilenet-article"))
        #expect(stats.totalMACs == seed["tf_profiler_conv_macs"] as? Int64)
        #expect(stats.totalParams == seed["params"] as? Int64)
        for row in try #require(seed["per_layer"] as? [[String: Any]]) {
            let name = try #require(row["name"] as? String)
            let index = try #require(stats.model.nodes.firstIndex { $0.name == name })
            #expect(stats.layers[index].macs == row["macs"] as? Int64, "\(name)")
            #expect(stats.model.nodes[index].output.description == Self.shapeText(row["output_shape"]))
        }
    }

    /// The article's model with its bug fixed (channels_last pooling + Flatten), as Keras measured it.
    @Test func fixedArticleModelMatchesKeras() throws {
        let input = try Input(shape: [224, 224, 3])
        var x = try Conv2D(filters: 32, kernelSize: 3, strides: 2, padding: .same)(input)
        x = try ReLU()(BatchNormalization()(x))
        for block in MobileNetV1.blocks {
            x = try ArticleMobileNet.mobilenetBlock(x, filters: block.filters, strides: block.stride)
        }
        x = try AveragePooling2D(poolSize: 7, strides: 1)(x)
        x = try Flatten()(x)
        let output = try Dense(units: 1000, activation: .softmax)(x)
        let stats = try ModelStatistics(Model(inputs: [input], outputs: [output]))
        let keras = SummaryTable.rows(try Fixtures.text("keras/expected/seed_fixed_summary.txt"))
        let ours = SummaryTable.rows(try SummaryReport.text(stats))
        try #require(ours.count == keras.count)
        for (k, o) in zip(keras, ours) { #expect(Array(o.prefix(3)) == k) }
        #expect(stats.totalParams == 4_264_808)
        #expect(stats.totalMACs == 568_740_352)
        #expect(stats.warnings.isEmpty)
    }

    /// Paper Table 4: Conv MobileNet 4866M mult-adds and 29.3M params (weights only, no BatchNorm).
    @Test func convMobileNetMatchesPaperTable4() throws {
        let stats = try ModelStatistics(Zoo.build("conv-mobilenet"))
        let paperMACs = 4866e6
        #expect(abs(Double(stats.totalMACs) - paperMACs) / paperMACs < 0.001)
        let batchNorm = zip(stats.model.nodes, stats.layers).filter { $0.0.className == "BatchNormalization" }
            .reduce(Int64(0)) { $0 + $1.1.params }
        let weightsOnly = Double(stats.totalParams - batchNorm)
        #expect(abs(weightsOnly - 29.3e6) <= 0.1e6)
        #expect(abs(Double(stats.totalParams) - 29.3e6) <= 0.1e6)
    }

    @Test func mobileNetMatchesKerasSummaryText() throws {
        let keras = SummaryTable.rows(try Fixtures.text("keras/expected/MobileNet_summary.txt"))
        let text = try SummaryReport.text(ModelStatistics(Zoo.build("mobilenet")))
        let ours = SummaryTable.rows(text)
        try #require(keras.count == 91)
        try #require(ours.count == keras.count)
        for (k, o) in zip(keras, ours) { #expect(Array(o.prefix(3)) == k) }
        let footer = try Fixtures.text("keras/expected/MobileNet_summary.txt").split(separator: "\n").suffix(3)
        for line in footer { #expect(text.contains(line + "\n"), "\(line)") }
    }

    /// Paper Tables 6 and 7 in millions, within the paper's rounding (the paper counts weights without BatchNorm).
    @Test func mobileNetMatchesPaperTables6And7() throws {
        let rows: [(Double, Int, Double, Double)] = [
            (1.0, 224, 569, 4.2), (0.75, 224, 325, 2.6), (0.5, 224, 149, 1.3), (0.25, 224, 41, 0.5),
            (1.0, 192, 418, 4.2), (1.0, 160, 290, 4.2), (1.0, 128, 186, 4.2),
        ]
        for (alpha, resolution, macs, params) in rows {
            var options = ZooOptions()
            options.alpha = alpha
            options.resolution = resolution
            let stats = try ModelStatistics(Zoo.build("mobilenet", options))
            #expect(abs(Double(stats.totalMACs) / 1e6 - macs) < 1, "\(alpha) \(resolution)")
            let batchNorm = zip(stats.model.nodes, stats.layers).filter { $0.0.className == "BatchNormalization" }
                .reduce(Int64(0)) { $0 + $1.1.params }
            #expect(abs(Double(stats.totalParams - batchNorm) / 1e6 - params) < 0.05, "\(alpha) \(resolution)")
        }
    }
}
