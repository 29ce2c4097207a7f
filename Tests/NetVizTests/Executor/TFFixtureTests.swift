import Foundation
import Testing

@testable import NetViz

/// The models of Tools/make-fixtures.py, built with the netviz DSL (same layer names), and their comparison with
/// TensorFlow's outputs in Fixtures/tf. Tolerance: max |netviz - TensorFlow| <= 1e-4 x max(1, max |TensorFlow|),
/// for every recorded layer (model outputs and chosen intermediates).
enum TFModels {
    static let tolerance: Float = 1e-4

    static func single(_ shape: [Int], _ layer: any Layer) throws -> Model {
        let x = try Input(shape: shape, name: "input")
        return try Model(inputs: [x], outputs: [layer(x)], name: "m")
    }

    static func activations() throws -> Model {
        let x = try Input(shape: [3, 8], name: "input")
        let s = try Rescaling(scale: 4, name: "scale4")(x)
        let names = ["linear", "relu", "relu6", "sigmoid", "softmax", "silu", "swish", "gelu", "tanh", "elu", "selu",
            "softplus", "softsign", "exponential", "mish", "celu", "glu", "hard_silu", "hard_swish", "hard_sigmoid",
            "hard_tanh", "leaky_relu", "log_softmax", "log_sigmoid"]
        #expect(Set(names) == Set(ActivationFunction.allCases.map(\.rawValue)), "the fixture covers every activation")
        let outputs = try names.map { name in
            let function = try #require(ActivationFunction(rawValue: name))
            return try Activation(function, name: "act_\(name)")(s)
        }
        return try Model(inputs: [x], outputs: outputs, name: "activations")
    }

    static func merges() throws -> Model {
        let x = try Input(shape: [4, 5, 3], name: "input")
        let a = try GlobalAveragePooling2D(keepdims: true, name: "gap")(x)
        let added = try Add(name: "add")([x, a])
        let doubled = try Rescaling(scale: 2, offset: -0.5, name: "rescale")(x)
        let mult = try Multiply(name: "multiply")([added, doubled, x])
        let cat = try Concatenate(name: "concat_last")([mult, x])
        let rows = try Concatenate(axis: 1, name: "concat_rows")([cat, cat])
        return try Model(inputs: [x], outputs: [rows], name: "merges")
    }

    static func shapes() throws -> Model {
        let x = try Input(shape: [6, 5, 4], name: "input")
        let p = try ZeroPadding2D(padding: Margins2D((1, 2), (0, 1)), name: "pad")(x)
        let c = try Cropping2D(cropping: Margins2D((2, 0), (1, 2)), name: "crop")(p)
        let pf = try ZeroPadding2D(padding: Margins2D((1, 0), (2, 1)), dataFormat: .channelsFirst, name: "pad_cf")(c)
        let cf = try Cropping2D(cropping: Margins2D((0, 1), (1, 0)), dataFormat: .channelsFirst, name: "crop_cf")(pf)
        let r = try Reshape(targetShape: [-1, 6], name: "reshape")(cf)
        let d = try Dropout(rate: 0.5, name: "dropout")(r)
        let f = try Flatten(name: "flatten")(d)
        let ff = try Flatten(dataFormat: .channelsFirst, name: "flatten_cf")(cf)
        return try Model(inputs: [x], outputs: [f, ff], name: "shapes")
    }

    static func twoBlockMobileNet() throws -> Model {
        let x = try Input(shape: [16, 16, 3], name: "input")
        var y = try MobileNetV1.convBlock(x, filters: 8, strides: 2)
        y = try MobileNetV1.depthwiseBlock(y, pointwiseFilters: 16, depthMultiplier: 1, strides: 1, id: 1)
        y = try MobileNetV1.depthwiseBlock(y, pointwiseFilters: 32, depthMultiplier: 1, strides: 2, id: 2)
        y = try GlobalAveragePooling2D(name: "gap")(y)
        y = try Dense(units: 10, name: "logits")(y)
        y = try Activation(.softmax, name: "predictions")(y)
        return try Model(inputs: [x], outputs: [y], name: "two_block_mobilenet")
    }

    static func mobileNet025() throws -> Model {
        var options = ZooOptions()
        options.alpha = 0.25
        options.resolution = 32
        return try Zoo.build("mobilenet", options)
    }

    static func article() throws -> Model {
        var options = ZooOptions()
        options.resolution = 193
        return try Zoo.build("mobilenet-article", options)
    }

