import Foundation
import Testing

@testable import NetViz

/// ONNX files exported by PyTorch's two exporters (Tools/make-onnx-fixtures.py) against the figures written beside
/// them: the onnx library's initializer count, torch's own FLOP counter / 2, torchvision's published GFLOPS, and
/// onnxruntime's outputs.
@Suite struct ONNXImportTests {
    struct Facts: Decodable, Sendable {
        let initializer_params: Int64
        let torch_macs: Int64
        let torchvision_published_gflops: Double?
        let input_shape: [Int]
    }
    struct Expected: Decodable, Sendable { let files: [String: Facts] }

    static let expected: [String: Facts] = {
        guard let data = try? Data(contentsOf: Fixtures.url("onnx/expected.json")),
            let decoded = try? JSONDecoder().decode(Expected.self, from: data)
        else { return [:] }
        return decoded.files
    }()

    static func load(_ file: String) throws -> Model {
        try ModelFormats.load(path: Fixtures.url("onnx/" + file).path).model
    }

    @Test(arguments: expected.keys.sorted())
    func countsMatchTorchAndOnnx(file: String) throws {
        let facts = try #require(Self.expected[file])
        let stats = try ModelStatistics(Self.load(file))
        #expect(stats.totalParams == facts.initializer_params)
        #expect(stats.totalMACs == facts.torch_macs)
        if let published = facts.torchvision_published_gflops {
            // torchvision's GFLOPS column is MACs in G, to three decimals.
            #expect((Double(stats.totalMACs) / 1e9 * 1000).rounded() / 1000 == published)
        }
        #expect(stats.model.inputSpecs.map(\.dims) == [facts.input_shape])
        // Self-check: the rows add up to the totals.
        #expect(stats.layers.reduce(0) { $0 + $1.macs } == stats.totalMACs)
        #expect(stats.layers.reduce(0) { $0 + $1.params } == stats.totalParams)
    }

    /// Both exporters give the same model: the same output shape, totals and convolutions, whatever plumbing each adds.
    @Test(arguments: ["mobilenet_v2", "mobilenet_v2_w025", "resnet18", "resnet_block", "transformer_encoder"])
    func exportersAgree(model: String) throws {
        let classic = try ModelStatistics(Self.load(model + ".classic.onnx"))
        let dynamo = try ModelStatistics(Self.load(model + ".dynamo.onnx"))
        #expect(classic.model.outputSpecs == dynamo.model.outputSpecs)
        #expect(classic.totalMACs == dynamo.totalMACs && classic.totalParams == dynamo.totalParams)
        let convs = { (stats: ModelStatistics) in stats.model.nodes.filter { $0.className == "Conv" }.map(\.output.dims) }
        #expect(convs(classic) == convs(dynamo))
        #expect(classic.activationProductMACs == dynamo.activationProductMACs)
    }

    /// Attention's two activation products are counted and said apart: 2 layers x 4 heads x (10x10x8 + 10x10x8).
    @Test func attentionProductsAreReportedApart() throws {
        let stats = try ModelStatistics(Self.load("transformer_encoder.dynamo.onnx"))
        #expect(stats.activationProductMACs == 2 * 4 * (10 * 10 * 8 + 10 * 10 * 8))
        // Shape arithmetic (Shape -> Gather -> Concat -> Reshape, the attention scale) is evaluated, not shown.
        let classic = try Self.load("transformer_encoder.classic.onnx")
        #expect(!classic.nodes.contains { ["Shape", "Constant", "Gather"].contains($0.className) && $0.inbound.isEmpty && $0.index > 0 })
        #expect(!classic.nodes.contains { $0.className == "Shape" || $0.className == "Constant" })
    }

    /// The executor with the file's own weights matches onnxruntime, and counts what the rules predict.
    @Test(arguments: ["resnet_block", "mobilenet_v2_w025", "transformer_encoder"].flatMap { [$0 + ".classic", $0 + ".dynamo"] })
    func verifyMatchesOnnxRuntime(stem: String) throws {
        let path = Fixtures.url("onnx/\(stem).onnx").path
        let model = try ModelFormats.load(path: path).model
        let weights = try #require(try ModelFormats.weights(path: path, for: model))
        let base = stem.split(separator: ".")[0]
        let input = try NumPyFile.read(path: Fixtures.url("onnx/\(base).input.npy").path)
        let expected = try NumPyFile.read(path: Fixtures.url("onnx/\(stem).output.npy").path)
        let report = try Verifier.verify(model, weights: weights, inputs: [input], executor: Executor())
        #expect(report.passed)
        let output = try #require(report.outputs.first)
        let difference = try #require(output.maxAbsDifference(expected))
        #expect(difference <= 1e-4 * max(expected.maxAbs, 1), "\(stem): \(difference)")
    }

