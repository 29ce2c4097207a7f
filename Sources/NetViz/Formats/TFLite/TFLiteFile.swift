/// What netviz reads of a `.tflite` file (TensorFlow's `schema.fbs`, field ids in the comments): every table the
/// summary needs, copied out of the FlatBuffer into plain values. Buffers are located (offset and size in the file),
/// never read: weights are read later, and only by `verify`.
struct TFLiteFile {
    /// `OperatorCode`: a builtin operator or a custom one.
    struct OperatorCode {
        /// max(deprecated_builtin_code (0, int8), builtin_code (3, int32)): files before schema 3a wrote only the first.
        var builtin: Int32
        /// custom_code (1), for CUSTOM operators.
        var custom: String?
        var version: Int32
    }

    /// `QuantizationParameters`: scale (2) and zero_point (3), per tensor or per channel along quantized_dimension (6).
    struct Quantization: Sendable, Equatable {
        var scales: [Float]
        var zeroPoints: [Int64]
        var dimension: Int32
    }

    /// `Tensor`.
    struct Tensor {
        var shape: [Int32]  // 0
        var type: Int8  // 1
        var buffer: UInt32  // 2
        var name: String  // 3
        var quantization: Quantization?  // 4
        var isVariable: Bool  // 5
        var sparse: Bool  // 6
        var shapeSignature: [Int32]?  // 7
    }

    /// `Operator`: opcode_index (0), inputs (1, -1 for an absent optional input), outputs (2), builtin options (3, 4).
    struct Operator {
        var opcodeIndex: UInt32
        var inputs: [Int32]
        var outputs: [Int32]
        var options: TFLiteOptions
    }

    struct Subgraph {
        var tensors: [Tensor]
        var inputs: [Int32]
        var outputs: [Int32]
        var operators: [Operator]
        var name: String?
    }

    /// Where a buffer's bytes lie in the file: inside the FlatBuffer (`data`, 0) or, in files over 2 GB, at
    /// `offset` (1) from the start of the file with `size` (2).
    struct Buffer {
        var offset: Int64
        var size: Int64
    }

    struct SignatureDef {
        var key: String
        var inputs: [(name: String, tensor: UInt32)]
        var outputs: [(name: String, tensor: UInt32)]
        var subgraph: UInt32
    }

    var version: UInt32
    var operatorCodes: [OperatorCode]
    var subgraphs: [Subgraph]
    var description: String?
    var buffers: [Buffer]
    var signatureDefs: [SignatureDef]

    /// The most of each thing one file may hold before netviz refuses it (each bounds the work a file can ask for).
    static let maxTensors = 1_000_000
    static let maxOperators = 1_000_000
    static let maxRank = 16

