/// `keras.layers.GlobalAveragePooling2D`.
public typealias GlobalAveragePooling2D = GlobalPooling2D<AverageReduction>
/// `keras.layers.GlobalMaxPooling2D`.
public typealias GlobalMaxPooling2D = GlobalPooling2D<MaxReduction>

/// A pooling over all spatial positions: spatial dims removed, or kept as 1 with `keepdims`.
public struct GlobalPooling2D<Reduction: PoolReduction>: Layer {
    public static var className: String { Reduction.globalClassName }
    public static var arity: Arity { .one }
    public var dataFormat: DataFormat
    public var keepdims: Bool
    public var name: String?
    public var activation: ActivationFunction? { nil }

    public init(dataFormat: DataFormat = .channelsLast, keepdims: Bool = false, name: String? = nil) {
        self.dataFormat = dataFormat
        self.keepdims = keepdims
        self.name = name
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        let input = inputs[0]
        try ShapeRules.requireRank(input, 4)
        let axes = ShapeRules.Layout2D(dataFormat)
        guard keepdims else { return TensorSpec([input.dims[axes.channelAxis]], dtype: input.dtype) }
        var dims = input.dims
        dims[axes.heightAxis] = 1
        dims[axes.widthAxis] = 1
        return TensorSpec(dims, dtype: input.dtype)
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] { [] }

    /// A reduction without weights: no multiply-accumulates in the paper's convention.
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { 0 }
}

extension GlobalPooling2D: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        try Kernels.globalPool(context.inputs[0], format: dataFormat, keepdims: keepdims, average: Reduction.averages)
    }
}

extension GlobalPooling2D {
    public var spatial: Spatial2D? { Spatial2D(dataFormat, pools: true) }
}