    /// Graphs written op by op (Tools/make-onnx-op-fixtures.py) so every rule and kernel meets onnxruntime: each
    /// output's shape and values, every node's counted MACs equal to the rule's.
    @Test(arguments: ["cnn", "tensor_ops"])
    func everyOpMatchesOnnxRuntime(graph: String) throws {
        struct Facts: Decodable { let output_shapes: [String: [String: [Int]]] }
        let facts = try JSONDecoder().decode(Facts.self, from: Data(contentsOf: Fixtures.url("onnx/ops/expected.json")))
        let shapes = try #require(facts.output_shapes[graph])
        let path = Fixtures.url("onnx/ops/\(graph).onnx").path
        let model = try ModelFormats.load(path: path).model
        let outputNames = model.outputIndices.map { model.nodes[$0].name }
        #expect(outputNames.count == shapes.count)
        let weights = try #require(try ModelFormats.weights(path: path, for: model))
        let input = try NumPyFile.read(path: Fixtures.url("onnx/ops/\(graph).input.npy").path)
        let report = try Verifier.verify(model, weights: weights, inputs: [input], executor: Executor(mode: .reference))
        #expect(report.passed, "\(report.failures.map(\.name))")
        // The graph's outputs in file order are y, then the others as the script lists them.
        let names = graph == "cnn" ? ["y", "s1", "p2"] : ["y", "cl", "mx"]
        for (name, output) in zip(names, report.outputs) {
            let expected = try NumPyFile.read(path: Fixtures.url("onnx/ops/\(graph).\(name).npy").path)
            #expect(output.shape == shapes[name], "\(graph).\(name)")
            let difference = try #require(output.maxAbsDifference(expected), "\(graph).\(name) shape")
            #expect(difference <= 1e-5 * max(expected.maxAbs, 1), "\(graph).\(name): \(difference)")
        }
    }

    @Test func summaryGolden() throws {
        try CLI.expectGolden(["summary", Fixtures.url("onnx/resnet_block.dynamo.onnx").path], "cli/summary-onnx-resnet-block.txt")
        try CLI.expectGolden(
            ["summary", "--format", "json", Fixtures.url("onnx/transformer_encoder.classic.onnx").path],
            "cli/summary-onnx-transformer.json")
    }

