/// A format netviz recognises but does not read yet: loading one is a clear line naming the format and what
/// netviz reads instead. When a reader lands, its folder's format replaces the entry in `ModelFormats.all`.
public struct RecognisedFormat: ModelFormat {
    public let name: String
    public var reads: String? { nil }
    let recogniser: @Sendable (FileProbe) -> Recognition?

    public func recognise(_ probe: FileProbe) -> Recognition? { recogniser(probe) }

    public func load(_ probe: FileProbe, options: ImportOptions) throws -> ImportedModel {
        throw NetVizError.file(path: probe.path, message: "\(name): netviz does not read this format yet; it reads \(ModelFormats.readable)")
    }

    /// TensorFlow's protobufs: a SavedModel's `saved_model.pb` (schema version 1, then meta graphs) or a frozen
    /// `GraphDef` (repeated `node` messages).
    static let tensorFlowProtobuf = RecognisedFormat(name: "a TensorFlow protobuf (SavedModel or frozen GraphDef)") { probe in
        if let fields = ProtobufHead.fields(probe.head), let first = fields.first {
            if first == ProtobufHead.Field(number: 1, wireType: 0), ProtobufHead.firstVarint(probe.head) == 1,
                fields.dropFirst().first?.number == 2
            {
                return .byContent
            }
        }
        return ["pb", "pbtxt"].contains(probe.fileExtension) ? .byName : nil
    }
}

/// The top-level fields at the start of a protobuf message, read only to tell formats apart.
enum ProtobufHead {
    struct Field: Equatable {
        let number: UInt64
        let wireType: UInt8
    }

    /// The fields whose tags lie in `head`, or nil where the bytes are not protobuf (a bad wire type or field 0).
    static func fields(_ head: [UInt8]) -> [Field]? {
        var fields: [Field] = []
        var i = 0
        while i < head.count {
            guard let (tag, afterTag) = varint(head, i) else { break }
            let field = Field(number: tag >> 3, wireType: UInt8(tag & 7))
            guard field.number > 0, [0, 1, 2, 5].contains(field.wireType) else { return nil }
            fields.append(field)
            switch field.wireType {
            case 0:
                guard let (_, next) = varint(head, afterTag) else { return fields }
                i = next
            case 1: i = afterTag + 8
            case 5: i = afterTag + 4
            default:
                guard let (length, next) = varint(head, afterTag), length <= UInt64(Int32.max) else { return fields }
                i = next + Int(length)
            }
        }
        return fields.isEmpty ? nil : fields
    }

    /// The value of the first field when it is a varint.
    static func firstVarint(_ head: [UInt8]) -> UInt64? {
        guard let (_, afterTag) = varint(head, 0) else { return nil }
        return varint(head, afterTag)?.value
    }

    /// A base-128 varint at `start`: its value and the index after it (nil past the end or past 10 bytes).
    static func varint(_ bytes: [UInt8], _ start: Int) -> (value: UInt64, next: Int)? {
        var value: UInt64 = 0
        var i = start
        var shift: UInt64 = 0
        while i < bytes.count, shift < 64 {
            let byte = bytes[i]
            value |= UInt64(byte & 0x7F) << shift
            i += 1
            if byte & 0x80 == 0 { return (value, i) }
            shift += 7
        }
        return nil
    }
}
