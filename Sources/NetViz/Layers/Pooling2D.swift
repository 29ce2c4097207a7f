/// What a pooling window computes; one type per reduction so both pooling families share their code.
public protocol PoolReduction: Sendable {
    /// Keras class names of the windowed and the global pooling layer with this reduction.
    static var windowedClassName: String { get }
    static var globalClassName: String { get }
    /// Average (true) or maximum (false): what the kernels compute.
    static var averages: Bool { get }
}

public enum AverageReduction: PoolReduction {
    public static let windowedClassName = "AveragePooling2D"
    public static let globalClassName = "GlobalAveragePooling2D"
    public static let averages = true
}

public enum MaxReduction: PoolReduction {
    public static let windowedClassName = "MaxPooling2D"
    public static let globalClassName = "GlobalMaxPooling2D"
    public static let averages = false
}

/// `keras.layers.AveragePooling2D` (alias `AvgPool2D`).
public typealias AveragePooling2D = Pooling2D<AverageReduction>
/// `keras.layers.MaxPooling2D` (alias `MaxPool2D`).
public typealias MaxPooling2D = Pooling2D<MaxReduction>

/// A windowed 2D pooling; `strides` defaults to `pool_size` as in Keras.
public struct Pooling2D<Reduction: PoolReduction>: Layer {
    public static var className: String { Reduction.windowedClassName }
    public static var arity: Arity { .one }
    public var poolSize: Size2
    public var strides: Size2?
    public var padding: Padding
    public var dataFormat: DataFormat
    public var name: String?
    public var activation: ActivationFunction? { nil }

    public init(
        poolSize: Size2 = 2, strides: Size2? = nil, padding: Padding = .valid,
        dataFormat: DataFormat = .channelsLast, name: String? = nil
    ) {
        self.poolSize = poolSize
        self.strides = strides
        self.padding = padding
        self.dataFormat = dataFormat
        self.name = name
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        try ShapeRules.slidingWindow2D(
            inputs[0], window: poolSize, strides: strides ?? poolSize, padding: padding, format: dataFormat,
            channels: nil)
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] { [] }

    /// A reduction without weights: no multiply-accumulates in the paper's convention.
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { 0 }
}

extension Pooling2D: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        try Kernels.pool(
            context.inputs[0], size: poolSize, strides: strides ?? poolSize, padding: padding, format: dataFormat,
            average: Reduction.averages)
    }
}

extension Pooling2D {
    public var spatial: Spatial2D? { Spatial2D(dataFormat, pools: true) }
}