    @Test func compareAndPlotReadOnnx() throws {
        let result = try CLI.run(["compare", "models", Fixtures.url("onnx/resnet_block.classic.onnx").path, "mobilenet", "--format", "csv"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("229376"))
        let plot = try CLI.run(["plot", Fixtures.url("onnx/mobilenet_v2_w025.dynamo.onnx").path, "--format", "dot", "-o", "-"])
        #expect(plot.status == 0, "\(plot.stderr)")
        // Initializers are weights of their nodes, not nodes of their own.
        #expect(!plot.stdout.contains("features.0.0.weight"))
    }

    /// `--show-constants`: the evaluated nodes (Constant, shape arithmetic) come back as rows; the counts do not change,
    /// and verify still runs (their kernels give the values read from the file).
    @Test func showConstantsKeepsEveryNode() throws {
        var options = ImportOptions()
        options.showConstants = true
        let path = Fixtures.url("onnx/transformer_encoder.classic.onnx").path
        let shown = try ModelStatistics(ModelFormats.load(path: path, options: options).model)
        let hidden = try ModelStatistics(ModelFormats.load(path: path).model)
        // Every one of the file's 155 nodes, plus the input.
        #expect(shown.model.nodes.count == 156 && hidden.model.nodes.count == 79)
        #expect(shown.model.nodes.contains { $0.className == "Shape" } && shown.model.nodes.contains { $0.className == "Constant" })
        #expect(shown.totalParams == hidden.totalParams && shown.totalMACs == hidden.totalMACs)
        let weights = try #require(try ModelFormats.weights(path: path, for: shown.model))
        let input = try NumPyFile.read(path: Fixtures.url("onnx/transformer_encoder.input.npy").path)
        #expect(try Verifier.verify(shown.model, weights: weights, inputs: [input], executor: Executor()).passed)
    }

    /// `--depth`: rows grouped by PyTorch's module paths, each group the sum of its members, totals unchanged.
    @Test func depthGroupsByModulePath() throws {
        let model = try Self.load("mobilenet_v2_w025.classic.onnx")
        let full = try ModelStatistics(model)
        let one = try ModelStatistics(model.groupedByPath(depth: 1))
        #expect(one.model.nodes.map(\.name) == ["input", "/features", "/GlobalAveragePool", "/Flatten", "/classifier/classifier.1/Gemm"])
        #expect(one.model.nodes[1].className == "98 ops")
        #expect(one.layers[1].macs == 733_088 && one.layers[1].params == 232_784)
        #expect(one.totalMACs == full.totalMACs && one.totalParams == full.totalParams)
        let two = try ModelStatistics(model.groupedByPath(depth: 2))
        // torchvision's mobilenet_v2: features.0 (stem) to features.18 (last 1x1 conv).
        #expect(two.model.nodes.filter { $0.name.hasPrefix("/features/") }.count == 19)
        #expect(two.model.nodes.first { $0.name == "/features/features.0" }.map { two.layers[$0.index].macs } == 55_296)
        #expect(two.totalMACs == full.totalMACs && two.totalParams == full.totalParams)
        #expect(throws: NetVizError.invalidSetting(name: "depth", message: "must be at least 1, got 0")) { try model.groupedByPath(depth: 0) }
        let cli = try CLI.run(["summary", Fixtures.url("onnx/mobilenet_v2_w025.classic.onnx").path, "--depth", "1", "--format", "csv"])
        #expect(cli.status == 0 && cli.stdout.contains("/features,98 ops,\"(1, 1280, 1, 1)\",232784,232784,0,733088"))
    }

    /// `--allow-unknown`: an op without a rule takes the file's stated shapes, and its MACs are said to be missing.
    @Test func unknownOpsUseTheStatedShapes() throws {
        let path = Fixtures.url("formats/unknown-op.onnx").path
        let refused = try CLI.run(["summary", path])
        #expect(refused.status == 1 && refused.stderr == "Error: \(path): ops netviz does not read: Celu2 (1 node: '#1')\n")
        var options = ImportOptions()
        options.allowUnknown = true
        let stats = try ModelStatistics(ModelFormats.load(path: path, options: options).model)
        #expect(stats.model.nodes.map(\.className) == ["InputLayer", "Relu", "Celu2, unknown", "Relu"])
        #expect(stats.model.outputSpecs.map(\.description) == ["(batch, 4)"])
        #expect(stats.warnings == [
            "unknown ONNX op Celu2 ('Celu2_1') read with --allow-unknown: its shapes are the file's value_info, its MACs are missing from the totals"
        ])
    }

    // MARK: Bad files: one line each

    /// A minimal ONNX file: inputs, nodes (op, inputs, outputs), graph outputs, initializers (name, dims).
    static func file(
        nodes: [(op: String, inputs: [String], outputs: [String])], input: String = "x", shape: [Int64] = [1, 4],
        outputs: [String], initializers: [(String, [Int64])] = []
    ) -> [UInt8] {
        func varint(_ value: UInt64) -> [UInt8] {
            var value = value, out: [UInt8] = []
            repeat {
                out.append(UInt8(value & 0x7F) | (value > 0x7F ? 0x80 : 0))
                value >>= 7
            } while value != 0
            return out
        }
        func field(_ number: UInt64, _ payload: [UInt8]) -> [UInt8] { varint(number << 3 | 2) + varint(UInt64(payload.count)) + payload }
        func string(_ number: UInt64, _ text: String) -> [UInt8] { field(number, Array(text.utf8)) }
        func valueInfo(_ name: String, _ dims: [Int64]) -> [UInt8] {
            let shape = dims.flatMap { field(1, [0x08] + varint(UInt64($0))) }
            let tensorType = [0x08, 0x01] + field(2, shape)
            return string(1, name) + field(2, field(1, tensorType))
        }
        var graph: [UInt8] = []
        for node in nodes {
            graph += field(1, node.inputs.flatMap { string(1, $0) } + node.outputs.flatMap { string(2, $0) } + string(4, node.op))
        }
        for (name, dims) in initializers {
            let raw = [UInt8](repeating: 0, count: Int(dims.reduce(1, *)) * 4)
            graph += field(5, dims.flatMap { [0x08] + varint(UInt64($0)) } + [0x10, 0x01] + string(8, name) + field(9, raw))
        }
        graph += field(11, valueInfo(input, shape))
        for output in outputs { graph += field(12, valueInfo(output, [])) }
        return [0x08, 0x08] + field(7, graph) + field(8, [0x10, 0x11])
    }

    static func message(_ bytes: [UInt8]) -> String? {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("netviz-\(UUID().uuidString).onnx").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        do {
            _ = try ModelStatistics(ModelFormats.load(path: path).model)
            return nil
        } catch let error as NetVizError {
            guard case .file(_, let message) = error else { return "\(error)" }
            return message
        } catch {
            return "\(error)"
        }
    }

    /// The sparse read (large raw_data left on disk) parses to what the whole file parses to: the same graph, the
    /// same kept values, the same places of the left-out bytes.
    @Test(arguments: expected.keys.sorted())
    func sparseReadEqualsWholeRead(file: String) throws {
        let path = Fixtures.url("onnx/" + file).path
        let sparse = try ONNXModelProto.read(path: path)
        let whole = try ONNXModelProto.parse(Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(sparse.graph.nodes.map(\.opType) == whole.graph.nodes.map(\.opType))
        #expect(sparse.graph.initializers.map(\.dims) == whole.graph.initializers.map(\.dims))
        #expect(sparse.graph.initializers.map(\.rawRange) == whole.graph.initializers.map(\.rawRange))
        #expect(sparse.graph.initializers.map(\.integers) == whole.graph.initializers.map(\.integers))
        #expect(sparse.graph.initializers.map(\.floats) == whole.graph.initializers.map(\.floats))
    }

    @Test func aWellFormedFileReads() throws {
        let bytes = Self.file(
            nodes: [("MatMul", ["x", "w"], ["y"]), ("Relu", ["y"], ["z"])], outputs: ["z"], initializers: [("w", [4, 3])])
        #expect(Self.message(bytes) == nil)
    }

    @Test func badGraphsAreOneLine() throws {
        #expect(Self.message(Self.file(nodes: [("Relu", ["nowhere"], ["y"])], outputs: ["y"]))
            == "node 'Relu_0' (Relu) reads 'nowhere', which no input, initializer or earlier node makes")
        // A cycle: each node reads the other's output, so the first reads a tensor nothing has made yet.
        #expect(Self.message(Self.file(nodes: [("Relu", ["b"], ["a"]), ("Relu", ["a"], ["b"])], outputs: ["b"]))
            == "node 'Relu_0' (Relu) reads 'b', which no input, initializer or earlier node makes")
        // A missing initializer is the same dangling input.
        #expect(Self.message(Self.file(nodes: [("MatMul", ["x", "w"], ["y"])], outputs: ["y"]))?.contains("reads 'w'") == true)
        #expect(Self.message(Self.file(nodes: [("Relu", ["x"], ["y"])], outputs: ["q"])) == "graph output 'q' is made by no node")
        #expect(Self.message(Self.file(nodes: [("MatMul", ["x", "w"], ["y"])], outputs: ["y"], initializers: [("w", [5, 3])]))
            == "node 'MatMul_0' (MatMul): cannot multiply [1, 4] by [5, 3]")
        // Every unknown op type is listed with its nodes, in one line.
        #expect(Self.message(Self.file(
            nodes: [("FancyOp", ["x"], ["a"]), ("FancyOp", ["a"], ["b"]), ("Weird", ["b"], ["c"])], outputs: ["c"]))
            == "ops netviz does not read: FancyOp (2 nodes: '#0', '#1'); Weird (1 node: '#2')")
    }

    @Test func hostileBytesAreOneLine() throws {
        let good = Self.file(nodes: [("Relu", ["x"], ["y"])], outputs: ["y"])
        for cut in [good.count / 2, good.count - 3] {
            let message = try #require(Self.message(Array(good.prefix(cut))))
            #expect(message.hasPrefix("not a valid ONNX protobuf"), "\(message)")
        }
        // A 2 GB declared length.
        #expect(Self.message([0x08, 0x08, 0x3A, 0x80, 0x80, 0x80, 0x80, 0x08])
            == "not a valid ONNX protobuf: field 7 declares 2147483648 bytes, but its message has 0 left at byte 2")
    }
}
