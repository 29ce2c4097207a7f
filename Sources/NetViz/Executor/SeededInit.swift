/// Deterministic weights and inputs, so a `netviz verify` run is reproducible and a Python script can make the
/// very same numbers (Tools/make-fixtures.py implements this file in NumPy; Docs/verification.md documents it).
///
/// Each tensor has its own stream, so its values do not depend on which other tensors exist:
/// - key: `"<layer name>/<weight name>"` for weights (the safetensors naming), `"input/<input layer name>"` for inputs;
/// - stream start: `s0 = seed XOR fnv1a64(key)` (64-bit FNV-1a of the key's UTF-8 bytes);
/// - element i (0-based): `z = splitmix64(s0 + (i + 1) * 0x9E3779B97F4A7C15)`, `u = Float(z >> 40) * 2^-24` in [0, 1);
/// - `r = 2u - 1` in [-1, 1) (exact in Float32), then by weight name:
///   - `kernel`, `depthwise_kernel`, `pointwise_kernel`: `r * limit`, `limit = Float(sqrt(6 / (fan_in + fan_out)))`
///     (Glorot uniform, Keras's `compute_fans`: receptive field = product of all dims but the last two,
///     fan_in = shape[-2] x field, fan_out = shape[-1] x field; a rank-2 kernel has field 1);
///   - `gamma`, `moving_variance`, `variance`: `0.5 + u` (positive, so the variance is a variance);
///   - `bias`, `beta`, `moving_mean`, anything else: `0.1 * r`;
///   - inputs: `r`.
public enum SeededInit {
    public static let defaultSeed: UInt64 = 0

    static func fnv1a64(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }

    static func splitmix64(_ state: UInt64) -> UInt64 {
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// `count` uniforms in [0, 1) of the stream for `key`.
    static func uniforms(key: String, seed: UInt64, count: Int) -> [Float] {
        let start = seed ^ fnv1a64(key)
        var out = [Float](repeating: 0, count: count)
        for i in 0..<count {
            let z = splitmix64(start &+ UInt64(i + 1) &* 0x9e37_79b9_7f4a_7c15)
            out[i] = Float(z >> 40) * 0x1p-24
        }
        return out
    }

    /// The seeded value of one weight tensor.
    public static func weight(layer: String, _ spec: WeightSpec, seed: UInt64 = defaultSeed) -> Tensor {
        let count = spec.shape.reduce(1, *)
        let u = uniforms(key: "\(layer)/\(spec.name)", seed: seed, count: count)
        let data: [Float]
        // A nested model's weights are named `inner layer/weight`: the weight's own name decides its init.
        switch spec.name.split(separator: "/").last.map(String.init) ?? spec.name {
        case "kernel", "depthwise_kernel", "pointwise_kernel":
            let field = spec.shape.count >= 2 ? spec.shape.dropLast(2).reduce(1, *) : 1
            let fanIn = (spec.shape.count >= 2 ? spec.shape[spec.shape.count - 2] : spec.shape.first ?? 1) * field
            let fanOut = (spec.shape.last ?? 1) * field
            let limit = Float((6.0 / Double(max(fanIn + fanOut, 1))).squareRoot())
            data = u.map { (2 * $0 - 1) * limit }
        case "gamma", "moving_variance", "variance":
            data = u.map { 0.5 + $0 }
        default:
            data = u.map { 0.1 * (2 * $0 - 1) }
        }
        return Tensor(unchecked: spec.shape, data: data)
    }

    /// A seeded batch-1 input for an input layer: uniform in [-1, 1).
    public static func input(name: String, spec: TensorSpec, seed: UInt64 = defaultSeed) -> Tensor {
        let shape = spec.shape(batch: 1)
        let u = uniforms(key: "input/\(name)", seed: seed, count: shape.reduce(1, *))
        return Tensor(unchecked: shape, data: u.map { 2 * $0 - 1 })
    }

    /// Every weight of `model`, keyed `"<layer name>/<weight name>"`.
    public static func weights(for model: Model, seed: UInt64 = defaultSeed) -> WeightStore {
        var store = WeightStore()
        for node in model.nodes where !node.isLaterCall {
            for spec in node.layer.weights(for: node.inputSpecs) {
                store.tensors["\(node.name)/\(spec.name)"] = weight(layer: node.name, spec, seed: seed)
            }
        }
        return store
    }
}

/// Named weight tensors, keyed `"<layer name>/<weight name>"` (`conv1/kernel`, `conv1_bn/moving_mean`): the
/// same names as Keras 3's `variable.path`, and the names in a netviz `.safetensors` file.
public struct WeightStore: Sendable {
    public var tensors: [String: Tensor] = [:]
    public init(tensors: [String: Tensor] = [:]) { self.tensors = tensors }

