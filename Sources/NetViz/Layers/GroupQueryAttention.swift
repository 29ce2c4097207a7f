import Foundation

/// `keras.layers.GroupQueryAttention` (class `GroupedQueryAttention`) called as `gqa(query, value)` or
/// `gqa(query, value, key)` on (steps, features): `num_query_heads` query heads share `num_key_value_heads` key and
/// value heads (query head u reads key/value head u / (num_query_heads / num_key_value_heads), Keras's `ops.repeat`),
/// each of `head_dim`; scores scaled by 1/sqrt(head_dim); the output projected back to the query's features.
/// `use_gate` multiplies the attended heads by sigmoid(a gate projection of the query) before the output projection;
/// `sliding_window` w lets step i see steps j with |i - j| < w; `use_causal_mask=True` (call) steps j <= i.
///
/// Weights as Keras's sublayers (EinsumDense): `query/kernel` [D, Hq, hd], `key/kernel` [D_k, Hkv, hd], `gate/kernel`
/// [D, Hq, hd], `value/kernel` [D_v, Hkv, hd], `attention_output/kernel` [Hq, hd, D], each with its bias if use_bias.
/// MACs: the projections (T·D·Hq·hd for query and gate, S·D_k·Hkv·hd, S·D_v·Hkv·hd, T·Hq·hd·D) plus the products of
/// activations Q·Kᵀ and A·V (Hq·T·S·hd each), the latter also reported as `activationProductMACs`.
public struct GroupQueryAttention: Layer {
    public static let className = "GroupedQueryAttention"
    public static let arity = Arity.atLeastTwo
    public var headDim: Int
    public var numQueryHeads: Int
    public var numKeyValueHeads: Int
    public var useBias: Bool
    public var useGate: Bool
    public var slidingWindow: Int?
    public var causal: Bool
    public var name: String?
    public var activation: ActivationFunction? { nil }

    public init(
        headDim: Int, numQueryHeads: Int, numKeyValueHeads: Int, useBias: Bool = true, useGate: Bool = false,
        slidingWindow: Int? = nil, causal: Bool = false, name: String? = nil
    ) {
        self.headDim = headDim
        self.numQueryHeads = numQueryHeads
        self.numKeyValueHeads = numKeyValueHeads
        self.useBias = useBias
        self.useGate = useGate
        self.slidingWindow = slidingWindow
        self.causal = causal
        self.name = name
    }

    /// (query steps, query features, value steps, value features, key features).
    func sizes(_ inputs: [TensorSpec]) throws -> (t: Int, dq: Int, s: Int, dv: Int, dk: Int) {
        try ShapeRules.requirePositive(headDim, "head_dim")
        try ShapeRules.requirePositive(numQueryHeads, "num_query_heads")
        try ShapeRules.requirePositive(numKeyValueHeads, "num_key_value_heads")
        guard numQueryHeads % numKeyValueHeads == 0 else {
            throw LayerProblem("num_query_heads (\(numQueryHeads)) must be a multiple of num_key_value_heads (\(numKeyValueHeads))")
        }
        if let slidingWindow, slidingWindow <= 0 { throw LayerProblem("sliding_window must be positive, got \(slidingWindow)") }
        guard inputs.count == 2 || inputs.count == 3 else { throw LayerProblem("takes query and value (and key), got \(inputs.count) inputs") }
        for input in inputs { try ShapeRules.requireRank(input, 3) }
        let key = inputs.count == 3 ? inputs[2] : inputs[1]
        guard inputs[0].dims[1] == inputs[1].dims[1] else {
            throw LayerProblem("query \(inputs[0]) and value \(inputs[1]) differ in features (Keras requires them equal)")
        }
        guard key.dims[0] == inputs[1].dims[0] else { throw LayerProblem("key \(key) and value \(inputs[1]) differ in steps") }
        if causal, inputs[0].dims[0] != inputs[1].dims[0] { throw LayerProblem("a causal mask needs query and value of the same length") }
        return (inputs[0].dims[0], inputs[0].dims[1], inputs[1].dims[0], inputs[1].dims[1], key.dims[1])
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        let (t, dq, _, _, _) = try sizes(inputs)
        _ = try Checked.product([dq, numQueryHeads, headDim])
        return TensorSpec([t, dq], dtype: inputs[0].dtype)
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] {
        guard let (_, dq, _, dv, dk) = try? sizes(inputs) else { return [] }
        func dense(_ part: String, _ kernel: [Int], _ bias: [Int]) -> [WeightSpec] {
            [WeightSpec("\(part)/kernel", kernel)] + (useBias ? [WeightSpec("\(part)/bias", bias)] : [])
        }
        let (hq, hkv, hd) = (numQueryHeads, numKeyValueHeads, headDim)
        return dense("query", [dq, hq, hd], [hq, hd]) + dense("key", [dk, hkv, hd], [hkv, hd])
            + (useGate ? dense("gate", [dq, hq, hd], [hq, hd]) : [])
            + dense("value", [dv, hkv, hd], [hkv, hd]) + dense("attention_output", [hq, hd, dq], [dq])
    }

    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 {
        let (t, dq, s, dv, dk) = try sizes(inputs)
        let (hq, hkv, hd) = (numQueryHeads, numKeyValueHeads, headDim)
        let projections = try Checked.sum([
            Checked.product([t, dq, hq, hd]), Checked.product([s, dk, hkv, hd]), Checked.product([s, dv, hkv, hd]),
            Checked.product([t, hq, hd, dq]), useGate ? Checked.product([t, dq, hq, hd]) : 0,
        ])
        return try Checked.add(projections, activationProductMACs(for: inputs, output: output))
    }

