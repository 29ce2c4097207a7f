/// Protobuf's wire format over bytes in memory (a mapped file), read field by field without copying: a length-delimited
/// field is handed on as a sub-reader over its range, so a 300 MB `raw_data` is skipped, never read. Every length
/// and varint is checked against the end of its message; nothing traps on any input.
///
/// Hand-written rather than swift-protobuf's generated code because that decodes every field of a message into
/// memory, `raw_data` included, which the ONNX reader's memory target rules out (Docs/architecture.md, "Containers").
struct ProtobufReader {
    struct Failure: Error, Equatable {
        let message: String
        let offset: Int
    }

    enum WireType: UInt8 {
        case varint = 0, fixed64 = 1, lengthDelimited = 2, fixed32 = 5
    }

    /// One field: its number, wire type, and where its value lies.
    struct Field {
        let number: Int
        let wireType: WireType
        /// A varint's value, or a fixed32/fixed64's bits; for a length-delimited field, its length.
        let value: UInt64
        /// For a length-delimited field, the range of its bytes.
        let range: Range<Int>
    }

    let buffer: UnsafeRawBufferPointer
    private(set) var position: Int
    let end: Int

    init(_ buffer: UnsafeRawBufferPointer, range: Range<Int>? = nil) {
        self.buffer = buffer
        let range = range ?? 0..<buffer.count
        position = range.lowerBound
        end = range.upperBound
    }

    var isAtEnd: Bool { position >= end }

    /// The next field, or nil at the end of the message.
    mutating func next() throws(Failure) -> Field? {
        guard position < end else { return nil }
        let start = position
        let tag = try varint()
        let number = tag >> 3
        guard number >= 1, number <= (1 << 29) - 1 else { throw Failure(message: "field number \(number) is out of range", offset: start) }
        guard let wireType = WireType(rawValue: UInt8(tag & 7)) else {
            throw Failure(message: "wire type \(tag & 7) of field \(number) is not read (groups or invalid)", offset: start)
        }
        switch wireType {
        case .varint:
            return Field(number: Int(number), wireType: wireType, value: try varint(), range: position..<position)
        case .fixed64:
            let bits = try fixed(8)
            return Field(number: Int(number), wireType: wireType, value: bits, range: position - 8..<position)
        case .fixed32:
            let bits = try fixed(4)
            return Field(number: Int(number), wireType: wireType, value: bits, range: position - 4..<position)
        case .lengthDelimited:
            let length = try varint()
            guard length <= UInt64(end - position) else {
                throw Failure(
                    message: "field \(number) declares \(length) bytes, but its message has \(end - position) left",
                    offset: start)
            }
            let range = position..<position + Int(length)
            position = range.upperBound
            return Field(number: Int(number), wireType: wireType, value: length, range: range)
        }
    }

    mutating func varint() throws(Failure) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        let start = position
        while position < end {
            let byte = buffer[position]
            position += 1
            if shift == 63, byte > 1 { throw Failure(message: "a varint overflows 64 bits", offset: start) }
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
            if shift > 63 { throw Failure(message: "a varint is longer than 10 bytes", offset: start) }
        }
        throw Failure(message: "the message ends inside a varint", offset: start)
    }

    private mutating func fixed(_ width: Int) throws(Failure) -> UInt64 {
        guard end - position >= width else { throw Failure(message: "the message ends inside a fixed-width value", offset: position) }
        var value: UInt64 = 0
        for i in 0..<width { value |= UInt64(buffer[position + i]) << (8 * UInt64(i)) }
        position += width
        return value
    }

    /// A sub-reader over a length-delimited field (a nested message).
    func message(_ field: Field) throws(Failure) -> ProtobufReader {
        guard field.wireType == .lengthDelimited else {
            throw Failure(message: "field \(field.number) should be a message, has wire type \(field.wireType.rawValue)", offset: field.range.lowerBound)
        }
        return ProtobufReader(buffer, range: field.range)
    }

    /// A length-delimited field as UTF-8 text (invalid sequences replaced; text is untrusted and escaped where shown).
    func string(_ field: Field) throws(Failure) -> String {
        guard field.wireType == .lengthDelimited else {
            throw Failure(message: "field \(field.number) should be a string, has wire type \(field.wireType.rawValue)", offset: field.range.lowerBound)
        }
        return String(decoding: UnsafeRawBufferPointer(rebasing: buffer[field.range]), as: UTF8.self)
    }

    /// A varint field as a signed 64-bit integer (protobuf's int64: two's complement).
    func int64(_ field: Field) throws(Failure) -> Int64 {
        guard field.wireType == .varint else {
            throw Failure(message: "field \(field.number) should be an integer, has wire type \(field.wireType.rawValue)", offset: field.range.lowerBound)
        }
        return Int64(bitPattern: field.value)
    }

    /// A repeated int64 field, packed (one length-delimited run) or not (one varint): appended to `values`, at most
    /// `limit` of them; past it an error, or (`truncating`) the rest left unread.
    func int64s(_ field: Field, into values: inout [Int64], limit: Int, truncating: Bool = false) throws(Failure) {
        switch field.wireType {
        case .varint:
            if values.count <= limit { values.append(Int64(bitPattern: field.value)) }
        case .lengthDelimited:
            var packed = ProtobufReader(buffer, range: field.range)
            while !packed.isAtEnd {
                values.append(Int64(bitPattern: try packed.varint()))
                guard values.count <= limit else { break }
            }
        default:
            throw Failure(message: "field \(field.number) should hold integers, has wire type \(field.wireType.rawValue)", offset: field.range.lowerBound)
        }
        guard values.count <= limit || truncating else {
            throw Failure(message: "field \(field.number) holds more than \(limit) integers", offset: field.range.lowerBound)
        }
    }
}
