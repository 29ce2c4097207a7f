import HeapModule

/// The state of one import: the file name for errors and counts against the bounds.
struct KerasGraphReader {
    let file: String
    let options: ImportOptions
    var layerCount = 0
    /// Reads the shapes of a `.keras` archive's variables, for custom layers (`KerasCustomLayers.swift`); nil for
    /// a config, which carries no weights.
    var readVariableShapes: (() throws -> [String: [Int]]?)?
    /// What `readVariableShapes` gave, once read.
    var variableShapes: [String: [Int]]??

    init(file: String, options: ImportOptions) {
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

    // MARK: Models

    /// A Functional or Sequential model config (top level or nested).
    /// `container`: its layers' group in model.weights.h5.
    mutating func model(_ json: JSON, depth: Int, container: String = "layers") throws -> Model {
        guard depth <= options.maxNesting else {
            throw NetVizError.graph("sub-models nested deeper than \(options.maxNesting) levels")
        }
        guard let root = json.objectValue else { throw NetVizError.graph("the config is \(json.kind), not a Keras model") }
        guard let className = root["class_name"]?.stringValue, let config = root["config"]?.objectValue else {
            throw NetVizError.graph("not a Keras model config: no class_name and config (save it with model.to_json())")
        }
        switch className {
        case "Functional", "Model":
            return try functional(config, depth: depth, container: container)
        case "Sequential":
            return try sequential(config, root: root, depth: depth, container: container)
        default:
            throw NetVizError.graph(
                "the top-level class is \(className); netviz reads Functional and Sequential models")
        }
    }

    func entries(_ config: [String: JSON]) throws -> [JSON] {
        guard let layers = config["layers"]?.arrayValue else { throw NetVizError.graph("the config has no layers list") }
        return layers
    }

    mutating func countLayers(_ n: Int) throws {
        layerCount += n
        guard layerCount <= options.maxLayers else {
            throw NetVizError.graph("more than \(options.maxLayers) layers; netviz refuses configs this large")
        }
    }

    func layerEntry(_ json: JSON, index: Int) throws -> KerasLayerConfig {
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
    static func reference(_ json: JSON) -> String? {
        if let object = json.objectValue {
            guard object["class_name"]?.stringValue == "__keras_tensor__" else { return nil }
            return object["config"]?["keras_history"].flatMap(reference)
        }
        guard let list = json.arrayValue, list.count == 3, let name = list[0].stringValue else { return nil }
        return name
    }

    /// The node and tensor indices of a reference; nil when they are not integers (10^20 parses as a double).
    static func historyIndices(_ json: JSON) -> (Int64, Int64)? {
        let list = json.objectValue.flatMap { $0["config"]?["keras_history"]?.arrayValue } ?? json.arrayValue
        guard let list, list.count == 3, case .int(let node) = list[1], case .int(let tensor) = list[2] else { return nil }
        return (node, tensor)
    }

    /// `input_layers` / `output_layers`: one `[name, 0, 0]` or a list of them.
    func endpoints(_ json: JSON?, _ key: String) throws -> [TensorReference] {
        guard let list = json?.arrayValue, !list.isEmpty else { throw NetVizError.graph("\(key) is missing or empty") }
        func endpoint(_ value: JSON) throws -> TensorReference {
            guard let name = Self.reference(value) else { throw NetVizError.graph("\(key) holds \(value.kind), not [layer, node, tensor]") }
            var node: Int64 = 0, tensor: Int64 = 0
            if let list = value.arrayValue, list.count == 3, case .int(let index) = list[1] { node = index }
            if let list = value.arrayValue, list.count == 3, case .int(let index) = list[2] { tensor = index }
            guard node >= 0, node < Int64(maxCalls) else { throw NetVizError.graph("\(key) names call \(node) of '\(name)'") }
            guard tensor >= 0, tensor < Int64(maxOutputs) else {
                throw NetVizError.graph("\(key) names output \(tensor) of '\(name)'; a layer has at most \(maxOutputs) outputs")
            }
            return TensorReference(layer: name, call: Int(node), tensor: Int(tensor))
        }
        if list.count == 3, list[0].stringValue != nil, let json { return [try endpoint(json)] }
        return try list.map(endpoint)
    }


    /// A tensor a call reads: the layer that made it and which of that layer's calls (Keras's node index).
    struct TensorReference {
        let layer: String
        let call: Int
        /// Which output of the call (Keras's tensor index): an LSTM with `return_state` has 3.
        var tensor = 0
    }

    /// One call of a layer: its tensor inputs (among `args`, also inside one level of list), its numeric constants,
    /// and their order.
    struct CallArguments {
        var inputs: [TensorReference] = []
        /// The shape and dtype Keras 3 recorded for each input tensor (`__keras_tensor__`'s config), nil in Keras 2.
        var recorded: [JSON?] = []
        var constants: [Double] = []
        var order: [ElementwiseOperand] = []
    }

    /// Every call of a layer, one per entry of its `inbound_nodes` (a shared layer has several).
    /// `firstCall`: the node index of a layer's first call in this model when it is not 0 (Keras 2 numbers the calls
    /// of a sub-model built on its own Input from 1, its node 0 being that Input's).
    func callArguments(_ layer: KerasLayerConfig, firstCall: [String: Int64] = [:]) throws -> [CallArguments] {
        guard let nodes = layer.entry["inbound_nodes"]?.arrayValue else {
            throw NetVizError.layer(name: layer.name, className: layer.className, message: "has no inbound_nodes")
        }
        guard !nodes.isEmpty else {
            throw NetVizError.layer(name: layer.name, className: layer.className, message: "is never called (no inbound_nodes)")
        }
        guard nodes.count <= maxCalls else {
            throw NetVizError.layer(name: layer.name, className: layer.className, message: "is called \(nodes.count) times; netviz reads up to \(maxCalls)")
        }
        return try nodes.map { try self.call($0, of: layer, firstCall: firstCall) }
    }

    /// Classes whose call takes Keras 3's saved `mask=` tensor as a second input.
    static let readsMaskArgument: Set<String> = ["SimpleRNN", "GRU", "LSTM", "Bidirectional", "RNN", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D"]

    /// The most calls netviz reads of one layer (each call is a node).
    var maxCalls: Int { 10_000 }
    /// The most outputs of one layer call a reference may name (a Bidirectional LSTM with states has 5).
    var maxOutputs: Int { 64 }

    func call(_ node: JSON, of layer: KerasLayerConfig, firstCall: [String: Int64]) throws -> CallArguments {
        var arguments = CallArguments()
        func reference(_ name: String, node: Int64, tensor: Int64, keras2: Bool = false) throws {
            let call = keras2 ? node - firstCall[name, default: 0] : node
            guard tensor >= 0, tensor < Int64(maxOutputs), call >= 0, call < Int64(maxCalls) else {
                throw NetVizError.layer(
                    name: layer.name, className: layer.className,
                    message: "reads output \(tensor) of call \(node) of '\(name)', which cannot exist")
            }
            arguments.order.append(.input(arguments.inputs.count))
            arguments.inputs.append(TensorReference(layer: name, call: Int(call), tensor: Int(tensor)))
            arguments.recorded.append(nil)
        }
        // Keras 2 (tf_keras): a node is a list of `[layer, node_index, tensor_index, kwargs]`.
        if let keras2Node = node.arrayValue {
            for item in keras2Node {
                guard let entry = item.arrayValue, entry.count == 3 || entry.count == 4, let name = entry[0].stringValue
                else {
                    throw NetVizError.layer(
                        name: layer.name, className: layer.className,
                        message: "an inbound_nodes entry is \(item.kind), not [layer, node_index, tensor_index, kwargs]")
                }
                guard case .int(let index) = entry[1], case .int(let tensor) = entry[2] else {
                    throw NetVizError.layer(
                        name: layer.name, className: layer.className,
                        message: "its reference to '\(name)' has node and tensor indices that are not integers")
                }
                try reference(name, node: index, tensor: tensor, keras2: true)
            }
            return arguments
        }
        guard node.objectValue != nil else {
            throw NetVizError.layer(
                name: layer.name, className: layer.className,
                message: "its inbound node is \(node.kind), not a Keras 3 call ({args, kwargs}) or a Keras 2 list")
        }
        func take(_ value: JSON) throws {
            if let name = Self.reference(value), value.objectValue != nil {
                guard let (index, tensor) = Self.historyIndices(value) else {
                    throw NetVizError.layer(
                        name: layer.name, className: layer.className,
                        message: "its reference to '\(name)' has a keras_history whose indices are not integers")
                }
                try reference(name, node: index, tensor: tensor)
                arguments.recorded[arguments.recorded.count - 1] = value["config"]
            } else if let number = value.doubleValue {
                arguments.constants.append(number)
                arguments.order.append(.constant(number))
            }
        }
        for arg in node["args"]?.arrayValue ?? [] {
            if let list = arg.arrayValue { for item in list { try take(item) } } else { try take(arg) }
        }
        // Keras 3 saves the mask a recurrent layer read (from Masking, Embedding(mask_zero=True)) as its call's
        // `mask=` tensor, computed by keras.ops nodes of the config: it is the layer's second input, as Keras shows it.
        if Self.readsMaskArgument.contains(layer.className), let mask = node["kwargs"]?["mask"], !mask.isNull {
            guard Self.reference(mask) != nil, mask.objectValue != nil else {
                throw NetVizError.layer(name: layer.name, className: layer.className, message: "its mask= argument is not one tensor")
            }
            try take(mask)
        }
        // An unknown class (under --allow-unknown) may take tensors as keyword arguments (`mask=`, `y=`): they are
        // its inputs too, or the layers feeding only them would fall out of the graph while still named in warnings.
        if !isKnown(layer), let kwargs = node["kwargs"]?.objectValue {
            for key in kwargs.keys.sorted() {
                let values = kwargs[key]?.arrayValue ?? [kwargs[key] ?? .null]
                for value in values where Self.reference(value) != nil && value.objectValue != nil { try take(value) }
            }
        }
        return arguments
    }

    mutating func functional(_ config: [String: JSON], depth: Int, container: String) throws -> Model {
        let raw = try entries(config)
        try countLayers(raw.count)
        let layers = try raw.enumerated().map { try layerEntry($1, index: $0) }
        var indexOf: [String: Int] = [:]
        for (i, layer) in layers.enumerated() {
            guard indexOf.updateValue(i, forKey: layer.name) == nil else {
                throw NetVizError.graph("layer name '\(layer.name)' is used twice; layer names must be unique")
            }
        }
        // Every call of every layer (a shared layer has several), with its inbound references, checked before
        // anything is built.
        var firstCall: [String: Int64] = [:]
        for layer in layers where Self.startsFromItsOwnInput(layer) { firstCall[layer.name] = 1 }
        var calls: [(layer: Int, index: Int, arguments: CallArguments)] = []
        var callsOf = [[Int]](repeating: [], count: layers.count)
        for (i, layer) in layers.enumerated() {
            let arguments = layer.className == "InputLayer" ? [CallArguments()] : try callArguments(layer, firstCall: firstCall)
            for (k, argument) in arguments.enumerated() {
                callsOf[i].append(calls.count)
                calls.append((i, k, argument))
            }
            try countLayers(arguments.count - 1)
        }
        var sources: [[Int]] = []
        sources.reserveCapacity(calls.count)
        for call in calls {
            let layer = layers[call.layer]
            var inputs = try call.arguments.inputs.map { reference in
                guard let index = indexOf[reference.layer] else {
                    throw NetVizError.layer(
                        name: layer.name, className: layer.className,
                        message: "its input '\(reference.layer)' is not a layer of the model (a dangling inbound_nodes reference)")
                }
                guard reference.call < callsOf[index].count else {
                    throw NetVizError.layer(
                        name: layer.name, className: layer.className,
                        message: "reads call \(reference.call) of '\(reference.layer)', which is called \(callsOf[index].count) time(s)")
                }
                return callsOf[index][reference.call]
            }
            guard layer.className == "InputLayer" || !inputs.isEmpty else {
                throw NetVizError.layer(name: layer.name, className: layer.className, message: "is called on no tensor")
            }
            // A later call comes after the one before it, as Keras made them, so the first call builds the layer.
            if call.index > 0 { inputs.append(callsOf[call.layer][call.index - 1]) }
            sources.append(inputs)
        }
        // Who reads each layer's first call: where a custom layer's output shape is recorded.
        var consumers = [[Consumer]](repeating: [], count: layers.count)
        for call in calls {
            for (position, reference) in call.arguments.inputs.enumerated() where reference.call == 0 && reference.tensor == 0 {
                if let index = indexOf[reference.layer] {
                    consumers[index].append(
                        Consumer(layer: call.layer, position: position, inputs: call.arguments.inputs.count,
                                 firstCall: call.index == 0, recorded: call.arguments.recorded[position]))
                }
            }
        }
        try rejectFrameworkWrappers(layers)
        let custom = try customLayers(layers, consumers: consumers, container: container)
        try rejectUnknown(layers.filter { custom[$0.name] == nil })
        let keys = Self.weightKeys(layers)
        let order = try topologicalOrder(calls.map { layers[$0.layer].name }, sources)
        var tensors = [SymbolicTensor?](repeating: nil, count: calls.count)
        var built = [(any Layer)?](repeating: nil, count: layers.count)
        for index in order {
            let call = calls[index], layer = layers[call.layer]
            do {
                if layer.className == "InputLayer" {
                    tensors[index] = try input(layer)
                    continue
                }
                let inputs = try call.arguments.inputs.indices.compactMap { position in
                    try tensors[sources[index][position]].map { tensor in
                        let port = call.arguments.inputs[position].tensor
                        guard port < tensor.outputCount else {
                            throw LayerProblem(
                                "reads output \(port) of '\(call.arguments.inputs[position].layer)', which has \(tensor.outputCount) output(s)")
                        }
                        return try tensor.output(port)
                    }
                }
                if call.index == 0 {
                    let made = try self.layer(
                        layer, inputs: inputs.count, constants: call.arguments.constants, operands: call.arguments.order,
                        depth: depth, custom: custom[layer.name], container: "\(container)/\(keys[call.layer])/layers")
                    built[call.layer] = made
                    tensors[index] = try made.callAsFunction(inputs)
                } else if let made = built[call.layer] {
                    let later: any Layer = type(of: made).arity == .atLeastTwo || inputs.count > 1
                        ? LaterCall<SeveralInputs>(made, firstCallName: layer.name, callIndex: call.index)
                        : LaterCall<OneInput>(made, firstCallName: layer.name, callIndex: call.index)
                    tensors[index] = try later.callAsFunction(inputs)
                }
            } catch let problem as LayerProblem {
                throw NetVizError.layer(name: layer.name, className: layer.className, message: problem.message)
            }
        }
        func endpointTensors(_ key: String) throws -> [SymbolicTensor] {
            try endpoints(config[key], key).map { reference in
                // A sub-model built on its own Input numbers its calls here from 1 (its node 0 is that Input's).
                let call = max(reference.call - Int(firstCall[reference.layer, default: 0]), 0)
                guard let index = indexOf[reference.layer], call < callsOf[index].count,
                    let tensor = tensors[callsOf[index][call]]
                else {
                    throw NetVizError.graph("\(key) names '\(reference.layer)', which is not a layer of the model")
                }
                guard reference.tensor < tensor.outputCount else {
                    throw NetVizError.graph(
                        "\(key) names output \(reference.tensor) of '\(reference.layer)', which has \(tensor.outputCount) output(s)")
                }
                return try tensor.output(reference.tensor)
            }
        }
        let name = config["name"]?.stringValue ?? "functional"
        return try Model(inputs: endpointTensors("input_layers"), outputs: endpointTensors("output_layers"), name: name)
    }

    mutating func sequential(_ config: [String: JSON], root: [String: JSON], depth: Int, container: String) throws -> Model {
        let raw = try entries(config)
        try countLayers(raw.count)
        let layers = try raw.enumerated().map { try layerEntry($1, index: $0) }
        var seen: Set<String> = []
        for layer in layers where !seen.insert(layer.name).inserted {
            throw NetVizError.graph("layer name '\(layer.name)' is used twice; layer names must be unique")
        }
        // A custom layer's output is the input the next layer was built with.
        let consumers = layers.indices.map { i in
            i + 1 < layers.count ? [Consumer(layer: i + 1, position: 0, inputs: 1, firstCall: true, recorded: nil)] : []
        }
        try rejectFrameworkWrappers(layers)
        let custom = try customLayers(layers, consumers: consumers, container: container)
        try rejectUnknown(layers.filter { custom[$0.name] == nil })
        let keys = Self.weightKeys(layers)
        var x: SymbolicTensor
        let startsWithInput = layers.first?.className == "InputLayer"
        if let first = layers.first, startsWithInput {
            x = try input(first)
        } else if let first = layers.first, let shape = first.config["batch_input_shape"] ?? first.config["batch_shape"],
            !shape.isNull
        {
            // Keras 2 keeps the input shape on the first layer and names the input it makes `<first>_input`.
            let name = first.name + "_input"
            do {
                x = try Input(shape: try inputDims(shape, layer: name), dtype: try dtype(first), name: name)
            } catch let problem as LayerProblem {
                throw NetVizError.layer(name: first.name, className: first.className, message: problem.message)
            }
        } else {
            let shape = config["build_input_shape"] ?? root["build_config"]?["input_shape"]
            guard let shape, !shape.isNull else {
                throw NetVizError.graph("the Sequential model has no InputLayer and no build_input_shape: its input shape is unknown")
            }
            x = try Input(shape: try inputDims(shape, layer: "input_layer"), name: "input_layer")
        }
        for (i, layer) in layers.enumerated() where !(i == 0 && startsWithInput) {
            do {
                x = try self.layer(
                    layer, inputs: 1, constants: [], depth: depth, custom: custom[layer.name],
                    container: "\(container)/\(keys[i])/layers"
                ).callAsFunction([x])
            } catch let problem as LayerProblem {
                throw NetVizError.layer(name: layer.name, className: layer.className, message: problem.message)
            }
        }
        let input = try inputTensor(of: x)
        return try Model(inputs: [input], outputs: [x], name: config["name"]?.stringValue ?? "sequential")
    }

    /// A sub-model that Keras 2 built on its own Input (tf_keras's `_should_skip_first_node`): a Functional, or a
    /// Sequential whose first layer is an InputLayer or carries `batch_input_shape`. Its calls are numbered from 1.
    static func startsFromItsOwnInput(_ layer: KerasLayerConfig) -> Bool {
        switch layer.className {
        case "Functional", "Model": return true
        case "Sequential":
            guard let first = layer.config["layers"]?.arrayValue?.first else { return false }
            if first["class_name"]?.stringValue == "InputLayer" { return true }
            let shape = first["config"]?["batch_input_shape"]
            return shape != nil && shape != .null
        default: return false
        }
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
    func topologicalOrder(_ names: [String], _ inputs: [[Int]]) throws -> [Int] {
        var pending = inputs.map(\.count)
        var consumers = [[Int]](repeating: [], count: names.count)
        for (i, sources) in inputs.enumerated() { for s in sources { consumers[s].append(i) } }
        var ready = Heap<Int>()
        for i in names.indices where pending[i] == 0 { ready.insert(i) }
        var order: [Int] = []
        order.reserveCapacity(names.count)
        while let i = ready.popMin() {
            order.append(i)
            for c in consumers[i] {
                pending[c] -= 1
                if pending[c] == 0 { ready.insert(c) }
            }
        }
        if order.count < names.count {
            var seen: Set<String> = []
            let stuck = names.indices.filter { pending[$0] > 0 && seen.insert(names[$0]).inserted }.prefix(5).map { "'\(names[$0])'" }
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
    func inputDims(_ shape: JSON, layer: String, hasBatch: Bool = true) throws -> [Int] {
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
        if layer.module.hasPrefix("keras.src.ops") {
            return ElementwiseOp<OneInput>.supportedOperations.contains(layer.className) || KerasOp.reads(layer.className)
        }
        return Self.builders[layer.className] != nil || ["InputLayer", "Functional", "Model", "Sequential"].contains(layer.className)
    }

    /// Unknown classes: one error naming all of them, unless `allowUnknown`.
    func rejectUnknown(_ layers: [KerasLayerConfig]) throws {
        var found: [(className: String, layers: [String])] = []
        var indexOf: [String: Int] = [:]  // a dictionary, not a search: 99,990 classes stay linear
        for layer in layers where !isKnown(layer) {
            let label = layer.module.hasPrefix("keras.src.ops") ? "\(layer.className) (keras.ops)" : layer.className
            if let i = indexOf[label] {
                found[i].layers.append(layer.name)
            } else {
                indexOf[label] = found.count
                found.append((label, [layer.name]))
            }
        }
        // Allowed, they are reported once, by Lint (one line per class, under the summary).
        guard !found.isEmpty, !options.allowUnknown else { return }
        let list = found.map { item in "\(item.className) (used by \(Limits.list(item.layers.map { "'\($0)'" })))" }
        // What would let netviz read them without their code (KerasCustomLayers.swift).
        let missing = readVariableShapes == nil
            ? "netviz reads a custom layer from a .keras archive, whose weights give its params"
            : "netviz reads a custom layer whose output feeds a layer that records its input shape (build_config)"
        throw NetVizError.graph(
            "unknown Keras \(found.count == 1 ? "class" : "classes") \(Limits.list(list, separator: "; ")); "
                + "\(missing); --allow-unknown imports them as shape-preserving with 0 params and MACs")
    }

    mutating func layer(
        _ layer: KerasLayerConfig, inputs: Int, constants: [Double], operands: [ElementwiseOperand] = [],
        depth: Int, custom: CustomLayerFacts? = nil, container: String = "layers"
    ) throws -> any Layer {
        let made: any Layer
        if let custom {
            made = inputs == 1
                ? CustomLayer<OneInput>(kerasClassName: layer.className, output: custom.output, variables: custom.variables, name: layer.name)
                : CustomLayer<SeveralInputs>(kerasClassName: layer.className, output: custom.output, variables: custom.variables, name: layer.name)
        } else if layer.module.hasPrefix("keras.src.ops") && ElementwiseOp<OneInput>.supportedOperations.contains(layer.className) {
            made = inputs == 1
                ? ElementwiseOp<OneInput>(operation: layer.className, constants: constants, operands: operands, name: layer.name)
                : ElementwiseOp<SeveralInputs>(operation: layer.className, constants: constants, operands: operands, name: layer.name)
        } else if layer.module.hasPrefix("keras.src.ops"), KerasOp.reads(layer.className) {
            made = try KerasLayerConfig.withProblem(layer) { try KerasOp(operation: layer.className, kind: layer.opKind(), name: layer.name) }
        } else if ["Functional", "Model", "Sequential"].contains(layer.className) {
            let inner = try model(.object(layer.entry), depth: depth + 1, container: container)
            made = NestedModel(inner, kerasClassName: layer.className == "Model" ? "Functional" : layer.className, name: layer.name)
        } else if let build = Self.builders[layer.className], !layer.module.hasPrefix("keras.src.ops") {
            made = try build(layer)
        } else {
            made = inputs == 1
                ? UnknownLayer<OneInput>(kerasClassName: layer.className, name: layer.name)
                : UnknownLayer<SeveralInputs>(kerasClassName: layer.className, name: layer.name)
        }
        if case .bool(false) = layer.config["trainable"] ?? .null, !(made is NestedModel) {
            return type(of: made).arity == .atLeastTwo || inputs > 1 ? FrozenLayer<SeveralInputs>(made) : FrozenLayer<OneInput>(made)
        }
        if case .bool(false) = layer.config["trainable"] ?? .null, let nested = made as? NestedModel {
            return FrozenLayer<OneInput>(nested)
        }
        return made
    }
}