    public func activationProductMACs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 {
        let (t, _, s, _, _) = try sizes(inputs)
        return try Checked.multiply(2, Checked.product([numQueryHeads, t, s, headDim]))
    }

    public func costGroup(for inputs: [TensorSpec]) -> String? { "Attention" }
}

extension GroupQueryAttention: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        let query = context.inputs[0], value = context.inputs[1]
        let key = context.inputs.count > 2 ? context.inputs[2] : value
        guard query.rank == 3, value.rank == 3, key.rank == 3, key.shape[1] == value.shape[1] else {
            throw KernelError("expects (batch, steps, features) inputs that fit")
        }
        let (batch, t, dq, s, dv, dk) = (query.shape[0], query.shape[1], query.shape[2], value.shape[1], value.shape[2], key.shape[2])
        let (hq, hkv, hd) = (numQueryHeads, numKeyValueHeads, headDim)
        guard hkv > 0, hq % hkv == 0 else { throw KernelError("num_query_heads must be a multiple of num_key_value_heads") }
        let repeats = hq / hkv
        /// A projection's kernel and bias, checked against the sizes the loops read.
        func pair(_ part: String, kernel: Int, bias: Int) throws -> (Tensor, Tensor?) {
            let w = try context.weight("\(part)/kernel"), b = try context.optionalWeight("\(part)/bias", if: useBias)
            guard w.count == kernel, b.map({ $0.count == bias }) ?? true else { throw KernelError("\(part) weights do not fit the inputs") }
            return (w, b)
        }
        let (wq, bq) = try pair("query", kernel: dq * hq * hd, bias: hq * hd)
        let (wk, bk) = try pair("key", kernel: dk * hkv * hd, bias: hkv * hd)
        let gate = useGate ? try pair("gate", kernel: dq * hq * hd, bias: hq * hd) : nil
        let (wv, bv) = try pair("value", kernel: dv * hkv * hd, bias: hkv * hd)
        let (wo, bo) = try pair("attention_output", kernel: hq * hd * dq, bias: dq)
        var result = [Float](repeating: 0, count: batch * t * dq)
        let scale = 1 / Float(hd).squareRoot()
        for b in 0..<batch {
            let qx = query.data[(b * t * dq)..<((b + 1) * t * dq)]
            let q = Kernels.project(qx, steps: t, features: dq, wq, bq, width: hq * hd, macs: &context.macs)
            let k = Kernels.project(key.data[(b * s * dk)..<((b + 1) * s * dk)], steps: s, features: dk, wk, bk, width: hkv * hd, macs: &context.macs)
            let v = Kernels.project(value.data[(b * s * dv)..<((b + 1) * s * dv)], steps: s, features: dv, wv, bv, width: hkv * hd, macs: &context.macs)
            var attended = [Float](repeating: 0, count: t * hq * hd)
            var scores = [Float](repeating: 0, count: s)
            for head in 0..<hq {
                let kv = head / repeats
                for i in 0..<t {
                    for j in 0..<s {
                        let hidden = (causal && j > i) || (slidingWindow.map { abs(i - j) >= $0 } ?? false)
                        var dot: Float = 0
                        for d in 0..<hd { dot += q[(i * hq + head) * hd + d] * k[(j * hkv + kv) * hd + d] }
                        scores[j] = hidden ? -.infinity : dot * scale
                    }
                    let top = scores.max() ?? 0
                    var total: Float = 0
                    for j in 0..<s {
                        scores[j] = top == -.infinity ? 0 : Foundation.exp(scores[j] - top)
                        total += scores[j]
                    }
                    for j in 0..<s where total > 0 {
                        let weight = scores[j] / total
                        for d in 0..<hd { attended[(i * hq + head) * hd + d] += weight * v[(j * hkv + kv) * hd + d] }
                    }
                }
            }
            context.macs += Int64(2 * hq * t * s * hd)
            if let (wg, bg) = gate {
                let g = Kernels.project(qx, steps: t, features: dq, wg, bg, width: hq * hd, macs: &context.macs)
                for i in attended.indices { attended[i] *= 1 / (1 + Foundation.exp(-g[i])) }
            }
            let o = Kernels.project(attended[...], steps: t, features: hq * hd, wo, bo, width: dq, macs: &context.macs)
            for i in 0..<(t * dq) { result[b * t * dq + i] = o[i] }
        }
        return Tensor(unchecked: [batch, t, dq], data: result)
    }
}
