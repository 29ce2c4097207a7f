/// Writes small `.tflite` FlatBuffers by hand for the bad-file tests: parents first, children after them (a uoffset
/// only points forward), each vtable just before its table. Only what the tests need: scalars, int32 vectors,
/// strings and vectors of tables; every field stored as 4 bytes (an int8 field reads its low byte).
final class TFLiteFileWriter {
    var bytes: [UInt8] = [0, 0, 0, 0] + Array("TFL3".utf8)

    func align() { while bytes.count % 4 != 0 { bytes.append(0) } }

    func put32(_ value: UInt32, at position: Int) {
        for i in 0..<4 { bytes[position + i] = UInt8((value >> (8 * UInt32(i))) & 0xFF) }
    }

    func append32(_ value: UInt32) {
        bytes += [0, 0, 0, 0]
        put32(value, at: bytes.count - 4)
    }

    /// Writes a table with `scalars` (field id -> value) and reference slots `refs`; returns where each slot is,
    /// to `link` to a child written later.
    @discardableResult
    func table(_ scalars: [Int: UInt32], wide: [Int: UInt64] = [:], refs: [Int] = []) -> (position: Int, slots: [Int: Int]) {
        align()
        let ids = Array(scalars.keys) + Array(wide.keys) + refs
        let fieldCount = (ids.max() ?? -1) + 1
        let vtable = bytes.count
        let vtableSize = 4 + 2 * fieldCount
        bytes += [UInt8](repeating: 0, count: vtableSize)
        align()
        let table = bytes.count
        append32(UInt32(table - vtable))  // soffset: the vtable lies before
        var slots: [Int: Int] = [:]
        for id in ids.sorted() {
            let offset = bytes.count - table
            bytes[vtable + 4 + 2 * id] = UInt8(offset & 0xFF)
            bytes[vtable + 5 + 2 * id] = UInt8(offset >> 8)
            if let value = wide[id] {
                append32(UInt32(value & 0xFFFF_FFFF))
                append32(UInt32(value >> 32))
            } else if let value = scalars[id] { append32(value) } else {
                slots[id] = bytes.count
                append32(0)
            }
        }
        let tableSize = bytes.count - table
        bytes[vtable] = UInt8(vtableSize & 0xFF)
        bytes[vtable + 1] = UInt8(vtableSize >> 8)
        bytes[vtable + 2] = UInt8(tableSize & 0xFF)
        bytes[vtable + 3] = UInt8(tableSize >> 8)
        return (table, slots)
    }

    /// Points the reference slot at `target`.
    func link(_ slot: Int, to target: Int) { put32(UInt32(target - slot), at: slot) }

    func int32s(_ values: [Int32]) -> Int {
        align()
        let start = bytes.count
        append32(UInt32(values.count))
        for value in values { append32(UInt32(bitPattern: value)) }
        return start
    }

    func string(_ text: String) -> Int {
        align()
        let start = bytes.count
        append32(UInt32(text.utf8.count))
        bytes += Array(text.utf8) + [0]
        return start
    }

    /// A vector of `count` table offsets; returns its position and each element's slot.
    func tableVector(_ count: Int) -> (position: Int, slots: [Int]) {
        align()
        let start = bytes.count
        append32(UInt32(count))
        var slots: [Int] = []
        for _ in 0..<count {
            slots.append(bytes.count)
            append32(0)
        }
        return (start, slots)
    }

    /// One tensor of the file: shape, type code, buffer index, name.
    struct Tensor {
        var shape: [Int32]
        var type: UInt32 = 0
        var buffer: UInt32 = 0
        var name: String
        var signature: [Int32]? = nil
    }

    /// A buffer holding little-endian int32 values (a constant shape or axes).
    static func int32Buffer(_ values: [Int32]) -> [UInt8] {
        values.flatMap { v in (0..<4).map { UInt8((UInt32(bitPattern: v) >> (8 * UInt32($0))) & 0xFF) } }
    }

    /// One operator: builtin code (or 32 with a custom name), inputs, outputs.
    struct Operator {
        var code: Int32
        var custom: String? = nil
        /// Only `deprecated_builtin_code` (field 0), as files written before schema 3a have it.
        var deprecatedOnly = false
        var inputs: [Int32]
        var outputs: [Int32]
    }

