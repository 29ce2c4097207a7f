import Foundation

/// ONNX models (`.onnx`): a protobuf `ModelProto` read by `ONNXModelProto` without copying weights, turned into a
/// `Model` by `ONNXGraphReader`.
struct ONNXFormat: ModelFormat {
    var name: String { "an ONNX model (.onnx)" }
    var reads: String? { "ONNX .onnx models" }

    /// A `ModelProto`: field 1 `ir_version` (a small varint), then one of its other fields.
    func recognise(_ probe: FileProbe) -> Recognition? {
        if let fields = ProtobufHead.fields(probe.head), fields.count >= 2, fields[0] == ProtobufHead.Field(number: 1, wireType: 0),
            let version = ProtobufHead.firstVarint(probe.head), (3...64).contains(version),
            fields.dropFirst().allSatisfy({ (2...8).contains($0.number) || [14, 20, 25].contains($0.number) })
        {
            return .byContent
        }
        return probe.fileExtension == "onnx" ? .byName : nil
    }

    func load(_ probe: FileProbe, options: ImportOptions) throws -> ImportedModel {
        let proto = try ONNXModelProto.read(path: probe.path)
        let name = ((probe.path as NSString).lastPathComponent as NSString).deletingPathExtension
        return ImportedModel(model: try ONNXGraphReader(path: probe.path, proto: proto, options: options).model(name: name))
    }
}

/// Turns an ONNX graph into a `Model`: every node's outputs inferred in file order (ONNX requires topological
/// order, so a node reading a tensor nothing made yet is a dangling input or a cycle), constant sub-graphs evaluated
/// on the fly and left out of the rows, initializers made weights of the nodes that read them.
struct ONNXGraphReader {
    let path: String
    let proto: ONNXModelProto
    let options: ImportOptions

    /// Where a tensor name's value comes from.
    private enum Source {
        case output(node: Int, port: Int, ONNXValue)
        case initializer(ONNXTensorProto)
        case constant(ONNXValue)
    }

    func model(name: String) throws -> Model {
        let graph = proto.graph
        let opset = proto.opsets[""] ?? proto.opsets["ai.onnx"] ?? 1
        if !options.allowUnknown { try checkOpTypes(graph) }
        // Shapes the file states (dynamo exports carry them for every tensor): what an unknown op's outputs are.
        let stated = Dictionary((graph.valueInfo + graph.outputs).map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })

        var sources: [String: Source] = [:]
        var described: [NodeDescription] = []
        var names = Set<String>()
        func uniqueName(_ wanted: String, fallback: String) -> String {
            var candidate = wanted.isEmpty ? fallback : wanted
            var suffix = 1
            while names.contains(candidate) {
                candidate = "\(wanted.isEmpty ? fallback : wanted)_\(suffix)"
                suffix += 1
            }
            names.insert(candidate)
            return candidate
        }

        for tensor in graph.initializers { sources[tensor.name] = .initializer(tensor) }
        var inputIndices: [Int] = []
        for input in graph.inputs where sources[input.name] == nil {
            let value = try inputValue(input)
            var layer = InputLayer(shape: [], name: input.name)
            layer.spec = value.spec
            sources[input.name] = .output(node: described.count, port: 0, value)
            inputIndices.append(described.count)
            described.append(NodeDescription(name: uniqueName(input.name, fallback: "input"), layer: layer, inputs: [], outputs: [value.spec]))
        }
        guard !inputIndices.isEmpty else { throw fail("the graph has no inputs (every graph input is an initializer)") }

