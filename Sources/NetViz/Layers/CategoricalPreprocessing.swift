/// Keras's categorical and text preprocessing layers: ids or strings to indices, and indices to one-hot, multi-hot
/// or count vectors. No weights Keras counts (a lookup's vocabulary is a constant, not a variable), no MACs.

/// How a categorical layer encodes its indices (`output_mode`).
public enum CategoricalOutput: String, Sendable {
    case int, oneHot = "one_hot", multiHot = "multi_hot", count, tfIDF = "tf_idf"

    /// Keras's `CategoryEncoding.compute_output_shape` (and the lookups', which share it): `int` keeps the shape;
    /// `one_hot` appends `depth` (replacing a last dim of 1); the others replace the last dim.
    func shape(of input: TensorSpec, depth: Int, dtype: DType) throws -> TensorSpec {
        guard self != .int else { return TensorSpec(input.dims, dtype: dtype) }
        guard depth > 0 else { throw LayerProblem("the number of tokens must be positive, got \(depth)") }
        var dims = input.dims
        if self == .oneHot, dims.last != 1 || dims.isEmpty { dims.append(depth) } else if dims.isEmpty { dims = [depth] } else {
            dims[dims.count - 1] = depth
        }
        let output = TensorSpec(dims, dtype: dtype)
        _ = try output.elementCount()
        return output
    }

    /// Indices (already mapped) to the encoding, over the last axis as Keras does; indices outside [0, depth) are
    /// dropped, as TensorFlow's bincount and one_hot drop them.
    func encode(_ indices: Tensor, depth: Int) throws -> Tensor {
        switch self {
        case .int:
            return indices
        case .oneHot:
            let squeeze = indices.shape.count > 1 && indices.shape.last == 1
            let shape = (squeeze ? Array(indices.shape.dropLast()) : indices.shape) + [depth]
            var out = [Float](repeating: 0, count: indices.data.count * depth)
            for (i, value) in indices.data.enumerated() where value >= 0 && value < Float(depth) { out[i * depth + Int(value)] = 1 }
            return Tensor(unchecked: shape, data: out)
        case .tfIDF:
            throw KernelError("has no kernel for tf_idf (Keras's idf layout is not modelled)")
        case .multiHot, .count:
            let last = indices.shape.last ?? 1
            let rows = last == 0 ? 0 : indices.data.count / last
            var out = [Float](repeating: 0, count: rows * depth)
            for r in 0..<rows {
                for k in 0..<last {
                    let value = indices.data[r * last + k]
                    guard value >= 0, value < Float(depth) else { continue }
                    let slot = r * depth + Int(value)
                    if self == .multiHot { out[slot] = 1 } else { out[slot] += 1 }
                }
            }
            let shape = indices.shape.isEmpty ? [depth] : Array(indices.shape.dropLast()) + [depth]
            return Tensor(unchecked: shape, data: out)
        }
    }
}

/// `keras.layers.CategoryEncoding`: integer ids in [0, num_tokens) to one-hot, multi-hot or count vectors.
public struct CategoryEncoding: Layer {
    public static let className = "CategoryEncoding"
    public static let arity = Arity.one
    public var numTokens: Int
    public var outputMode: CategoricalOutput
    public var name: String?
    public var activation: ActivationFunction? { nil }

    public init(numTokens: Int, outputMode: CategoricalOutput = .multiHot, name: String? = nil) {
        self.numTokens = numTokens
        self.outputMode = outputMode
        self.name = name
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        guard outputMode != .int, outputMode != .tfIDF else { throw LayerProblem("output_mode \(outputMode.rawValue) is not CategoryEncoding's") }
        return try outputMode.shape(of: inputs[0], depth: numTokens, dtype: .float32)
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] { [] }
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { 0 }
}

extension CategoryEncoding: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        try outputMode.encode(context.inputs[0].map { $0.rounded(.towardZero) }, depth: numTokens)
    }
}

/// `keras.layers.Discretization`: each value to the index of its bucket among `bin_boundaries` (bucket i holds
/// boundaries[i-1] <= x < boundaries[i]), then encoded as `output_mode` says.
public struct Discretization: Layer {
    public static let className = "Discretization"
    public static let arity = Arity.one
    /// Nil when the layer was to be adapted (`num_bins` only): summary reads it, verify cannot run it.
    public var binBoundaries: [Double]?
    public var numBins: Int
    public var outputMode: CategoricalOutput
    public var name: String?
    public var activation: ActivationFunction? { nil }

