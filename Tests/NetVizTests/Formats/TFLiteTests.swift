import Foundation
import Testing

@testable import NetViz

/// The `.tflite` fixtures (Tools/make-tflite-fixtures.py: keras.applications models converted by TensorFlow 2.21)
/// against the Keras models they came from and against TensorFlow Lite's interpreter.
@Suite struct TFLiteFixtureTests {
    struct FileInfo: Decodable { let operators: [String]; let bytes: Int }
    struct ModelInfo: Decodable {
        let keras_params: Int64
        let keras_batchnorm_params: Int64
        let files: [String: FileInfo]
    }
    struct Expected: Decodable { let models: [String: ModelInfo] }

    static let expected: Expected = {
        (try? JSONDecoder().decode(Expected.self, from: Data(contentsOf: Fixtures.url("tflite/expected.json"))))
            ?? Expected(models: [:])
    }()

    static let variants = ["float32", "float16", "dynamic_int8", "full_int8"]
    static let models = ["mobilenet_025_128", "mobilenet_v2_035_96", "article_mini_16"]
    static let files: [(model: String, variant: String)] = models.flatMap { model in variants.map { (model, $0) } }
    /// keras.applications' convolutions have no bias, so folding gives each one; the article's keep Keras's default.
    static let foldingAddsBiases = ["mobilenet_025_128": true, "mobilenet_v2_035_96": true, "article_mini_16": false]

    static func path(_ model: String, _ variant: String) -> String {
        Fixtures.url("tflite/\(model).\(variant).tflite").path
    }

    static func keras(_ model: String) throws -> ModelStatistics {
        try ModelStatistics(ModelFormats.load(path: Fixtures.url("tflite/\(model).keras.json").path).model)
    }

    /// MACs equal the Keras model's exactly; params are Keras's minus each folded BatchNormalization's four
    /// vectors plus, where the convolution had none, the bias the folding gives it (one vector: BN params / 4).
    @Test(arguments: files.indices)
    func countsEqualKerasMinusFoldedBatchNorm(index: Int) throws {
        let (model, variant) = Self.files[index]
        let info = try #require(Self.expected.models[model])
        let stats = try ModelStatistics(ModelFormats.load(path: Self.path(model, variant)).model)
        let keras = try Self.keras(model)
        #expect(stats.totalMACs == keras.totalMACs)
        let added = Self.foldingAddsBiases[model] == true ? info.keras_batchnorm_params / 4 : 0
        #expect(stats.totalParams == info.keras_params - info.keras_batchnorm_params + added)
        #expect(stats.totalParams == keras.totalParams - 2 * keras.nonTrainableParams + added)
        #expect(stats.trainableParams == 0)
        #expect(stats.model.outputSpecs.map(\.description) == keras.model.outputSpecs.map(\.description))
        // Every operator's shape rule agrees with the file: no shape warnings. The article's softmax on a rank-4
        // tensor is warned about, as in the Keras model.
        let expectedWarnings = model == "article_mini_16"
            ? ["StatefulPartitionedCall_1:0 (SOFTMAX): softmax output (None, 4, 1, 10) is rank 4, not (batch, classes)"] : []
        #expect(stats.warnings == expectedWarnings)
        // The Table 2 groups cost what Keras's do.
        let groups = Dictionary(uniqueKeysWithValues: CostBreakdown.groups(stats).map { ($0.name, $0.macs) })
        for group in CostBreakdown.groups(keras) where group.macs > 0 {
            #expect(groups[group.name] == group.macs, "\(group.name)")
        }
    }

