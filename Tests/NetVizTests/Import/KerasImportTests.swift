import Foundation
import Testing

@testable import NetViz

/// Keras 3 configs imported into netviz graphs, checked row by row against what Keras itself reported
/// (Fixtures/keras: the shared reference configs, and Fixtures/keras/extra made by Tools/make-keras-configs.py).
@Suite struct KerasImportTests {
    static func load(_ relative: String, allowUnknown: Bool = false) throws -> ImportedModel {
        var options = ImportOptions()
        options.allowUnknown = allowUnknown
        return try KerasImporter.load(path: Fixtures.url(relative).path, options: options)
    }

    /// Every summary row (name, class, output shape, params, trainable params, inbound) and the three totals.
    static func checkAgainstExpected(_ stats: ModelStatistics, _ expected: [String: Any], skipInputRow: Bool = false) throws {
        #expect(stats.totalParams == expected["total_params"] as? Int64)
        #expect(stats.trainableParams == expected["trainable_params"] as? Int64)
        #expect(stats.nonTrainableParams == expected["non_trainable_params"] as? Int64)
        if let kerasName = expected["keras_name"] as? String { #expect(stats.model.name == kerasName) }
        let rows = try #require(expected["layers"] as? [[String: Any]])
        let offset = skipInputRow ? 1 : 0
        try #require(rows.count == stats.model.nodes.count - offset, "\(rows.count) Keras rows")
        for (row, index) in zip(rows, offset..<stats.model.nodes.count) {
            let node = stats.model.nodes[index], layer = stats.layers[index]
            #expect(node.name == row["name"] as? String)
            #expect(node.className == row["class_name"] as? String, "\(node.name)")
            #expect(node.output.description == KerasReferenceTests.shapeText(row["output_shape"]), "\(node.name)")
            #expect(layer.params == row["params"] as? Int64, "\(node.name)")
            if let trainable = row["trainable_params"] as? Int64 { #expect(layer.trainableParams == trainable, "\(node.name)") }
            guard !skipInputRow else { continue }
            let inbound = (row["inbound"] as? [String] ?? []).map { $0.replacingOccurrences(of: "[0][0]", with: "") }
            #expect(node.inbound.map { stats.model.nodes[$0].name } == inbound, "\(node.name)")
        }
    }

    static let shared: [(config: String, expected: String)] = [
        ("MobileNet_alpha1.0_224", "MobileNet"), ("MobileNetV2", "MobileNetV2"), ("VGG16", "VGG16"),
        ("ResNet50", "ResNet50"), ("InceptionV3", "InceptionV3"),
    ]

    @Test(arguments: shared.map(\.config))
    func sharedConfigMatchesKeras(config: String) throws {
        let expectedName = try #require(Self.shared.first { $0.config == config }?.expected)
        let imported = try Self.load("keras/configs/\(config).json")
        let stats = try ModelStatistics(imported.model)
        try Self.checkAgainstExpected(stats, try Fixtures.object("keras/expected/\(expectedName).json"))
        // And Keras's own printed table, cell for cell (name+class, shape, params).
        let keras = SummaryTable.rows(try Fixtures.text("keras/expected/\(expectedName)_summary.txt"))
        let ours = SummaryTable.rows(try SummaryReport.text(stats))
        try #require(keras.count == ours.count)
        for (k, o) in zip(keras, ours) { #expect(Array(o.prefix(3)) == Array(k.prefix(3))) }
    }

    static let extra = ["DenseNet121", "Xception", "EfficientNetB0", "NASNetMobile", "ConvNeXtTiny", "MobileNetV3Small", "Mix"]

    @Test(arguments: extra)
    func extraConfigMatchesKeras(name: String) throws {
        let stats = try ModelStatistics(Self.load("keras/extra/\(name).json").model)
        try Self.checkAgainstExpected(stats, try Fixtures.object("keras/extra/\(name).expected.json"))
    }

    @Test func extraTotalsAreKerasNumbers() throws {
        let totals: [(String, Int64, Int64)] = [
            ("DenseNet121", 8_062_504, 83_648), ("Xception", 22_910_480, 54_528), ("EfficientNetB0", 5_330_571, 42_023),
            ("NASNetMobile", 5_326_716, 36_738), ("ConvNeXtTiny", 28_589_128, 0), ("MobileNetV3Small", 2_554_968, 0),
        ]
        for (name, total, nonTrainable) in totals {
            let stats = try ModelStatistics(Self.load("keras/extra/\(name).json").model)
            #expect(stats.totalParams == total, "\(name)")
            #expect(stats.nonTrainableParams == nonTrainable || name == "MobileNetV3Small", "\(name)")
        }
        #expect(try ModelStatistics(Self.load("keras/extra/NASNetMobile.json").model).model.nodes.count == 771)
    }

    /// keras.applications.MobileNet from its config is exactly the zoo's model: same table, same MACs.
    @Test func mobileNetConfigEqualsZoo() throws {
        let imported = try ModelStatistics(Self.load("keras/configs/MobileNet_alpha1.0_224.json").model)
        let zoo = try ModelStatistics(Zoo.build("mobilenet"))
        #expect(try SummaryReport.text(imported) == SummaryReport.text(zoo))
        #expect(SummaryReport.csv(imported) == SummaryReport.csv(zoo))
        #expect(imported.totalMACs == 568_740_352)
        #expect(imported.layers.map(\.macs) == zoo.layers.map(\.macs))

        var options = ZooOptions()
        options.alpha = 0.5
        options.resolution = 160
        let half = try ModelStatistics(Self.load("keras/configs/MobileNet_alpha0.5_160.json").model)
        #expect(try SummaryReport.text(half) == SummaryReport.text(ModelStatistics(Zoo.build("mobilenet", options))))
        let grid = try #require(try Fixtures.object("keras/mobilenet_grid.json")["grid"] as? [[String: Any]])
        let cell = try #require(grid.first { $0["alpha"] as? Double == 0.5 && $0["resolution"] as? Int == 160 })
        #expect(half.totalParams == cell["total_params"] as? Int64)
    }

    /// The article's model as written imports to the zoo's mobilenet-article, its two lint warnings included.
    @Test func seedConfigEqualsArticleModel() throws {
        let imported = try ModelStatistics(Self.load("keras/configs/seed.json").model)
        let zoo = try ModelStatistics(Zoo.build("mobilenet-article"))
        #expect(try SummaryReport.text(imported) == SummaryReport.text(zoo))
        #expect(SummaryReport.json(imported).rendered() == SummaryReport.json(zoo).rendered())
        #expect(imported.warnings == zoo.warnings)
        #expect(imported.warnings.count == 2)
        #expect(imported.totalMACs == 574_842_352)
        let keras = SummaryTable.rows(try Fixtures.text("keras/expected/seed_summary.txt"))
        let ours = SummaryTable.rows(try SummaryReport.text(imported))
        try #require(keras.count == ours.count)
        for (k, o) in zip(keras, ours) { #expect(Array(o.prefix(3)) == k) }
    }

    /// seed_fixed.json was saved in the same Python session as seed.json, so its default names continue the
    /// count (`conv2d_14`, ...), while seed_fixed_summary.txt was printed in a fresh one (`conv2d`): the import keeps
    /// the config's names; classes, shapes and params must equal Keras's table.
    @Test func fixedSeedConfigMatchesKeras() throws {
        let stats = try ModelStatistics(Self.load("keras/configs/seed_fixed.json").model)
        #expect(stats.model.nodes[1].name == "conv2d_14")
        let keras = SummaryTable.rows(try Fixtures.text("keras/expected/seed_fixed_summary.txt"))
        let ours = SummaryTable.rows(try SummaryReport.text(stats))
        try #require(keras.count == ours.count)
        for (k, o) in zip(keras, ours) {
            let ourClass: String = String(o[0].split(separator: " ").last ?? "")
            let kerasClass: String = String(k[0].split(separator: " ").last ?? "")
            #expect(ourClass == kerasClass)
            #expect(o[1] == k[1])
            #expect(o[2] == k[2])
        }
        #expect(stats.totalParams == 4_264_808)
        #expect(stats.totalMACs == 568_740_352)
        #expect(stats.warnings.isEmpty)
    }

    /// `.keras` archives (deflated config.json, weights ignored) import like their JSON.
    @Test func kerasArchiveEqualsJSON() throws {
        for name in ["Mix", "SmallSequential"] {
            let archive = try ModelStatistics(Self.load("keras/extra/\(name).keras").model)
            let json = try ModelStatistics(Self.load("keras/extra/\(name).json").model)
            #expect(try SummaryReport.text(archive) == SummaryReport.text(json), "\(name)")
        }
    }

    /// Keras's Sequential summary has no InputLayer row; netviz's graph always starts with the Input.
    @Test func sequentialMatchesKerasAfterInputRow() throws {
        let stats = try ModelStatistics(Self.load("keras/extra/SmallSequential.json").model)
        #expect(stats.model.nodes.first?.className == "InputLayer")
        try Self.checkAgainstExpected(stats, try Fixtures.object("keras/extra/SmallSequential.expected.json"), skipInputRow: true)
    }

    @Test func mixHasEveryExtraKind() throws {
        let stats = try ModelStatistics(Self.load("keras/extra/Mix.json").model)
        func row(_ name: String) throws -> (Node, LayerStatistics) {
            let index = try #require(stats.model.nodes.firstIndex { $0.name == name })
            return (stats.model.nodes[index], stats.layers[index])
        }
        #expect(try row("norm_adapt").1.params == 7)  // mean 3 + variance 3 + count 1, all non-trainable
        #expect(try row("norm_adapt").1.trainableParams == 0)
        #expect(try row("norm_given").1.params == 0)
        #expect(try row("stem_seq").0.className == "Sequential")
        #expect(try row("stem_seq").1.params == 256)
        #expect(try row("stem_seq").1.macs == 32 * 32 * 8 * 27)
        #expect(try row("block_fn").0.className == "Functional")
        #expect(try row("block_fn").1.macs == 16 * 16 * 8 * 9 + 16 * 16 * 16 * 8)
        #expect(try row("add_43").0.className == "Add")
        #expect(try row("multiply_9").0.inbound.count == 1)
        #expect(try row("ln").1.params == 32)
        #expect(try row("frozen_conv").1.trainableParams == 0)
        #expect(try row("frozen_conv").1.params == 580)
    }

    /// `--expand-nested`: the rows of Keras's `summary(expand_nested=True)`, with "   └ " names.
    @Test(arguments: ["Mix", "ConvNeXtTiny"])
    func expandedNestedRowsMatchKeras(name: String) throws {
        let model = try Self.load("keras/extra/\(name).json").model
        let expanded = try ModelStatistics(model.expandingNested())
        let collapsed = try ModelStatistics(model)
        #expect(expanded.totalParams == collapsed.totalParams)
        #expect(expanded.trainableParams == collapsed.trainableParams)
        #expect(expanded.totalMACs == collapsed.totalMACs)
        let keras = SummaryTable.rows(try Fixtures.text("keras/extra/\(name)_expanded_summary.txt"))
        var wide = SummaryOptions()
        wide.lineLength = 250
        let ours = SummaryTable.rows(try SummaryReport.text(expanded, options: wide))
        try #require(keras.count == ours.count)
        for (k, o) in zip(keras, ours) {
            #expect(Array(o.prefix(2)) == Array(k.prefix(2)))
            // A nested model's own row carries 0 here (its layers carry its params), Keras repeats the total.
            if !["Sequential", "Functional"].contains(where: { o[0].hasSuffix("(\($0))") }) {
                #expect(o[2] == k[2], "\(o[0])")
            }
        }
    }

    @Test func unknownClassesAreOneErrorOrWarnings() throws {
        #expect {
            try Self.load("bad-input/unknown-classes.json")
        } throws: { error in
            let text = "\(error)"
            return text.contains("MyCustomLayer (used by 'custom_a')") && text.contains("FancyNorm (used by 'fancy')")
        }
        let imported = try Self.load("bad-input/unknown-classes.json", allowUnknown: true)
        let stats = try ModelStatistics(imported.model)
        #expect(stats.warnings.count == 2)
        #expect(stats.warnings[0].hasPrefix("unknown Keras class MyCustomLayer ('custom_a') imported with --allow-unknown"))
        let custom = try #require(stats.model.node(named: "custom_a"))
        #expect(custom.className == "MyCustomLayer, unknown")
        #expect(custom.output == TensorSpec([32, 32, 8]))
        #expect(stats.totalParams == 224 + 90)
    }

    @Test func layerCatalogListsNewKinds() {
        for name in ["LayerNormalization", "Normalization", "LayerScale"] {
            #expect(LayerCatalog.kind(named: name) != nil, "\(name)")
        }
    }
}
