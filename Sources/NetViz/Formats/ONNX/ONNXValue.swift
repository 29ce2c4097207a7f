/// A tensor while an ONNX graph is read: its whole shape (symbolic dims bound to a size, their names kept for
/// display), its element type and, for the small tensors that shape arithmetic makes (Shape -> Gather -> Concat ->
/// Reshape), its values, so those sub-graphs are evaluated on the fly and never become rows.
struct ONNXValue: Sendable {
    var dims: [Int]
    /// Names of symbolic dims by position ("batch"); a dim computed from one is named by the expression.
    var symbols: [Int: String] = [:]
    var elementType: Int32
    /// The values, when known at read time (row-major, as Doubles: shape values are integers far below 2^53).
    var constant: [Double]?
    /// For a shape value: the name of the symbolic size an element stands for, by element index.
    var constantSymbols: [Int: String] = [:]

    init(dims: [Int], symbols: [Int: String] = [:], elementType: Int32, constant: [Double]? = nil, constantSymbols: [Int: String] = [:]) {
        self.dims = dims
        self.symbols = symbols
        self.elementType = elementType
        self.constant = constant
        self.constantSymbols = constantSymbols
    }

    var rank: Int { dims.count }
    var elementCount: Int { dims.reduce(1) { $0 &* $1 } }
    var isFloat: Bool { ONNXDataType(rawValue: elementType)?.isFloatingPoint ?? false }

    var spec: TensorSpec { TensorSpec(whole: dims, dtype: ONNXValue.dtype(elementType), symbols: symbols) }

    /// The constant's values as integers (shape, axes, pads), clamped into Int (Slice ends use INT64_MAX).
    var integers: [Int]? {
        guard let constant, constant.allSatisfy({ !$0.isNaN }) else { return nil }
        return constant.map { value in
            if value >= 9.2e18 { return Int.max }
            if value <= -9.2e18 { return Int.min }
            return Int(value)
        }
    }

    /// netviz's element type for an ONNX one (float32 for the kinds netviz has no name for).
    static func dtype(_ elementType: Int32) -> DType {
        switch ONNXDataType(rawValue: elementType) {
        case .float16: .float16
        case .bfloat16: .bfloat16
        case .double: .float64
        case .int8: .int8
        case .uint8: .uint8
        case .int16: .int16
        case .int32: .int32
        case .int64: .int64
        case .bool: .bool
        default: .float32
        }
    }

    /// Resolves a possibly negative axis against `rank`.
    static func axis(_ axis: Int, rank: Int) throws -> Int {
        let resolved = axis < 0 ? axis + rank : axis
        guard resolved >= 0, resolved < max(rank, 1) else { throw LayerProblem("axis \(axis) is out of range for rank \(rank)") }
        return resolved
    }
}

/// Integer arithmetic on sizes from a file: overflow is a `LayerProblem`, never a trap.
enum SizeMath {
    static func multiply(_ a: Int, _ b: Int) throws -> Int {
        let (value, overflow) = a.multipliedReportingOverflow(by: b)
        guard !overflow else { throw LayerProblem("sizes \(a) x \(b) overflow") }
        return value
    }

    static func add(_ values: Int...) throws -> Int {
        var total = 0
        for value in values {
            let (sum, overflow) = total.addingReportingOverflow(value)
            guard !overflow else { throw LayerProblem("sizes \(values) overflow when added") }
            total = sum
        }
        return total
    }

    static func product(_ values: [Int]) throws -> Int {
        try values.reduce(1) { try multiply($0, $1) }
    }

    /// A size computed in floating point (Resize's scales, Range's count), refused when not finite or too large.
    static func size(_ value: Double) throws -> Int {
        guard value.isFinite, value >= 0, value < Double(Int32.max) else { throw LayerProblem("size \(value) is not valid") }
        return Int(value)
    }
}

/// The most values netviz evaluates for one tensor at read time (shape arithmetic and small masks stay far below).
let onnxFoldLimit = 4096
