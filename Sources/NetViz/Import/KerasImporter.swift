import Foundation

/// How the importer treats what it does not know, and the bounds it puts on untrusted input.
public struct KerasImportOptions: Sendable {
    /// Import unknown classes as shape-preserving layers with 0 params and MACs (with a warning) instead of failing.
    public var allowUnknown = false
    /// The largest config read, in bytes (a `.json` file or `config.json` inside a `.keras` archive).
    public var maxConfigBytes = 16 << 20
    /// The most layers a model (with its nested models) may have.
    public var maxLayers = 100_000
    /// The deepest nesting of sub-models.
    public var maxNesting = 8

    public init() {}
}

/// An imported model and what the importer has to say about it (unknown classes it let through).
public struct ImportedModel: Sendable {
    public let model: Model
    public let warnings: [String]
}

/// Keras 3 model files into netviz graphs: the JSON of `model.to_json()` and `.keras` archives
/// (Docs/keras-import.md). Every failure is one `NetVizError.file` line naming the file and, where there is one,
/// the layer.
public enum KerasImporter {
    /// Reads a `.json` config or a `.keras` archive (recognised by content, not by extension).
    public static func load(path: String, options: KerasImportOptions = KerasImportOptions()) throws -> ImportedModel {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw NetVizError.file(path: path, message: "no such file")
        }
        guard !isDirectory.boolValue else { throw NetVizError.file(path: path, message: "is a directory") }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw NetVizError.file(path: path, message: "cannot be read")
        }
        let prefix = (try? handle.read(upToCount: 4)).map { [UInt8]($0 ?? Data()) } ?? []
        try? handle.close()
        let bytes: [UInt8]
        if KerasArchive.looksLikeZip(prefix) {
            do {
                bytes = try KerasArchive.configJSON(at: path, limit: options.maxConfigBytes)
            } catch {
                throw NetVizError.file(path: path, message: error.message)
            }
        } else {
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
            guard size <= Int64(options.maxConfigBytes) else {
                throw NetVizError.file(
                    path: path,
                    message: "the config is \(size) bytes; netviz reads configs of at most \(options.maxConfigBytes) bytes")
            }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw NetVizError.file(path: path, message: "cannot be read")
            }
            guard data.count <= options.maxConfigBytes else {
                throw NetVizError.file(path: path, message: "the config is larger than \(options.maxConfigBytes) bytes")
            }
            bytes = [UInt8](data)
        }
        return try importConfig(bytes, file: path, options: options)
    }

    /// Imports a file's bytes held in memory: a `.keras` archive (by its ZIP signature) or config JSON.
    public static func importFile(
        _ bytes: [UInt8], file: String, options: KerasImportOptions = KerasImportOptions()
    ) throws -> ImportedModel {
        guard KerasArchive.looksLikeZip(Array(bytes.prefix(4))) else { return try importConfig(bytes, file: file, options: options) }
        do {
            return try importConfig(
                KerasArchive.configJSON(bytes: bytes, limit: options.maxConfigBytes), file: file, options: options)
        } catch let error as KerasArchive.Failure {
            throw NetVizError.file(path: file, message: error.message)
        }
    }

    /// Imports the JSON text of `model.to_json()` (or a `.keras` archive's `config.json`); `file` names it in errors.
    public static func importConfig(
        _ bytes: [UInt8], file: String, options: KerasImportOptions = KerasImportOptions()
    ) throws -> ImportedModel {
        guard bytes.count <= options.maxConfigBytes else {
            throw NetVizError.file(path: file, message: "the config is larger than \(options.maxConfigBytes) bytes")
        }
        let json: KerasJSON
        do {
            json = try JSONParser.parse(bytes)
        } catch {
            let kind = bytes.isEmpty ? "is empty, not" : "is not valid"
            throw NetVizError.file(path: file, message: "\(kind) JSON: \(error.message) at byte \(error.offset)")
        }
        var importer = Importer(file: file, options: options)
        do {
            let model = try importer.model(json, depth: 0)
            return ImportedModel(model: model, warnings: importer.warningLines())
        } catch let error as NetVizError {
            throw importer.located(error)
        } catch let problem as LayerProblem {
            throw NetVizError.file(path: file, message: problem.message)
        }
    }
}

