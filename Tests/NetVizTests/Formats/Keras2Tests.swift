import Foundation
import Testing

@testable import NetViz

/// Keras 2 (tf_keras) files, `.h5` models and the weights Keras saves, against what Keras and TensorFlow said of the
/// same models (Fixtures/keras2, written by Tools/make-keras2-fixtures.py with tensorflow-cpu 2.21 and tf_keras).
/// Numerics: max |netviz - TensorFlow| <= 1e-4 x max(1, max |TensorFlow|) on the model's output, batch 2.
@Suite struct Keras2Tests {
    static let tolerance: Float = 1e-4
    static let keras2 = ["k2_cnn", "k2_sequential", "k2_nested", "k2_mobilenet"]
    static let keras3 = ["k3_autoencoder", "k3_mix", "k3_sequence"]

    static func path(_ file: String) -> String { Fixtures.url("keras2/" + file).path }

    static func expected(_ name: String) throws -> [String: Any] { try Fixtures.object("keras2/\(name).expected.json") }

    /// Every row Keras printed (name, class, output shape, params and the trainable split, "Connected to" where
    /// Keras recorded it) and the three totals. Keras 2 prints no InputLayer row for a Sequential; netviz does.
    static func checkRows(_ stats: ModelStatistics, _ expected: [String: Any]) throws {
        #expect(stats.model.name == expected["keras_name"] as? String)
        #expect(stats.totalParams == expected["total_params"] as? Int64)
        #expect(stats.trainableParams == expected["trainable_params"] as? Int64)
        #expect(stats.nonTrainableParams == expected["non_trainable_params"] as? Int64)
        let rows = try #require(expected["layers"] as? [[String: Any]])
        let offset = expected["class_name"] as? String == "Sequential" ? 1 : 0
        try #require(rows.count == stats.model.nodes.count - offset, "\(rows.count) Keras rows, \(stats.model.nodes.count) nodes")
        for (row, index) in zip(rows, offset..<stats.model.nodes.count) {
            let node = stats.model.nodes[index], layer = stats.layers[index]
            #expect(node.name == row["name"] as? String)
            #expect(node.className == row["class_name"] as? String, "\(node.name)")
            #expect(node.output.description == KerasReferenceTests.shapeText(row["output_shape"]), "\(node.name)")
            #expect(layer.params == row["params"] as? Int64, "\(node.name)")
            #expect(layer.trainableParams == row["trainable_params"] as? Int64, "\(node.name)")
            if let inbound = row["inbound"] as? [String] {
                #expect(node.inbound.map { stats.model.nodes[$0].name } == inbound, "\(node.name)")
            }
        }
    }

    @Test(arguments: keras2)
    func keras2JSONMatchesKeras(name: String) throws {
        let stats = try ModelStatistics(ModelFormats.load(path: Self.path("\(name).json")).model)
        try Self.checkRows(stats, Self.expected(name))
    }

    /// The `.h5` holds the same config as the `.json`: the same model, and the same table.
    @Test(arguments: keras2)
    func keras2H5MatchesKeras(name: String) throws {
        let probe = try FileProbe(path: Self.path("\(name).h5"))
        #expect(ModelFormats.format(of: probe) is KerasH5Format)
        let stats = try ModelStatistics(ModelFormats.load(path: probe.path).model)
        try Self.checkRows(stats, Self.expected(name))
        let fromJSON = try ModelStatistics(ModelFormats.load(path: Self.path("\(name).json")).model)
        #expect(try SummaryReport.text(stats) == SummaryReport.text(fromJSON))
    }

    @Test(arguments: keras3)
    func keras3ArchiveMatchesKeras(name: String) throws {
        let stats = try ModelStatistics(ModelFormats.load(path: Self.path("\(name).keras")).model)
        try Self.checkRows(stats, Self.expected(name))
    }

