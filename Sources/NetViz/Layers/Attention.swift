import Foundation

/// `keras.layers.Attention` (Luong, `score_mode="dot"` or `"concat"`) and `keras.layers.AdditiveAttention`
/// (Bahdanau) on `[query, value]` or `[query, value, key]` inputs of (steps, features): scores (Tq, Tv) from query and
/// key, softmax over the value steps, the weighted sum of values. Output (Tq, value features). Dropout is inference's
/// identity; `use_causal_mask=True` in the call lets query step i see value steps up to i.
///
/// Scores, by kind (q a query row, k a key row, d their features):
/// - Attention dot: q·k (x `scale`, a scalar weight, if use_scale)
/// - Attention concat: concat_score_weight x Σ_d tanh(scale x (q_d + k_d)) (scale a scalar weight if use_scale)
/// - AdditiveAttention: Σ_d scale_d x tanh(q_d + k_d) (scale a [d] weight if use_scale, else 1)
///
/// MACs: the products of activations (dot's Q·Kᵀ: Tq·Tv·d; every kind's A·V: Tq·Tv·dv) are reported as
/// `activationProductMACs`; AdditiveAttention's scale-weighted sum (Tq·Tv·d) is a product with a weight. Scalar scales
/// and tanh count 0, as MultiHeadAttention's scale does.
public struct Attention: Layer {
    public static let className = "Attention"
    public static let arity = Arity.atLeastTwo
    public enum ScoreMode: String, Sendable { case dot, concat }
    public var useScale: Bool
    public var scoreMode: ScoreMode
    public var causal: Bool
    public var name: String?
    public var activation: ActivationFunction? { nil }

    public init(useScale: Bool = false, scoreMode: ScoreMode = .dot, causal: Bool = false, name: String? = nil) {
        self.useScale = useScale
        self.scoreMode = scoreMode
        self.causal = causal
        self.name = name
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        let s = try AttentionShapes(inputs, causal: causal)
        return TensorSpec([s.tq, s.dv], dtype: inputs[0].dtype)
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] {
        var specs: [WeightSpec] = []
        if useScale { specs.append(WeightSpec("scale", [])) }
        if scoreMode == .concat { specs.append(WeightSpec("concat_score_weight", [])) }
        return specs
    }

    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 {
        try activationProductMACs(for: inputs, output: output)
    }

    public func activationProductMACs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 {
        let s = try AttentionShapes(inputs, causal: causal)
        let scores = scoreMode == .dot ? try Checked.product([s.tq, s.tv, s.d]) : 0
        return try Checked.add(scores, Checked.product([s.tq, s.tv, s.dv]))
    }

    public func costGroup(for inputs: [TensorSpec]) -> String? { "Attention" }
}

extension Attention: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        let scale = try context.optionalWeight("scale", if: useScale)?.data.first ?? 1
        let weight = try context.optionalWeight("concat_score_weight", if: scoreMode == .concat)?.data.first ?? 1
        let mode = scoreMode
        return try AttentionShapes.run(&context, causal: causal, scoresCountMACs: mode == .dot) { q, k in
            switch mode {
            case .dot:
                var dot: Float = 0
                for (a, b) in zip(q, k) { dot += a * b }
                return dot * scale
            case .concat:
                var sum: Float = 0
                for (a, b) in zip(q, k) { sum += Foundation.tanh(scale * (a + b)) }
                return weight * sum
            }
        }
    }
}

/// `keras.layers.AdditiveAttention`: Attention with additive scores (above); `scale` is a trainable [features] weight.
public struct AdditiveAttention: Layer {
    public static let className = "AdditiveAttention"
    public static let arity = Arity.atLeastTwo
    public var useScale: Bool
    public var causal: Bool
    public var name: String?
    public var activation: ActivationFunction? { nil }

    public init(useScale: Bool = true, causal: Bool = false, name: String? = nil) {
        self.useScale = useScale
        self.causal = causal
        self.name = name
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        let s = try AttentionShapes(inputs, causal: causal)
        return TensorSpec([s.tq, s.dv], dtype: inputs[0].dtype)
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] {
        guard useScale, let s = try? AttentionShapes(inputs, causal: causal) else { return [] }
        return [WeightSpec("scale", [s.d])]
    }