/// The state of one import: the file name for errors, counts against the bounds, unknown classes met.
struct Importer {
    let file: String
    let options: KerasImportOptions
    var layerCount = 0
    /// Unknown class -> the layers using it, in order of appearance.
    var unknown: [(className: String, layers: [String])] = []

    init(file: String, options: KerasImportOptions) {
        self.file = file
        self.options = options
    }

    func located(_ error: NetVizError) -> NetVizError {
        switch error {
        case .file: error
        case let .layer(name, className, message): .file(path: file, message: "layer '\(name)' (\(className)): \(message)")
        case let .graph(message): .file(path: file, message: "model: \(message)")
        case let .overflow(what): .file(path: file, message: "count overflow: \(what) does not fit in 64 bits")
        default: .file(path: file, message: error.description)
        }
    }

    func warningLines() -> [String] {
        unknown.map { item in
            let names = item.layers.prefix(8).map { "'\($0)'" }.joined(separator: ", ")
                + (item.layers.count > 8 ? ", ... (\(item.layers.count) layers)" : "")
            return "unknown Keras class \(item.className) (\(names)) imported with --allow-unknown as shape-preserving, "
                + "0 params and 0 MACs: its counts are missing from the totals"
        }
    }

    // MARK: Models

    /// A Functional or Sequential model config (top level or nested).
    mutating func model(_ json: KerasJSON, depth: Int) throws -> Model {
        guard depth <= options.maxNesting else {
            throw NetVizError.graph("sub-models nested deeper than \(options.maxNesting) levels")
        }
        guard let root = json.objectValue else { throw NetVizError.graph("the config is \(json.kind), not a Keras model") }
        guard let className = root["class_name"]?.stringValue, let config = root["config"]?.objectValue else {
            throw NetVizError.graph("not a Keras model config: no class_name and config (save it with model.to_json())")
        }
        switch className {
        case "Functional", "Model":
            return try functional(config, depth: depth)
        case "Sequential":
            return try sequential(config, root: root, depth: depth)
        default:
            throw NetVizError.graph(
                "the top-level class is \(className); netviz reads Functional and Sequential models")
        }
    }

    func entries(_ config: [String: KerasJSON]) throws -> [KerasJSON] {
        guard let layers = config["layers"]?.arrayValue else { throw NetVizError.graph("the config has no layers list") }
        return layers
    }

    mutating func countLayers(_ n: Int) throws {
        layerCount += n
        guard layerCount <= options.maxLayers else {
            throw NetVizError.graph("more than \(options.maxLayers) layers; netviz refuses configs this large")
        }
    }

    func layerEntry(_ json: KerasJSON, index: Int) throws -> KerasLayerConfig {
        guard let entry = json.objectValue else { throw NetVizError.graph("layer #\(index) is \(json.kind), not a layer") }
        let config = entry["config"]?.objectValue ?? [:]
        guard let name = entry["name"]?.stringValue ?? config["name"]?.stringValue, !name.isEmpty else {
            throw NetVizError.graph("layer #\(index) has no name")
        }
        guard let className = entry["class_name"]?.stringValue else {
            throw NetVizError.layer(name: name, className: "?", message: "has no class_name")
        }
        return KerasLayerConfig(
            name: name, className: className, module: entry["module"]?.stringValue ?? "",
            registeredName: entry["registered_name"]?.stringValue, config: config, entry: entry)
    }

    /// A tensor reference `[layer, node_index, tensor_index]` (or a `__keras_tensor__` object holding one).
    static func reference(_ json: KerasJSON) -> String? {
        if let object = json.objectValue {
            guard object["class_name"]?.stringValue == "__keras_tensor__" else { return nil }
            return object["config"]?["keras_history"].flatMap(reference)
        }
        guard let list = json.arrayValue, list.count == 3, let name = list[0].stringValue else { return nil }
        return name
    }

