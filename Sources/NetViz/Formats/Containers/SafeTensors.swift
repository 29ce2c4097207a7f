import Foundation

/// `.safetensors` (Hugging Face's format): an 8-byte little-endian header length N, N bytes of JSON
/// `{"name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, "__metadata__": {...}}`, then the raw
/// little-endian data, offsets relative to the end of the header. F32 is read as is; F16 and F64 are converted.
public enum SafeTensors {
    public static func read(path: String) throws -> [String: Tensor] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw NetVizError.file(path: path, message: "cannot read: no such file or not readable")
        }
        return try decode(data, path: path)
    }

    public static func decode(_ data: Data, path: String) throws -> [String: Tensor] {
        let bytes = [UInt8](data)
        guard bytes.count >= 8 else {
            throw NetVizError.file(path: path, message: "truncated safetensors: \(bytes.count) bytes, less than the 8-byte header length")
        }
        var headerLength: UInt64 = 0
        for i in 0..<8 { headerLength |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw NetVizError.file(path: path, message: "truncated safetensors: header of \(headerLength) bytes, file has \(bytes.count - 8) after the length")
        }
        let dataStart = 8 + Int(headerLength)
        guard let header = (try? JSONParser.parse(Array(bytes[8..<dataStart])))?.objectValue else {
            throw NetVizError.file(path: path, message: "not a safetensors file: its header is not a JSON object")
        }
        var tensors: [String: Tensor] = [:]
        for (name, value) in header where name != "__metadata__" {
            guard let dtype = value["dtype"]?.stringValue, let shape = value["shape"]?.intList,
                let offsets = value["data_offsets"]?.intList, offsets.count == 2
            else { throw NetVizError.file(path: path, message: "tensor '\(name)': header entry needs dtype, shape and data_offsets") }
            let width: Int
            switch dtype {
            case "F32": width = 4
            case "F16": width = 2
            case "F64": width = 8
            default:
                throw NetVizError.file(path: path, message: "tensor '\(name)' has dtype \(dtype); netviz reads F32, F16 and F64")
            }
            guard shape.allSatisfy({ $0 >= 0 }), let count = try? Checked.product(shape), count <= Int64(Int32.max) else {
                throw NetVizError.file(path: path, message: "tensor '\(name)' has an invalid shape \(shape)")
            }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin >= 0, end >= begin, end - begin == Int(count) * width else {
                throw NetVizError.file(path: path, message: "tensor '\(name)': data_offsets [\(begin), \(end)] do not hold \(count) \(dtype) values")
            }
            guard end <= bytes.count - dataStart else {
                throw NetVizError.file(path: path, message: "truncated safetensors: tensor '\(name)' ends at byte \(dataStart + end), file has \(bytes.count)")
            }
            let values = LittleEndian.floats(bytes, from: dataStart + begin, count: Int(count), width: width)
            tensors[name] = Tensor(unchecked: shape, data: values)
        }
        return tensors
    }

    /// F32 safetensors with keys in sorted order (the header padded with spaces to a multiple of 8, as the
    /// reference implementation does).
    public static func encode(_ tensors: [String: Tensor]) -> Data {
        var entries: [String] = []
        var offset = 0
        let sorted = tensors.sorted { $0.key < $1.key }
        for (name, tensor) in sorted {
            let size = tensor.count * 4
            entries.append(
                "\(OrderedJSON.quoted(name)):{\"dtype\":\"F32\",\"shape\":[\(tensor.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + size)]}")
            offset += size
        }
        var header = Array(("{" + entries.joined(separator: ",") + "}").utf8)
        while header.count % 8 != 0 { header.append(0x20) }
        var out = [UInt8]()
        out.reserveCapacity(8 + header.count + offset)
        var length = UInt64(header.count)
        for _ in 0..<8 {
            out.append(UInt8(length & 0xff))
            length >>= 8
        }
        out += header
        for (_, tensor) in sorted { LittleEndian.append(tensor.data, to: &out) }
        return Data(out)
    }
}
