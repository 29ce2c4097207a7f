/// Argument readers shared by several import rows of KerasLayerTable.swift (adaptive pooling sizes, 3D sizes, attention calls).
extension KerasLayerConfig {
    /// The adaptive poolings' `output_size`: one integer (used for every axis) or `count` integers.
    func outputSize(_ count: Int) throws -> [Int] {
        guard let sizes = try intList("output_size") else { throw LayerProblem("output_size is missing") }
        if sizes.count == 1 { return Array(repeating: sizes[0], count: count) }
        guard sizes.count == count else { throw LayerProblem("output_size must be one integer or \(count), got \(sizes.count)") }
        return sizes
    }

    /// The keyword arguments of every call of the layer: Keras 3's `inbound_nodes[i].kwargs`, or Keras 2's
    /// `[layer, node, tensor, kwargs]` entries of each call (tf_keras repeats the call's kwargs on every entry).
    var callKeywords: [[String: JSON]] {
        (entry["inbound_nodes"]?.arrayValue ?? []).map { call in
            if let kwargs = call["kwargs"]?.objectValue { return kwargs }
            var merged: [String: JSON] = [:]
            for item in call.arrayValue ?? [] {
                guard let parts = item.arrayValue, parts.count >= 4, let kwargs = parts[3].objectValue else { continue }
                merged.merge(kwargs) { first, _ in first }
            }
            return merged
        }
    }

    /// True when any call passes `key=true` (`use_causal_mask`, `return_attention_scores`).
    func anyCall(_ key: String) -> Bool {
        callKeywords.contains { if case .bool(true)? = $0[key] { return true } else { return false } }
    }

    /// The attention layers' causal mask: the call's `use_causal_mask=True`, or Keras 2's older `causal=True` argument.
    func causalMask() throws -> Bool {
        try anyCall("use_causal_mask") || bool("causal", false)
    }

    /// The attention layers' calls netviz reads: `return_attention_scores=True` (a second output) and masks given
    /// as tensors are refused by name; `use_causal_mask` is read by the row.
    func refuseAttentionScores() throws {
        if anyCall("return_attention_scores") {
            throw LayerProblem("return_attention_scores=True: netviz reads the attention output only (layers with two outputs are not imported yet)")
        }
        for kwargs in callKeywords {
            for key in ["mask", "attention_mask", "query_mask", "value_mask", "key_mask", "key"] where kwargs[key].map({ !$0.isNull }) ?? false {
                throw LayerProblem("is called with \(key)=...; netviz reads calls on [query, value(, key)] without masks")
            }
        }
    }
}
