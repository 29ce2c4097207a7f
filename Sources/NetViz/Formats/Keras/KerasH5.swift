import Foundation

/// Keras HDF5 model files (`model.save("m.h5")` of Keras 2 / tf_keras, and Keras 3's legacy `.h5`): the model is the
/// JSON in the root attribute `model_config`, read by the same importer as `model.to_json()`; the weights, for
/// `netviz verify`, are under `model_weights/<layer>/` in the order of the layer's `weight_names` attribute.
public struct KerasH5Format: ModelFormat {
    public var name: String { "a Keras HDF5 model (.h5)" }
    public var reads: String? { "Keras 2 .h5 models" }

    public init() {}

    static let signature: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]

    public func recognise(_ probe: FileProbe) -> Recognition? {
        if probe.starts(with: Self.signature) { return .byContent }
        return ["h5", "hdf5", "keras2"].contains(probe.fileExtension) ? .byName : nil
    }

    public func load(_ probe: FileProbe, options: ImportOptions) throws -> ImportedModel {
        let config: [UInt8]
        if HDF5Isolation.isInstalled {
            config = [UInt8](try HDF5Isolation.run(.config, path: probe.path) ?? Data())
            guard config.count <= options.maxConfigBytes else {
                throw NetVizError.file(path: probe.path, message: "the config is larger than \(options.maxConfigBytes) bytes")
            }
        } else {
            config = try KerasH5.located(probe.path) { try HDF5File.withFile(path: probe.path) { try KerasH5.modelConfig($0, options: options) } }
        }
        do {
            return try KerasImporter.importConfig(config, file: probe.path, options: options)
        } catch NetVizError.file(let path, let message) where message.hasPrefix("is not valid JSON") || message.hasPrefix("is empty, not JSON") {
            throw NetVizError.file(path: path, message: "its model_config " + message)
        }
    }

    public func weights(_ probe: FileProbe, for model: Model) throws -> WeightStore? {
        if HDF5Isolation.isInstalled { return try KerasH5.isolatedWeights(probe.path, for: model) }
        return try KerasH5.located(probe.path) { try HDF5File.withFile(path: probe.path) { try KerasH5.weights($0, for: model) } }
    }
}

enum KerasH5 {
    /// Runs `body`, turning an HDF5 or weights failure into one line naming the file.
    static func located<T>(_ path: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let failure as HDF5File.Failure {
            throw NetVizError.file(path: path, message: failure.message)
        } catch let problem as LayerProblem {
            throw NetVizError.file(path: path, message: problem.message)
        } catch let error as NetVizError {
            if case .file = error { throw error }
            throw NetVizError.file(path: path, message: error.description)
        }
    }

    /// The weights as a child process read them (`HDF5Isolation`), checked again against `model`.
    static func isolatedWeights(_ path: String, for model: Model) throws -> WeightStore? {
        guard let data = try HDF5Isolation.run(.weights, path: path) else { return nil }
        return try WeightStore(tensors: try SafeTensors.decode(data, path: path)).resolved(for: model, source: path)
    }

    /// The root attribute `model_config` (JSON text), within the config limit.
    static func modelConfig(_ file: borrowing HDF5File, options: ImportOptions) throws -> [UInt8] {
        guard let text = try file.stringAttribute("model_config", limit: options.maxConfigBytes) else {
            let weightsOnly = file.exists("model_weights") || file.exists("layers") || file.exists("layer_names")
                || (try? file.stringsAttribute("layer_names", limit: 1 << 20)).flatMap { $0 } != nil
            throw HDF5File.Failure(
                message: weightsOnly
                    ? "an HDF5 file of weights only (model.save_weights), no model_config: netviz needs the model; "
                        + "save it with model.save(\"m.h5\") or pass its model.to_json() .json"
                    : "an HDF5 file without a model_config attribute: not a Keras model saved with model.save(\"m.h5\")")
        }
        return Array(text.utf8)
    }

    /// Weights listed per layer: most a layer group's `weight_names` may hold.
    static let maxWeightNames = 100_000

