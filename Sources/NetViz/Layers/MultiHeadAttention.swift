import Foundation

/// `keras.layers.MultiHeadAttention` called as `mha(query, value)` (key = value) on (steps, features) inputs:
/// query, key and value projections to `num_heads` x `key_dim` (`value_dim`), scaled dot-product attention per head,
/// and the output projection to `output_shape` (the query's features by default).
///
/// MACs: the four projections (weights), plus the two products of activations, Q·Kᵀ (heads x T x S x key_dim) and
/// A·V (heads x T x S x value_dim), which are also reported on their own (`activationProductMACs`).
public struct MultiHeadAttention: Layer {
    public static let className = "MultiHeadAttention"
    public static let arity = Arity.atLeastTwo
    public var numHeads: Int
    public var keyDim: Int
    public var valueDim: Int?
    public var outputDim: Int?
    public var useBias: Bool
    /// `use_causal_mask=True` in the call: step t attends to steps up to t.
    public var causal: Bool
    /// `return_attention_scores=True` in the call: the softmaxed scores (heads, T, S) are a second output.
    public var returnScores: Bool
    public var name: String?
    public var activation: ActivationFunction? { nil }

    public init(
        numHeads: Int, keyDim: Int, valueDim: Int? = nil, outputDim: Int? = nil, useBias: Bool = true, causal: Bool = false,
        returnScores: Bool = false, name: String? = nil
    ) {
        self.numHeads = numHeads
        self.keyDim = keyDim
        self.valueDim = valueDim
        self.outputDim = outputDim
        self.useBias = useBias
        self.causal = causal
        self.returnScores = returnScores
        self.name = name
    }

    var vDim: Int { valueDim ?? keyDim }

    /// (query steps, query features, value steps, value features, key features).
    func sizes(_ inputs: [TensorSpec]) throws -> (t: Int, dq: Int, s: Int, dv: Int, dk: Int) {
        guard inputs.count == 2 || inputs.count == 3 else { throw LayerProblem("takes query and value (and key), got \(inputs.count) inputs") }
        for input in inputs { try ShapeRules.requireRank(input, 3) }
        let key = inputs.count == 3 ? inputs[2] : inputs[1]
        guard key.dims[0] == inputs[1].dims[0] else { throw LayerProblem("key \(key) and value \(inputs[1]) differ in steps") }
        return (inputs[0].dims[0], inputs[0].dims[1], inputs[1].dims[0], inputs[1].dims[1], key.dims[1])
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        try ShapeRules.requirePositive(numHeads, "num_heads")
        try ShapeRules.requirePositive(keyDim, "key_dim")
        try ShapeRules.requirePositive(vDim, "value_dim")
        let (t, dq, _, _, _) = try sizes(inputs)
        if causal, inputs[0].dims[0] != inputs[1].dims[0] { throw LayerProblem("a causal mask needs query and value of the same length") }
        return TensorSpec([t, outputDim ?? dq], dtype: inputs[0].dtype)
    }

    /// With `return_attention_scores`: the scores, (num_heads, query steps, value steps).
    public func extraOutputSpecs(for inputs: [TensorSpec]) throws -> [TensorSpec] {
        guard returnScores else { return [] }
        let (t, _, s, _, _) = try sizes(inputs)
        let scores = TensorSpec([numHeads, t, s], dtype: inputs[0].dtype)
        _ = try scores.elementCount()  // checked: heads x T x S may not fit
        return [scores]
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] {
        guard let (_, dq, _, dv, dk) = try? sizes(inputs) else { return [] }
        let out = outputDim ?? dq
        var specs = [
            WeightSpec("query/kernel", [dq, numHeads, keyDim]), WeightSpec("key/kernel", [dk, numHeads, keyDim]),
            WeightSpec("value/kernel", [dv, numHeads, vDim]), WeightSpec("attention_output/kernel", [numHeads, vDim, out]),
        ]
        if useBias {
            specs.insert(WeightSpec("query/bias", [numHeads, keyDim]), at: 1)
            specs.insert(WeightSpec("key/bias", [numHeads, keyDim]), at: 3)
            specs.insert(WeightSpec("value/bias", [numHeads, vDim]), at: 5)
            specs.append(WeightSpec("attention_output/bias", [out]))
        }
        return specs
    }

    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 {
        let (t, dq, s, dv, dk) = try sizes(inputs)
        let out = outputDim ?? dq
        let projections = try Checked.sum([
            Checked.product([t, dq, numHeads, keyDim]), Checked.product([s, dk, numHeads, keyDim]),
            Checked.product([s, dv, numHeads, vDim]), Checked.product([t, numHeads, vDim, out]),
        ])
        return try Checked.add(projections, activationProductMACs(for: inputs, output: output))
    }

