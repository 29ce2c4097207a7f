import Foundation
import Testing

@testable import NetViz

@Suite struct TensorFileTests {
    @Test func safetensorsRoundTrip() throws {
        let tensors = ["conv1/kernel": try Tensor(shape: [1, 2, 3], data: [1, -2, 3.5, 0, 1e-8, -7]), "b": try Tensor(shape: [0], data: [])]
        let data = SafeTensors.encode(tensors)
        // 8-byte length, then a JSON header padded to a multiple of 8.
        let length = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.1) << (8 * $1.0) }
        #expect(length % 8 == 0)
        #expect(data.count == 8 + length + 24)
        #expect(try SafeTensors.decode(data, path: "x") == tensors)
    }

    @Test func safetensorsConvertsF16AndF64() throws {
        func file(_ dtype: String, _ bytes: [UInt8], shape: Int) -> Data {
            var header = Array("{\"t\":{\"dtype\":\"\(dtype)\",\"shape\":[\(shape)],\"data_offsets\":[0,\(bytes.count)]}}".utf8)
            while header.count % 8 != 0 { header.append(0x20) }
            var out = (0..<8).map { UInt8((header.count >> (8 * $0)) & 0xff) }
            out += header + bytes
            return Data(out)
        }
        // F16: 1.0 = 0x3C00, -2 = 0xC000, smallest subnormal 2^-24 = 0x0001.
        let half = try SafeTensors.decode(file("F16", [0x00, 0x3C, 0x00, 0xC0, 0x01, 0x00], shape: 3), path: "h")
        #expect(half["t"]?.data == [1, -2, 0x1p-24])
        let double = try SafeTensors.decode(file("F64", Array(withUnsafeBytes(of: (0.25).bitPattern.littleEndian) { Array($0) }), shape: 1), path: "d")
        #expect(double["t"]?.data == [0.25])
        #expect(throws: NetVizError.file(path: "i", message: "tensor 't' has dtype I32; netviz reads F32, F16 and F64")) {
            try SafeTensors.decode(file("I32", [0, 0, 0, 0], shape: 1), path: "i")
        }
    }

    @Test func safetensorsErrors() throws {
        let good = SafeTensors.encode(["a": try Tensor(shape: [4], data: [1, 2, 3, 4])])
        #expect(throws: NetVizError.self) { try SafeTensors.decode(good.prefix(5), path: "p") }
        #expect(throws: NetVizError.file(path: "p", message: "truncated safetensors: tensor 'a' ends at byte \(good.count), file has \(good.count - 1)")) {
            try SafeTensors.decode(good.dropLast(), path: "p")
        }
        var badJSON = good
        badJSON[8] = UInt8(ascii: "x")
        #expect(throws: NetVizError.file(path: "p", message: "not a safetensors file: its header is not a JSON object")) {
            try SafeTensors.decode(badJSON, path: "p")
        }
    }

    @Test func npyRoundTripAndVersion2() throws {
        let tensor = try Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, -6])
        let data = NumPyFile.encode(tensor)
        #expect(Array(data.prefix(8)) == [0x93] + Array("NUMPY".utf8) + [1, 0])
        #expect((10 + Int(data[8])) % 64 == 0)
        #expect(try NumPyFile.decode(data, path: "x") == tensor)
        // Version 2: a 4-byte header length.
        let header = Array("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }\n".utf8)
        var v2: [UInt8] = [0x93] + Array("NUMPY".utf8) + [2, 0]
        v2 += (0..<4).map { UInt8((header.count >> (8 * $0)) & 0xff) } + header
        for value: Float in [1, 2, 3] { v2 += withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
        #expect(try NumPyFile.decode(Data(v2), path: "v2") == Tensor(shape: [3], data: [1, 2, 3]))
        #expect(throws: NetVizError.file(path: "t", message: "truncated .npy: shape (2, 3) needs 24 data bytes, file has 20")) {
            try NumPyFile.decode(data.dropLast(4), path: "t")
        }
        let int = Data(String(decoding: data, as: UTF8.self).replacingOccurrences(of: "<f4", with: "<i4").utf8)
        #expect(throws: NetVizError.self) { try NumPyFile.decode(int, path: "i") }
    }

    @Test func weightStoreValidation() throws {
        let x = try Input(shape: [3], name: "input")
        let model = try Model(inputs: [x], outputs: [Dense(units: 2, name: "fc")(x)], name: "tiny")
        var store = SeededInit.weights(for: model)
        try store.validate(for: model, source: "w")
        store.tensors["fc/bias"] = try Tensor(shape: [3], data: [0, 0, 0])
        #expect(throws: NetVizError.file(path: "w", message: "tensor 'fc/bias' has shape (3), layer 'fc' (Dense) needs (2)")) {
            try store.validate(for: model, source: "w")
        }
        store.tensors["fc/bias"] = nil
        #expect(throws: NetVizError.self) { try store.validate(for: model, source: "w") }
        store = SeededInit.weights(for: model)
        store.tensors["conv9/kernel"] = try Tensor(shape: [1], data: [0])
        #expect(throws: NetVizError.file(path: "w", message: "1 tensor belong to no layer of model 'tiny', e.g. 'conv9/kernel'; is it for another model?")) {
            try store.validate(for: model, source: "w")
        }
    }
}
