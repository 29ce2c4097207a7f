/// Element types a tensor can hold; `byteSize` drives activation and weight memory.
public enum DType: String, Sendable, Hashable, CaseIterable {
    case float16, bfloat16, float32, float64, int8, uint8, int32, int64, bool

    public var byteSize: Int {
        switch self {
        case .bool, .int8, .uint8: 1
        case .float16, .bfloat16: 2
        case .float32, .int32: 4
        case .float64, .int64: 8
        }
    }
}

/// A symbolic tensor's type: an unknown batch dimension followed by known dimensions.
public struct TensorSpec: Hashable, Sendable, CustomStringConvertible {
    /// The dimensions after the batch dimension.
    public var dims: [Int]
    public var dtype: DType

    public init(_ dims: [Int], dtype: DType = .float32) {
        self.dims = dims
        self.dtype = dtype
    }

    /// Rank including the batch dimension, as Keras counts it.
    public var rank: Int { dims.count + 1 }

    /// Keras's way of printing a shape: `(None, 224, 224, 3)`.
    public var description: String {
        "(" + (["None"] + dims.map(String.init)).joined(separator: ", ") + ")"
    }

    /// Elements of one sample (batch 1), checked for overflow.
    public func elementCount() throws -> Int64 { try Checked.product(dims) }
}