    public subscript(key: String) -> Tensor? { tensors[key] }

    /// Checks that the store holds exactly the weights `model` needs, with the right shapes: one clear line for a
    /// missing tensor, a wrong shape, or tensors that belong to no layer (a weights file for another model).
    public func validate(for model: Model, source: String) throws {
        _ = try resolved(for: model, source: source)
    }

    /// The store keyed as netviz names weights, from a file keyed so or by Keras 3's `variable.path`, which names a
    /// layer inside a sub-model with the sub-model's name (`encoder/dense/kernel`, netviz's key), without it
    /// (`dense/kernel`: a Functional sub-model built on its own Input), or with the outer model's too
    /// (`ae/encoder/dense/kernel`). Exact names are matched first; a tensor two weights could take is an error.
    /// Checked as `validate` says.
    public func resolved(for model: Model, source: String) throws -> WeightStore {
        var wanted: [(key: String, spec: WeightSpec, node: Node)] = []
        for node in model.nodes where !node.isLaterCall {
            for spec in node.layer.weights(for: node.inputSpecs) { wanted.append(("\(node.name)/\(spec.name)", spec, node)) }
        }
        var claimedBy: [String: String] = [:]
        var found = [String?](repeating: nil, count: wanted.count)
        for (i, item) in wanted.enumerated() where tensors[item.key] != nil {
            found[i] = item.key
            claimedBy[item.key] = item.key
        }
        for (i, item) in wanted.enumerated() where found[i] == nil {
            let parts = item.key.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            var aliases = parts.count > 2 ? (1..<(parts.count - 1)).map { parts[$0...].joined(separator: "/") } : []
            aliases.append(model.name + "/" + item.key)
            for alias in aliases where tensors[alias] != nil {
                if let other = claimedBy[alias] {
                    throw NetVizError.file(
                        path: source, message: "tensor '\(alias)' could be '\(other)' or '\(item.key)'; name it as netviz does ('<layer>/<weight>', sub-model names included)")
                }
                found[i] = alias
                claimedBy[alias] = item.key
                break
            }
        }
        // A layer built of sub-layers: Keras's variable paths name them (`lstm/lstm_cell/kernel`,
        // `td/dense_1/kernel`); its unclaimed tensors under its name are matched by shape and name.
        var missing: [String: [Int]] = [:]
        for (i, item) in wanted.enumerated() where found[i] == nil { missing[item.node.name, default: []].append(i) }
        for (layer, indices) in missing.sorted(by: { $0.key < $1.key }) {
            let prefix = layer + "/"
            let candidates = tensors.keys.filter { $0.hasPrefix(prefix) && claimedBy[$0] == nil }
                .sorted(by: KerasGraphReader.pathOrder)
            guard !candidates.isEmpty else { continue }
            let stored = candidates.compactMap { key in tensors[key].map { (path: String(key.dropFirst(prefix.count)), shape: $0.shape) } }
            guard let assigned = KerasH5.assign(indices.map { wanted[$0].spec }, to: stored) else { continue }
            for (i, index) in zip(indices, assigned) {
                found[i] = candidates[index]
                claimedBy[candidates[index]] = wanted[i].key
            }
        }
        var out = WeightStore()
        for (i, item) in wanted.enumerated() {
            let node = item.node
            guard let name = found[i], let tensor = tensors[name] else {
                let hint = tensors.isEmpty ? "" : " (it holds \(tensors.count) tensors, e.g. '\(tensors.keys.sorted()[0])'; is it for another model?)"
                throw NetVizError.file(path: source, message: "missing tensor '\(item.key)' for layer '\(node.name)' (\(node.className))\(hint)")
            }
            guard tensor.shape == item.spec.shape else {
                throw NetVizError.file(
                    path: source,
                    message: "tensor '\(name)' has shape \(tensor.shapeDescription), layer '\(node.name)' (\(node.className)) needs (\(item.spec.shape.map(String.init).joined(separator: ", ")))")
            }
            out.tensors[item.key] = tensor
        }
        let extra = tensors.keys.filter { claimedBy[$0] == nil }.sorted()
        if let first = extra.first {
            throw NetVizError.file(
                path: source,
                message: "\(extra.count) tensor\(extra.count == 1 ? "" : "s") belong to no layer of model '\(model.name)', e.g. '\(first)'; is it for another model?")
        }
        return out
    }
}
