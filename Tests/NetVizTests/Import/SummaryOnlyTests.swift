import Foundation
import Testing

@testable import NetViz

/// Layers read without their Python code (registered custom classes, Keras's CustomScaleLayer, Lambda), against
/// what Keras's model.summary() said of the same models (Fixtures/keras/summary-only, Tools/make-summary-only-fixtures.py).
@Suite struct CustomLayerTests {
    static let models = ["custom_functional", "custom_sequential"]

    static func path(_ file: String) -> String { Fixtures.url("keras/summary-only/" + file).path }

    /// Every row's name, class (marked custom), output shape and params equal Keras's; the totals too. The trainable
    /// split of a custom layer is not in the file (model.weights.h5 does not record it), so its params count as
    /// trainable and only the total is compared.
    @Test(arguments: models)
    func archiveMatchesKerasRows(name: String) throws {
        let stats = try ModelStatistics(ModelFormats.load(path: Self.path("\(name).keras")).model)
        let expected: [String: Any] = try Fixtures.object("keras/summary-only/\(name).expected.json")
        #expect(stats.totalParams == expected["total_params"] as? Int64)
        let rows = try #require(expected["layers"] as? [[String: Any]])
        let offset = stats.model.nodes.count - rows.count  // Keras lists no InputLayer row for a Sequential
        try #require(offset >= 0)
        var custom = 0
        for (row, index) in zip(rows, offset..<stats.model.nodes.count) {
            let node = stats.model.nodes[index], layer = stats.layers[index]
            let className = try #require(row["class_name"] as? String)
            #expect(node.name == row["name"] as? String)
            #expect(node.output.description == KerasReferenceTests.shapeText(row["output_shape"]), "\(node.name)")
            #expect(layer.params == row["params"] as? Int64, "\(node.name)")
            if node.baseLayer is CustomLayer<OneInput> || node.baseLayer is CustomLayer<SeveralInputs> {
                custom += 1
                #expect(node.className == className + ", custom")
                #expect(layer.macs == 0)
            } else {
                #expect(node.className == className)
                #expect(layer.trainableParams == row["trainable_params"] as? Int64, "\(node.name)")
            }
        }
        #expect(custom == (name == "custom_functional" ? 5 : 2))
        // Each custom class is named once in the warnings, its MACs said to be missing.
        let warnings = Lint.warnings(for: stats.model)
        for className in ["ScaleShift", "Lambda"] {
            #expect(warnings.filter { $0.hasPrefix("custom Keras class \(className) ") && $0.contains("MACs are missing") }.count == 1)
        }
    }

    /// The variables of a layer holding sub-layers are those under its group, one level down (MLPBlock's two Dense).
    @Test func nestedVariablesAreNamedByTheirPath() throws {
        let model = try ModelFormats.load(path: Self.path("custom_functional.keras")).model
        let mlp = try #require(model.nodes.first { $0.name == "mlp" })
        let names = mlp.layer.weights(for: mlp.inputSpecs).map(\.name)
        // Keras keys sub-layers by their attribute names (`self.up`, `self.down`).
        #expect(names == ["down/vars/0", "down/vars/1", "up/vars/0", "up/vars/1"])
        #expect(mlp.layer.weights(for: mlp.inputSpecs).map(\.shape) == [[16, 8], [8], [8, 16], [16]])
    }

    /// The same archive in memory (the fuzzer's path) reads the same.
    @Test func inMemoryArchiveReadsTheSame() throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Self.path("custom_functional.keras"))))
        let fromMemory = try ModelStatistics(KerasImporter.importFile(bytes, file: "custom_functional.keras").model)
        let fromFile = try ModelStatistics(ModelFormats.load(path: Self.path("custom_functional.keras")).model)
        #expect(try SummaryReport.text(fromMemory) == SummaryReport.text(fromFile))
    }

    /// A config alone does not say what variables a custom class holds: the one-line error names the classes and
    /// what would let netviz read them. A Lambda holds none, so a config whose only custom layers are Lambdas reads.
    @Test func configWithoutWeightsIsRefusedByClass() throws {
        #expect {
            _ = try ModelFormats.load(path: Self.path("custom_functional.json"))
        } throws: { error in
            let text = "\(error)"
            return text.contains("ScaleShift (used by 'scale_shift')") && text.contains(".keras archive")
                && !text.contains("Lambda")
        }
    }

    /// verify refuses a custom layer in one line naming it: there is no kernel for code netviz does not have.
    @Test func verifyRefusesCustomLayers() throws {
        let result = try CLI.run(["verify", Self.path("custom_sequential.keras")])
        #expect(result.status != 0)
        #expect(result.stderr.contains("scale_shift"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }
}

/// Attention's activation-by-activation products survive the wrappers an importer puts around a layer: a frozen
/// MultiHeadAttention and a transformer block nested in another model report the same split as the block itself.
@Suite struct ActivationProductWrapperTests {
    @Test func frozenAndNestedAttentionKeepTheirSplit() throws {
        let text = try String(contentsOf: Fixtures.url("tf/imported_transformer/model.json"), encoding: .utf8)
        let block = try KerasImporter.importConfig(Array(text.utf8), file: "t.json").model
        let plain = try ModelStatistics(block)
        #expect(plain.activationProductMACs > 0)

        // Every layer frozen: `"trainable": true` -> false in each layer's config.
        let frozenText = text.replacingOccurrences(of: "\"trainable\": true", with: "\"trainable\": false")
        #expect(frozenText != text)
        let frozen = try ModelStatistics(KerasImporter.importConfig(Array(frozenText.utf8), file: "t.json").model)
        #expect(frozen.activationProductMACs == plain.activationProductMACs)
        #expect(frozen.totalMACs == plain.totalMACs)

        // The block as one layer of an outer model.
        let input = try Input(shape: block.inputSpecs[0].dims, name: "outer_input")
        let output = try NestedModel(block, kerasClassName: "Functional", name: "block").callAsFunction([input])
        let outer = try ModelStatistics(Model(inputs: [input], outputs: [output], name: "outer"))
        #expect(outer.activationProductMACs == plain.activationProductMACs)
        #expect(outer.totalMACs == plain.totalMACs)
    }
}