    static let cases: [String: @Sendable () throws -> Model] = [
        "conv2d_same_stride2": { try single([9, 9, 4], Conv2D(filters: 5, kernelSize: 3, strides: 2, padding: .same, name: "conv")) },
        "conv2d_same_even": {
            try single([8, 8, 3], Conv2D(filters: 4, kernelSize: Size2(3, 2), strides: 2, padding: .same, activation: .relu, useBias: false, name: "conv"))
        },
        "conv2d_dilated": { try single([9, 10, 3], Conv2D(filters: 4, kernelSize: 3, padding: .same, dilationRate: 2, name: "conv")) },
        "conv2d_valid_dilated": { try single([9, 9, 3], Conv2D(filters: 4, kernelSize: 3, dilationRate: Size2(2, 1), name: "conv")) },
        "conv2d_groups": { try single([7, 7, 6], Conv2D(filters: 4, kernelSize: 3, padding: .same, groups: 2, name: "conv")) },
        "conv2d_channels_first": {
            try single([3, 8, 7], Conv2D(filters: 4, kernelSize: 3, strides: 2, padding: .same, dataFormat: .channelsFirst, name: "conv"))
        },
        "depthwise": {
            try single([9, 9, 3], DepthwiseConv2D(kernelSize: 3, strides: 2, padding: .same, depthMultiplier: 2, activation: .relu6, name: "dw"))
        },
        "depthwise_valid": { try single([8, 8, 4], DepthwiseConv2D(kernelSize: Size2(3, 2), dilationRate: 2, useBias: false, name: "dw")) },
        "separable": {
            try single([8, 8, 3], SeparableConv2D(filters: 6, kernelSize: 3, padding: .same, depthMultiplier: 2, activation: .tanh, name: "sep"))
        },
        "dense_rank4": { try single([3, 2, 4], Dense(units: 5, activation: .sigmoid, name: "dense")) },
        "dense_rank2": { try single([12], Dense(units: 7, activation: .softmax, useBias: false, name: "dense")) },
        "batchnorm": { try single([5, 5, 4], BatchNormalization(epsilon: 1e-2, name: "bn")) },
        "batchnorm_axis1": { try single([4, 5, 3], BatchNormalization(axis: 1, center: false, name: "bn")) },
        "relu_layer": { try single([4, 6], ReLU(maxValue: 0.6, negativeSlope: 0.1, threshold: 0.2, name: "relu")) },
        "activations": activations,
        "pool_max_same": { try single([9, 8, 3], MaxPooling2D(poolSize: 3, strides: 2, padding: .same, name: "pool")) },
        "pool_avg_same": { try single([9, 8, 3], AveragePooling2D(poolSize: 3, strides: 2, padding: .same, name: "pool")) },
        "pool_avg_valid": { try single([7, 6, 2], AveragePooling2D(poolSize: 2, name: "pool")) },
        "pool_channels_first_on_nhwc": {
            try single([5, 9, 8], AveragePooling2D(poolSize: 3, strides: 1, dataFormat: .channelsFirst, name: "pool"))
        },
        "pool_max_channels_first": { try single([3, 6, 6], MaxPooling2D(poolSize: 2, dataFormat: .channelsFirst, name: "pool")) },
        "global_pooling": {
            let x = try Input(shape: [4, 5, 3], name: "input")
            return try Model(
                inputs: [x],
                outputs: [
                    GlobalAveragePooling2D(name: "gap")(x), GlobalMaxPooling2D(keepdims: true, name: "gmp")(x),
                    GlobalAveragePooling2D(dataFormat: .channelsFirst, keepdims: true, name: "gap_cf")(x),
                ], name: "m")
        },
        "merges": merges,
        "shapes": shapes,
        "two_block_mobilenet": twoBlockMobileNet,
        "mobilenet_025_32": mobileNet025,
        "article_193": article,
    ]

    struct Loaded {
        let model: Model
        let weights: WeightStore
        let inputs: [Tensor]
        let expected: [String: Tensor]
    }