    static func historyIndices(_ json: KerasJSON) -> (Int64, Int64)? {
        let list = json.objectValue.flatMap { $0["config"]?["keras_history"]?.arrayValue } ?? json.arrayValue
        guard let list, list.count == 3, case .int(let node) = list[1], case .int(let tensor) = list[2] else { return nil }
        return (node, tensor)
    }

    /// `input_layers` / `output_layers`: one `[name, 0, 0]` or a list of them.
    func endpoints(_ json: KerasJSON?, _ key: String) throws -> [String] {
        guard let list = json?.arrayValue, !list.isEmpty else { throw NetVizError.graph("\(key) is missing or empty") }
        if list.count == 3, list[0].stringValue != nil, let name = Self.reference(json ?? .null) { return [name] }
        return try list.map {
            guard let name = Self.reference($0) else { throw NetVizError.graph("\(key) holds \($0.kind), not [layer, 0, 0]") }
            return name
        }
    }

    /// One call's inputs: the tensors among `args` (also inside one level of list) and the numeric constants.
    func callArguments(_ layer: KerasLayerConfig) throws -> (inputs: [String], constants: [Double], order: [ElementwiseOperand]) {
        guard let nodes = layer.entry["inbound_nodes"]?.arrayValue else {
            throw NetVizError.layer(name: layer.name, className: layer.className, message: "has no inbound_nodes")
        }
        guard nodes.count == 1 else {
            let message = nodes.isEmpty
                ? "is never called (no inbound_nodes)"
                : "is called \(nodes.count) times (a shared layer); netviz reads layers called once"
            throw NetVizError.layer(name: layer.name, className: layer.className, message: message)
        }
        var inputs: [String] = []
        var constants: [Double] = []
        var order: [ElementwiseOperand] = []
        let args = nodes[0]["args"]?.arrayValue ?? []
        func take(_ value: KerasJSON) throws {
            if let name = Self.reference(value), value.objectValue != nil {
                if let (node, tensor) = Self.historyIndices(value), node != 0 || tensor != 0 {
                    throw NetVizError.layer(
                        name: layer.name, className: layer.className,
                        message: "reads output \(tensor) of call \(node) of '\(name)'; netviz reads single-output layers called once")
                }
                order.append(.input(inputs.count))
                inputs.append(name)
            } else if let number = value.doubleValue {
                constants.append(number)
                order.append(.constant(number))
            }
        }
        for arg in args {
            if let list = arg.arrayValue { for item in list { try take(item) } } else { try take(arg) }
        }
        return (inputs, constants, order)
    }

    mutating func functional(_ config: [String: KerasJSON], depth: Int) throws -> Model {
        let raw = try entries(config)
        try countLayers(raw.count)
        let layers = try raw.enumerated().map { try layerEntry($1, index: $0) }
        var indexOf: [String: Int] = [:]
        for (i, layer) in layers.enumerated() {
            guard indexOf.updateValue(i, forKey: layer.name) == nil else {
                throw NetVizError.graph("layer name '\(layer.name)' is used twice; layer names must be unique")
            }
        }
        // Inbound references, checked before anything is built.
        var arguments: [(inputs: [Int], constants: [Double], order: [ElementwiseOperand])] = []
        arguments.reserveCapacity(layers.count)
        for layer in layers {
            if layer.className == "InputLayer" { arguments.append(([], [], [])); continue }
            let (names, constants, operandOrder) = try callArguments(layer)
            let inputs = try names.map { name in
                guard let index = indexOf[name] else {
                    throw NetVizError.layer(
                        name: layer.name, className: layer.className,
                        message: "its input '\(name)' is not a layer of the model (a dangling inbound_nodes reference)")
                }
                return index
            }
            guard !inputs.isEmpty else {
                throw NetVizError.layer(name: layer.name, className: layer.className, message: "is called on no tensor")
            }
            arguments.append((inputs, constants, operandOrder))
        }
        try rejectUnknown(layers)
        let order = try topologicalOrder(layers, arguments.map(\.inputs))
        var tensors = [SymbolicTensor?](repeating: nil, count: layers.count)
        for index in order {
            let layer = layers[index]
            do {
                if layer.className == "InputLayer" {
                    tensors[index] = try input(layer)
                    continue
                }
                let inputs = arguments[index].inputs.compactMap { tensors[$0] }
                let made = try self.layer(
                    layer, inputs: inputs.count, constants: arguments[index].constants,
                    operands: arguments[index].order, depth: depth)
                tensors[index] = try made.callAsFunction(inputs)
            } catch let problem as LayerProblem {
                throw NetVizError.layer(name: layer.name, className: layer.className, message: problem.message)
            }
        }
        func endpointTensors(_ key: String) throws -> [SymbolicTensor] {
            try endpoints(config[key], key).map { name in
                guard let index = indexOf[name], let tensor = tensors[index] else {
                    throw NetVizError.graph("\(key) names '\(name)', which is not a layer of the model")
                }
                return tensor
            }
        }
        let name = config["name"]?.stringValue ?? "functional"
        return try Model(inputs: endpointTensors("input_layers"), outputs: endpointTensors("output_layers"), name: name)
    }

