import Foundation

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
        // The last occurrence, as numpy's literal_eval of a dict with a repeated key keeps the last value.
        guard let keyRange = header.range(of: "'\(key)'", options: .backwards) ?? header.range(of: "\"\(key)\"", options: .backwards)
        else { return nil }
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