    /// One row per operator, in the interpreter's order, each typed by its operator; the constant DEQUANTIZEs of a
    /// float16 file are folded into the weights they feed.
    @Test(arguments: files.indices)
    func rowsAreTheInterpretersOperators(index: Int) throws {
        let (model, variant) = Self.files[index]
        let file = try #require(Self.expected.models[model]?.files["\(model).\(variant).tflite"])
        let imported = try ModelFormats.load(path: Self.path(model, variant)).model
        let rows = imported.nodes.compactMap { ($0.layer as? any TFLiteRow)?.operatorName }
        let operators = variant == "float16" ? file.operators.filter { $0 != "DEQUANTIZE" } : file.operators
        #expect(rows == operators)
        #expect(imported.nodes.count == operators.count + 1)
        // Each row's output is the file's (rank and sizes; the batch is the file's 1 or -1).
        for node in imported.nodes.dropFirst() {
            let row = try #require(node.layer as? any TFLiteRow)
            #expect(node.output.dims == row.fileOutput.dims && node.output.batched == row.fileOutput.batched, "\(node.name)")
        }
    }

    /// Weight bytes: 4 a param for float32, 2 for float16; full int8 has int8 kernels and int32 biases.
    @Test(arguments: files.indices)
    func weightBytesFollowTheStoredTypes(index: Int) throws {
        let (model, variant) = Self.files[index]
        let stats = try ModelStatistics(ModelFormats.load(path: Self.path(model, variant)).model)
        let byType = Dictionary(uniqueKeysWithValues: stats.weightBytesByType.map { ($0.type, $0) })
        #expect(stats.hasStoredWeights)
        #expect(stats.weightBytesByType.reduce(0) { $0 + $1.elements } == stats.totalParams)
        #expect(stats.totalParamBytes == stats.weightBytesByType.reduce(0) { $0 + $1.bytes })
        // Biases: one per folded BatchNormalization channel, plus the classifier's 10.
        let biases = (Self.expected.models[model]?.keras_batchnorm_params ?? 0) / 4 + 10
        guard model != "article_mini_16" else {
            #expect(variant != "float32" || stats.totalParamBytes == 4 * stats.totalParams)
            #expect(variant != "float16" || stats.totalParamBytes == 2 * stats.totalParams)
            return
        }
        switch variant {
        case "float32": #expect(byType.keys.sorted() == ["float32"] && stats.totalParamBytes == 4 * stats.totalParams)
        case "float16": #expect(byType.keys.sorted() == ["float16"] && stats.totalParamBytes == 2 * stats.totalParams)
        case "full_int8":
            #expect(byType["int32"]?.elements == biases && byType["int32"]?.bytes == 4 * biases)
            #expect(byType["int8"]?.elements == stats.totalParams - biases && byType["int8"]?.bytes == stats.totalParams - biases)
        default:
            // Dynamic range: kernels of 1024 elements or more are int8, the rest (and every bias) float32.
            #expect(byType.keys.sorted() == ["float32", "int8"])
            #expect((byType["int8"]?.bytes ?? 0) + (byType["float32"]?.bytes ?? 0) / 4 * 4 == stats.totalParamBytes)
        }
    }

    /// MobileNet 0.25/128 in full int8, by hand: conv1 is 8 filters of 3x3x3 int8 (216 bytes) with 8 int32 biases
    /// (32 bytes), per-channel scales, zero points 0, an int8 output with one scale and zero point -128.
    @Test func quantizationDetails() throws {
        let imported = try ModelFormats.load(path: Self.path("mobilenet_025_128", "full_int8")).model
        let conv1 = try #require(imported.node(named: "conv1_relu_1/Relu6"))
        #expect(conv1.className == "CONV_2D + RELU6, BN folded")
        let weights = try #require(conv1.layer as? any StoredWeightTypes).storedWeights
        #expect(weights.map(\.name) == ["kernel", "bias"])
        #expect(weights.map(\.type) == ["int8", "int32"])
        #expect(weights.map(\.bytes) == [216, 32])
        #expect(weights[0].shape == [8, 3, 3, 3] && weights[0].scales.count == 8 && weights[0].zeroPoints == Array(repeating: 0, count: 8))
        let output = try #require((conv1.layer as? any StoredWeightTypes)?.storedOutput)
        #expect(output.type == "int8" && output.scales.count == 1 && output.zeroPoints == [-128])
        #expect(conv1.output == TensorSpec([64, 64, 8], dtype: .int8))
        let stats = try ModelStatistics(imported)
        #expect(stats.layers[conv1.index].macs == 64 * 64 * 8 * 27)
        #expect(stats.layers[conv1.index].weightBytes == 248)
        let json = SummaryReport.jsonText(stats)
        #expect(json.contains("\"weight_bytes_by_type\": {\n    \"int8\": 210160,\n    \"int32\": 10984\n  }"))
        #expect(json.contains("\"zero_point\": [-128]"))
    }