    mutating func sequential(_ config: [String: KerasJSON], root: [String: KerasJSON], depth: Int) throws -> Model {
        let raw = try entries(config)
        try countLayers(raw.count)
        var layers = try raw.enumerated().map { try layerEntry($1, index: $0) }
        var seen: Set<String> = []
        for layer in layers where !seen.insert(layer.name).inserted {
            throw NetVizError.graph("layer name '\(layer.name)' is used twice; layer names must be unique")
        }
        try rejectUnknown(layers)
        var x: SymbolicTensor
        if let first = layers.first, first.className == "InputLayer" {
            x = try input(first)
            layers.removeFirst()
        } else {
            let shape = config["build_input_shape"] ?? root["build_config"]?["input_shape"]
            guard let shape, !shape.isNull else {
                throw NetVizError.graph("the Sequential model has no InputLayer and no build_input_shape: its input shape is unknown")
            }
            x = try Input(shape: try inputDims(shape, layer: "input_layer"), name: "input_layer")
        }
        for layer in layers {
            do {
                x = try self.layer(layer, inputs: 1, constants: [], depth: depth).callAsFunction([x])
            } catch let problem as LayerProblem {
                throw NetVizError.layer(name: layer.name, className: layer.className, message: problem.message)
            }
        }
        let input = try inputTensor(of: x)
        return try Model(inputs: [input], outputs: [x], name: config["name"]?.stringValue ?? "sequential")
    }

    /// The Input a chain starts from.
    func inputTensor(of tensor: SymbolicTensor) throws -> SymbolicTensor {
        var current = tensor
        var steps = 0
        while let first = current.producer.inputs.first {
            current = first
            steps += 1
            if steps > options.maxLayers { break }
        }
        return current
    }

    /// Kahn's algorithm, taking the earliest ready layer in config order (so a topological config keeps its order).
    func topologicalOrder(_ layers: [KerasLayerConfig], _ inputs: [[Int]]) throws -> [Int] {
        var pending = inputs.map(\.count)
        var consumers = [[Int]](repeating: [], count: layers.count)
        for (i, sources) in inputs.enumerated() { for s in sources { consumers[s].append(i) } }
        var ready = MinHeap()
        for i in layers.indices where pending[i] == 0 { ready.push(i) }
        var order: [Int] = []
        order.reserveCapacity(layers.count)
        while let i = ready.pop() {
            order.append(i)
            for c in consumers[i] {
                pending[c] -= 1
                if pending[c] == 0 { ready.push(c) }
            }
        }
        if order.count < layers.count {
            let stuck = layers.indices.filter { pending[$0] > 0 }.prefix(5).map { "'\(layers[$0].name)'" }
            throw NetVizError.graph(
                "the layers \(stuck.joined(separator: ", ")) wait on each other: the inbound_nodes form a cycle")
        }
        return order
    }

    // MARK: Layers

