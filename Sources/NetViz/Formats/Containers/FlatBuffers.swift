/// FlatBuffers tables over bytes in memory (a mapped file), read field by field as Netron's flatbuffers.js does:
/// a table is a position and its vtable; a field is found by its id in the vtable and read where it lies. Every
/// offset, vector length and string is checked against the end of the buffer before it is used, so no input traps;
/// offsets to tables, vectors and strings are unsigned and point forward, so following them always ends.
///
/// Hand-written because the local Swift package set has no FlatBuffers runtime, and generated code would trust the
/// bytes (the FlatBuffers verifier is a separate, optional pass there).
struct FlatBuffer {
    struct Failure: Error, Equatable {
        let message: String
    }

    let bytes: UnsafeRawBufferPointer

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    var count: Int { bytes.count }

    /// The 4-byte file identifier after the root offset (`TFL3`), or nil when the buffer is shorter.
    var identifier: [UInt8]? { count >= 8 ? Array(bytes[4..<8]) : nil }

    /// The root table.
    func root() throws(Failure) -> FlatTable {
        guard count >= 8 else { throw Failure(message: "is \(count) bytes, too short for a FlatBuffer") }
        let offset = try uint32(at: 0)
        return try table(at: Int(offset), what: "the root table")
    }

    func check(_ position: Int, _ size: Int, _ what: @autoclosure () -> String) throws(Failure) {
        guard position >= 0, size >= 0, position <= count, size <= count - position else {
            throw Failure(message: "\(what()) at byte \(position) (\(size) bytes) lies outside the \(count)-byte buffer")
        }
    }

    func uint8(at position: Int) throws(Failure) -> UInt8 {
        try check(position, 1, "a byte")
        return bytes[position]
    }

    func uint16(at position: Int) throws(Failure) -> UInt16 {
        try check(position, 2, "a 16-bit value")
        return UInt16(bytes[position]) | UInt16(bytes[position + 1]) << 8
    }

    func uint32(at position: Int) throws(Failure) -> UInt32 {
        try check(position, 4, "a 32-bit value")
        return bytes.loadUnaligned(fromByteOffset: position, as: UInt32.self).littleEndian
    }

    func uint64(at position: Int) throws(Failure) -> UInt64 {
        try check(position, 8, "a 64-bit value")
        return bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self).littleEndian
    }

    /// The table at `position`: its signed offset back (or forward) to its vtable, and the vtable's size.
    func table(at position: Int, what: @autoclosure () -> String) throws(Failure) -> FlatTable {
        try check(position, 4, what())
        let back = Int(Int32(bitPattern: try uint32(at: position)))
        let vtable = position - back
        try check(vtable, 4, "the vtable of \(what())")
        let vtableSize = Int(try uint16(at: vtable))
        guard vtableSize >= 4, vtableSize % 2 == 0 else {
            throw Failure(message: "the vtable of \(what()) at byte \(vtable) has size \(vtableSize)")
        }
        try check(vtable, vtableSize, "the vtable of \(what())")
        return FlatTable(buffer: self, position: position, vtable: vtable, fieldCount: (vtableSize - 4) / 2)
    }
}

/// One table: fields by id (their order in the schema), absent fields read as the schema's default.
struct FlatTable {
    let buffer: FlatBuffer
    let position: Int
    let vtable: Int
    let fieldCount: Int

    /// Where field `id` lies, or nil when the table leaves it out.
    func field(_ id: Int) throws(FlatBuffer.Failure) -> Int? {
        guard id < fieldCount else { return nil }
        let offset = Int(try buffer.uint16(at: vtable + 4 + 2 * id))
        return offset == 0 ? nil : position + offset
    }

    func uint8(_ id: Int, _ fallback: UInt8 = 0) throws(FlatBuffer.Failure) -> UInt8 {
        guard let at = try field(id) else { return fallback }
        return try buffer.uint8(at: at)
    }

    func int8(_ id: Int, _ fallback: Int8 = 0) throws(FlatBuffer.Failure) -> Int8 {
        guard let at = try field(id) else { return fallback }
        return Int8(bitPattern: try buffer.uint8(at: at))
    }

    func bool(_ id: Int, _ fallback: Bool = false) throws(FlatBuffer.Failure) -> Bool {
        guard let at = try field(id) else { return fallback }
        return try buffer.uint8(at: at) != 0
    }

    func int32(_ id: Int, _ fallback: Int32 = 0) throws(FlatBuffer.Failure) -> Int32 {
        guard let at = try field(id) else { return fallback }
        return Int32(bitPattern: try buffer.uint32(at: at))
    }