        // Who reads each initializer first holds (and counts) it.
        var holders: [String: String] = [:]
        for (position, node) in graph.nodes.enumerated() {
            let nodeName = node.name.isEmpty ? "\(node.opType)_\(position)" : node.name
            let known = ONNXOps.rule(node.opType).flatMap { node.domain.isEmpty || node.domain == "ai.onnx" ? $0 : nil }
            // Under --allow-unknown, an op without a rule takes its outputs from the file's value_info.
            let rule = try known ?? ONNXOpRule { _ in
                try node.outputs.map { name in
                    guard let info = stated[name], info.shape != nil else {
                        throw LayerProblem("op \(node.opType) is not read and the file states no shape for its output '\(name)'")
                    }
                    return try inputValue(info)
                }
            }
            // The classic exporter shares a weight through Identity nodes, and some exporters store weights in
            // Constant nodes: both read as the initializer itself, so it is counted once, where it is used.
            if node.opType == "Identity", node.inputs.count == 1, node.outputs.count == 1,
                case .initializer(let tensor)? = sources[node.inputs[0]]
            {
                sources[node.outputs[0]] = .initializer(tensor)
                continue
            }
            if node.opType == "Constant", node.outputs.count == 1, case .tensor(var tensor)? = node.attribute("value") {
                tensor.name = node.outputs[0]
                sources[node.outputs[0]] = .initializer(tensor)
                // Asked, it is also a row (0 params: its readers count it, as they count an initializer).
                if options.showConstants, let value = try? ONNXOps.constantValue(tensor) {
                    let layer = ONNXOperator(
                        name: nodeName, node: Self.withoutGraphs(node), slots: [], outputs: [value.spec], weightSpecs: [],
                        macCount: 0, activationMACs: 0, group: nil, folded: [value])
                    described.append(NodeDescription(name: uniqueName(nodeName, fallback: "Constant"), layer: layer, inputs: [], outputs: [value.spec]))
                }
                continue
            }
            var values: [ONNXValue?] = []
            var slots: [ONNXOperator.Slot] = []
            var inbound: [(node: Int, port: Int)] = []
            var weights: [WeightSpec] = []
            for (position, input) in node.inputs.enumerated() {
                if input.isEmpty {
                    values.append(nil)
                    slots.append(.absent)
                    continue
                }
                switch sources[input] {
                case nil:
                    throw fail("node '\(nodeName)' (\(node.opType)) reads '\(input)', which no input, initializer or earlier node makes")
                case .output(let index, let port, let value):
                    values.append(value)
                    slots.append(.activation(inbound.count))
                    inbound.append((index, port))
                case .constant(let value):
                    values.append(value)
                    slots.append(.constant(value))
                case .initializer(let tensor):
                    let value: ONNXValue
                    do { value = try ONNXOps.constantValue(tensor) } catch let problem as LayerProblem {
                        throw fail("initializer '\(tensor.name)': \(problem.message)")
                    }
                    values.append(value)
                    if value.isFloat, value.elementCount > 1 || value.constant == nil, !rule.settings.contains(position) {
                        // A weight: counted once, by the first node that reads it (the classic exporter shares them).
                        let holder = holders[tensor.name]
                        if holder == nil { holders[tensor.name] = nodeName }
                        weights.append(WeightSpec(tensor.name, value.dims, heldBy: holder))
                        slots.append(.weight(tensor.name))
                    } else if value.constant != nil {
                        slots.append(.constant(value))
                    } else {
                        // Integer tables (Gather indices) are inputs, not parameters: held, never counted.
                        weights.append(WeightSpec(tensor.name, value.dims, trainable: false, heldBy: "(not a parameter)"))
                        slots.append(.weight(tensor.name))
                    }
                }
            }
            let context = ONNXNodeContext(node: node, inputs: values, opset: opset)
            var outputs: [ONNXValue]
            do {
                outputs = try rule.infer(context)
            } catch let problem as LayerProblem {
                throw fail("node '\(nodeName)' (\(node.opType)): \(problem.message)")
            } catch NetVizError.overflow(let what) {
                throw fail("node '\(nodeName)' (\(node.opType)): \(what) overflows 64 bits")
            }
            let declared = node.outputs.count
            guard declared >= 1, declared <= outputs.count else {
                throw fail("node '\(nodeName)' (\(node.opType)) declares \(declared) outputs; the op has \(outputs.count)")
            }
            outputs = Array(outputs.prefix(declared))
            for value in outputs {
                guard value.dims.allSatisfy({ $0 >= 0 }), (try? Checked.product(value.dims)) != nil else {
                    throw fail("node '\(nodeName)' (\(node.opType)): output shape \(value.dims) is not valid")
                }
            }
            // Values known now (shape arithmetic, Constant nodes) are not rows: their consumers read them as constants.
            if outputs.allSatisfy({ $0.constant != nil }) {
                for (port, output) in node.outputs.enumerated() where !output.isEmpty { sources[output] = .constant(outputs[port]) }
                // Its consumers read the value as a constant; asked, the node is still a row (0 params, 0 MACs).
                if options.showConstants {
                    let layer = ONNXOperator(
                        name: nodeName, node: Self.withoutGraphs(node), slots: slots, outputs: outputs.map(\.spec), weightSpecs: [],
                        macCount: 0, activationMACs: 0, group: nil, folded: outputs)
                    described.append(
                        NodeDescription(name: uniqueName(nodeName, fallback: node.opType), layer: layer, inputs: inbound, outputs: outputs.map(\.spec)))
                    guard described.count <= options.maxLayers else { throw fail("has more than \(options.maxLayers) nodes") }
                }
                continue
            }
            for (port, output) in node.outputs.enumerated() where !output.isEmpty {
                var value = outputs[port]
                value.constant = nil
                sources[output] = .output(node: described.count, port: port, value)
            }
            let macs: Int64
            do { macs = try rule.macs?(context, outputs) ?? 0 } catch let problem as LayerProblem {
                throw fail("node '\(nodeName)' (\(node.opType)): \(problem.message)")
            } catch NetVizError.overflow(let what) {
                throw fail("node '\(nodeName)' (\(node.opType)): \(what) overflows 64 bits")
            }
            let activationInputs = slots.filter { if case .activation = $0 { return true } else { return false } }.count
            let layer = ONNXOperator(
                name: nodeName, node: Self.withoutGraphs(node), unknown: known == nil, slots: slots, outputs: outputs.map(\.spec),
                weightSpecs: weights,
                macCount: macs, activationMACs: node.opType == "MatMul" && activationInputs == 2 ? macs : 0,
                group: rule.costGroup?(context))
            described.append(
                NodeDescription(
                    name: uniqueName(nodeName, fallback: node.opType), layer: layer, inputs: inbound, outputs: outputs.map(\.spec)))
            guard described.count <= options.maxLayers else { throw fail("has more than \(options.maxLayers) nodes") }
        }