    func input(_ layer: KerasLayerConfig) throws -> SymbolicTensor {
        guard let shape = layer.config["batch_shape"] ?? layer.config["batch_input_shape"] else {
            throw NetVizError.layer(name: layer.name, className: "InputLayer", message: "has no batch_shape")
        }
        do {
            let dims = try inputDims(shape, layer: layer.name, hasBatch: true)
            return try Input(shape: dims, dtype: try dtype(layer), name: layer.name)
        } catch let problem as LayerProblem {
            throw NetVizError.layer(name: layer.name, className: "InputLayer", message: problem.message)
        }
    }

    func dtype(_ layer: KerasLayerConfig) throws -> DType {
        let value = layer.config["dtype"]
        let name = value?.stringValue ?? value?["config"]?["name"]?.stringValue ?? "float32"
        guard let dtype = DType(rawValue: name) else { throw LayerProblem("dtype '\(name)' is not supported") }
        return dtype
    }

    /// A shape with (or, for `build_input_shape`, also with) the batch dim: every other dim a positive integer.
    func inputDims(_ shape: KerasJSON, layer: String, hasBatch: Bool = true) throws -> [Int] {
        guard let list = shape.arrayValue, list.count >= 2, list.count <= 9 else {
            throw LayerProblem("input shape must be a list (batch, dims...) of rank 2 to 9, got \(shape.kind)")
        }
        return try list.dropFirst().enumerated().map { (axis, value) in
            guard !value.isNull else {
                throw LayerProblem(
                    "dimension \(axis + 1) of the input shape is None: netviz needs a fixed input size to count "
                        + "(export the model with e.g. keras.Input((224, 224, 3)))")
            }
            let dim = try KerasLayerConfig.integer(value, "input shape")
            guard dim > 0 else { throw LayerProblem("input shape dimension \(axis + 1) is \(dim); it must be positive") }
            return dim
        }
    }

    func isKnown(_ layer: KerasLayerConfig) -> Bool {
        if layer.module.hasPrefix("keras.src.ops") { return ElementwiseOp<OneInput>.supportedOperations.contains(layer.className) }
        return Self.builders[layer.className] != nil || ["InputLayer", "Functional", "Model", "Sequential"].contains(layer.className)
    }

    /// Unknown classes: one error naming all of them, or (with `allowUnknown`) a record for the warnings.
    mutating func rejectUnknown(_ layers: [KerasLayerConfig]) throws {
        var found: [(className: String, layers: [String])] = []
        for layer in layers where !isKnown(layer) {
            let label = layer.module.hasPrefix("keras.src.ops") ? "\(layer.className) (keras.ops)" : layer.className
            if let i = found.firstIndex(where: { $0.className == label }) {
                found[i].layers.append(layer.name)
            } else {
                found.append((label, [layer.name]))
            }
        }
        guard !found.isEmpty else { return }
        if options.allowUnknown {
            for item in found {
                if let i = unknown.firstIndex(where: { $0.className == item.className }) {
                    unknown[i].layers += item.layers
                } else {
                    unknown.append(item)
                }
            }
            return
        }
        let list = found.map { item in
            let names = item.layers.prefix(5).map { "'\($0)'" }.joined(separator: ", ")
                + (item.layers.count > 5 ? ", ... (\(item.layers.count) layers)" : "")
            return "\(item.className) (used by \(names))"
        }
        throw NetVizError.graph(
            "unknown Keras \(found.count == 1 ? "class" : "classes") \(list.joined(separator: "; ")); "
                + "--allow-unknown imports them as shape-preserving with 0 params and MACs")
    }