    /// verify runs the float files with their own weights and matches the interpreter's outputs.
    @Test(arguments: models, ["float32", "float16"])
    func verifyMatchesTheInterpreter(model: String, variant: String) throws {
        let imported = try ModelFormats.load(path: Self.path(model, variant)).model
        let weights = try #require(try WeightStore.fromModelFile(imported))
        let input = try NumPyFile.read(path: Fixtures.url("tflite/\(model).input.npy").path)
        let reference = try NumPyFile.read(path: Fixtures.url("tflite/\(model).\(variant).output.npy").path)
        let report = try Verifier.verify(imported, weights: weights, inputs: [input])
        #expect(report.passed, "\(report.failures.map(\.problems))")
        let difference = try #require(report.outputs.first?.maxAbsDifference(reference))
        #expect(difference < 1e-5)
    }

    /// Quantized files: shapes, MACs and params are checked by verify (numerics are not the interpreter's).
    @Test func verifyChecksQuantizedFiles() throws {
        let imported = try ModelFormats.load(path: Self.path("mobilenet_v2_035_96", "full_int8")).model
        let weights = try #require(try WeightStore.fromModelFile(imported))
        let input = SeededInit.input(name: "x", spec: imported.inputSpecs[0], seed: 1)
        #expect(try Verifier.verify(imported, weights: weights, inputs: [input]).passed)
    }
}

/// The CLI on `.tflite` files: the golden summary, compare beside Keras, plot, report, by-type.
@Suite struct TFLiteCLITests {
    static let int8 = Fixtures.url("tflite/mobilenet_025_128.full_int8.tflite").path

    @Test func summaryOfAnInt8File() throws {
        try CLI.expectGolden(["summary", Self.int8], "cli/summary-tflite-mobilenet-int8.txt")
    }

    /// The JSON of a small full-int8 file: weights with their types, scales and zero points, outputs likewise.
    @Test func jsonOfAnInt8File() throws {
        let path = Fixtures.url("tflite/article_mini_16.full_int8.tflite").path
        try CLI.expectGolden(["summary", path, "--format", "json"], "cli/summary-tflite-article-mini-int8.json")
    }

    @Test func compareBesideKeras() throws {
        let keras = Fixtures.url("tflite/mobilenet_025_128.keras.json").path
        let result = try CLI.run(["compare", keras, Self.int8, "--format", "csv"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[1].contains("13316608") && lines[2].contains("13316608"))
        #expect(lines[1].contains("221114") && lines[2].contains("212906"))
    }

    @Test func plotReportAndByType() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("netviz-tflite-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let dotPath = directory.appendingPathComponent("m.dot").path
        let dot = try CLI.run(["plot", Self.int8, "-o", dotPath])
        #expect(dot.status == 0, "\(dot.stderr)")
        #expect(try String(contentsOfFile: dotPath, encoding: .utf8).contains("CONV_2D + RELU6, BN folded"))
        let page = directory.appendingPathComponent("m.html").path
        let report = try CLI.run(["report", Self.int8, "-o", page])
        #expect(report.status == 0, "\(report.stderr)")
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(html.contains("kernel: int8 (8, 3, 3, 3), 216 bytes"))
        let byType = try CLI.run(["summary", Self.int8, "--by-type", "--format", "csv"])
        #expect(byType.status == 0, "\(byType.stderr)")
        #expect(byType.stdout.contains("Conv 1x1,13,11010048,82.67907262870546,197712,"))
    }

    @Test func verifyWithTheFilesWeights() throws {
        let float = Fixtures.url("tflite/mobilenet_025_128.float32.tflite").path
        let input = Fixtures.url("tflite/mobilenet_025_128.input.npy").path
        let result = try CLI.run(["verify", float, "--input", input])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasSuffix("verify: 35 layers, all checks passed\n"))
    }
}