    public init(binBoundaries: [Double]?, numBins: Int? = nil, outputMode: CategoricalOutput = .int, name: String? = nil) {
        self.binBoundaries = binBoundaries
        self.numBins = binBoundaries.map { $0.count + 1 } ?? numBins ?? 0
        self.outputMode = outputMode
        self.name = name
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        try outputMode.shape(of: inputs[0], depth: numBins, dtype: outputMode == .int ? .int64 : .float32)
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] { [] }
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { 0 }
}

extension Discretization: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        guard let binBoundaries else { throw KernelError("has no bin_boundaries (it was to be adapted)") }
        let bounds = binBoundaries.map { Float($0) }
        let indices = context.inputs[0].map { x in
            // The number of boundaries <= x (bounds are sorted): a binary search.
            var (lo, hi) = (0, bounds.count)
            while lo < hi {
                let mid = (lo + hi) / 2
                if bounds[mid] <= x { lo = mid + 1 } else { hi = mid }
            }
            return Float(lo)
        }
        return try outputMode.encode(indices, depth: numBins)
    }
}

/// `keras.layers.IntegerLookup` and `keras.layers.StringLookup`: tokens to indices in the layout Keras uses
/// ([mask] + OOV buckets + vocabulary), or back (`invert`). The vocabulary comes from the config; one given as a
/// file path, or left to be adapted, still has a known output shape when `output_mode` is `int`.
public struct Lookup: Layer, InstanceClassName {
    public static let className = "IntegerLookup"
    public static let arity = Arity.one
    /// IntegerLookup or StringLookup.
    public var kerasClassName: String
    public var instanceClassName: String { kerasClassName }
    /// The vocabulary as numbers (IntegerLookup's); nil for strings or when it is not in the config.
    public var vocabulary: [Double]?
    /// The vocabulary's size (0 when unknown).
    public var vocabularySize: Int
    public var numOOVIndices: Int
    public var hasMask: Bool
    public var maskToken: Double?
    public var invert: Bool
    public var outputMode: CategoricalOutput
    /// `max_tokens` when `pad_to_max_tokens`: the encoding's depth then.
    public var paddedDepth: Int?
    public var idfWeights: [Float]?
    public var name: String?
    public var activation: ActivationFunction? { nil }

    public init(
        kerasClassName: String, vocabulary: [Double]?, vocabularySize: Int, numOOVIndices: Int = 1, hasMask: Bool = false,
        maskToken: Double? = nil, invert: Bool = false, outputMode: CategoricalOutput = .int, paddedDepth: Int? = nil,
        idfWeights: [Float]? = nil, name: String? = nil
    ) {
        self.kerasClassName = kerasClassName
        self.vocabulary = vocabulary
        self.vocabularySize = vocabularySize
        self.numOOVIndices = numOOVIndices
        self.hasMask = hasMask
        self.maskToken = maskToken
        self.invert = invert
        self.outputMode = outputMode
        self.paddedDepth = paddedDepth
        self.idfWeights = idfWeights
        self.name = name
    }

    /// Index 0 is the mask's in `int` mode only: the vector modes drop masked tokens and have no slot for them.
    var maskSlots: Int { hasMask && outputMode == .int ? 1 : 0 }

    /// The encoding's depth: OOV buckets + vocabulary, or `max_tokens` when padded.
    var depth: Int { paddedDepth ?? (vocabularySize + numOOVIndices + maskSlots) }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        if invert {
            guard outputMode == .int else { throw LayerProblem("invert needs output_mode 'int'") }
            return TensorSpec(inputs[0].dims, dtype: kerasClassName == "StringLookup" ? .string : .int64)
        }
        guard outputMode == .int || vocabularySize > 0 || paddedDepth != nil else {
            throw LayerProblem("output_mode \(outputMode.rawValue) needs the vocabulary in the config (its size is the output's)")
        }
        return try outputMode.shape(of: inputs[0], depth: depth, dtype: outputMode == .int ? .int64 : .float32)
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] { [] }
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { 0 }
}

