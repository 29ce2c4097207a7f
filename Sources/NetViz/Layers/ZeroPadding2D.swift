/// Rows and columns added (ZeroPadding2D) or removed (Cropping2D) on each side.
public struct Margins2D: Hashable, Sendable, CustomStringConvertible {
    public var top: Int, bottom: Int, left: Int, right: Int

    public init(top: Int, bottom: Int, left: Int, right: Int) {
        (self.top, self.bottom, self.left, self.right) = (top, bottom, left, right)
    }

    /// The same amount on every side, as Keras's integer form.
    public init(_ all: Int) { self.init(top: all, bottom: all, left: all, right: all) }

    /// Keras's `((top, bottom), (left, right))` form.
    public init(_ rows: (Int, Int), _ columns: (Int, Int)) {
        self.init(top: rows.0, bottom: rows.1, left: columns.0, right: columns.1)
    }

    public var description: String { "((\(top), \(bottom)), (\(left), \(right)))" }
    var isNonNegative: Bool { top >= 0 && bottom >= 0 && left >= 0 && right >= 0 }

    /// Height and width changed by `sign` x the margins (+1 pads, -1 crops).
    func apply(to input: TensorSpec, format: DataFormat, sign: Int) throws -> TensorSpec {
        try ShapeRules.requireRank(input, 4)
        guard isNonNegative else { throw LayerProblem("margins \(self) must not be negative") }
        let axes = ShapeRules.Layout2D(format)
        var dims = input.dims
        dims[axes.heightAxis] += sign * (top + bottom)
        dims[axes.widthAxis] += sign * (left + right)
        let output = TensorSpec(dims, dtype: input.dtype)
        guard dims[axes.heightAxis] > 0, dims[axes.widthAxis] > 0 else {
            throw LayerProblem("margins \(self) leave nothing of input \(input): output would be \(output)")
        }
        return output
    }
}

/// `keras.layers.ZeroPadding2D`.
public struct ZeroPadding2D: Layer {
    public static let className = "ZeroPadding2D"
    public static let arity = Arity.one
    public var padding: Margins2D
    public var dataFormat: DataFormat
    public var name: String?
    public var activation: ActivationFunction? { nil }

    public init(padding: Margins2D = Margins2D(1), dataFormat: DataFormat = .channelsLast, name: String? = nil) {
        self.padding = padding
        self.dataFormat = dataFormat
        self.name = name
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        try padding.apply(to: inputs[0], format: dataFormat, sign: 1)
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] { [] }
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { 0 }
}

extension ZeroPadding2D: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        try Kernels.margins(context.inputs[0], padding, format: dataFormat, sign: 1)
    }
}