    public func activationProductMACs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 {
        let (t, _, s, _, _) = try sizes(inputs)
        return try Checked.add(Checked.product([numHeads, t, s, keyDim]), Checked.product([numHeads, t, s, vDim]))
    }

    public func costGroup(for inputs: [TensorSpec]) -> String? { "Attention" }
}

extension MultiHeadAttention: MultiOutputExecutable {
    public func executeAll(_ context: inout KernelContext) throws -> [Tensor] {
        let query = context.inputs[0], value = context.inputs[1]
        let key = context.inputs.count > 2 ? context.inputs[2] : value
        guard query.rank == 3, value.rank == 3, key.rank == 3 else { throw KernelError("expects rank-3 inputs") }
        let (batch, t, dq, s, dv, dk) = (query.shape[0], query.shape[1], query.shape[2], value.shape[1], value.shape[2], key.shape[2])
        let (h, kd, vd) = (numHeads, keyDim, vDim)
        let wq = try context.weight("query/kernel"), wk = try context.weight("key/kernel"), wv = try context.weight("value/kernel")
        let wo = try context.weight("attention_output/kernel")
        let bq = try context.optionalWeight("query/bias", if: useBias), bk = try context.optionalWeight("key/bias", if: useBias)
        let bv = try context.optionalWeight("value/bias", if: useBias), bo = try context.optionalWeight("attention_output/bias", if: useBias)
        let out = wo.shape[2]
        var result = [Float](repeating: 0, count: batch * t * out)
        var allScores = [Float](repeating: 0, count: returnScores ? batch * h * t * s : 0)
        let scale = 1 / Float(kd).squareRoot()
        for b in 0..<batch {
            let q = Kernels.project(query.data[(b * t * dq)..<((b + 1) * t * dq)], steps: t, features: dq, wq, bq, width: h * kd, macs: &context.macs)
            let k = Kernels.project(key.data[(b * s * dk)..<((b + 1) * s * dk)], steps: s, features: dk, wk, bk, width: h * kd, macs: &context.macs)
            let v = Kernels.project(value.data[(b * s * dv)..<((b + 1) * s * dv)], steps: s, features: dv, wv, bv, width: h * vd, macs: &context.macs)
            var attended = [Float](repeating: 0, count: t * h * vd)
            for head in 0..<h {
                for i in 0..<t {
                    var scores = [Float](repeating: 0, count: s)
                    for j in 0..<s {
                        var dot: Float = 0
                        for d in 0..<kd { dot += q[(i * h + head) * kd + d] * k[(j * h + head) * kd + d] }
                        scores[j] = causal && j > i ? -.infinity : dot * scale
                    }
                    let top = scores.max() ?? 0
                    let exps = scores.map { Foundation.exp($0 - top) }
                    let total = exps.reduce(0, +)
                    for j in 0..<s {
                        let weight = exps[j] / total
                        if returnScores { allScores[((b * h + head) * t + i) * s + j] = weight }
                        for d in 0..<vd { attended[(i * h + head) * vd + d] += weight * v[(j * h + head) * vd + d] }
                    }
                }
            }
            context.macs += Int64(h * t * s * (kd + vd))
            // Output projection: [t, heads x value_dim] x [heads x value_dim, out].
            let o = Kernels.project(attended[...], steps: t, features: h * vd, wo, bo, width: out, macs: &context.macs)
            for i in 0..<(t * out) { result[b * t * out + i] = o[i] }
        }
        let output = Tensor(unchecked: [batch, t, out], data: result)
        return returnScores ? [output, Tensor(unchecked: [batch, h, t, s], data: allScores)] : [output]
    }
}