    /// Keras 2's MobileNet (alpha 0.25, 128 px, 10 classes) is the zoo's model: same params, same MACs, row for row.
    @Test func keras2MobileNetEqualsZoo() throws {
        let file = try ModelStatistics(ModelFormats.load(path: Self.path("k2_mobilenet.h5")).model)
        var options = ZooOptions()
        options.alpha = 0.25
        options.resolution = 128
        options.classes = 10
        let zoo = try ModelStatistics(Zoo.build("mobilenet", options))
        #expect(file.totalParams == 221_114)
        #expect(file.totalParams == zoo.totalParams)
        #expect(file.trainableParams == zoo.trainableParams)
        #expect(file.totalMACs == zoo.totalMACs)
        try #require(file.layers.count == zoo.layers.count)
        for (index, (a, b)) in zip(file.layers, zoo.layers).enumerated() {
            #expect(a.params == b.params && a.macs == b.macs, "\(file.model.nodes[index].name)")
        }
    }

    /// `verify` on the file's own weights (`model_weights` of an .h5, `model.weights.h5` of a .keras archive):
    /// every check passes and the output is TensorFlow's.
    @Test(arguments: keras2.map { "\($0).h5" } + keras3.map { "\($0).keras" })
    func verifyWithTheFilesWeightsMatchesTensorFlow(file: String) throws {
        let name = (file as NSString).deletingPathExtension
        let model = try ModelFormats.load(path: Self.path(file)).model
        let weights = try #require(try ModelFormats.weights(path: Self.path(file), for: model))
        try weights.validate(for: model, source: file)
        try Self.expectTensorFlowOutput(model, weights, name)
    }

    static func expectTensorFlowOutput(_ model: Model, _ weights: WeightStore, _ name: String) throws {
        let input = try NumPyFile.read(path: path("\(name).input.npy"))
        let expected = try NumPyFile.read(path: path("\(name).output.npy"))
        let report = try Verifier.verify(model, weights: weights, inputs: [input])
        #expect(report.passed, "\(report.finalLine)")
        let output = try #require(report.outputs.first)
        #expect(output.shape == expected.shape)
        let scale = max(1, expected.data.map(abs).max() ?? 0)
        let error = zip(output.data, expected.data).map { abs($0 - $1) }.max() ?? .infinity
        #expect(error <= tolerance * scale, "\(name): max error \(error), scale \(scale)")
    }

    /// A `.json`, and a `.keras` archive saved without `model.weights.h5`, carry no weights; verify then runs on
    /// seeded ones.
    @Test func configsCarryNoWeights() throws {
        let model = try ModelFormats.load(path: Self.path("k2_cnn.json")).model
        #expect(try ModelFormats.weights(path: Self.path("k2_cnn.json"), for: model) == nil)
        let archive = Fixtures.url("bad-input/valid-tiny.keras").path
        #expect(try ModelFormats.weights(path: archive, for: ModelFormats.load(path: archive).model) == nil)
        let result = try CLI.run(["verify", archive])
        #expect(result.status == 0, "\(result.stderr)")
    }