    func uint32(_ id: Int, _ fallback: UInt32 = 0) throws(FlatBuffer.Failure) -> UInt32 {
        guard let at = try field(id) else { return fallback }
        return try buffer.uint32(at: at)
    }

    func uint64(_ id: Int, _ fallback: UInt64 = 0) throws(FlatBuffer.Failure) -> UInt64 {
        guard let at = try field(id) else { return fallback }
        return try buffer.uint64(at: at)
    }

    func float32(_ id: Int, _ fallback: Float = 0) throws(FlatBuffer.Failure) -> Float {
        guard let at = try field(id) else { return fallback }
        return Float(bitPattern: try buffer.uint32(at: at))
    }

    /// Where an offset field points: the field's position plus the unsigned offset stored there.
    func target(_ id: Int, _ what: String) throws(FlatBuffer.Failure) -> Int? {
        guard let at = try field(id) else { return nil }
        let (target, overflow) = at.addingReportingOverflow(Int(try buffer.uint32(at: at)))
        guard !overflow else { throw FlatBuffer.Failure(message: "\(what) points past the buffer") }
        return target
    }

    func table(_ id: Int, _ what: String) throws(FlatBuffer.Failure) -> FlatTable? {
        guard let at = try target(id, what) else { return nil }
        return try buffer.table(at: at, what: what)
    }

    /// A vector: where its elements start and how many there are, checked to fit `width` bytes each.
    func vector(_ id: Int, width: Int, _ what: String) throws(FlatBuffer.Failure) -> FlatVector? {
        guard let at = try target(id, what) else { return nil }
        let length = Int(try buffer.uint32(at: at))
        let (size, overflow) = length.multipliedReportingOverflow(by: width)
        guard !overflow else { throw FlatBuffer.Failure(message: "\(what) claims \(length) elements") }
        let start = at + 4
        guard start <= buffer.count, size <= buffer.count - start else {
            throw FlatBuffer.Failure(
                message: "\(what) claims \(length) elements of \(width) bytes at byte \(start), past the \(buffer.count)-byte buffer")
        }
        return FlatVector(buffer: buffer, start: start, count: length, width: width, what: what)
    }

    func string(_ id: Int, _ what: String) throws(FlatBuffer.Failure) -> String? {
        guard let vector = try vector(id, width: 1, what) else { return nil }
        return String(decoding: UnsafeRawBufferPointer(rebasing: buffer.bytes[vector.start..<vector.start + vector.count]), as: UTF8.self)
    }

    func tables(_ id: Int, _ what: String) throws(FlatBuffer.Failure) -> [FlatTable] {
        guard let vector = try vector(id, width: 4, what) else { return [] }
        var out: [FlatTable] = []
        out.reserveCapacity(vector.count)
        for i in 0..<vector.count { out.append(try vector.table(i)) }
        return out
    }

    func int32s(_ id: Int, _ what: String) throws(FlatBuffer.Failure) -> [Int32]? {
        guard let vector = try vector(id, width: 4, what) else { return nil }
        return (0..<vector.count).map { Int32(bitPattern: vector.buffer.bytes.loadUnaligned(fromByteOffset: vector.start + 4 * $0, as: UInt32.self).littleEndian) }
    }

    func int64s(_ id: Int, _ what: String) throws(FlatBuffer.Failure) -> [Int64]? {
        guard let vector = try vector(id, width: 8, what) else { return nil }
        return (0..<vector.count).map { Int64(bitPattern: vector.buffer.bytes.loadUnaligned(fromByteOffset: vector.start + 8 * $0, as: UInt64.self).littleEndian) }
    }

    func float32s(_ id: Int, _ what: String) throws(FlatBuffer.Failure) -> [Float]? {
        guard let vector = try vector(id, width: 4, what) else { return nil }
        return (0..<vector.count).map { Float(bitPattern: vector.buffer.bytes.loadUnaligned(fromByteOffset: vector.start + 4 * $0, as: UInt32.self).littleEndian) }
    }
}

/// A vector's elements, already checked to lie inside the buffer.
struct FlatVector {
    let buffer: FlatBuffer
    let start: Int
    let count: Int
    let width: Int
    let what: String

    /// The i-th element of a vector of tables.
    func table(_ i: Int) throws(FlatBuffer.Failure) -> FlatTable {
        let at = start + 4 * i
        let offset = Int(try buffer.uint32(at: at))
        return try buffer.table(at: at + offset, what: "\(what) #\(i)")
    }
}
