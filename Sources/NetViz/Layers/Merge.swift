/// What an element-wise merge computes; one type per operation so Add and Multiply share their code.
public protocol MergeOperation: Sendable {
    static var className: String { get }
    /// What the kernel computes for two elements.
    static func combine(_ a: Float, _ b: Float) -> Float
    /// The result from the combination of `count` inputs (Average divides); the combination itself by default.
    static func finish(_ value: Float, count: Int) -> Float
    /// Keras's Subtract takes exactly two inputs.
    static var takesTwo: Bool { get }
}

extension MergeOperation {
    public static func finish(_ value: Float, count: Int) -> Float { value }
    public static var takesTwo: Bool { false }
}

public enum Difference: MergeOperation {
    public static let className = "Subtract"
    public static func combine(_ a: Float, _ b: Float) -> Float { a - b }
    public static var takesTwo: Bool { true }
}

public enum Mean: MergeOperation {
    public static let className = "Average"
    public static func combine(_ a: Float, _ b: Float) -> Float { a + b }
    public static func finish(_ value: Float, count: Int) -> Float { value / Float(count) }
}

public enum Largest: MergeOperation {
    public static let className = "Maximum"
    public static func combine(_ a: Float, _ b: Float) -> Float { max(a, b) }
}

public enum Smallest: MergeOperation {
    public static let className = "Minimum"
    public static func combine(_ a: Float, _ b: Float) -> Float { min(a, b) }
}

/// `keras.layers.Subtract`.
public typealias Subtract = ElementwiseMerge<Difference>
/// `keras.layers.Average`.
public typealias Average = ElementwiseMerge<Mean>
/// `keras.layers.Maximum`.
public typealias Maximum = ElementwiseMerge<Largest>
/// `keras.layers.Minimum`.
public typealias Minimum = ElementwiseMerge<Smallest>

public enum Addition: MergeOperation {
    public static let className = "Add"
    public static func combine(_ a: Float, _ b: Float) -> Float { a + b }
}

public enum Product: MergeOperation {
    public static let className = "Multiply"
    public static func combine(_ a: Float, _ b: Float) -> Float { a * b }
}

/// `keras.layers.Add`.
public typealias Add = ElementwiseMerge<Addition>
/// `keras.layers.Multiply`.
public typealias Multiply = ElementwiseMerge<Product>

/// An element-wise merge of two or more tensors, with Keras's broadcasting of size-1 dims.
public struct ElementwiseMerge<Operation: MergeOperation>: Layer {
    public static var className: String { Operation.className }
    public static var arity: Arity { .atLeastTwo }
    public var name: String?
    public var activation: ActivationFunction? { nil }

    public init(name: String? = nil) { self.name = name }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        if Operation.takesTwo, inputs.count != 2 { throw LayerProblem("takes exactly 2 inputs, got \(inputs.count)") }
        return try ShapeRules.broadcast(inputs)
    }
    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] { [] }

    /// Element-wise: no multiply-accumulates in the paper's convention.
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { 0 }
}

/// `keras.layers.Concatenate`: joins inputs along `axis`; every other dim must match.
public struct Concatenate: Layer {
    public static let className = "Concatenate"
    public static let arity = Arity.atLeastTwo
    public var axis: Int
    public var name: String?
    public var activation: ActivationFunction? { nil }

    public init(axis: Int = -1, name: String? = nil) {
        self.axis = axis
        self.name = name
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        let first = inputs[0]
        let index = try ShapeRules.dimIndex(axis: axis, rank: first.rank)
        var dims = first.dims
        for other in inputs.dropFirst() {
            var a = first.dims, b = other.dims
            guard a.count == b.count else {
                throw LayerProblem("inputs must have the same rank, got \(first) and \(other)")
            }
            a.remove(at: index)
            b.remove(at: index)
            guard a == b else {
                throw LayerProblem("inputs \(first) and \(other) differ outside the concatenation axis \(axis)")
            }
            let (sum, overflow) = dims[index].addingReportingOverflow(other.dims[index])
            if overflow { throw NetVizError.overflow("concatenated size") }
            dims[index] = sum
        }
        return TensorSpec(dims, dtype: first.dtype)
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] { [] }
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { 0 }
}

extension Concatenate: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        try Kernels.concatenate(context.inputs, axis: axis)
    }
}

extension ElementwiseMerge: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        var out = try Kernels.broadcastMerge(context.inputs, Operation.combine)
        let count = context.inputs.count
        out.data = out.data.map { Operation.finish($0, count: count) }
        return out
    }
}
