/// A `keras.ops` element-wise operation that Keras serialises as a layer (module `keras.src.ops.numpy`), such as
/// the `x + 3.0` and `x * (1 / 6)` of MobileNetV3's hard sigmoid: tensor inputs broadcast, constants don't change
/// the shape. No weights.
public struct ElementwiseOp<Inputs: InputCount>: Layer, InstanceClassName {
    public static var className: String { "ElementwiseOp" }
    public static var arity: Arity { Inputs.arity }
    /// The op's class, as Keras prints it: `Add`, `Multiply`, `Subtract`, `Divide`, ...
    public var operation: String
    /// Constant (non-tensor) arguments, for plots and checks.
    public var constants: [Double]
    /// The call's arguments in order (`3.0 - x` is not `x - 3.0`); nil when unknown (then only commutative
    /// operations can be executed).
    public var operands: [ElementwiseOperand]?
    public var name: String?
    public var activation: ActivationFunction? { nil }
    public var instanceClassName: String { operation }

    public static var supportedOperations: [String] {
        ["Add", "Subtract", "Multiply", "Divide", "TrueDivide", "Maximum", "Minimum", "Power"] + comparisons
    }

    /// Comparisons and logical ops: the same broadcasting, a bool output.
    public static var comparisons: [String] {
        ["Equal", "NotEqual", "Greater", "GreaterEqual", "Less", "LessEqual", "LogicalAnd", "LogicalOr"]
    }

    public init(operation: String, constants: [Double] = [], operands: [ElementwiseOperand]? = nil, name: String? = nil) {
        self.operation = operation
        self.constants = constants
        self.operands = operands
        self.name = name
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        var output = try ShapeRules.broadcast(inputs)
        if Self.comparisons.contains(operation) { output.dtype = .bool }
        return output
    }
    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] { [] }

    /// Element-wise: no multiply-accumulates in the paper's convention (as Add and Multiply layers).
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { 0 }
}

/// One argument of a keras.ops call, in call order.
public enum ElementwiseOperand: Sendable, Equatable {
    /// The i-th input tensor.
    case input(Int)
    case constant(Double)
}

extension ElementwiseOp: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        try ImportedKernels.elementwise(self, &context)
    }
}