/// Hand-made and damaged files: one line naming the file and what is wrong, never a crash.
@Suite struct TFLiteBadFileTests {
    typealias W = TFLiteFileWriter

    static func load(_ bytes: [UInt8], allowUnknown: Bool = false) throws -> Model {
        var options = ImportOptions()
        options.allowUnknown = allowUnknown
        return try TFLiteImporter.importBytes(Data(bytes), file: "bad.tflite", options: options).model
    }

    static func message(_ bytes: [UInt8]) -> String? {
        do {
            _ = try load(bytes)
            return nil
        } catch let NetVizError.file(path, message) {
            return path == "bad.tflite" ? message : "wrong path \(path)"
        } catch {
            return "not a file error: \(error)"
        }
    }

    @Test func theHandMadeFileReads() throws {
        let model = try Self.load(W.tiny)
        #expect(model.nodes.map(\.className) == ["InputLayer", "RELU"])
        #expect(model.nodes[1].output == TensorSpec([4, 4, 2]))
    }

    /// Every prefix of a real file and of the hand-made one fails with a file error (or, for the real file's
    /// longer prefixes, reads), never a trap.
    @Test func truncatedFiles() throws {
        let real = try [UInt8](Data(contentsOf: Fixtures.url("tflite/mobilenet_025_128.full_int8.tflite")))
        for length in [0, 3, 7, 8, 12, 40, 200, 1000, 5000, 20000, 100_000, real.count - 1000] {
            let text = Self.message(Array(real.prefix(length)))
            #expect(text != nil && !(text ?? "").hasPrefix("not a file error"), "\(length): \(text ?? "read")")
        }
        for length in 0..<W.tiny.count {
            let text = Self.message(Array(W.tiny.prefix(length)))
            #expect(text != nil && !(text ?? "").hasPrefix("not a file error"), "\(length): \(text ?? "read")")
        }
        #expect(Self.message(Array(real.prefix(7))) == "has no TFL3 identifier at bytes 4 to 8; not a TensorFlow Lite model")
    }

    @Test func offsetsOutOfRange() throws {
        var bytes = W.tiny
        bytes[0] = 0xF0; bytes[1] = 0xFF; bytes[2] = 0xFF; bytes[3] = 0x7F
        #expect(Self.message(bytes) == "the root table at byte 2147483632 (4 bytes) lies outside the \(bytes.count)-byte buffer")
        // A vector claiming four billion tensors.
        let absurd = W.model(
            tensors: [W.Tensor(shape: [1, 2], name: "x")], inputs: [0], outputs: [0], operators: [],
            claimedTensorCount: 0xFFFF_FFFF)
        #expect(Self.message(absurd)?.hasPrefix("subgraph 0 tensors claims 4294967295 elements of 4 bytes at byte") == true, "\(Self.message(absurd) ?? "")")
    }

