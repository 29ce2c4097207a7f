import Foundation
import Testing

@testable import NetViz

/// The ONNX message reader against the onnx library's own reading of the same files (Fixtures/onnx/expected.json,
/// written by Tools/make-onnx-fixtures.py), and against hostile bytes.
@Suite struct ONNXProtoTests {
    struct Facts: Decodable, Sendable {
        let nodes: Int
        let opset: Int64
        let op_types: [String]
        let initializer_params: Int64
        let input_shape: [Int64]
        let weights: String?
    }
    struct Expected: Decodable, Sendable { let files: [String: Facts] }

    static let expected: [String: Facts] = {
        guard let data = try? Data(contentsOf: Fixtures.url("onnx/expected.json")),
            let decoded = try? JSONDecoder().decode(Expected.self, from: data)
        else { return [:] }
        return decoded.files
    }()

    @Test func everyFixtureIsListed() {
        #expect(Self.expected.count == 10)
    }

    @Test(arguments: expected.keys.sorted())
    func readsWhatTheOnnxLibraryReads(file: String) throws {
        let facts = try #require(Self.expected[file])
        let model = try ONNXModelProto.read(path: Fixtures.url("onnx/" + file).path)
        let graph = model.graph
        #expect(graph.nodes.count == facts.nodes)
        #expect((model.opsets[""] ?? model.opsets["ai.onnx"]) == facts.opset)
        #expect(Set(graph.nodes.map(\.opType)) == Set(facts.op_types))
        // The counting rule of issue 12 on the initializers: float tensors of more than one element, each once.
        let params = graph.initializers.reduce(Int64(0)) { total, tensor in
            let count = tensor.elementCount ?? 0
            let isFloat = ONNXDataType(rawValue: tensor.dataType)?.isFloatingPoint == true
            return total + (isFloat && count > 1 ? count : 0)
        }
        #expect(params == facts.initializer_params)
        let inputShape = graph.inputs.first?.shape?.map { dim -> Int64? in if case .value(let v) = dim { v } else { nil } }
        #expect(inputShape == facts.input_shape)
        // Graph-only files keep their weights outside (the exporters leave small tensors inline); the others inside.
        let large = graph.initializers.filter { ($0.elementCount ?? 0) >= 1024 }
        #expect(!large.isEmpty)
        #expect(large.allSatisfy(\.isExternal) == (facts.weights != nil))
        #expect(large.contains(where: \.isExternal) == (facts.weights != nil))
    }

    /// Small integer tensors keep their values (what shape inference will evaluate); big ones keep only their dims.
    @Test func smallConstantsKeepTheirValues() throws {
        let model = try ONNXModelProto.read(path: Fixtures.url("onnx/transformer_encoder.classic.onnx").path)
        let constants = model.graph.nodes.filter { $0.opType == "Constant" }.compactMap { node -> ONNXTensorProto? in
            guard case .tensor(let tensor) = node.attributes.first(where: { $0.name == "value" })?.value else { return nil }
            return tensor
        }
        #expect(constants.contains { $0.integers != nil })
        let big = try #require(model.graph.initializers.first { ($0.elementCount ?? 0) > 64 })
        #expect(big.integers == nil && big.floats == nil)
        let resnet = try ONNXModelProto.read(path: Fixtures.url("onnx/resnet18.classic.onnx").path)
        let conv = try #require(resnet.graph.nodes.first { $0.opType == "Conv" })
        let kernel = try #require(conv.attributes.first { $0.name == "kernel_shape" })
        guard case .ints(let values) = kernel.value else { Issue.record("kernel_shape is not ints"); return }
        #expect(values == [7, 7])
    }

    @Test func hostileBytesAreOneError() throws {
        func failure(_ bytes: [UInt8]) -> String? {
            do {
                _ = try ONNXModelProto.parse(Data(bytes))
                return nil
            } catch {
                return error.message
            }
        }
        let real = [UInt8](try Data(contentsOf: Fixtures.url("onnx/resnet_block.classic.onnx")))
        #expect(failure(Array(real.prefix(real.count / 2))) != nil)  // truncated inside a message
        #expect(failure([0x3A, 0x80, 0x80, 0x80, 0x80, 0x08]) == "field 7 declares 2147483648 bytes, but its message has 0 left")
        #expect(failure([0x38, 0x01]) == "field 7 should be a message, has wire type 0")  // graph as a varint
        #expect(failure([0x3B]) == "wire type 3 of field 7 is not read (groups or invalid)")
        #expect(failure([0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]) == "a varint overflows 64 bits")
        #expect(failure([0x08, 0x07]) == "the model has no graph")
        #expect(failure([0x00]) == "field number 0 is out of range")
        // Subgraphs nested past the limit (an If node's branch holding an If node ...).
        var graph: [UInt8] = []
        for _ in 0..<12 {
            let attribute = [0x32] + varint(graph.count) + graph  // AttributeProto.g
            let node = [0x2A] + varint(attribute.count) + attribute  // NodeProto.attribute
            graph = [0x0A] + varint(node.count) + node  // GraphProto.node
        }
        #expect(failure([0x3A] + varint(graph.count) + graph) == "subgraphs nested deeper than 8 levels")
        #expect(throws: NetVizError.file(path: "/nonexistent.onnx", message: "cannot be read")) {
            try ONNXModelProto.read(path: "/nonexistent.onnx")
        }
    }

    func varint(_ value: Int) -> [UInt8] {
        var value = UInt64(value)
        var out: [UInt8] = []
        repeat {
            let byte = UInt8(value & 0x7F)
            value >>= 7
            out.append(value == 0 ? byte : byte | 0x80)
        } while value != 0
        return out
    }
}