    mutating func layer(
        _ layer: KerasLayerConfig, inputs: Int, constants: [Double], operands: [ElementwiseOperand] = [],
        depth: Int
    ) throws -> any Layer {
        let made: any Layer
        if layer.module.hasPrefix("keras.src.ops") && ElementwiseOp<OneInput>.supportedOperations.contains(layer.className) {
            made = inputs == 1
                ? ElementwiseOp<OneInput>(operation: layer.className, constants: constants, operands: operands, name: layer.name)
                : ElementwiseOp<SeveralInputs>(operation: layer.className, constants: constants, operands: operands, name: layer.name)
        } else if ["Functional", "Model", "Sequential"].contains(layer.className) {
            let inner = try model(.object(layer.entry), depth: depth + 1)
            made = NestedModel(inner, kerasClassName: layer.className == "Model" ? "Functional" : layer.className, name: layer.name)
        } else if let build = Self.builders[layer.className], !layer.module.hasPrefix("keras.src.ops") {
            made = try build(layer)
        } else {
            made = inputs == 1
                ? UnknownLayer<OneInput>(kerasClassName: layer.className, name: layer.name)
                : UnknownLayer<SeveralInputs>(kerasClassName: layer.className, name: layer.name)
        }
        if case .bool(false) = layer.config["trainable"] ?? .null, !(made is NestedModel) {
            return type(of: made).arity == .atLeastTwo ? FrozenLayer<SeveralInputs>(made) : FrozenLayer<OneInput>(made)
        }
        if case .bool(false) = layer.config["trainable"] ?? .null, let nested = made as? NestedModel {
            return FrozenLayer<OneInput>(nested)
        }
        return made
    }

    typealias Builder = @Sendable (KerasLayerConfig) throws -> any Layer