        var outputs: [(node: Int, port: Int)] = []
        for output in graph.outputs {
            switch sources[output.name] {
            case .output(let node, let port, _): outputs.append((node, port))
            case nil: throw fail("graph output '\(output.name)' is made by no node")
            default: throw fail("graph output '\(output.name)' is a constant; netviz summarises graphs whose outputs are computed")
            }
        }
        do {
            return try Model(name: name, describing: described, inputs: inputIndices, outputs: outputs)
        } catch NetVizError.graph(let message) {
            throw fail(message)
        }
    }

    /// Every op type the file uses that netviz has no rule for, with its nodes, in one error.
    private func checkOpTypes(_ graph: ONNXGraphProto) throws {
        var unknown: [String: [String]] = [:]
        var order: [String] = []
        for (position, node) in graph.nodes.enumerated() {
            let known = ONNXOps.rule(node.opType) != nil && (node.domain.isEmpty || node.domain == "ai.onnx")
            guard !known else { continue }
            let key = node.domain.isEmpty || node.domain == "ai.onnx" ? node.opType : "\(node.domain).\(node.opType)"
            if unknown[key] == nil { order.append(key) }
            unknown[key, default: []].append(node.name.isEmpty ? "#\(position)" : node.name)
        }
        guard !order.isEmpty else { return }
        let listed = order.map { key in
            let nodes = unknown[key] ?? []
            let shown = nodes.prefix(3).map { "'\($0)'" }.joined(separator: ", ")
            return "\(key) (\(nodes.count) node\(nodes.count == 1 ? "" : "s"): \(shown)\(nodes.count > 3 ? ", ..." : ""))"
        }
        throw fail("ops netviz does not read: \(listed.joined(separator: "; "))")
    }

    /// A graph input's (or stated) value: fixed dims as they are, symbolic dims bound to 1 (one sample) and named.
    private func inputValue(_ input: ONNXValueInfo) throws -> ONNXValue {
        guard let shape = input.shape else { throw fail("'\(input.name)' has no shape") }
        var value = ONNXValue(dims: [], elementType: input.elementType)
        for (axis, dim) in shape.enumerated() {
            switch dim {
            case .value(let size):
                guard size >= 0, size <= Int64(Int32.max) else { throw fail("input '\(input.name)' has size \(size) at axis \(axis)") }
                value.dims.append(Int(size))
            case .param(let symbol):
                value.dims.append(1)
                value.symbols[axis] = symbol
            case .unknown:
                value.dims.append(1)
                value.symbols[axis] = "?"
            }
        }
        return value
    }

    /// Node attributes hold sub-graphs only for control flow (If, Loop), which netviz does not read; drop them.
    private static func withoutGraphs(_ node: ONNXNodeProto) -> ONNXNodeProto {
        var copy = node
        copy.attributes = node.attributes.filter { if case .graph = $0.value { return false } else { return true } }
        return copy
    }

    private func fail(_ message: String) -> NetVizError { .file(path: path, message: message) }
}

