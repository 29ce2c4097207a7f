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
        guard let header = try? JSONSerialization.jsonObject(with: Data(bytes[8..<dataStart])) as? [String: Any] else {
            throw NetVizError.file(path: path, message: "not a safetensors file: its header is not a JSON object")
        }
        var tensors: [String: Tensor] = [:]
        for (name, value) in header where name != "__metadata__" {
            guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String,
                let shape = entry["shape"] as? [Int], let offsets = entry["data_offsets"] as? [Int], offsets.count == 2
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
                "\(JSONWriterString.quote(name)):{\"dtype\":\"F32\",\"shape\":[\(tensor.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + size)]}")
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

/// NumPy's `.npy` format, version 1 or 2 (read) and 1 (written): magic `\x93NUMPY`, version, header length
/// (2 bytes in v1, 4 in v2), a Python dict literal `{'descr': '<f4', 'fortran_order': False, 'shape': (1, 224, 224, 3), }`
/// padded to a multiple of 64 with spaces and a newline, then the data. netviz reads `<f4` (and converts `<f8`, `<f2`)
/// in C order.
public enum NumPyFile {
    public static func read(path: String) throws -> Tensor {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw NetVizError.file(path: path, message: "cannot read: no such file or not readable")
        }
        return try decode(data, path: path)
    }

    public static func decode(_ data: Data, path: String) throws -> Tensor {
        let bytes = [UInt8](data)
        let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            throw NetVizError.file(path: path, message: "not a .npy file (no \\x93NUMPY magic)")
        }
        let major = bytes[6]
        let headerStart: Int, headerLength: Int
        switch major {
        case 1:
            headerStart = 10
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        case 2, 3:
            guard bytes.count >= 12 else { throw NetVizError.file(path: path, message: "truncated .npy header") }
            headerStart = 12
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
        default:
            throw NetVizError.file(path: path, message: ".npy version \(major) is not supported (1, 2 or 3)")
        }
        guard headerStart + headerLength <= bytes.count else {
            throw NetVizError.file(path: path, message: "truncated .npy header")
        }
        let header = String(decoding: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self)
        guard let descr = field(header, "descr").map({ $0.trimmingCharacters(in: CharacterSet(charactersIn: "'\"")) }),
            let order = field(header, "fortran_order"), let shapeText = field(header, "shape")
        else { throw NetVizError.file(path: path, message: "cannot parse .npy header: \(header.trimmingCharacters(in: .whitespacesAndNewlines))") }
        guard order == "False" else {
            throw NetVizError.file(path: path, message: "Fortran-order .npy arrays are not supported; save with C order")
        }
        let width: Int
        switch descr {
        case "<f4", "|f4": width = 4
        case "<f8": width = 8
        case "<f2": width = 2
        default: throw NetVizError.file(path: path, message: "dtype '\(descr)' is not supported; netviz reads float32 ('<f4'), float64 and float16")
        }
        let dims = shapeText.trimmingCharacters(in: CharacterSet(charactersIn: "() ")).split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let shape = dims.compactMap { Int($0) }
        guard shape.count == dims.count, shape.allSatisfy({ $0 >= 0 }), let count = try? Checked.product(shape),
            count <= Int64(Int32.max)
        else { throw NetVizError.file(path: path, message: "invalid .npy shape \(shapeText)") }
        let dataStart = headerStart + headerLength
        let needed = Int(count) * width
        guard bytes.count - dataStart >= needed else {
            throw NetVizError.file(path: path, message: "truncated .npy: shape \(shapeText) needs \(needed) data bytes, file has \(bytes.count - dataStart)")
        }
        return Tensor(unchecked: shape, data: LittleEndian.floats(bytes, from: dataStart, count: Int(count), width: width))
    }

    /// The value of `'key': value` in a .npy header dict (a tuple for `shape`).
    private static func field(_ header: String, _ key: String) -> String? {
        guard let keyRange = header.range(of: "'\(key)'") ?? header.range(of: "\"\(key)\"") else { return nil }
        var rest = header[keyRange.upperBound...].drop { $0 == " " || $0 == ":" }
        if rest.first == "(" {
            guard let close = rest.firstIndex(of: ")") else { return nil }
            return String(rest[...close])
        }
        rest = rest.prefix { $0 != "," && $0 != "}" }
        return rest.trimmingCharacters(in: .whitespaces)
    }

    /// A version-1 `.npy` of float32 in C order.
    public static func encode(_ tensor: Tensor) -> Data {
        let shape = tensor.shape.count == 1 ? "(\(tensor.shape[0]),)" : "(" + tensor.shape.map(String.init).joined(separator: ", ") + ")"
        var header = Array("{'descr': '<f4', 'fortran_order': False, 'shape': \(shape), }".utf8)
        while (10 + header.count + 1) % 64 != 0 { header.append(0x20) }
        header.append(0x0a)
        var out: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count & 0xff), UInt8(header.count >> 8)]
        out += header
        LittleEndian.append(tensor.data, to: &out)
        return Data(out)
    }
}

enum LittleEndian {
    static func floats(_ bytes: [UInt8], from start: Int, count: Int, width: Int) -> [Float] {
        var out = [Float](repeating: 0, count: count)
        bytes.withUnsafeBufferPointer { raw in
            for i in 0..<count {
                let p = start + i * width
                switch width {
                case 4:
                    let bits = UInt32(raw[p]) | UInt32(raw[p + 1]) << 8 | UInt32(raw[p + 2]) << 16 | UInt32(raw[p + 3]) << 24
                    out[i] = Float(bitPattern: bits)
                case 8:
                    var bits: UInt64 = 0
                    for b in 0..<8 { bits |= UInt64(raw[p + b]) << (8 * UInt64(b)) }
                    out[i] = Float(Double(bitPattern: bits))
                default:
                    out[i] = halfToFloat(UInt16(raw[p]) | UInt16(raw[p + 1]) << 8)
                }
            }
        }
        return out
    }

    /// IEEE binary16 -> Float (exact), without relying on the platform's Float16.
    static func halfToFloat(_ h: UInt16) -> Float {
        let sign: Float = h & 0x8000 != 0 ? -1 : 1
        let exponent = Int((h >> 10) & 0x1f), fraction = Int(h & 0x3ff)
        switch exponent {
        case 0: return sign * Float(fraction) * 0x1p-24
        case 31: return fraction == 0 ? sign * .infinity : .nan
        default: return sign * Float(1024 + fraction) * Float(sign: .plus, exponent: exponent - 25, significand: 1)
        }
    }

    static func append(_ values: [Float], to out: inout [UInt8]) {
        for value in values {
            let bits = value.bitPattern
            out.append(UInt8(bits & 0xff))
            out.append(UInt8((bits >> 8) & 0xff))
            out.append(UInt8((bits >> 16) & 0xff))
            out.append(UInt8(bits >> 24))
        }
    }
}

/// JSON string quoting for safetensors keys.
enum JSONWriterString {
    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
