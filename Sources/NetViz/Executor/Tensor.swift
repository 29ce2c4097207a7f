/// A dense Float32 tensor for the reference executor: `shape` includes the batch dimension, `data` is in
/// C (row-major) order, so a rank-4 image batch is NHWC as Keras stores channels_last data.
public struct Tensor: Sendable, Equatable {
    public var shape: [Int]
    public var data: [Float]

    /// A tensor over existing data; the element count must equal the product of `shape`.
    public init(shape: [Int], data: [Float]) throws {
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw NetVizError.graph("tensor shape \(shape) has a negative dimension")
        }
        let count = try Checked.product(shape)
        guard count == Int64(data.count) else {
            throw NetVizError.graph("tensor shape \(shape) needs \(count) elements, got \(data.count)")
        }
        self.shape = shape
        self.data = data
    }

    /// Zeros of a shape the caller has already checked (an executor-internal shape).
    init(zeros shape: [Int]) {
        self.shape = shape
        data = [Float](repeating: 0, count: shape.reduce(1, *))
    }

    /// Same elements, another shape with the same element count (checked by the caller).
    init(unchecked shape: [Int], data: [Float]) {
        self.shape = shape
        self.data = data
    }

    public var count: Int { data.count }
    public var rank: Int { shape.count }

    /// The shape as netviz prints specs: `(1, 112, 112, 32)`.
    public var shapeDescription: String { "(" + shape.map(String.init).joined(separator: ", ") + ")" }

    /// Largest |element| (0 for an empty tensor).
    public var maxAbs: Float { data.reduce(0) { max($0, abs($1)) } }

    /// Largest |self - other| over matching elements; nil when the shapes differ.
    public func maxAbsDifference(_ other: Tensor) -> Float? {
        guard shape == other.shape else { return nil }
        var worst: Float = 0
        for i in data.indices {
            let d = abs(data[i] - other.data[i])
            if d.isNaN { return .nan }
            worst = max(worst, d)
        }
        return worst
    }

    /// Row-major strides of `shape`.
    static func strides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var running = 1
        for axis in shape.indices.reversed() {
            strides[axis] = running
            running *= shape[axis]
        }
        return strides
    }
}

extension Tensor {
    /// The same shape, each value mapped.
    func map(_ transform: (Float) -> Float) -> Tensor { Tensor(unchecked: shape, data: data.map(transform)) }
}