    /// Keras 2's layout: `model_weights/<layer>/` lists its weights in `weight_names` (`conv1/kernel:0`, ...), each
    /// a dataset under that group, in Keras 2's order (`layer.trainable_weights + layer.non_trainable_weights`: a
    /// sub-model's moving statistics come after all its trainable weights).
    static func weights(_ file: borrowing HDF5File, for model: Model) throws -> WeightStore {
        let root = file.exists("model_weights") ? "model_weights" : ""
        var store = WeightStore()
        for node in model.nodes where !node.isLaterCall {
            let specs = node.layer.weights(for: node.inputSpecs)
            guard !specs.isEmpty else { continue }
            let group = root.isEmpty ? node.name : root + "/" + node.name
            let where_ = "layer '\(node.name)' (\(node.className))"
            guard file.isGroup(group), let names = try file.stringsAttribute("weight_names", of: group, limit: maxWeightNames)
            else { throw HDF5File.Failure(message: "\(where_): no weights for it in the file ('\(group)' with weight_names)") }
            let ordered = specs.filter(\.trainable) + specs.filter { !$0.trainable }
            guard names.count == ordered.count else {
                throw HDF5File.Failure(
                    message: "\(where_): the file has \(names.count) weights for it, netviz's layer has \(ordered.count) ("
                        + ordered.map(\.name).joined(separator: ", ") + ")")
            }
            for (spec, name) in zip(ordered, names) {
                store.tensors["\(node.name)/\(spec.name)"] = try tensor(file, group + "/" + name, spec, where_)
            }
        }
        return store
    }

    /// One weight dataset, its shape checked against the layer's before its values are read.
    static func tensor(_ file: borrowing HDF5File, _ path: String, _ spec: WeightSpec, _ where_: String) throws -> Tensor {
        let shape: [Int]
        do {
            shape = try file.datasetShape(path)
        } catch {
            throw HDF5File.Failure(message: "\(where_): weight '\(spec.name)': \(error.message)")
        }
        guard shape == spec.shape else {
            throw HDF5File.Failure(
                message: "\(where_): '\(path)' has shape (\(shape.map(String.init).joined(separator: ", "))), "
                    + "its weight '\(spec.name)' needs (\(spec.shape.map(String.init).joined(separator: ", ")))")
        }
        do {
            return Tensor(unchecked: shape, data: try file.floats(path, expectedCount: spec.shape.reduce(1, *)))
        } catch {
            throw HDF5File.Failure(message: "\(where_): weight '\(spec.name)': \(error.message)")
        }
    }

    // MARK: Keras 3 archives

    /// Keras 3's `model.weights.h5` inside a `.keras` archive: `layers/<key>/vars/0, 1, ...` in the layer's own
    /// variable order, a sub-model's layers under `layers/<key>/layers/...`. `<key>` is Keras's snake-case class
    /// name made unique in its container (`conv2d`, `conv2d_1`); Keras 3.x also writes the layer's name as the
    /// `name` attribute of `vars`, which is used when present.
    static func archiveWeights(_ file: borrowing HDF5File, for model: Model) throws -> WeightStore {
        var store = WeightStore()
        try archiveWeights(file, model: model, container: "layers", prefix: "", depth: 0, into: &store)
        return store
    }

    private static func archiveWeights(
        _ file: borrowing HDF5File, model: Model, container: String, prefix: String, depth: Int, into store: inout WeightStore
    ) throws {
        guard depth <= 16 else { throw HDF5File.Failure(message: "sub-models nested deeper than 16 levels") }
        let keys = try layerKeys(file, model: model, container: container)
        for node in model.nodes where !node.isLaterCall {
            let specs = node.layer.weights(for: node.inputSpecs)
            guard !specs.isEmpty else { continue }
            let where_ = "layer '\(prefix)\(node.name)' (\(node.className))"
            guard let key = keys[node.index] else {
                throw HDF5File.Failure(message: "\(where_): no weights for it in model.weights.h5")
            }
            let group = container + "/" + key
            if let nested = node.baseLayer as? NestedModel {
                try archiveWeights(
                    file, model: nested.model, container: group + "/layers", prefix: prefix + node.name + "/", depth: depth + 1,
                    into: &store)
                continue
            }
            let vars = group + "/vars"
            let count = file.isGroup(vars) ? try file.members(of: vars).count : 0
            var paths = (0..<specs.count).map { "\(vars)/\($0)" }
            if count != specs.count {
                // Layers built of sub-layers keep their weights in sub-groups (`cell/vars`, `query_dense/vars`,
                // `forward_layer/cell/vars`, `layer/vars`): matched to netviz's weights by shape and name.
                let found = try variables(file, under: group)
                guard let assigned = assign(specs, to: found) else {
                    throw HDF5File.Failure(
                        message: "\(where_): model.weights.h5 holds \(found.count) variables for it ("
                            + found.prefix(8).map { "\($0.path) \($0.shape)" }.joined(separator: ", ")
                            + "), which do not match netviz's " + specs.map { "\($0.name) \($0.shape)" }.joined(separator: ", "))
                }
                paths = assigned.map { "\(group)/\(found[$0].path)" }
            }
            for (spec, path) in zip(specs, paths) {
                store.tensors["\(prefix)\(node.name)/\(spec.name)"] = try tensor(file, path, spec, where_)
            }
        }
    }