extension ONNXFormat {
    /// The initializers (and Constant-node tensors) each node of `model` holds, read from the file as float32.
    func weights(_ probe: FileProbe, for model: Model) throws -> WeightStore? {
        let proto = try ONNXModelProto.read(path: probe.path)
        var tensors: [String: ONNXTensorProto] = [:]
        for tensor in proto.graph.initializers { tensors[tensor.name] = tensor }
        for node in proto.graph.nodes where node.opType == "Constant" && node.outputs.count == 1 {
            if case .tensor(var tensor)? = node.attribute("value") {
                tensor.name = node.outputs[0]
                tensors[tensor.name] = tensor
            }
        }
        guard let handle = FileHandle(forReadingAtPath: probe.path) else {
            throw NetVizError.file(path: probe.path, message: "cannot be read")
        }
        defer { try? handle.close() }
        var store = WeightStore()
        var loaded: [String: Tensor] = [:]
        for node in model.nodes {
            guard let op = node.layer as? ONNXOperator else { continue }
            for spec in op.weightSpecs {
                guard let proto = tensors[spec.name] else {
                    throw NetVizError.file(path: probe.path, message: "node '\(node.name)' reads initializer '\(spec.name)', which has no data")
                }
                let tensor = try loaded[spec.name] ?? Self.values(of: proto, shape: spec.shape, handle: handle, path: probe.path)
                loaded[spec.name] = tensor
                store.tensors["\(node.name)/\(spec.name)"] = tensor
            }
        }
        return store
    }

    /// A tensor's values as Floats: from `raw_data` in the file, or the typed values kept while reading.
    private static func values(of proto: ONNXTensorProto, shape: [Int], handle: FileHandle, path: String) throws -> Tensor {
        let count = shape.reduce(1, *)
        if let floats = proto.floats, floats.count == count { return Tensor(unchecked: shape, data: floats) }
        if let integers = proto.integers, integers.count == count { return Tensor(unchecked: shape, data: integers.map { Float($0) }) }
        guard !proto.isExternal else {
            throw NetVizError.file(path: path, message: "initializer '\(proto.name)' is stored in an external file; verify reads weights stored in the .onnx file")
        }
        guard let range = proto.rawRange else {
            throw NetVizError.file(path: path, message: "initializer '\(proto.name)' keeps its values in typed fields, which verify does not read")
        }
        let width: Int
        switch ONNXDataType(rawValue: proto.dataType) {
        case .float, .int32: width = 4
        case .float16, .bfloat16: width = 2
        case .double, .int64: width = 8
        default: throw NetVizError.file(path: path, message: "initializer '\(proto.name)' has an element type verify does not read (\(proto.dataType))")
        }
        guard range.count == count * width else {
            throw NetVizError.file(path: path, message: "initializer '\(proto.name)' holds \(range.count) bytes for \(count) elements")
        }
        let bytes: Data
        do {
            try handle.seek(toOffset: UInt64(range.lowerBound))
            bytes = try handle.read(upToCount: range.count) ?? Data()
        } catch {
            throw NetVizError.file(path: path, message: "cannot read initializer '\(proto.name)'")
        }
        guard bytes.count == range.count else { throw NetVizError.file(path: path, message: "initializer '\(proto.name)' runs past the end") }
        let data: [Float] = bytes.withUnsafeBytes { raw in
            (0..<count).map { i in
                var bits: UInt64 = 0
                for b in 0..<width { bits |= UInt64(raw[i * width + b]) << (8 * UInt64(b)) }
                switch ONNXDataType(rawValue: proto.dataType) {
                case .float: return Float(bitPattern: UInt32(truncatingIfNeeded: bits))
                case .int32: return Float(Int32(bitPattern: UInt32(truncatingIfNeeded: bits)))
                case .float16: return Float(Float16(bitPattern: UInt16(truncatingIfNeeded: bits)))
                case .bfloat16: return Float(bitPattern: UInt32(truncatingIfNeeded: bits) << 16)
                case .double: return Float(Double(bitPattern: bits))
                default: return Float(Int64(bitPattern: bits))
                }
            }
        }
        return Tensor(unchecked: shape, data: data)
    }
}
