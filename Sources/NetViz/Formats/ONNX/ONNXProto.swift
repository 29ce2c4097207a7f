import Foundation

/// An ONNX file's messages as netviz reads them (onnx.proto: ModelProto, GraphProto, NodeProto, AttributeProto,
/// TensorProto, ValueInfoProto), through `ProtobufReader`. Tensor bytes are never copied: a tensor keeps its dims,
/// type and where its data lies (inline, or external for models over 2 GB); only tensors of a few elements keep their
/// values (the shape and index constants that shape inference evaluates).
///
/// This is the ONNX folder's reader of messages; turning a graph into a netviz `Model` (shape inference, counting)
/// is the ONNX reader's next step (issue 12), and until then `ModelFormats` names `.onnx` files as not read yet.
struct ONNXModelProto {
    var irVersion: Int64 = 0
    var producer = ""
    /// Operator set versions by domain ("" is the default domain, `ai.onnx`).
    var opsets: [String: Int64] = [:]
    var graph = ONNXGraphProto()

    /// Bounds on what one file may hold (each far above any real model's).
    struct Limits {
        var nodes = 1_000_000
        var tensors = 1_000_000
        var dims = 64
        var subgraphDepth = 8
        /// Values kept of a small tensor (Reshape targets, Slice bounds, scalars).
        var keptValues = 64
    }

    /// Parses a whole `.onnx` file from `path`; initializers' bytes stay on disk.
    static func read(path: String, limits: Limits = Limits()) throws -> ONNXModelProto {
        // ModelProto.graph (7) -> GraphProto.initializer (5) -> TensorProto.raw_data (9) stays on disk, unless it is
        // small enough to hold values that shape inference reads (8 bytes each).
        let kept = limits.keptValues * 8
        let data = try SparseProtobufFile.read(path: path, plan: [7: .descend([5: .descend([9: .skip(above: kept)])])])
        do {
            return try parse(data, limits: limits)
        } catch let failure as ProtobufReader.Failure {
            throw NetVizError.file(path: path, message: "not a valid ONNX protobuf: \(failure.message) at byte \(failure.offset)")
        }
    }

    static func parse(_ data: Data, limits: Limits = Limits()) throws(ProtobufReader.Failure) -> ONNXModelProto {
        let result: Result<ONNXModelProto, ProtobufReader.Failure> = data.withUnsafeBytes { buffer in
            var reader = ProtobufReader(buffer)
            var parser = ONNXParser(limits: limits)
            return Result { () throws(ProtobufReader.Failure) in try parser.model(&reader) }
        }
        return try result.get()
    }
}

struct ONNXGraphProto: Sendable {
    var name = ""
    var nodes: [ONNXNodeProto] = []
    var initializers: [ONNXTensorProto] = []
    var inputs: [ONNXValueInfo] = []
    var outputs: [ONNXValueInfo] = []
    var valueInfo: [ONNXValueInfo] = []
}

struct ONNXNodeProto: Sendable {
    var name = ""
    var opType = ""
    var domain = ""
    var inputs: [String] = []
    var outputs: [String] = []
    var attributes: [ONNXAttribute] = []
}

struct ONNXAttribute: Sendable {
    enum Value: Sendable {
        case float(Float), int(Int64), string(String), tensor(ONNXTensorProto), graph(ONNXGraphProto)
        case floats([Float]), ints([Int64]), strings([String])
        /// Kinds netviz does not read (sparse tensors, type protos, lists of tensors or graphs).
        case other
    }
    var name = ""
    var value = Value.other
}

/// ONNX's `TensorProto.DataType` values netviz names; the rest keep their number.
enum ONNXDataType: Int32 {
    case float = 1, uint8 = 2, int8 = 3, uint16 = 4, int16 = 5, int32 = 6, int64 = 7, string = 8, bool = 9
    case float16 = 10, double = 11, uint32 = 12, uint64 = 13, complex64 = 14, complex128 = 15, bfloat16 = 16

    var isFloatingPoint: Bool { [.float, .float16, .double, .bfloat16].contains(self) }
}

struct ONNXTensorProto: Sendable {
    var name = ""
    var dims: [Int64] = []
    var dataType: Int32 = 0
    /// `data_location` EXTERNAL: the values lie in another file (models over 2 GB); netviz counts from `dims`.
    var isExternal = false
    /// Where `raw_data` lies in the file's bytes (nil when the values are in typed fields or elsewhere).
    var rawRange: Range<Int>?
    /// The values of a tensor of at most `Limits.keptValues` elements, as integers or floats (nil for others).
    var integers: [Int64]?
    var floats: [Float]?

    /// Elements, from the dims (nil when a dim is negative or the product overflows).
    var elementCount: Int64? {
        var count: Int64 = 1
        for dim in dims {
            guard dim >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: dim)
            if overflow { return nil }
            count = product
        }
        return count
    }
}

struct ONNXValueInfo: Sendable {
    enum Dim: Equatable {
        case value(Int64), param(String), unknown
    }
    var name = ""
    var elementType: Int32 = 0
    /// nil when the type has no shape.
    var shape: [Dim]?
}