extension Lookup: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        guard let vocabulary else {
            throw KernelError("has no vocabulary in the config (a file path, strings, or to be adapted): netviz runs integer vocabularies given inline")
        }
        let offset = numOOVIndices + maskSlots
        if invert {
            return context.inputs[0].map { index in
                // Input values are the user's: out-of-range, NaN and huge indices are the OOV token, never a trap.
                guard index.isFinite, abs(index) < 1e9 else { return -1 }
                let i = Int(index.rounded(.towardZero)) - offset
                return i >= 0 && i < vocabulary.count ? Float(vocabulary[i]) : Float(-1)
            }
        }
        var indexOf: [Double: Int] = [:]
        for (i, token) in vocabulary.enumerated() where indexOf[token] == nil { indexOf[token] = i + offset }
        let indices = context.inputs[0].map { value -> Float in
            guard value.isFinite else { return Float(maskSlots) }
            let token = Double(value.rounded(.towardZero))
            if hasMask, token == maskToken { return maskSlots == 1 ? 0 : -1 }
            if let index = indexOf[token] { return Float(index) }
            // Out of vocabulary: TensorFlow's floormod of the token into the OOV buckets, after the mask.
            let bucket = numOOVIndices <= 1 ? 0 : Int(token.truncatingRemainder(dividingBy: Double(numOOVIndices)) + Double(numOOVIndices)) % numOOVIndices
            return Float(maskSlots + bucket)
        }
        return try outputMode.encode(indices, depth: depth)
    }
}

/// `keras.layers.TextVectorization`: strings to token ids (`int`, padded or cut to `output_sequence_length`) or to
/// one vector per text over its vocabulary. Its shape rule and counts are exact; verify runs numbers only.
public struct TextVectorization: Layer {
    public static let className = "TextVectorization"
    public static let arity = Arity.one
    public var outputMode: CategoricalOutput
    /// `output_sequence_length` (int mode) or the vocabulary's size (the other modes).
    public var length: Int
    /// Whether the text is split into tokens (`split` not None): the vector modes then encode over the tokens.
    public var splits: Bool
    public var name: String?
    public var activation: ActivationFunction? { nil }

    public init(outputMode: CategoricalOutput, length: Int, splits: Bool = true, name: String? = nil) {
        self.outputMode = outputMode
        self.length = length
        self.splits = splits
        self.name = name
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        if outputMode == .int { return TensorSpec([length], dtype: .int64) }
        // Keras adds the token axis (split) or a unit axis (no split, rank 1), then encodes the last axis.
        if splits {
            guard outputMode != .oneHot else { throw LayerProblem("one_hot of split text has a token axis of unknown length") }
            return TensorSpec(inputs[0].dims + [length], dtype: .float32)
        }
        let dims = inputs[0].dims.isEmpty ? [1] : inputs[0].dims
        return try outputMode.shape(of: TensorSpec(dims, dtype: .string), depth: length, dtype: .float32)
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] { [] }
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { 0 }
}

extension TextVectorization: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        throw KernelError("reads strings; netviz's executor runs numeric tensors only")
    }
}

/// `keras.layers.Hashing` (one input) and `keras.layers.HashedCrossing` (two): values to one of `num_bins` buckets
/// by FarmHash64 of their text (SipHash with a salt), then encoded. The shape rule and counts are exact; netviz has
/// no FarmHash kernel, so verify names the layer.
public struct Hashing<Inputs: InputCount>: Layer, InstanceClassName {
    public static var className: String { "Hashing" }
    public static var arity: Arity { Inputs.arity }
    public var kerasClassName: String
    public var instanceClassName: String { kerasClassName }
    public var outputMode: CategoricalOutput
    public var bins: Int
    public var name: String?
    public var activation: ActivationFunction? { nil }

    public init(kerasClassName: String, outputMode: CategoricalOutput, bins: Int, name: String? = nil) {
        self.kerasClassName = kerasClassName
        self.outputMode = outputMode
        self.bins = bins
        self.name = name
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        guard bins > 0 else { throw LayerProblem("num_bins must be positive, got \(bins)") }
        if inputs.count > 1 {
            guard inputs.count == 2, inputs[0].dims.last == inputs[1].dims.last else {
                throw LayerProblem("HashedCrossing crosses two tensors of the same last dimension")
            }
        }
        return try outputMode.shape(of: inputs[0], depth: bins, dtype: outputMode == .int ? .int64 : .float32)
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] { [] }
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { 0 }
}

extension Hashing: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        throw KernelError("hashes with FarmHash64, which netviz's executor does not implement")
    }
}

extension Tensor {
    /// The same shape, each value mapped.
    func map(_ transform: (Float) -> Float) -> Tensor { Tensor(unchecked: shape, data: data.map(transform)) }
}