    /// Cases whose fixture folder holds the Keras model's own `model.json`: imported, not rebuilt with the DSL,
    /// so the importer and the executor are checked against TensorFlow together.
    static let importedCases = [
        "imported_mix", "imported_text_lstm", "imported_bigru", "imported_conv1d", "imported_rnns", "imported_unet",
        "imported_sequence_misc", "imported_transformer", "imported_video",
        "imported_ops", "imported_siamese", "imported_preprocessing", "imported_audio", "imported_identities",
        // issue 11: convolution variants, adaptive pooling, attention, EinsumDense, normalizations
        "imported_conv_variants", "imported_adaptive_pooling", "imported_dot_einsum", "imported_attention",
        "imported_normalizations",
        // issue 11: layers with several outputs, recurrent cells, masks, ConvLSTM
        "imported_states", "imported_rnn_cells", "imported_masking",
        "imported_conv_lstm",
    ]

    /// A recorded output: `lstm` (a layer's first output) or `lstm:2` (its output 2, Keras's tensor index), from the
    /// executor's kept outputs.
    static func recorded(_ key: String, in model: Model, _ all: [Int: Tensor], _ extras: [Int: [Tensor]]) throws -> (Node, Tensor) {
        let parts = key.split(separator: ":")
        let node = try #require(model.node(named: String(parts[0])), "layer \(key) in the netviz model")
        guard parts.count == 2 else { return (node, try #require(all[node.index], "\(key)")) }
        let port = try #require(Int(parts[1]))
        let outputs = try #require(extras[node.index], "\(key): further outputs")
        #expect(port >= 1 && port <= outputs.count, "\(key)")
        return (node, outputs[min(max(port - 1, 0), outputs.count - 1)])
    }

    static var allCases: [String] { (Array(cases.keys) + importedCases).sorted() }

    static func model(_ name: String) throws -> Model {
        if importedCases.contains(name) {
            return try KerasImporter.load(path: Fixtures.url("tf/\(name)/model.json").path).model
        }
        // (Two statements: `try #require(cases[name])()` crashes the Swift 6.3.1 type checker.)
        let build = try #require(cases[name])
        return try build()
    }

    static func load(_ name: String) throws -> Loaded {
        let model = try model(name)
        let directory = Fixtures.url("tf/\(name)")
        let weightsPath = directory.appendingPathComponent("weights.safetensors").path
        let weights: WeightStore
        if FileManager.default.fileExists(atPath: weightsPath) {
            weights = WeightStore(tensors: try SafeTensors.read(path: weightsPath))
            try weights.validate(for: model, source: weightsPath)
        } else {
            weights = SeededInit.weights(for: model)  // the fixture used the same documented init
        }
        let inputTensors = try SafeTensors.read(path: directory.appendingPathComponent("inputs.safetensors").path)
        let inputs = try model.inputIndices.map { try #require(inputTensors[model.nodes[$0].name], "input \(model.nodes[$0].name)") }
        let expected = try SafeTensors.read(path: directory.appendingPathComponent("expected.safetensors").path)
        return Loaded(model: model, weights: weights, inputs: inputs, expected: expected)
    }
}

@Suite struct TFFixtureTests {
    @Test func everyFixtureHasAModel() throws {
        let manifest = try Fixtures.object("tf/manifest.json")
        let cases = try #require(manifest["cases"] as? [String: Any])
        #expect(Set(cases.keys) == Set(TFModels.allCases))
    }

    /// Imported models whose manifest has Keras's own per-layer params and output shapes: netviz gives the same.
    @Test(arguments: TFModels.importedCases.filter { !["imported_mix", "imported_ops"].contains($0) })
    func importedLayersMatchKeras(name: String) throws {
        let manifest = try Fixtures.object("tf/manifest.json")
        let cases = try #require(manifest["cases"] as? [String: Any])
        let facts = try #require(cases[name] as? [String: Any])
        let params = try #require(facts["layer_params"] as? [String: Int])
        let shapes = try #require(facts["layer_output_shapes"] as? [String: [Any]])
        func text(_ shape: [Any]) -> String {
            // A layer with several outputs has a list of shapes: Keras's summary prints `[(None, 4), (None, 4)]`.
            if let list = shape as? [[Any]], !list.isEmpty { return "[" + list.map(text).joined(separator: ", ") + "]" }
            return "(" + shape.map { ($0 as? Int).map(String.init) ?? "None" }.joined(separator: ", ") + ")"
        }
        let stats = try ModelStatistics(TFModels.model(name))
        // One row per Keras layer: a shared layer's later calls fold into its row. keras.ops nodes (the mask Keras 3
        // saves for a recurrent layer: NotEqual, Any; GetItem) are operations, not in Keras's `model.layers`.
        let rows = stats.model.nodes.filter { stats.isRow($0.index) && !($0.baseLayer is any KerasOpNode) }
        #expect(rows.count == params.count)
        for node in rows {
            #expect(stats.layers[node.index].params == Int64(try #require(params[node.name], "\(node.name)")), "\(name)/\(node.name)")
            // Keras 3.15.1's symbolic shape of attention scores is (batch, heads, Tq, Tq) even when the key has another
            // length (MultiHeadAttention.compute_output_spec); TensorFlow's tensor, and netviz, have (heads, Tq, Tk).
            let kerasShapeBug = ["imported_states/mha": "[(None, 4, 5), (None, 2, 4, 6)]", "imported_states/flat_scores": "(None, 48)"]
            if let real = kerasShapeBug["\(name)/\(node.name)"] {
                #expect(node.outputDescription == real, "\(name)/\(node.name)")
                continue
            }
            #expect(node.outputDescription == text(try #require(shapes[node.name])), "\(name)/\(node.name)")
        }
        #expect(stats.totalParams == Int64(try #require(facts["params"] as? Int)))
    }

    @Test(arguments: TFModels.allCases)
    func matchesTensorFlow(name: String) throws {
        let loaded = try TFModels.load(name)
        // One pass: every layer's shape, MACs and params checked, every output kept for the comparison.
        let report = try Verifier.verify(loaded.model, weights: loaded.weights, inputs: loaded.inputs, keepAll: true)
        #expect(report.passed, "\(report.finalLine)")
        #expect(!loaded.expected.isEmpty)
        for (layer, expected) in loaded.expected.sorted(by: { $0.key < $1.key }) {
            let (node, actual) = try TFModels.recorded(layer, in: loaded.model, report.all, report.allExtra)
            #expect(actual.shape == expected.shape, "\(name)/\(layer): shape")
            let error = try #require(actual.maxAbsDifference(expected), "\(name)/\(layer): shapes differ")
            let bound = TFModels.tolerance * max(1, expected.maxAbs)
            #expect(error <= bound, "\(name)/\(layer): max abs error \(error) > \(bound)")
        }
    }

    /// The plain kernels agree with TensorFlow too (small cases; the article and MobileNet are slow in plain loops).
    @Test(arguments: TFModels.allCases.filter { !["article_193", "mobilenet_025_32"].contains($0) })
    func referenceKernelsMatchTensorFlow(name: String) throws {
        let loaded = try TFModels.load(name)
        var extras: [Int: [Tensor]] = [:]
        let (_, all) = try Executor(mode: .reference).run(loaded.model, weights: loaded.weights, inputs: loaded.inputs, keepAll: true) {
            if !$0.extraOutputs.isEmpty { extras[$0.index] = $0.extraOutputs }
        }
        for (layer, expected) in loaded.expected {
            let (_, actual) = try TFModels.recorded(layer, in: loaded.model, all, extras)
            let error = try #require(actual.maxAbsDifference(expected), "\(name)/\(layer)")
            #expect(error <= TFModels.tolerance * max(1, expected.maxAbs), "\(name)/\(layer): \(error)")
        }
    }

    /// The article fixture has no weights file: it was made with the seeded init reimplemented in NumPy, so a
    /// match also proves the documented init is what the code does.
    @Test func articleFixtureUsesTheSeededInit() throws {
        #expect(!FileManager.default.fileExists(atPath: Fixtures.url("tf/article_193/weights.safetensors").path))
        let model = try TFModels.article()
        #expect(model.outputSpecs == [TensorSpec([7, 1, 1000])])
    }

    /// The .npy pair of mobilenet_025_32 and the F16 weights file through the CLI.
    @Test func cliWritesTensorFlowsOutput() throws {
        let directory = Fixtures.url("tf/mobilenet_025_32")
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("netviz-\(UUID().uuidString).npy").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let result = try CLI.run([
            "verify", "mobilenet", "--alpha", "0.25", "--resolution", "32",
            "--weights", directory.appendingPathComponent("weights.safetensors").path,
            "--input", directory.appendingPathComponent("input.npy").path, "--output", out,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasSuffix("verify: 91 layers, all checks passed\n"))
        let written = try NumPyFile.read(path: out)
        let expected = try NumPyFile.read(path: directory.appendingPathComponent("output.npy").path)
        #expect(written.shape == [1, 1000])
        let error = try #require(written.maxAbsDifference(expected))
        #expect(error <= TFModels.tolerance * max(1, expected.maxAbs))
    }
}