    @Test func graphErrors() throws {
        // An operator reading its own output: a cycle.
        let cycle = W.model(
            tensors: [W.Tensor(shape: [1, 4], name: "x"), W.Tensor(shape: [1, 4], name: "y")], inputs: [0], outputs: [1],
            operators: [W.Operator(code: 0, inputs: [0, 1], outputs: [1])])
        #expect(Self.message(cycle) == "model: operator 0 (ADD) reads tensor 1 ('y') before any operator writes it (operators out of order, or a cycle)")
        // A tensor index past the subgraph's tensors.
        let outOfRange = W.model(
            tensors: [W.Tensor(shape: [1, 4], name: "x")], inputs: [0], outputs: [0],
            operators: [W.Operator(code: 19, inputs: [7], outputs: [0])])
        #expect(Self.message(outOfRange) == "model: operator 0 (RELU) names tensor 7; the subgraph has 1")
        // A buffer index past the file's buffers.
        let buffer = W.model(
            tensors: [W.Tensor(shape: [1, 4], name: "x"), W.Tensor(shape: [4], buffer: 9, name: "w"), W.Tensor(shape: [1, 4], name: "y")],
            inputs: [0], outputs: [2], operators: [W.Operator(code: 0, inputs: [0, 1], outputs: [2])])
        #expect(Self.message(buffer) == "model: tensor 'w' names buffer 9; the file has 1")
        // A weight whose buffer is shorter than its shape needs.
        let short = W.model(
            tensors: [W.Tensor(shape: [1, 4], name: "x"), W.Tensor(shape: [4, 4], buffer: 1, name: "w"), W.Tensor(shape: [1, 4], name: "y")],
            inputs: [0], outputs: [2], operators: [W.Operator(code: 9, inputs: [0, 1, -1], outputs: [2])], bufferSizes: [0, 60])
        #expect(Self.message(short) == "model: tensor 'w' of shape [4, 4] (float32) has a buffer of 60 bytes")
        // Two operators writing one tensor.
        let twice = W.model(
            tensors: [W.Tensor(shape: [1, 4], name: "x"), W.Tensor(shape: [1, 4], name: "y")], inputs: [0], outputs: [1],
            operators: [W.Operator(code: 19, inputs: [0], outputs: [1]), W.Operator(code: 19, inputs: [0], outputs: [1])])
        #expect(Self.message(twice) == "model: operator 1 (RELU) writes tensor 1, which is already written (a cycle, or two writers)")
        // A string tensor, a negative dimension.
        let string = W.model(
            tensors: [W.Tensor(shape: [1, 4], type: 5, name: "s"), W.Tensor(shape: [1, 4], name: "y")], inputs: [0], outputs: [1],
            operators: [W.Operator(code: 19, inputs: [0], outputs: [1])])
        #expect(Self.message(string) == "model: tensor 's' is string; netviz reads numeric tensors of types it models")
        let negative = W.model(
            tensors: [W.Tensor(shape: [1, -4], name: "x"), W.Tensor(shape: [1, 4], name: "y")], inputs: [0], outputs: [1],
            operators: [W.Operator(code: 19, inputs: [0], outputs: [1])])
        #expect(Self.message(negative) == "model: tensor 'x' has shape [1, -4] with a negative dimension")
    }