    /// Every dataset under `group`, by its path below it, in path order (numbers as numbers).
    static func variables(_ file: borrowing HDF5File, under group: String) throws -> [(path: String, shape: [Int])] {
        var found: [(path: String, shape: [Int])] = []
        var pending = [(group, 0)]
        while let (path, depth) = pending.popLast() {
            for member in try file.members(of: path) {
                let child = path + "/" + member
                if file.isGroup(child) {
                    guard depth < 8 else { throw HDF5File.Failure(message: "groups nested deeper than 8 levels under '\(group)'") }
                    pending.append((child, depth + 1))
                } else {
                    found.append((String(child.dropFirst(group.count + 1)), try file.datasetShape(child)))
                    guard found.count <= 4096 else { throw HDF5File.Failure(message: "more than 4096 variables under '\(group)'") }
                }
            }
        }
        return found.sorted { KerasGraphReader.pathOrder($0.path, $1.path) }
    }

    /// For each of netviz's weights, the index of the stored variable it is: the same shape, and among those the one
    /// whose path shares most words with the weight's own name (`query/kernel` is `_query_dense/vars/0`, not
    /// `key_dense/vars/0`; `recurrent_kernel` is `lstm_cell/recurrent_kernel`), the first in path order on a tie (a
    /// cell's `vars/1` recurrent kernel before its `vars/2` bias). Nil when some weight has no variable of its shape
    /// left. Used for model.weights.h5's sub-groups and for Keras variable paths in `--weights` files.
    static func assign(_ specs: [WeightSpec], to found: [(path: String, shape: [Int])]) -> [Int]? {
        func words(_ text: String) -> Set<String> {
            Set(text.split(whereSeparator: { (c: Character) in c == "/" || c == "_" }).map(String.init)).subtracting(["vars"])
        }
        var used = Set<Int>()
        var assigned: [Int] = []
        for spec in specs {
            let wanted = words(spec.name)
            var best: (index: Int, score: Int)? = nil
            for (i, candidate) in found.enumerated() where !used.contains(i) && candidate.shape == spec.shape {
                let score = wanted.intersection(words(candidate.path)).count
                if best == nil || score > best?.score ?? 0 { best = (i, score) }
            }
            guard let best else { return nil }
            used.insert(best.index)
            assigned.append(best.index)
        }
        return assigned
    }

    /// Each node's group name in `container`: by the `name` attribute of its `vars` where Keras wrote one, else by
    /// Keras's own key (snake-case class name, numbered from `_1` on repeats, in the model's layer order).
    private static func layerKeys(_ file: borrowing HDF5File, model: Model, container: String) throws -> [Int: String] {
        var keys: [Int: String] = [:]
        guard file.isGroup(container) else { return keys }
        var byName: [String: String] = [:]
        for member in try file.members(of: container) {
            if let name = try file.stringAttribute("name", of: "\(container)/\(member)/vars", limit: HDF5File.maxNameBytes) {
                byName[name] = member
            }
        }
        var used: [String: Int] = [:]
        for node in model.nodes where !node.isLaterCall {
            let base = snakeCase(node.className.replacingOccurrences(of: ", unknown", with: "").replacingOccurrences(of: ", custom", with: ""))
            let n = used[base, default: 0]
            used[base] = n + 1
            keys[node.index] = byName[node.name] ?? (n == 0 ? base : "\(base)_\(n)")
        }
        return keys
    }