/// The message walkers, one per message type, with the counts checked against the limits.
private struct ONNXParser {
    typealias Failure = ProtobufReader.Failure
    let limits: ONNXModelProto.Limits
    var nodes = 0
    var tensors = 0

    mutating func model(_ reader: inout ProtobufReader) throws(Failure) -> ONNXModelProto {
        var model = ONNXModelProto()
        var producerName = "", producerVersion = ""
        var sawGraph = false
        while let field = try reader.next() {
            switch field.number {
            case 1: model.irVersion = try reader.int64(field)
            case 2: producerName = try reader.string(field)
            case 3: producerVersion = try reader.string(field)
            case 7:
                var sub = try reader.message(field)
                model.graph = try graph(&sub, depth: 0)
                sawGraph = true
            case 8:
                var sub = try reader.message(field)
                var domain = "", version: Int64 = 0
                while let f = try sub.next() {
                    if f.number == 1 { domain = try sub.string(f) } else if f.number == 2 { version = try sub.int64(f) }
                }
                model.opsets[domain] = version
            default: continue
            }
        }
        guard sawGraph else { throw Failure(message: "the model has no graph", offset: 0) }
        model.producer = producerVersion.isEmpty ? producerName : "\(producerName) \(producerVersion)"
        return model
    }

    mutating func graph(_ reader: inout ProtobufReader, depth: Int) throws(Failure) -> ONNXGraphProto {
        guard depth <= limits.subgraphDepth else {
            throw Failure(message: "subgraphs nested deeper than \(limits.subgraphDepth) levels", offset: reader.position)
        }
        var graph = ONNXGraphProto()
        while let field = try reader.next() {
            switch field.number {
            case 1:
                nodes += 1
                guard nodes <= limits.nodes else { throw Failure(message: "more than \(limits.nodes) nodes", offset: field.range.lowerBound) }
                var sub = try reader.message(field)
                graph.nodes.append(try node(&sub, depth: depth))
            case 2: graph.name = try reader.string(field)
            case 5:
                var sub = try reader.message(field)
                graph.initializers.append(try tensor(&sub))
            case 11, 12, 13:
                var sub = try reader.message(field)
                let info = try valueInfo(&sub)
                if field.number == 11 { graph.inputs.append(info) } else if field.number == 12 { graph.outputs.append(info) } else { graph.valueInfo.append(info) }
            default: continue
            }
        }
        return graph
    }

    mutating func node(_ reader: inout ProtobufReader, depth: Int) throws(Failure) -> ONNXNodeProto {
        var node = ONNXNodeProto()
        while let field = try reader.next() {
            switch field.number {
            case 1: node.inputs.append(try reader.string(field))
            case 2: node.outputs.append(try reader.string(field))
            case 3: node.name = try reader.string(field)
            case 4: node.opType = try reader.string(field)
            case 7: node.domain = try reader.string(field)
            case 5:
                var sub = try reader.message(field)
                node.attributes.append(try attribute(&sub, depth: depth))
            default: continue
            }
        }
        return node
    }

    mutating func attribute(_ reader: inout ProtobufReader, depth: Int) throws(Failure) -> ONNXAttribute {
        var attribute = ONNXAttribute()
        var floats: [Float] = [], ints: [Int64] = [], strings: [String] = []
        var type: Int64 = 0
        var single: ONNXAttribute.Value = .other
        while let field = try reader.next() {
            switch field.number {
            case 1: attribute.name = try reader.string(field)
            case 20: type = try reader.int64(field)
            case 2:
                guard field.wireType == .fixed32 else { throw Failure(message: "attribute f is not a float", offset: field.range.lowerBound) }
                single = .float(Float(bitPattern: UInt32(truncatingIfNeeded: field.value)))
            case 3: single = .int(try reader.int64(field))
            case 4: single = .string(try reader.string(field))
            case 5:
                var sub = try reader.message(field)
                single = .tensor(try tensor(&sub))
            case 6:
                var sub = try reader.message(field)
                single = .graph(try graph(&sub, depth: depth + 1))
            case 7:
                try ProtobufReader.floats(reader, field, into: &floats, limit: limits.tensors)
            case 8: try reader.int64s(field, into: &ints, limit: limits.tensors)
            case 9:
                strings.append(try reader.string(field))
                guard strings.count <= limits.tensors else { throw Failure(message: "too many strings", offset: field.range.lowerBound) }
            default: continue
            }
        }
        switch type {
        case 6: attribute.value = .floats(floats)
        case 7: attribute.value = .ints(ints)
        case 8: attribute.value = .strings(strings)
        default: attribute.value = single
        }
        return attribute
    }