    /// Keras class name -> netviz layer, reading Keras's argument names with Keras's defaults.
    static let builders: [String: Builder] = [
        "Conv2D": { c in
            Conv2D(
                filters: try c.int("filters"), kernelSize: try c.size2("kernel_size", 1), strides: try c.size2("strides", 1),
                padding: try c.padding(), dataFormat: try c.dataFormat(), dilationRate: try c.size2("dilation_rate", 1),
                groups: try c.int("groups", 1), activation: try c.activation(), useBias: try c.bool("use_bias", true),
                name: c.name)
        },
        "DepthwiseConv2D": { c in
            DepthwiseConv2D(
                kernelSize: try c.size2("kernel_size", 1), strides: try c.size2("strides", 1), padding: try c.padding(),
                depthMultiplier: try c.int("depth_multiplier", 1), dataFormat: try c.dataFormat(),
                dilationRate: try c.size2("dilation_rate", 1), activation: try c.activation(),
                useBias: try c.bool("use_bias", true), name: c.name)
        },
        "SeparableConv2D": { c in
            SeparableConv2D(
                filters: try c.int("filters"), kernelSize: try c.size2("kernel_size", 1), strides: try c.size2("strides", 1),
                padding: try c.padding(), dataFormat: try c.dataFormat(), dilationRate: try c.size2("dilation_rate", 1),
                depthMultiplier: try c.int("depth_multiplier", 1), activation: try c.activation(),
                useBias: try c.bool("use_bias", true), name: c.name)
        },
        "Dense": { c in
            Dense(units: try c.int("units"), activation: try c.activation(), useBias: try c.bool("use_bias", true), name: c.name)
        },
        "BatchNormalization": { c in
            let axes = try c.axes() ?? [-1]
            guard axes.count == 1 else { throw LayerProblem("axis \(axes): netviz reads a single BatchNormalization axis") }
            return BatchNormalization(
                axis: axes[0], momentum: try c.double("momentum", 0.99), epsilon: try c.double("epsilon", 0.001),
                center: try c.bool("center", true), scale: try c.bool("scale", true), name: c.name)
        },
        "LayerNormalization": { c in
            let rms = try c.bool("rms_scaling", false)
            return LayerNormalization(
                axes: try c.axes() ?? [-1], epsilon: try c.double("epsilon", 0.001),
                center: rms ? false : try c.bool("center", true), scale: try c.bool("scale", true), name: c.name)
        },
        "Normalization": { c in
            let given = c.value("mean") != nil || c.value("variance") != nil
            // A scalar or a (nested) list of numbers; kept so the executor can run the layer.
            func numbers(_ key: String) -> [Double]? {
                guard let value = c.value(key) else { return nil }
                var out: [Double] = []
                var stack = [value]
                while let item = stack.popLast(), out.count <= 1 << 20 {
                    if let number = item.doubleValue { out.append(number) } else if let list = item.arrayValue {
                        stack.append(contentsOf: list.reversed())
                    }
                }
                return out
            }
            return Normalization(
                axes: try c.axes() ?? [], statisticsGiven: given, mean: numbers("mean"), variance: numbers("variance"),
                invert: try c.bool("invert", false), name: c.name)
        },
        "Activation": { c in
            Activation(try c.activation() ?? .linear, name: c.name)
        },
        "ReLU": { c in
            ReLU(
                maxValue: try c.optionalDouble("max_value"), negativeSlope: try c.double("negative_slope", 0),
                threshold: try c.double("threshold", 0), name: c.name)
        },
        "Add": { c in Add(name: c.name) },
        "Multiply": { c in Multiply(name: c.name) },
        "Concatenate": { c in Concatenate(axis: try c.int("axis", -1), name: c.name) },
        "AveragePooling2D": { c in
            AveragePooling2D(
                poolSize: try c.size2("pool_size", 2), strides: c.value("strides") == nil ? nil : try c.size2("strides", 2),
                padding: try c.padding(), dataFormat: try c.dataFormat(), name: c.name)
        },
        "MaxPooling2D": { c in
            MaxPooling2D(
                poolSize: try c.size2("pool_size", 2), strides: c.value("strides") == nil ? nil : try c.size2("strides", 2),
                padding: try c.padding(), dataFormat: try c.dataFormat(), name: c.name)
        },
        "GlobalAveragePooling2D": { c in
            GlobalAveragePooling2D(dataFormat: try c.dataFormat(), keepdims: try c.bool("keepdims", false), name: c.name)
        },
        "GlobalMaxPooling2D": { c in
            GlobalMaxPooling2D(dataFormat: try c.dataFormat(), keepdims: try c.bool("keepdims", false), name: c.name)
        },
        "ZeroPadding2D": { c in
            ZeroPadding2D(padding: try c.margins("padding", Margins2D(1)), dataFormat: try c.dataFormat(), name: c.name)
        },
        "Cropping2D": { c in
            Cropping2D(cropping: try c.margins("cropping", Margins2D(0)), dataFormat: try c.dataFormat(), name: c.name)
        },
        "Reshape": { c in
            guard let target = try c.intList("target_shape") else { throw LayerProblem("target_shape is missing") }
            return Reshape(targetShape: target, name: c.name)
        },
        "Flatten": { c in Flatten(dataFormat: try c.dataFormat(), name: c.name) },
        "Dropout": { c in Dropout(rate: try c.double("rate", 0), name: c.name) },
        "Rescaling": { c in
            // A per-channel list (EfficientNet) is kept as its first value: it changes neither shape nor counts.
            let scale = c.value("scale").flatMap { $0.doubleValue ?? $0.arrayValue?.first?.doubleValue } ?? 1
            let offset = c.value("offset").flatMap { $0.doubleValue ?? $0.arrayValue?.first?.doubleValue } ?? 0
            return Rescaling(scale: scale, offset: offset, name: c.name)
        },
        "LayerScale": { c in
            LayerScale(initValues: try c.double("init_values", 1e-6), projectionDim: try c.int("projection_dim"), name: c.name)
        },
    ]
}

/// A binary min-heap of layer indices (Kahn's ready set).
struct MinHeap {
    private var items: [Int] = []

    mutating func push(_ value: Int) {
        items.append(value)
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard items[parent] > items[i] else { break }
            items.swapAt(parent, i)
            i = parent
        }
    }

    mutating func pop() -> Int? {
        guard let top = items.first else { return nil }
        let last = items.removeLast()
        guard !items.isEmpty else { return top }
        items[0] = last
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var smallest = i
            if l < items.count, items[l] < items[smallest] { smallest = l }
            if r < items.count, items[r] < items[smallest] { smallest = r }
            guard smallest != i else { break }
            items.swapAt(i, smallest)
            i = smallest
        }
        return top
    }
}

