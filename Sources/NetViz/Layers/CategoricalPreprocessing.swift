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
/// by FarmHash64 of their text (SipHash with a salt), then encoded. The shape rule and counts are exact. verify runs
/// Hashing of numbers (their decimal text, as TensorFlow's `as_string`, through `FarmHash.fingerprint64`); a salt
/// (SipHash) and HashedCrossing (TensorFlow's sparse cross) have no kernel and verify names the layer.
public struct Hashing<Inputs: InputCount>: Layer, InstanceClassName {
    public static var className: String { "Hashing" }
    public static var arity: Arity { Inputs.arity }
    public var kerasClassName: String
    public var instanceClassName: String { kerasClassName }
    public var outputMode: CategoricalOutput
    public var bins: Int
    /// Values equal to it go to bin 0, the others to bins 1...
    public var maskValue: Double?
    /// Whether a salt asks for SipHash (`to_hash_bucket_strong`).
    public var salted: Bool
    public var name: String?
    public var activation: ActivationFunction? { nil }

    public init(
        kerasClassName: String, outputMode: CategoricalOutput, bins: Int, maskValue: Double? = nil, salted: Bool = false,
        name: String? = nil
    ) {
        self.kerasClassName = kerasClassName
        self.outputMode = outputMode
        self.bins = bins
        self.maskValue = maskValue
        self.salted = salted
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
        guard context.inputs.count == 1 else { throw KernelError("has no kernel for HashedCrossing (TensorFlow's sparse cross)") }
        guard !salted else { throw KernelError("has no kernel for a salted hash (SipHash)") }
        var x = context.inputs[0]
        // Keras squeezes a last axis of 1 before one_hot.
        if outputMode == .oneHot, x.rank > 1, x.shape.last == 1 { x = Tensor(unchecked: Array(x.shape.dropLast()), data: x.data) }
        let hashed = maskValue == nil || bins <= 1 ? bins : bins - 1
        let indices = try x.data.map { value -> Float in
            guard value.isFinite, abs(value) < 9.2e18 else { throw KernelError("cannot hash \(value) (not an int64)") }
            let integer = Int64(value.rounded(.towardZero))
            if let maskValue, bins > 1, Double(integer) == maskValue { return 0 }
            let bucket = Float(FarmHash.fingerprint64(Array(String(integer).utf8)) % UInt64(hashed))
            return maskValue != nil && bins > 1 ? bucket + 1 : bucket
        }
        return try outputMode.encode(Tensor(unchecked: x.shape, data: indices), depth: bins)
    }
}

/// FarmHash's Fingerprint64 (farmhashna::Hash64), what TensorFlow's `to_hash_bucket_fast` uses, for texts up to 32
/// bytes (a number's decimal text is at most 20). Written here because no Swift package in the local set has it.
enum FarmHash {
    static let k0: UInt64 = 0xc3a5_c85c_97cb_3127, k1: UInt64 = 0xb492_b66f_be98_f273, k2: UInt64 = 0x9ae1_6a3b_2f90_404f

    static func fingerprint64(_ s: [UInt8]) -> UInt64 {
        let n = UInt64(s.count)
        func fetch64(_ i: Int) -> UInt64 { (0..<8).reduce(UInt64(0)) { $0 | UInt64(s[i + $1]) << (8 * UInt64($1)) } }
        func fetch32(_ i: Int) -> UInt64 { (0..<4).reduce(UInt64(0)) { $0 | UInt64(s[i + $1]) << (8 * UInt64($1)) } }
        func rotate(_ v: UInt64, _ shift: UInt64) -> UInt64 { shift == 0 ? v : (v >> shift) | (v << (64 - shift)) }
        func shiftMix(_ v: UInt64) -> UInt64 { v ^ (v >> 47) }
        func hashLen16(_ u: UInt64, _ v: UInt64, _ mul: UInt64) -> UInt64 {
            var a = (u ^ v) &* mul
            a ^= a >> 47
            var b = (v ^ a) &* mul
            b ^= b >> 47
            return b &* mul
        }
        let mul = k2 &+ n &* 2
        switch s.count {
        case 0: return k2
        case 1...3:
            let y = UInt32(s[0]) &+ (UInt32(s[s.count >> 1]) << 8), z = UInt32(s.count) &+ (UInt32(s[s.count - 1]) << 2)
            return shiftMix(UInt64(y) &* k2 ^ UInt64(z) &* k0) &* k2
        case 4...7:
            return hashLen16(n &+ (fetch32(0) << 3), fetch32(s.count - 4), mul)
        case 8...16:
            let a = fetch64(0) &+ k2, b = fetch64(s.count - 8)
            return hashLen16(rotate(b, 37) &* mul &+ a, (rotate(a, 25) &+ b) &* mul, mul)
        default:
            // 17 to 32 bytes (callers pass no more).
            let a = fetch64(0) &* k1, b = fetch64(8), c = fetch64(s.count - 8) &* mul, d = fetch64(s.count - 16) &* k2
            return hashLen16(rotate(a &+ b, 43) &+ rotate(c, 30) &+ d, a &+ rotate(b &+ k2, 18) &+ c, mul)
        }
    }
}