    /// `--weights` written from Keras 3's own `variable.path`: a Functional sub-model's layers are `code/kernel`
    /// (no sub-model name), a nested Sequential's `k3_stem/k3_stem_conv/kernel`; both reach netviz's names.
    @Test(arguments: keras3)
    func safetensorsNamedByKerasPathsResolve(name: String) throws {
        let model = try ModelFormats.load(path: Self.path("\(name).keras")).model
        let file = try WeightStore(tensors: SafeTensors.read(path: Self.path("\(name).safetensors")))
        let store = try file.resolved(for: model, source: "\(name).safetensors")
        let own = try #require(try ModelFormats.weights(path: Self.path("\(name).keras"), for: model))
        #expect(Set(store.tensors.keys) == Set(own.tensors.keys))
        for (key, tensor) in own.tensors { #expect(store[key]?.data == tensor.data, "\(key)") }
        try Self.expectTensorFlowOutput(model, store, name)
    }

    @Test func resolvedWeightsPreferExactNamesAndRefuseAmbiguity() throws {
        let x = try Input(shape: [4], name: "x")
        let innerInput = try Input(shape: [4], name: "inner_in")
        let inner = try Model(inputs: [innerInput], outputs: [Dense(units: 2, name: "dense")(innerInput)], name: "encoder")
        let y = try NestedModel(inner, name: "encoder")(x)
        let model = try Model(inputs: [x], outputs: [Dense(units: 3, name: "head")(y)], name: "ae")
        func tensor(_ shape: [Int], _ value: Float) -> Tensor { Tensor(unchecked: shape, data: .init(repeating: value, count: shape.reduce(1, *))) }
        // Keras's three spellings of a nested weight all reach `encoder/dense/kernel`.
        for prefix in ["", "encoder/", "ae/encoder/"] {
            let store = WeightStore(tensors: [
                prefix + "dense/kernel": tensor([4, 2], 1), prefix + "dense/bias": tensor([2], 2),
                "head/kernel": tensor([2, 3], 3), "head/bias": tensor([3], 4),
            ])
            let resolved = try store.resolved(for: model, source: "w")
            #expect(resolved["encoder/dense/kernel"]?.data.first == 1, "\(prefix)")
            #expect(resolved["head/bias"]?.data.first == 4)
        }
        // Two spellings of one weight: the exact one is taken, the other is left over.
        let both = WeightStore(tensors: [
            "encoder/dense/kernel": tensor([4, 2], 1), "dense/kernel": tensor([4, 2], 9), "encoder/dense/bias": tensor([2], 2),
            "head/kernel": tensor([2, 3], 3), "head/bias": tensor([3], 4),
        ])
        #expect(throws: NetVizError.file(path: "w", message: "1 tensor belong to no layer of model 'ae', e.g. 'dense/kernel'; is it for another model?")) {
            try both.resolved(for: model, source: "w")
        }
        #expect(throws: NetVizError.file(path: "w", message: "missing tensor 'encoder/dense/kernel' for layer 'encoder' (Functional) (it holds 1 tensors, e.g. 'head/bias'; is it for another model?)")) {
            try WeightStore(tensors: ["head/bias": tensor([3], 4)]).resolved(for: model, source: "w")
        }
    }

    /// Keras's `to_snake_case`, which names a layer's group in `model.weights.h5` when `vars` has no name.
    @Test func snakeCaseIsKeras() {
        let cases = [
            ("Conv2D", "conv2d"), ("BatchNormalization", "batch_normalization"), ("ReLU", "re_lu"),
            ("DepthwiseConv2D", "depthwise_conv2d"), ("GlobalAveragePooling2D", "global_average_pooling2d"),
            ("InputLayer", "input_layer"), ("Functional", "functional"), ("LayerNormalization", "layer_normalization"),
            ("ZeroPadding2D", "zero_padding2d"), ("SeparableConv2D", "separable_conv2d"), ("PReLU", "p_re_lu"),
        ]
        for (name, snake) in cases { #expect(KerasH5.snakeCase(name) == snake, "\(name)") }
    }

    /// Keras 2's `inbound_nodes` in Keras 2's own words, and what netviz still refuses of it.
    @Test func keras2InboundNodes() throws {
        func config(_ inbound: String) -> [UInt8] {
            Array("""
                {"class_name": "Model", "config": {"name": "m", "layers": [
                {"class_name": "InputLayer", "name": "input_1", "config": {"batch_input_shape": [null, 4], "dtype": "float32", "name": "input_1"}, "inbound_nodes": []},
                {"class_name": "Dense", "name": "d", "config": {"name": "d", "units": 2, "dtype": "float32"}, "inbound_nodes": \(inbound)}],
                "input_layers": [["input_1", 0, 0]], "output_layers": [["d", 0, 0]]}, "keras_version": "2.13.1", "backend": "tensorflow"}
                """.utf8)
        }
        let model = try KerasImporter.importConfig(config(#"[[["input_1", 0, 0, {}]]]"#), file: "m.json").model
        #expect(model.nodes.map(\.name) == ["input_1", "d"])
        #expect(try KerasImporter.importConfig(config(#"[[["input_1", 0, 0]]]"#), file: "m.json").model.nodes.count == 2)
        #expect(throws: NetVizError.file(path: "m.json", message: "layer 'd' (Dense): reads output 1 of 'input_1', which has 1 output(s)")) {
            try KerasImporter.importConfig(config(#"[[["input_1", 0, 1, {}]]]"#), file: "m.json")
        }
        // A layer called twice is read (its second call here feeds no output, so it is not part of the model).
        #expect(try KerasImporter.importConfig(config(#"[[["input_1", 0, 0, {}]], [["input_1", 0, 0, {}]]]"#), file: "m.json").model.nodes.count == 2)
        #expect(throws: NetVizError.file(path: "m.json", message: "layer 'd' (Dense): an inbound_nodes entry is a string, not [layer, node_index, tensor_index, kwargs]")) {
            try KerasImporter.importConfig(config(#"[["input_1"]]"#), file: "m.json")
        }
        #expect(throws: NetVizError.file(path: "m.json", message: "layer 'd' (Dense): its reference to 'input_1' has node and tensor indices that are not integers")) {
            try KerasImporter.importConfig(config(#"[[["input_1", 0.5, 0, {}]]]"#), file: "m.json")
        }
    }
}

/// The CLI on Keras 2 files: the golden summary of the MobileNet `.h5`, verify with the file's weights.
@Suite struct Keras2CLITests {
    @Test func summaryOfKeras2MobileNetH5() throws {
        try CLI.expectGolden(["summary", Keras2Tests.path("k2_mobilenet.h5")], "cli/summary-keras2-mobilenet-h5.txt")
    }

    @Test func verifyUsesTheFilesWeights() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("netviz-k2-\(UUID().uuidString).npy").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let result = try CLI.run([
            "verify", Keras2Tests.path("k2_cnn.h5"), "--input", Keras2Tests.path("k2_cnn.input.npy"), "--output", output,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasSuffix("verify: 18 layers, all checks passed\n"))
        let got = try NumPyFile.read(path: output), expected = try NumPyFile.read(path: Keras2Tests.path("k2_cnn.output.npy"))
        #expect(zip(got.data, expected.data).allSatisfy { abs($0 - $1) <= 1e-4 * max(1, abs($1)) })
        // --seeded-weights: the same checks pass on other numbers.
        let seeded = try CLI.run(["verify", Keras2Tests.path("k2_cnn.h5"), "--seeded-weights", "--input", Keras2Tests.path("k2_cnn.input.npy"), "--output", output])
        #expect(seeded.status == 0, "\(seeded.stderr)")
        #expect(try NumPyFile.read(path: output).data != expected.data)
    }

    @Test func verifyWithKerasPathSafetensors() throws {
        let result = try CLI.run([
            "verify", Keras2Tests.path("k3_autoencoder.keras"), "--weights", Keras2Tests.path("k3_autoencoder.safetensors"),
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasSuffix("verify: 3 layers, all checks passed\n"))
    }
}

/// Hostile HDF5 files: each gives the one line listed in Fixtures/keras2/bad/errors.txt, from the library and the
/// CLI, never a crash; the `valid-*` controls read.
@Suite struct Keras2BadInputTests {
    static let cases: [(file: String, command: String, message: String)] = {
        guard let text = try? Fixtures.text("keras2/bad/errors.txt") else { return [] }
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { line in
            let parts = line.split(separator: "\t", maxSplits: 2).map(String.init)
            return parts.count == 3 ? (parts[0], parts[1], parts[2]) : nil
        }
    }()

    @Test func folderIsCovered() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Fixtures.url("keras2/bad").path)
            .filter { $0 != "errors.txt" && !$0.hasPrefix("valid-") }
        #expect(Set(files) == Set(Self.cases.map(\.file)))
    }

    @Test(arguments: cases.map(\.file))
    func badH5GivesItsError(file: String) throws {
        let (_, command, message) = try #require(Self.cases.first { $0.file == file })
        let path = Fixtures.url("keras2/bad/" + file).path
        #expect(throws: NetVizError.file(path: path, message: message)) {
            let model = try ModelFormats.load(path: path).model
            _ = try ModelFormats.weights(path: path, for: model)
        }
        try CLI.expectOneLineError([command, path], "Error: \(path): \(message)")
    }

    @Test func fixedLengthStringsRead() throws {
        let path = Fixtures.url("keras2/bad/valid-fixed-strings.h5").path
        let model = try ModelFormats.load(path: path).model
        let weights = try #require(try ModelFormats.weights(path: path, for: model))
        try weights.validate(for: model, source: path)
        #expect(try ModelStatistics(model).totalParams == 1_570)
    }

    /// Runs the CLI with HDF5's watchdog at `seconds` (HDF5 loops forever on some corrupt files; netviz gives up).
    static func runCLI(_ arguments: [String], hdf5Seconds: Int = 2, environment: [String: String] = [:]) throws -> CLIResult {
        try CLI.run(CLI.executable, arguments, environment: ["NETVIZ_HDF5_SECONDS": "\(hdf5Seconds)"].merging(environment) { $1 })
    }

    /// The fuzzer's file on which HDF5 (1.10.8 here, 2.0.0 in h5py too) loops forever reading `model_config`: the
    /// CLI reads HDF5 in a child process, stops it after its time and says so in one line.
    @Test func hdf5LoopingForeverIsOneLine() throws {
        let path = Fixtures.url("fuzz-regressions/h5-global-heap-loop.h5").path
        let result = try Self.runCLI(["summary", path], hdf5Seconds: 1)
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "Error: \(path): the HDF5 library did not finish reading it in 1 s; a corrupt file can make it loop forever\n")
    }

    /// The files on which the h5 fuzzer crashed libhdf5 1.10.8 under AddressSanitizer (a heap overflow and an
    /// overlapping copy in H5HG_read, a wild read in H5F__accum_read, a 7.8 EB allocation in H5C_protect): through the
    /// CLI, each is one line or a run, never a signal (one of them does crash the HDF5 child here).
    @Test(arguments: ["h5-global-heap-overflow.h5", "h5-accum-read-segv.h5", "h5-cache-huge-allocation.h5", "h5-global-heap-overlapping-copy.h5"])
    func libhdf5CrashersAreOneLine(file: String) throws {
        let path = Fixtures.url("fuzz-regressions/" + file).path
        for command in ["summary", "verify"] {
            let result = try Self.runCLI([command, path])
            #expect(result.status == 0 || result.status == 1, "\(command) \(file): status \(result.status)")
            if result.status == 1 {
                #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.hasPrefix("Error: \(path): "), "\(result.stderr)")
            }
        }
    }

    /// libhdf5 crashing (as it may on a hostile file; here the child is told to) costs the child, not the CLI.
    @Test func hdf5CrashingIsOneLine() throws {
        let path = Keras2Tests.path("k2_cnn.h5")
        let result = try Self.runCLI(["summary", path], environment: ["NETVIZ_HDF5_CHILD_CRASH": "1"])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "Error: \(path): the HDF5 library crashed reading it (signal 11); the file is corrupt or hostile\n")
    }

    /// Truncations and byte flips of a real `.h5` never crash `verify`: each runs or gives one line and status 1.
    @Test func mutatedH5NeverCrashes() throws {
        let bytes = [UInt8](try Data(contentsOf: Fixtures.url("keras2/k2_sequential.h5")))
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(truncatingIfNeeded: state >> 33)
        }
        var mutants: [[UInt8]] = [1, 8, 100, 500, 2048, 4096, 10_000, bytes.count - 1].map { Array(bytes.prefix($0)) }
        for _ in 0..<24 {
            var copy = bytes
            for _ in 0..<8 { copy[next() % copy.count] = UInt8(truncatingIfNeeded: next()) }
            mutants.append(copy)
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("netviz-mutant-\(UUID().uuidString).h5").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        for (i, mutant) in mutants.enumerated() {
            try Data(mutant).write(to: URL(fileURLWithPath: path))
            let result = try Self.runCLI(["verify", path])
            #expect(result.status == 0 || result.status == 1, "mutant \(i): status \(result.status)")
            if result.status == 1 {
                #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.hasPrefix("Error: \(path): "), "mutant \(i): \(result.stderr)")
            }
        }
    }
}