    /// Operators netviz cannot count: one error naming them, or with --allow-unknown a warning that their MACs are
    /// missing.
    @Test func unknownOperators() throws {
        let custom = W.model(
            tensors: [W.Tensor(shape: [1, 4], name: "x"), W.Tensor(shape: [1, 4], name: "y"), W.Tensor(shape: [1, 4], name: "z")],
            inputs: [0], outputs: [2],
            operators: [W.Operator(code: 32, custom: "Sparkle", inputs: [0], outputs: [1]), W.Operator(code: 16, inputs: [1], outputs: [2])])
        #expect(Self.message(custom) == "model: operators netviz cannot count: CUSTOM:Sparkle (1), LSTM (1); --allow-unknown imports them with the file's shapes and 0 MACs, reported as missing from the totals")
        let model = try Self.load(custom, allowUnknown: true)
        let stats = try ModelStatistics(model)
        #expect(stats.warnings == [
            "TFLite operator CUSTOM:Sparkle ('y') has no counting rule in netviz; imported with --allow-unknown with the file's output shape, 0 params and 0 MACs: its MACs are missing from the totals",
            "TFLite operator LSTM ('z') has no counting rule in netviz; imported with --allow-unknown with the file's output shape, 0 params and 0 MACs: its MACs are missing from the totals",
        ])
    }

    /// A file whose shape disagrees with netviz's rule: the file's shape is used and the row warns.
    @Test func shapeDisagreementsWarn() throws {
        let model = try Self.load(
            W.model(
                tensors: [W.Tensor(shape: [1, 4, 4, 2], name: "x"), W.Tensor(shape: [1, 4, 4, 3], name: "y")],
                inputs: [0], outputs: [1], operators: [W.Operator(code: 19, inputs: [0], outputs: [1])]))
        let stats = try ModelStatistics(model)
        #expect(stats.warnings == ["y (RELU): netviz's Activation rule gives (None, 4, 4, 2), the file says (None, 4, 4, 3); the file's shape is used"])
        #expect(model.nodes[1].output == TensorSpec([4, 4, 3]))
    }

    /// Keras's Dense on a rank-4 tensor (the article's classifier) converts to RESHAPE to rows, FULLY_CONNECTED and
    /// RESHAPE back, whose stored shapes are placeholders (signature -1): netviz computes the real ones, counts the
    /// rows' MACs as Keras does (7 positions x 18 x 10) and restores the batch.
    @Test func denseOnRank4ThroughComputedReshapes() throws {
        let model = try Self.load(
            W.model(
                tensors: [
                    W.Tensor(shape: [1, 7, 1, 18], name: "x", signature: [-1, 7, 1, 18]),
                    W.Tensor(shape: [2], type: 2, buffer: 1, name: "rows"),
                    W.Tensor(shape: [1, 1], name: "flat", signature: [-1, -1]),
                    W.Tensor(shape: [10, 18], buffer: 2, name: "kernel"),
                    W.Tensor(shape: [1, 10], name: "matmul", signature: [-1, 10]),
                    W.Tensor(shape: [4], type: 2, buffer: 3, name: "back"),
                    W.Tensor(shape: [1, 7, 1, 10], name: "y", signature: [-1, 7, 1, 10]),
                ],
                inputs: [0], outputs: [6],
                operators: [
                    W.Operator(code: 22, inputs: [0, 1], outputs: [2]), W.Operator(code: 9, inputs: [2, 3, -1], outputs: [4]),
                    W.Operator(code: 22, inputs: [4, 5], outputs: [6]),
                ],
                bufferSizes: [0, 8, 720, 16],
                bufferData: [1: W.int32Buffer([-1, 18]), 3: W.int32Buffer([1, 7, 1, 10])]))
        let stats = try ModelStatistics(model)
        #expect(model.nodes.map(\.output) == [
            TensorSpec([7, 1, 18]), TensorSpec(whole: [7, 18]), TensorSpec(whole: [7, 10]), TensorSpec([7, 1, 10]),
        ])
        #expect(stats.totalMACs == 7 * 18 * 10)
        #expect(stats.totalParams == 180)
        #expect(stats.warnings.isEmpty, "\(stats.warnings)")
    }

    /// The operators counted by rules of their own, worked out by hand: TRANSPOSE_CONV (each input element meets
    /// kh x kw x O weights), BATCH_MATMUL (output elements x the inner dimension), CONV_3D (output elements x
    /// kd x kh x kw x I). Their constant float operands are their params.
    @Test func operatorsWithRulesOfTheirOwn() throws {
        let transpose = try ModelStatistics(Self.load(W.model(
            tensors: [
                W.Tensor(shape: [4], type: 2, buffer: 1, name: "output_shape"), W.Tensor(shape: [5, 3, 3, 3], buffer: 2, name: "w"),
                W.Tensor(shape: [1, 4, 4, 3], name: "x"), W.Tensor(shape: [1, 8, 8, 5], name: "y"),
            ],
            inputs: [2], outputs: [3], operators: [W.Operator(code: 67, inputs: [0, 1, 2], outputs: [3])],
            bufferSizes: [0, 16, 540], bufferData: [1: W.int32Buffer([1, 8, 8, 5])])))
        #expect(transpose.totalMACs == 4 * 4 * 3 * (3 * 3 * 5))
        #expect(transpose.totalParams == 135)
        #expect(transpose.model.nodes[1].output == TensorSpec([8, 8, 5]))
        let matmul = try ModelStatistics(Self.load(W.model(
            tensors: [W.Tensor(shape: [1, 6, 8], name: "x"), W.Tensor(shape: [8, 4], buffer: 1, name: "y"), W.Tensor(shape: [1, 6, 4], name: "z")],
            inputs: [0], outputs: [2], operators: [W.Operator(code: 126, inputs: [0, 1], outputs: [2])], bufferSizes: [0, 128])))
        #expect(matmul.totalMACs == 6 * 4 * 8)
        #expect(matmul.totalParams == 32)
        let conv3D = try ModelStatistics(Self.load(W.model(
            tensors: [
                W.Tensor(shape: [1, 4, 4, 4, 2], name: "x"), W.Tensor(shape: [3, 3, 3, 2, 5], buffer: 1, name: "f"),
                W.Tensor(shape: [1, 2, 2, 2, 5], name: "y"),
            ],
            inputs: [0], outputs: [2], operators: [W.Operator(code: 132, inputs: [0, 1], outputs: [2])], bufferSizes: [0, 1080])))
        #expect(conv3D.totalMACs == 2 * 2 * 2 * 5 * (3 * 3 * 3 * 2))
        #expect(conv3D.totalParams == 270)
        #expect(conv3D.model.nodes[1].className == "CONV_3D")
    }

    /// The FlatBuffers reader on hand-broken tables: a vtable outside the buffer, a vtable of odd size, a string
    /// running past the end; absent fields read as the schema's defaults.
    @Test func flatBufferTables() throws {
        var bytes = W.tiny
        let root = Int(bytes[0]) | Int(bytes[1]) << 8
        func failure(_ bytes: [UInt8]) -> String? {
            bytes.withUnsafeBytes { raw in
                do {
                    _ = try TFLiteFile.read(raw, fileSize: Int64(raw.count))
                    return nil
                } catch let failure as FlatBuffer.Failure {
                    return failure.message
                } catch { return "\(error)" }
            }
        }
        // The root table's soffset pointing far before the buffer.
        bytes.replaceSubrange(root..<root + 4, with: [0xFF, 0xFF, 0xFF, 0x7F])
        #expect(failure(bytes)?.hasPrefix("the vtable of the root table at byte -") == true, "\(failure(bytes) ?? "")")
        // A vtable claiming 3 bytes.
        var odd = W.tiny
        let soffset = Int(odd[root]) | Int(odd[root + 1]) << 8
        odd[root - soffset] = 3
        #expect(failure(odd) == "the vtable of the root table at byte \(root - soffset) has size 3")
        // Absent fields: a tensor without a type reads FLOAT32, an operator code without version reads 1.
        try W.tiny.withUnsafeBytes { raw in
            let file = try TFLiteFile.read(raw, fileSize: Int64(raw.count))
            #expect(file.subgraphs[0].tensors.map(\.type) == [0, 0])
            #expect(file.subgraphs[0].tensors[0].quantization == nil)
            #expect(file.operatorCodes.map(\.builtin) == [19])
        }
    }

    /// Operator codes of files written before schema 3a: only `deprecated_builtin_code` (an int8) is set.
    @Test func deprecatedBuiltinCodes() throws {
        let model = try Self.load(W.model(
            tensors: [W.Tensor(shape: [1, 4], name: "x"), W.Tensor(shape: [1, 4], name: "y")], inputs: [0], outputs: [1],
            operators: [W.Operator(code: 21, deprecatedOnly: true, inputs: [0], outputs: [1])]))
        #expect(model.nodes[1].className == "RELU6")
    }

    /// Buffers outside the FlatBuffer (offset and size from the start of the file, as in files over 2 GB): located
    /// for the summary, read by verify; one past the end of the file is an error.
    @Test func buffersAfterTheFlatBuffer() throws {
        func file(offset: UInt64?) -> [UInt8] {
            let tensors = [
                W.Tensor(shape: [1, 4], name: "x"), W.Tensor(shape: [2, 4], buffer: 1, name: "w"), W.Tensor(shape: [1, 2], name: "y"),
            ]
            let operators = [W.Operator(code: 9, inputs: [0, 1, -1], outputs: [2])]
            let head = W.model(tensors: tensors, inputs: [0], outputs: [2], operators: operators, bufferSizes: [0, 0],
                               externalBuffers: [1: (0, 32)])
            let start = offset ?? UInt64((head.count + 15) / 16 * 16)
            var bytes = W.model(tensors: tensors, inputs: [0], outputs: [2], operators: operators, bufferSizes: [0, 0],
                                externalBuffers: [1: (start, 32)])
            // An offset given is one past the end: the file stops at the FlatBuffer.
            guard offset == nil else { return bytes }
            bytes += [UInt8](repeating: 0, count: Int(start) - bytes.count)
            let weights: [Float] = [1, 2, 3, 4, -1, -2, -3, -4]
            for w in weights { bytes += (0..<4).map { UInt8((w.bitPattern >> (8 * UInt32($0))) & 0xFF) } }
            return bytes
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("netviz-tflite-ext-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("external.tflite").path
        try Data(file(offset: nil)).write(to: URL(fileURLWithPath: path))
        let model = try ModelFormats.load(path: path).model
        let stats = try ModelStatistics(model)
        #expect(stats.totalParams == 8 && stats.totalParamBytes == 32 && stats.totalMACs == 8)
        let weights = try #require(try WeightStore.fromModelFile(model))
        let input = try Tensor(shape: [1, 4], data: [1, 1, 1, 1])
        let report = try Verifier.verify(model, weights: weights, inputs: [input])
        #expect(report.passed)
        #expect(report.outputs.first?.data == [10, -10])
        #expect(Self.message(file(offset: 1 << 40)) == "buffer 1 claims 32 bytes at offset 1099511627776, past the end of the \(file(offset: 1 << 40).count)-byte file")
    }

    /// An operator with two outputs (SPLIT): a row per output, each with the file's shape, nothing counted twice.
    @Test func severalOutputs() throws {
        let model = try Self.load(W.model(
            tensors: [
                W.Tensor(shape: [], type: 2, buffer: 1, name: "axis"), W.Tensor(shape: [1, 4, 6], name: "x"),
                W.Tensor(shape: [1, 4, 3], name: "a"), W.Tensor(shape: [1, 4, 3], name: "b"), W.Tensor(shape: [1, 4, 3], name: "sum"),
            ],
            inputs: [1], outputs: [4],
            operators: [W.Operator(code: 49, inputs: [0, 1], outputs: [2, 3]), W.Operator(code: 0, inputs: [2, 3], outputs: [4])],
            bufferSizes: [0, 4], bufferData: [1: W.int32Buffer([2])]))
        #expect(model.nodes.map(\.name) == ["x", "a", "b", "sum"])
        #expect(model.nodes.map(\.className) == ["InputLayer", "SPLIT", "SPLIT (output 1)", "ADD"])
        #expect(model.nodes.dropFirst().allSatisfy { $0.output == TensorSpec([4, 3]) })
        #expect(model.nodes[3].inbound == [1, 2])
        #expect(try ModelStatistics(model).warnings.isEmpty)
    }

    @Test func theCLISaysOneLine() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("netviz-tflite-bad-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("cut.tflite").path
        try Data(Array(W.tiny.prefix(30))).write(to: URL(fileURLWithPath: path))
        try CLI.expectOneLineError(["summary", path], "\(path): ")
    }
}
