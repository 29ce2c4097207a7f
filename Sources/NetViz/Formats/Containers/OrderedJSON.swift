/// A JSON value with ordered keys, so reports are byte-for-byte deterministic.
public indirect enum OrderedJSON: Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([OrderedJSON])
    case object([(String, OrderedJSON)])

    public static func == (a: OrderedJSON, b: OrderedJSON) -> Bool { a.rendered() == b.rendered() }

    /// Pretty-printed with two-space indents; arrays of scalars stay on one line.
    public func rendered() -> String {
        var out: [UInt8] = []
        out.reserveCapacity(4096)
        write(to: &out, indent: 0)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends UTF-8 to one byte buffer: building strings per level made large models slow.
    func write(to out: inout [UInt8], indent: Int) {
        func newline(_ level: Int) {
            out.append(10)
            out.append(contentsOf: repeatElement(32, count: 2 * level))
        }
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case let .bool(b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case let .int(i): out.append(contentsOf: String(i).utf8)
        case let .double(d): out.append(contentsOf: (d.isFinite ? String(d) : "null").utf8)
        case let .string(s): Self.quote(s, into: &out)
        case let .array(items):
            if items.isEmpty { out.append(contentsOf: "[]".utf8); return }
            let inline = items.allSatisfy(\.isScalar)
            out.append(91)
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(contentsOf: (inline ? ", " : ",").utf8) }
                if !inline { newline(indent + 1) }
                item.write(to: &out, indent: indent + 1)
            }
            if !inline { newline(indent) }
            out.append(93)
        case let .object(pairs):
            if pairs.isEmpty { out.append(contentsOf: "{}".utf8); return }
            out.append(123)
            for (i, pair) in pairs.enumerated() {
                if i > 0 { out.append(44) }
                newline(indent + 1)
                Self.quote(pair.0, into: &out)
                out.append(contentsOf: ": ".utf8)
                pair.1.write(to: &out, indent: indent + 1)
            }
            newline(indent)
            out.append(125)
        }
    }

    var isScalar: Bool {
        switch self {
        case .array, .object: false
        default: true
        }
    }

    /// A JSON string literal (safetensors keys).
    static func quoted(_ s: String) -> String {
        var out: [UInt8] = []
        quote(s, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Controls and bidi characters (`UntrustedText.needsEscape`) are written as `\uXXXX`: the same string to a
    /// JSON reader, nothing raw on a terminal.
    static func quote(_ s: String, into out: inout [UInt8]) {
        out.append(34)
        // Most strings (layer names, class names) need no escaping: copy them whole.
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == 34 || $0 == 92 || $0 >= 0x7F }) {
            out.append(contentsOf: s.utf8)
            out.append(34)
            return
        }
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out.append(contentsOf: [92, 34])
            case "\\": out.append(contentsOf: [92, 92])
            case "\n": out.append(contentsOf: [92, 110])
            case "\r": out.append(contentsOf: [92, 114])
            case "\t": out.append(contentsOf: [92, 116])
            case _ where UntrustedText.needsEscape(scalar):
                let hex = Array(String(scalar.value, radix: 16).utf8)
                out.append(contentsOf: [92, 117] + Array(repeating: 48, count: 4 - hex.count) + hex)  // \uXXXX
            default: UTF8.encode(scalar) { out.append($0) }
            }
        }
        out.append(34)
    }
}