    mutating func tensor(_ reader: inout ProtobufReader) throws(Failure) -> ONNXTensorProto {
        tensors += 1
        guard tensors <= limits.tensors else { throw Failure(message: "more than \(limits.tensors) tensors", offset: reader.position) }
        var tensor = ONNXTensorProto()
        var raw: Range<Int>?
        var int64s: [Int64] = [], int32s: [Int64] = [], floatData: [Float] = []
        while let field = try reader.next() {
            switch field.number {
            case 1: try reader.int64s(field, into: &tensor.dims, limit: limits.dims)
            case 2: tensor.dataType = Int32(truncatingIfNeeded: try reader.int64(field))
            case 8: tensor.name = try reader.string(field)
            case 9:
                raw = field.range
                tensor.rawRange = field.range
            case 14: tensor.isExternal = try reader.int64(field) == 1
            // Typed value fields: read only for small tensors (the cap stops a huge list early).
            case 7: try reader.int64s(field, into: &int64s, limit: limits.keptValues + 1, truncating: true)
            case 5: try reader.int64s(field, into: &int32s, limit: limits.keptValues + 1, truncating: true)
            case 4: try ProtobufReader.floats(reader, field, into: &floatData, limit: limits.keptValues + 1, truncating: true)
            default: continue
            }
        }
        guard let count = tensor.elementCount, count <= Int64(limits.keptValues) else { return tensor }
        let type = ONNXDataType(rawValue: tensor.dataType)
        if let raw {
            let bytes = UnsafeRawBufferPointer(rebasing: reader.buffer[raw])
            switch type {
            case .int64 where bytes.count == Int(count) * 8:
                tensor.integers = (0..<Int(count)).map { Int64(bitPattern: littleEndian(bytes, $0 * 8, 8)) }
            case .int32 where bytes.count == Int(count) * 4:
                tensor.integers = (0..<Int(count)).map { Int64(Int32(bitPattern: UInt32(littleEndian(bytes, $0 * 4, 4)))) }
            case .float where bytes.count == Int(count) * 4:
                tensor.floats = (0..<Int(count)).map { Float(bitPattern: UInt32(littleEndian(bytes, $0 * 4, 4))) }
            default: break
            }
        } else if type == .int64, int64s.count == Int(count) {
            tensor.integers = int64s
        } else if type == .int32, int32s.count == Int(count) {
            tensor.integers = int32s
        } else if type == .float, floatData.count == Int(count) {
            tensor.floats = floatData
        }
        return tensor
    }

    func littleEndian(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ width: Int) -> UInt64 {
        var value: UInt64 = 0
        for i in 0..<width { value |= UInt64(bytes[start + i]) << (8 * UInt64(i)) }
        return value
    }

    mutating func valueInfo(_ reader: inout ProtobufReader) throws(Failure) -> ONNXValueInfo {
        var info = ONNXValueInfo()
        while let field = try reader.next() {
            switch field.number {
            case 1: info.name = try reader.string(field)
            case 2:
                var type = try reader.message(field)
                while let typeField = try type.next() {
                    guard typeField.number == 1 else { continue }
                    var tensorType = try type.message(typeField)
                    while let f = try tensorType.next() {
                        if f.number == 1 {
                            info.elementType = Int32(truncatingIfNeeded: try tensorType.int64(f))
                        } else if f.number == 2 {
                            info.shape = try shape(tensorType.message(f))
                        }
                    }
                }
            default: continue
            }
        }
        return info
    }

    func shape(_ message: ProtobufReader) throws(Failure) -> [ONNXValueInfo.Dim] {
        var reader = message
        var dims: [ONNXValueInfo.Dim] = []
        while let field = try reader.next() {
            guard field.number == 1 else { continue }
            var dimension = try reader.message(field)
            var dim = ONNXValueInfo.Dim.unknown
            while let f = try dimension.next() {
                if f.number == 1 { dim = .value(try dimension.int64(f)) } else if f.number == 2 { dim = .param(try dimension.string(f)) }
            }
            dims.append(dim)
            guard dims.count <= limits.dims else { throw Failure(message: "a shape has more than \(limits.dims) dims", offset: field.range.lowerBound) }
        }
        return dims
    }
}

extension ProtobufReader {
    /// A repeated float field, packed or not, appended to `values` (at most `limit`).
    static func floats(
        _ reader: ProtobufReader, _ field: Field, into values: inout [Float], limit: Int, truncating: Bool = false
    ) throws(Failure) {
        switch field.wireType {
        case .fixed32:
            if values.count <= limit { values.append(Float(bitPattern: UInt32(truncatingIfNeeded: field.value))) }
        case .lengthDelimited:
            guard field.range.count % 4 == 0 else {
                throw Failure(message: "packed floats of \(field.range.count) bytes", offset: field.range.lowerBound)
            }
            var i = field.range.lowerBound
            while i < field.range.upperBound, values.count <= limit {
                var bits: UInt32 = 0
                for k in 0..<4 { bits |= UInt32(reader.buffer[i + k]) << (8 * UInt32(k)) }
                values.append(Float(bitPattern: bits))
                i += 4
            }
        default:
            throw Failure(message: "field \(field.number) should hold floats, has wire type \(field.wireType.rawValue)", offset: field.range.lowerBound)
        }
        guard values.count <= limit || truncating else {
            throw Failure(message: "field \(field.number) holds more than \(limit) floats", offset: field.range.lowerBound)
        }
    }
}
