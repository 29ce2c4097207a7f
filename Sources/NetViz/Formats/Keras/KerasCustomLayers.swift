/// Layers read without their Python code (`CustomLayer`): registered custom classes, Keras's own helper classes
/// such as `CustomScaleLayer`, and `Lambda`. A Keras 3 functional config records the shape of every tensor a call
/// reads (`__keras_tensor__`), and every built layer the shape it was built with (`build_config`), so the output of a
/// layer netviz does not know is what its consumers read; a `.keras` archive's `model.weights.h5` holds its
/// variables. Docs/keras-import.md, "Custom layers".
extension KerasGraphReader {
    /// A call that reads a layer's first output: where its shape may be recorded.
    struct Consumer {
        var layer: Int
        var position: Int
        var inputs: Int
        /// Whether it is the consumer's first call (the one its build_config describes).
        var firstCall: Bool
        /// The `__keras_tensor__` config Keras 3 wrote for this input (shape and dtype).
        var recorded: JSON?
    }

    /// What a custom layer's node needs: its output and variables.
    struct CustomLayerFacts {
        var output: TensorSpec
        var variables: [WeightSpec]
    }

    /// The custom layers of one model (a Functional's or a Sequential's layer list) that can be read exactly, by name.
    /// `consumers`: for each layer, the (consumer, input position) pairs reading its first call's output.
    /// `container`: the layers' group in model.weights.h5 (`layers`, or `layers/<sub-model>/layers`).
    mutating func customLayers(
        _ layers: [KerasLayerConfig], consumers: [[Consumer]], container: String
    ) throws -> [String: CustomLayerFacts] {
        var facts: [String: CustomLayerFacts] = [:]
        let keys = Self.weightKeys(layers)
        for (i, layer) in layers.enumerated() where isCustom(layer) {
            guard let output = try customOutput(layer, consumers: consumers[i], layers: layers) else { continue }
            let variables: [WeightSpec]
            if layer.className == "Lambda" {
                variables = []  // a Lambda holds no variables (Keras refuses to track them)
            } else if let shapes = try archiveVariableShapes() {
                let prefix = "\(container)/\(keys[i])/"
                variables = shapes.keys.filter { $0.hasPrefix(prefix) }.sorted(by: Self.pathOrder).compactMap { path in
                    guard let shape = shapes[path] else { return nil }
                    return WeightSpec(String(path.dropFirst(prefix.count)), shape, trainable: true)
                }
            } else {
                continue  // a config alone does not say what variables the layer holds
            }
            facts[layer.name] = CustomLayerFacts(output: output, variables: variables)
        }
        return facts
    }

    /// A class netviz has no row for, outside keras.ops (whose unknown functions stay unknown) and the framework
    /// wrappers (whose code is another framework's).
    func isCustom(_ layer: KerasLayerConfig) -> Bool {
        !isKnown(layer) && !layer.module.hasPrefix("keras.src.ops") && Self.frameworkWrappers[layer.className] == nil
    }

    /// Keras layers that hold another framework's model: nothing in the file says what they compute or hold.
    static let frameworkWrappers: [String: String] = [
        "TorchModuleWrapper": "wraps a PyTorch module, which the file holds as pickled Python; export it to ONNX (torch.onnx.export) and read that",
        "JaxLayer": "wraps a JAX function, which is Python code the file does not hold",
        "FlaxLayer": "wraps a Flax module, which is Python code the file does not hold",
        "TFSMLayer": "wraps a TensorFlow SavedModel, a separate directory netviz does not read; convert it to TFLite or ONNX and read that",
    ]

    /// The first framework wrapper among `layers`, as its one-line error.
    func rejectFrameworkWrappers(_ layers: [KerasLayerConfig]) throws {
        for layer in layers {
            if let reason = Self.frameworkWrappers[layer.className] {
                throw NetVizError.layer(name: layer.name, className: layer.className, message: reason)
            }
        }
    }

    /// The archive's variable shapes, read once, on the first custom layer; nil for a config without weights.
    mutating func archiveVariableShapes() throws -> [String: [Int]]? {
        if let cached = variableShapes { return cached }
        guard let read = readVariableShapes else { return nil }
        let shapes = try read()
        variableShapes = .some(shapes)
        return shapes
    }

    /// The output a custom layer's consumers were built with (the first consumer that records one), or a Lambda's
    /// `output_shape`; nil when nothing records it.
    func customOutput(_ layer: KerasLayerConfig, consumers: [Consumer], layers: [KerasLayerConfig]) throws -> TensorSpec? {
        let dtype = (try? self.dtype(layer)) ?? .float32
        for consumer in consumers {
            // A shape left out (null) or not fixed (None beyond the batch) says nothing netviz can use: the next source.
            guard let recorded = consumer.recorded, let shape = recorded["shape"],
                let dims = try? inputDims(shape, layer: layer.name)
            else { continue }
            return TensorSpec(dims, dtype: recorded["dtype"]?.stringValue.flatMap(DType.init(rawValue:)) ?? dtype)
        }
        for consumer in consumers where consumer.firstCall {
            let reader = layers[consumer.layer]
            guard let build = reader.entry["build_config"]?.objectValue else { continue }
            var shapes: [JSON] = []
            if let shape = build["input_shape"] {
                shapes = consumer.inputs == 1 ? [shape] : shape.arrayValue ?? []
            } else if let dict = build["shapes_dict"]?.objectValue {
                // MultiHeadAttention and its kin build from named shapes, in call order.
                let order = ["query_shape", "value_shape", "key_shape"]
                shapes = dict.count == 1 ? Array(dict.values) : order.compactMap { dict[$0] }
            }
            guard consumer.position < shapes.count else { continue }
            do {
                return TensorSpec(try inputDims(shapes[consumer.position], layer: layer.name), dtype: dtype)
            } catch let problem as LayerProblem {
                throw NetVizError.layer(
                    name: reader.name, className: reader.className, message: "its build_config input shape: \(problem.message)")
            }
        }
        if layer.className == "Lambda", let shape = layer.value("output_shape"), let dims = shape.arrayValue {
            do {
                return TensorSpec(try inputDims(.array([.null] + dims), layer: layer.name), dtype: dtype)
            } catch let problem as LayerProblem {
                throw NetVizError.layer(name: layer.name, className: layer.className, message: "output_shape: \(problem.message)")
            }
        }
        return nil
    }

    /// Each layer's group name in model.weights.h5: Keras's snake-case class name, numbered from `_1` on repeats in
    /// the container's layer order (saving_lib's naming).
    static func weightKeys(_ layers: [KerasLayerConfig]) -> [String] {
        var used: [String: Int] = [:]
        return layers.map { layer in
            let base = KerasH5.snakeCase(layer.className)
            let n = used[base, default: 0]
            used[base] = n + 1
            return n == 0 ? base : "\(base)_\(n)"
        }
    }

    /// `vars/2` before `vars/10`: paths compared part by part, numbers as numbers.
    static func pathOrder(_ a: String, _ b: String) -> Bool {
        let (x, y) = (a.split(separator: "/"), b.split(separator: "/"))
        for (p, q) in zip(x, y) where p != q {
            if let m = Int(p), let n = Int(q) { return m < n }
            return p < q
        }
        return x.count < y.count
    }
}