    /// A whole model: version 3, one subgraph, one empty buffer per `buffers` entry (0 = the sentinel).
    static func model(
        tensors: [Tensor], inputs: [Int32], outputs: [Int32], operators: [Operator], bufferSizes: [Int] = [0],
        bufferData: [Int: [UInt8]] = [:], claimedTensorCount: UInt32? = nil, externalBuffers: [Int: (offset: UInt64, size: UInt64)] = [:]
    ) -> [UInt8] {
        let w = TFLiteFileWriter()
        let model = w.table([0: 3], refs: [1, 2, 4])
        w.put32(UInt32(model.position), at: 0)
        // operator_codes: one per operator, in order.
        let codes = w.tableVector(operators.count)
        w.link(model.slots[1] ?? 0, to: codes.position)
        for (i, op) in operators.enumerated() {
            let code = w.table(
                op.deprecatedOnly ? [0: UInt32(op.code), 2: 1] : [0: UInt32(min(op.code, 127)), 2: 1, 3: UInt32(op.code)],
                refs: op.custom == nil ? [] : [1])
            w.link(codes.slots[i], to: code.position)
            if let custom = op.custom, let slot = code.slots[1] { w.link(slot, to: w.string(custom)) }
        }
        let subgraphs = w.tableVector(1)
        w.link(model.slots[2] ?? 0, to: subgraphs.position)
        let subgraph = w.table([:], refs: [0, 1, 2, 3])
        w.link(subgraphs.slots[0], to: subgraph.position)
        let tensorVector = w.tableVector(tensors.count)
        w.link(subgraph.slots[0] ?? 0, to: tensorVector.position)
        if let claimedTensorCount { w.put32(claimedTensorCount, at: tensorVector.position) }
        for (i, t) in tensors.enumerated() {
            let table = w.table([1: t.type, 2: t.buffer], refs: [0, 3] + (t.signature == nil ? [] : [7]))
            w.link(tensorVector.slots[i], to: table.position)
            w.link(table.slots[0] ?? 0, to: w.int32s(t.shape))
            w.link(table.slots[3] ?? 0, to: w.string(t.name))
            if let signature = t.signature, let slot = table.slots[7] { w.link(slot, to: w.int32s(signature)) }
        }
        w.link(subgraph.slots[1] ?? 0, to: w.int32s(inputs))
        w.link(subgraph.slots[2] ?? 0, to: w.int32s(outputs))
        let operatorVector = w.tableVector(operators.count)
        w.link(subgraph.slots[3] ?? 0, to: operatorVector.position)
        for (i, op) in operators.enumerated() {
            let table = w.table([0: UInt32(i)], refs: [1, 2])
            w.link(operatorVector.slots[i], to: table.position)
            w.link(table.slots[1] ?? 0, to: w.int32s(op.inputs))
            w.link(table.slots[2] ?? 0, to: w.int32s(op.outputs))
        }
        let buffers = w.tableVector(bufferSizes.count)
        w.link(model.slots[4] ?? 0, to: buffers.position)
        for (i, size) in bufferSizes.enumerated() {
            if let external = externalBuffers[i] {
                // offset (1) and size (2) from the start of the file, as files over 2 GB store their buffers.
                w.link(buffers.slots[i], to: w.table([:], wide: [1: external.offset, 2: external.size]).position)
                continue
            }
            let data = bufferData[i] ?? [UInt8](repeating: 1, count: size)
            let table = w.table([:], refs: data.isEmpty ? [] : [0])
            w.link(buffers.slots[i], to: table.position)
            if !data.isEmpty, let slot = table.slots[0] {
                w.align()
                let start = w.bytes.count
                w.append32(UInt32(data.count))
                w.bytes += data
                w.link(slot, to: start)
            }
        }
        return w.bytes
    }

    /// input (1, 4, 4, 2) -> RELU -> output: the smallest model the reader accepts.
    static var tiny: [UInt8] {
        model(
            tensors: [Tensor(shape: [1, 4, 4, 2], name: "x"), Tensor(shape: [1, 4, 4, 2], name: "y")],
            inputs: [0], outputs: [1], operators: [Operator(code: 19, inputs: [0], outputs: [1])])
    }
}
