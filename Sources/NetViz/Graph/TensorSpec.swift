/// Element types a tensor can hold; `byteSize` drives activation and weight memory.
public enum DType: String, Sendable, Hashable, CaseIterable {
    case float16, bfloat16, float32, float64, int8, uint8, int16, int32, int64, bool
    /// Text (Keras's text preprocessing inputs); counted as 8 bytes, a reference, in activation memory.
    case string

    public var byteSize: Int {
        switch self {
        case .bool, .int8, .uint8: 1
        case .float16, .bfloat16, .int16: 2
        case .float32, .int32: 4
        case .float64, .int64, .string: 8
        }
    }
}

/// A symbolic tensor's type.
///
/// Keras shapes have an implicit batch dimension of unknown size (`batched`, printed `None`) before `dims`. Files
/// that store whole shapes (ONNX, TFLite) make specs with `batched` false: `dims` is then the whole shape, and a
/// symbolic dimension (ONNX's `batch`) is bound to a size for counting and keeps its name in `symbols` for display.
/// Counts are per sample for batched specs and for the whole tensor otherwise (bind `batch` to 1 for per sample).
public struct TensorSpec: Hashable, Sendable, CustomStringConvertible {
    /// The dimensions after the batch dimension (batched), or all of them.
    public var dims: [Int]
    public var dtype: DType
    /// Whether an unknown batch dimension comes first (Keras's `None`).
    public var batched: Bool
    /// Names of symbolic dimensions, by position in `dims`, shown instead of the size they are bound to.
    public var symbols: [Int: String]

    public init(_ dims: [Int], dtype: DType = .float32) {
        self.dims = dims
        self.dtype = dtype
        batched = true
        symbols = [:]
    }

    /// A whole shape, as ONNX and TFLite store it.
    public init(whole dims: [Int], dtype: DType = .float32, symbols: [Int: String] = [:]) {
        self.dims = dims
        self.dtype = dtype
        batched = false
        self.symbols = symbols
    }

    /// Rank including the batch dimension, as Keras counts it.
    public var rank: Int { dims.count + (batched ? 1 : 0) }

    /// Keras's way of printing a shape: `(None, 224, 224, 3)`; whole shapes print as stored: `(batch, 3, 224, 224)`.
    public var description: String {
        let shown = dims.indices.map { symbols[$0] ?? String(dims[$0]) }
        return "(" + ((batched ? ["None"] : []) + shown).joined(separator: ", ") + ")"
    }

    /// The shape as JSON writes it: null for the batch, a symbol's name for a symbolic dimension.
    public var jsonShape: OrderedJSON {
        .array((batched ? [.null] : []) + dims.indices.map { symbols[$0].map(OrderedJSON.string) ?? .int(Int64(dims[$0])) })
    }

    /// The concrete shape of a tensor of this spec holding `batch` samples (whole shapes have theirs in `dims`).
    public func shape(batch: Int) -> [Int] { batched ? [batch] + dims : dims }

    /// The batch a real tensor of this shape holds, or nil when it does not fit the spec.
    public func batch(of shape: [Int]) -> Int? {
        if batched {
            guard shape.count == rank, shape.dropFirst().elementsEqual(dims), let first = shape.first, first >= 1 else { return nil }
            return first
        }
        return shape == dims ? 1 : nil
    }

    /// Elements of one sample (batch 1), checked for overflow.
    public func elementCount() throws -> Int64 { try Checked.product(dims) }
}
