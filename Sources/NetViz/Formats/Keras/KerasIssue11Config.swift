/// Argument readers of the issue 11 import rows (KerasLayerTable.swift, the block headed "issue 11").
extension KerasLayerConfig {
    /// The adaptive poolings' `output_size`: one integer (used for every axis) or `count` integers.
    func outputSize(_ count: Int) throws -> [Int] {
        guard let sizes = try intList("output_size") else { throw LayerProblem("output_size is missing") }
        if sizes.count == 1 { return Array(repeating: sizes[0], count: count) }
        guard sizes.count == count else { throw LayerProblem("output_size must be one integer or \(count), got \(sizes.count)") }
        return sizes
    }

    /// The keyword arguments of every call of the layer (Keras 3's `inbound_nodes[i].kwargs`; empty for Keras 2's lists).
    var callKeywords: [[String: JSON]] {
        (entry["inbound_nodes"]?.arrayValue ?? []).map { $0["kwargs"]?.objectValue ?? [:] }
    }

    /// True when any call passes `key=true` (`use_causal_mask`, `return_attention_scores`).
    func anyCall(_ key: String) -> Bool {
        callKeywords.contains { if case .bool(true)? = $0[key] { return true } else { return false } }
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
