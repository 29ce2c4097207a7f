/// `keras.layers.Embedding`: each integer id of the input picks a row of `embeddings` [input_dim, output_dim].
/// A lookup, not a product: 0 MACs.
public struct Embedding: Layer {
    public static let className = "Embedding"
    public static let arity = Arity.one
    public var inputDim: Int
    public var outputDim: Int
    /// `mask_zero=True`: id 0 is padding, and the layer makes a mask (ids != 0) that an RNN downstream reads
    /// (the executor's `MaskFlow`). Counts are the same either way.
    public var maskZero: Bool
    public var name: String?
    public var activation: ActivationFunction? { nil }

    public init(inputDim: Int, outputDim: Int, maskZero: Bool = false, name: String? = nil) {
        self.inputDim = inputDim
        self.outputDim = outputDim
        self.maskZero = maskZero
        self.name = name
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        try ShapeRules.requirePositive(inputDim, "input_dim")
        try ShapeRules.requirePositive(outputDim, "output_dim")
        let output = TensorSpec(inputs[0].dims + [outputDim])
        _ = try output.elementCount()
        return output
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] { [WeightSpec("embeddings", [inputDim, outputDim])] }

    /// A table lookup: no multiply-accumulates.
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { 0 }
}

extension Embedding: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        let ids = context.inputs[0], table = try context.weight("embeddings")
        var out: [Float] = []
        out.reserveCapacity(ids.count * outputDim)
        for value in ids.data {
            // Keras casts the ids to int (toward zero).
            guard value.isFinite, value > -1, value < Float(inputDim) else {
                throw KernelError("id \(value) is outside [0, \(inputDim))")
            }
            let row = Int(value)
            out.append(contentsOf: table.data[(row * outputDim)..<((row + 1) * outputDim)])
        }
        return Tensor(unchecked: ids.shape + [outputDim], data: out)
    }
}


/// `keras.layers.ReversibleEmbedding` called forward: Embedding's lookup (0 MACs). Params: `embeddings`
/// [input_dim, output_dim], and with `tie_weights=False` a trainable `reverse_embeddings` [output_dim, input_dim]
/// (Keras counts it). A reverse call (`reverse=True`, logits = x · embeddingsᵀ) is refused by name when importing;
/// `reverse_dtype` and `logit_soft_cap` act only there.
public struct ReversibleEmbedding: Layer {
    public static let className = "ReversibleEmbedding"
    public static let arity = Arity.one
    public var inputDim: Int
    public var outputDim: Int
    public var tieWeights: Bool
    public var name: String?
    public var activation: ActivationFunction? { nil }

    public init(inputDim: Int, outputDim: Int, tieWeights: Bool = true, name: String? = nil) {
        self.inputDim = inputDim
        self.outputDim = outputDim
        self.tieWeights = tieWeights
        self.name = name
    }

    var lookup: Embedding { Embedding(inputDim: inputDim, outputDim: outputDim, name: name) }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec { try lookup.outputSpec(for: inputs) }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] {
        lookup.weights(for: inputs) + (tieWeights ? [] : [WeightSpec("reverse_embeddings", [outputDim, inputDim])])
    }

    /// A table lookup: no multiply-accumulates.
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { 0 }
}

extension ReversibleEmbedding: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        // The untied reverse table serves reverse calls only; the forward call reads it into nothing.
        _ = try context.optionalWeight("reverse_embeddings", if: !tieWeights)
        return try lookup.execute(&context)
    }
}