    /// The scale-weighted sums (Tq·Tv·d, with use_scale) plus A·V.
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 {
        let s = try AttentionShapes(inputs, causal: causal)
        return try Checked.add(useScale ? Checked.product([s.tq, s.tv, s.d]) : 0, activationProductMACs(for: inputs, output: output))
    }

    public func activationProductMACs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 {
        let s = try AttentionShapes(inputs, causal: causal)
        return try Checked.product([s.tq, s.tv, s.dv])
    }

    public func costGroup(for inputs: [TensorSpec]) -> String? { "Attention" }
}

extension AdditiveAttention: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        let scale = try context.optionalWeight("scale", if: useScale)
        if let scale, let query = context.inputs.first, query.rank == 3, scale.count != query.shape[2] {
            throw KernelError("scale \(scale.shapeDescription) does not fit \(query.shape[2]) features")
        }
        return try AttentionShapes.run(&context, causal: causal, scoresCountMACs: useScale) { q, k in
            var sum: Float = 0
            for (i, (a, b)) in zip(q, k).enumerated() { sum += (scale?.data[i] ?? 1) * Foundation.tanh(a + b) }
            return sum
        }
    }
}

/// The shapes both Keras attention layers share: query (Tq, d), value (Tv, dv), key (Tv, d; the value by default).
struct AttentionShapes {
    let tq: Int, d: Int, tv: Int, dv: Int

    init(_ inputs: [TensorSpec], causal: Bool) throws {
        guard inputs.count == 2 || inputs.count == 3 else { throw LayerProblem("takes [query, value] or [query, value, key], got \(inputs.count) inputs") }
        for input in inputs { try ShapeRules.requireRank(input, 3) }
        let (query, value) = (inputs[0], inputs[1])
        let key = inputs.count == 3 ? inputs[2] : value
        guard key.dims[0] == value.dims[0] else { throw LayerProblem("key \(key) and value \(value) differ in steps") }
        guard key.dims[1] == query.dims[1] else { throw LayerProblem("query \(query) and key \(key) differ in features") }
        if causal, query.dims[0] != value.dims[0] { throw LayerProblem("a causal mask needs query and value of the same length") }
        (tq, d, tv, dv) = (query.dims[0], query.dims[1], value.dims[0], value.dims[1])
    }

    /// softmax(score(q_i, k_j)) · V for every batch item; A·V's MACs always counted, the scores' when they are products.
    static func run(
        _ context: inout KernelContext, causal: Bool, scoresCountMACs: Bool,
        score: (ArraySlice<Float>, ArraySlice<Float>) -> Float
    ) throws -> Tensor {
        let query = context.inputs[0], value = context.inputs[1]
        let key = context.inputs.count > 2 ? context.inputs[2] : value
        guard query.rank == 3, value.rank == 3, key.rank == 3, key.shape[1] == value.shape[1], key.shape[2] == query.shape[2] else {
            throw KernelError("expects (batch, steps, features) inputs that fit")
        }
        let (batch, tq, d, tv, dv) = (query.shape[0], query.shape[1], query.shape[2], value.shape[1], value.shape[2])
        var out = [Float](repeating: 0, count: batch * tq * dv)
        var scores = [Float](repeating: 0, count: tv)
        for b in 0..<batch {
            for i in 0..<tq {
                let q = query.data[((b * tq + i) * d)..<((b * tq + i + 1) * d)]
                for j in 0..<tv {
                    scores[j] = causal && j > i ? -.infinity : score(q, key.data[((b * tv + j) * d)..<((b * tv + j + 1) * d)])
                }
                let top = scores.max() ?? 0
                var total: Float = 0
                for j in 0..<tv { scores[j] = Foundation.exp(scores[j] - top); total += scores[j] }
                for j in 0..<tv {
                    let w = scores[j] / total
                    for c in 0..<dv { out[(b * tq + i) * dv + c] += w * value.data[(b * tv + j) * dv + c] }
                }
            }
        }
        context.macs += Int64(batch * tq * tv * (dv + (scoresCountMACs ? d : 0)))
        return Tensor(unchecked: [batch, tq, dv], data: out)
    }
}