    // MARK: Variable shapes

    /// The most variables `variableShapes` lists (a large model has a few thousand).
    static let maxVariables = 200_000

    /// Every dataset under `layers` by its path, with its shape: what a layer read without its code holds.
    static func variableShapes(_ file: borrowing HDF5File) throws -> [String: [Int]] {
        var shapes: [String: [Int]] = [:]
        var pending: [(path: String, depth: Int)] = file.isGroup("layers") ? [("layers", 0)] : []
        while let (path, depth) = pending.popLast() {
            for member in try file.members(of: path) {
                let child = path + "/" + member
                if file.isGroup(child) {
                    guard depth < 32 else { throw HDF5File.Failure(message: "groups nested deeper than 32 levels under '\(path)'") }
                    pending.append((child, depth + 1))
                } else if file.exists(child) {
                    shapes[child] = try file.datasetShape(child)
                    guard shapes.count <= maxVariables else {
                        throw HDF5File.Failure(message: "model.weights.h5 holds more than \(maxVariables) variables")
                    }
                }
            }
        }
        return shapes
    }

    /// The shapes as JSON, `{"layers/scale/vars/0": [3], ...}`: what the HDF5 child hands back.
    static func encode(_ shapes: [String: [Int]]) -> String {
        OrderedJSON.object(shapes.keys.sorted().map { ($0, .array((shapes[$0] ?? []).map { .int(Int64($0)) })) }).rendered()
    }

    /// The child's JSON read back, every shape checked again.
    static func decodeShapes(_ data: Data, path: String) throws -> [String: [Int]] {
        let json: JSON
        do {
            json = try JSONParser.parse([UInt8](data))
        } catch {
            throw NetVizError.file(path: path, message: "the HDF5 reader's variable list is not JSON")
        }
        guard let object = json.objectValue, object.count <= maxVariables else {
            throw NetVizError.file(path: path, message: "the HDF5 reader's variable list is not an object")
        }
        var shapes: [String: [Int]] = [:]
        for (name, value) in object {
            guard let list = value.arrayValue, list.count <= 32 else {
                throw NetVizError.file(path: path, message: "the variable '\(name)' has no shape")
            }
            var dims: [Int] = []
            var count: Int64 = 1
            for item in list {
                guard case .int(let dim) = item, dim >= 0, dim <= Limits.verifyElements else {
                    throw NetVizError.file(path: path, message: "the variable '\(name)' has a dimension out of range")
                }
                let (next, overflow) = count.multipliedReportingOverflow(by: dim)
                guard !overflow, next <= Limits.verifyElements else {
                    throw NetVizError.file(path: path, message: "the variable '\(name)' has more than \(Limits.verifyElements) values")
                }
                count = next
                dims.append(Int(dim))
            }
            shapes[name] = dims
        }
        return shapes
    }

    /// Keras's `to_snake_case`: `BatchNormalization` -> `batch_normalization`, `Conv2D` -> `conv2d`, `ReLU` -> `re_lu`.
    static func snakeCase(_ name: String) -> String {
        let chars = Array(name.filter { $0.isLetter || $0.isNumber || $0 == "_" })
        func isUpper(_ c: Character) -> Bool { c.isASCII && c.isUppercase }
        func isLower(_ c: Character) -> Bool { c.isASCII && c.isLowercase }
        // (.)([A-Z][a-z]+) -> \1_\2, left to right without overlaps, as re.sub does.
        var first: [Character] = []
        var i = 0
        while i < chars.count {
            if i + 2 < chars.count, isUpper(chars[i + 1]), isLower(chars[i + 2]) {
                var j = i + 2
                while j < chars.count, isLower(chars[j]) { j += 1 }
                first.append(chars[i])
                first.append("_")
                first.append(contentsOf: chars[(i + 1)..<j])
                i = j
            } else {
                first.append(chars[i])
                i += 1
            }
        }
        // ([a-z])([A-Z]) -> \1_\2, then lower case.
        var out = ""
        for (k, c) in first.enumerated() {
            out.append(c)
            if isLower(c), k + 1 < first.count, isUpper(first[k + 1]) { out.append("_") }
        }
        return out.lowercased()
    }
}