    /// Reads the tables of a TFLite FlatBuffer of `fileSize` bytes (the buffer may be the whole file).
    static func read(_ bytes: UnsafeRawBufferPointer, fileSize: Int64) throws(FlatBuffer.Failure) -> TFLiteFile {
        let flat = FlatBuffer(bytes)
        guard flat.identifier == Array("TFL3".utf8) else {
            throw FlatBuffer.Failure(message: "has no TFL3 identifier at bytes 4 to 8; not a TensorFlow Lite model")
        }
        let model = try flat.root()
        let version = try model.uint32(0)
        guard version == 3 else {
            throw FlatBuffer.Failure(message: "is schema version \(version); netviz reads version 3 (every TensorFlow Lite file since 2018)")
        }
        let codes = try model.tables(1, "operator_codes").map { code throws(FlatBuffer.Failure) in
            OperatorCode(
                builtin: max(Int32(try code.int8(0)), try code.int32(3)), custom: try code.string(1, "custom_code"),
                version: try code.int32(2, 1))
        }
        let subgraphTables = try model.tables(2, "subgraphs")
        guard !subgraphTables.isEmpty else { throw FlatBuffer.Failure(message: "has no subgraphs") }
        var subgraphs: [Subgraph] = []
        var totalTensors = 0, totalOperators = 0
        for (index, table) in subgraphTables.enumerated() {
            let what = "subgraph \(index)"
            guard let tensorVector = try table.vector(0, width: 4, "\(what) tensors") else {
                throw FlatBuffer.Failure(message: "\(what) has no tensors")
            }
            let operatorVector = try table.vector(3, width: 4, "\(what) operators")
            let operatorCount = operatorVector?.count ?? 0
            totalTensors += tensorVector.count
            totalOperators += operatorCount
            guard totalTensors <= maxTensors, totalOperators <= maxOperators else {
                throw FlatBuffer.Failure(
                    message: "holds more than \(maxTensors) tensors or \(maxOperators) operators; netviz refuses files this large")
            }
            var tensors: [Tensor] = []
            tensors.reserveCapacity(tensorVector.count)
            for i in 0..<tensorVector.count {
                let t = try tensorVector.table(i)
                let tensorWhat = "\(what) tensor \(i)"
                let shape = try t.int32s(0, "\(tensorWhat) shape") ?? []
                let signature = try t.int32s(7, "\(tensorWhat) shape_signature")
                guard shape.count <= maxRank, (signature?.count ?? 0) <= maxRank else {
                    throw FlatBuffer.Failure(message: "\(tensorWhat) has rank \(max(shape.count, signature?.count ?? 0)); netviz reads rank up to \(maxRank)")
                }
                var quantization: Quantization?
                if let q = try t.table(4, "\(tensorWhat) quantization") {
                    let scales = try q.float32s(2, "\(tensorWhat) scale") ?? []
                    let zeroPoints = try q.int64s(3, "\(tensorWhat) zero_point") ?? []
                    if !scales.isEmpty || !zeroPoints.isEmpty {
                        quantization = Quantization(scales: scales, zeroPoints: zeroPoints, dimension: try q.int32(6))
                    }
                }
                tensors.append(
                    Tensor(
                        shape: shape, type: try t.int8(1), buffer: try t.uint32(2),
                        name: try t.string(3, "\(tensorWhat) name") ?? "", quantization: quantization,
                        isVariable: try t.bool(5), sparse: try t.field(6) != nil, shapeSignature: signature))
            }
            var operators: [Operator] = []
            operators.reserveCapacity(operatorCount)
            for i in 0..<operatorCount {
                guard let o = try operatorVector?.table(i) else { break }
                let opWhat = "\(what) operator \(i)"
                let optionsType = try o.uint8(3)
                let options = try TFLiteOptions.read(type: optionsType, table: try o.table(4, "\(opWhat) builtin_options"), what: opWhat)
                operators.append(
                    Operator(
                        opcodeIndex: try o.uint32(0), inputs: try o.int32s(1, "\(opWhat) inputs") ?? [],
                        outputs: try o.int32s(2, "\(opWhat) outputs") ?? [], options: options))
            }
            subgraphs.append(
                Subgraph(
                    tensors: tensors, inputs: try table.int32s(1, "\(what) inputs") ?? [],
                    outputs: try table.int32s(2, "\(what) outputs") ?? [], operators: operators,
                    name: try table.string(4, "\(what) name")))
        }
        var buffers: [Buffer] = []
        if let vector = try model.vector(4, width: 4, "buffers") {
            buffers.reserveCapacity(vector.count)
            for i in 0..<vector.count {
                let b = try vector.table(i)
                if let data = try b.vector(0, width: 1, "buffer \(i) data") {
                    buffers.append(Buffer(offset: Int64(data.start), size: Int64(data.count)))
                } else {
                    let offset = try b.uint64(1), size = try b.uint64(2)
                    guard offset <= UInt64(fileSize), size <= UInt64(fileSize) - offset else {
                        throw FlatBuffer.Failure(
                            message: "buffer \(i) claims \(size) bytes at offset \(offset), past the end of the \(fileSize)-byte file")
                    }
                    // offset 1 with size 0 is the converter's placeholder for an empty buffer.
                    buffers.append(Buffer(offset: size == 0 ? 0 : Int64(offset), size: Int64(size)))
                }
            }
        }
        let signatures = try model.tables(7, "signature_defs").enumerated().map { index, s throws(FlatBuffer.Failure) in
            func maps(_ id: Int, _ what: String) throws(FlatBuffer.Failure) -> [(name: String, tensor: UInt32)] {
                try s.tables(id, "signature \(index) \(what)").map { m throws(FlatBuffer.Failure) in
                    (try m.string(0, "signature \(index) \(what) name") ?? "", try m.uint32(1))
                }
            }
            return SignatureDef(
                key: try s.string(2, "signature \(index) key") ?? "", inputs: try maps(0, "inputs"),
                outputs: try maps(1, "outputs"), subgraph: try s.uint32(4))
        }
        return TFLiteFile(
            version: version, operatorCodes: codes, subgraphs: subgraphs, description: try model.string(3, "description"),
            buffers: buffers, signatureDefs: signatures)
    }
}
