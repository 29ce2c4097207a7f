/// `keras.layers.Conv1D`: `filters` kernels of `kernel_size` steps over `input_channels / groups` channels of a
/// (steps, channels) sequence. Its shape rule and kernel are Conv2D's on a map of height 1 (one rule per family);
/// `padding="causal"` pads `dilation * (kernel_size - 1)` steps on the left only, as Keras does.
public struct Conv1D: Layer {
    public static let className = "Conv1D"
    public static let arity = Arity.one
    public var filters: Int
    public var kernelSize: Int
    public var strides: Int
    public var padding: Padding
    /// Keras's `padding="causal"` (then `padding` is `.valid` on the left-padded input).
    public var causal: Bool
    public var dataFormat: DataFormat
    public var dilationRate: Int
    public var groups: Int
    public var activation: ActivationFunction?
    public var useBias: Bool
    public var name: String?

    public init(
        filters: Int, kernelSize: Int, strides: Int = 1, padding: Padding = .valid, causal: Bool = false,
        dataFormat: DataFormat = .channelsLast, dilationRate: Int = 1, groups: Int = 1,
        activation: ActivationFunction? = nil, useBias: Bool = true, name: String? = nil
    ) {
        self.filters = filters
        self.kernelSize = kernelSize
        self.strides = strides
        self.padding = causal ? .valid : padding
        self.causal = causal
        self.dataFormat = dataFormat
        self.dilationRate = dilationRate
        self.groups = groups
        self.activation = activation
        self.useBias = useBias
        self.name = name
    }

    var channelAxis: Int { dataFormat == .channelsLast ? 1 : 0 }
    var stepAxis: Int { dataFormat == .channelsLast ? 0 : 1 }
    var causalPad: Int { causal ? dilationRate &* (kernelSize - 1) : 0 }

    /// The same convolution as a Conv2D over a (1, steps) map.
    var as2D: Conv2D {
        Conv2D(
            filters: filters, kernelSize: Size2(1, kernelSize), strides: Size2(1, strides), padding: padding,
            dataFormat: dataFormat, dilationRate: Size2(1, dilationRate), groups: groups, activation: activation,
            useBias: useBias, name: name)
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        try ShapeRules.requireRank(inputs[0], 3)
        try ShapeRules.requirePositive(kernelSize, "kernel_size")
        try ShapeRules.requirePositive(dilationRate, "dilation_rate")
        guard inputs[0].dims[stepAxis] <= Int(Int32.max), causalPad <= Int(Int32.max) else { throw LayerProblem("sizes are too large") }
        var padded = inputs[0]
        padded.dims[stepAxis] += causalPad
        let map = try as2D.outputSpec(for: [Self.map(padded, dataFormat)])
        return Self.sequence(map, dataFormat)
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] {
        let kernel = WeightSpec("kernel", [kernelSize, inputs[0].dims[channelAxis] / max(groups, 1), filters])
        return useBias ? [kernel, WeightSpec("bias", [filters])] : [kernel]
    }

    /// Output elements x kernel steps x (input channels / groups), as for Conv2D.
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 {
        try Checked.multiply(output.elementCount(), Checked.product([kernelSize, inputs[0].dims[channelAxis] / max(groups, 1)]))
    }

    public func costGroup(for inputs: [TensorSpec]) -> String? { "Conv1D \(kernelSize)" }

    /// (steps, channels) as a (1, steps, channels) map, and back (channels_first: (channels, 1, steps)).
    static func map(_ spec: TensorSpec, _ format: DataFormat) -> TensorSpec {
        var out = spec
        out.dims.insert(1, at: format == .channelsLast ? 0 : 1)
        return out
    }

    static func sequence(_ spec: TensorSpec, _ format: DataFormat) -> TensorSpec {
        var out = spec
        out.dims.remove(at: format == .channelsLast ? 0 : 1)
        return out
    }
}

extension Conv1D: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        var x = context.inputs[0]
        guard x.rank == 3 else { throw KernelError("expects a rank-3 input, got \(x.shapeDescription)") }
        if causalPad > 0 { x = try Kernels.padAxis(x, axis: 1 + stepAxis, before: causalPad) }
        let kernel = try context.weight("kernel")
        var weights = ["kernel": Tensor(unchecked: [1] + kernel.shape, data: kernel.data)]
        if useBias { weights["bias"] = try context.weight("bias") }
        let axis = 1 + (dataFormat == .channelsLast ? 0 : 1)
        var mapped = KernelContext(
            layerName: context.layerName, inputs: [Tensor(unchecked: Kernels.insertAxis(x.shape, at: axis), data: x.data)],
            weights: weights, mode: context.mode)
        let out = try Kernels.conv2D(as2D, &mapped)
        context.macs += mapped.macs
        var shape = out.shape
        shape.remove(at: axis)
        return Tensor(unchecked: shape, data: out.data)
    }
}

/// `keras.layers.MaxPooling1D`.
public typealias MaxPooling1D = Pooling1D<MaxReduction>
/// `keras.layers.AveragePooling1D`.
public typealias AveragePooling1D = Pooling1D<AverageReduction>
/// `keras.layers.GlobalAveragePooling1D`.
public typealias GlobalAveragePooling1D = GlobalPooling1D<AverageReduction>
/// `keras.layers.GlobalMaxPooling1D`.
public typealias GlobalMaxPooling1D = GlobalPooling1D<MaxReduction>

/// `keras.layers.MaxPooling1D` / `AveragePooling1D`: Pooling2D's rule and kernel over a (1, steps) map.
public struct Pooling1D<Reduction: PoolReduction>: Layer {
    public static var className: String { Reduction.windowedClassName.replacingOccurrences(of: "2D", with: "1D") }
    public static var arity: Arity { .one }
    public var poolSize: Int
    public var strides: Int?
    public var padding: Padding
    public var dataFormat: DataFormat
    public var name: String?
    public var activation: ActivationFunction? { nil }

    public init(poolSize: Int = 2, strides: Int? = nil, padding: Padding = .valid, dataFormat: DataFormat = .channelsLast, name: String? = nil) {
        self.poolSize = poolSize
        self.strides = strides
        self.padding = padding
        self.dataFormat = dataFormat
        self.name = name
    }

    var as2D: Pooling2D<Reduction> {
        Pooling2D(poolSize: Size2(1, poolSize), strides: Size2(1, strides ?? poolSize), padding: padding, dataFormat: dataFormat, name: name)
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        try ShapeRules.requireRank(inputs[0], 3)
        return Conv1D.sequence(try as2D.outputSpec(for: [Conv1D.map(inputs[0], dataFormat)]), dataFormat)
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] { [] }
    /// A reduction without weights: no multiply-accumulates in the paper's convention.
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { 0 }
}

extension Pooling1D: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        let x = context.inputs[0]
        guard x.rank == 3 else { throw KernelError("expects a rank-3 input, got \(x.shapeDescription)") }
        let axis = 1 + (dataFormat == .channelsLast ? 0 : 1)
        let out = try Kernels.pool(
            Tensor(unchecked: Kernels.insertAxis(x.shape, at: axis), data: x.data), size: Size2(1, poolSize),
            strides: Size2(1, strides ?? poolSize), padding: padding, format: dataFormat, average: Reduction.averages)
        var shape = out.shape
        shape.remove(at: axis)
        return Tensor(unchecked: shape, data: out.data)
    }
}

/// `keras.layers.GlobalAveragePooling1D` / `GlobalMaxPooling1D`: over every step.
public struct GlobalPooling1D<Reduction: PoolReduction>: Layer {
    public static var className: String { Reduction.globalClassName.replacingOccurrences(of: "2D", with: "1D") }
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
        try ShapeRules.requireRank(inputs[0], 3)
        let channels = inputs[0].dims[dataFormat == .channelsLast ? 1 : 0]
        let dims = keepdims ? (dataFormat == .channelsLast ? [1, channels] : [channels, 1]) : [channels]
        return TensorSpec(dims, dtype: inputs[0].dtype)
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] { [] }
    /// A reduction without weights: no multiply-accumulates in the paper's convention.
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { 0 }
}

extension GlobalPooling1D: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        let x = context.inputs[0]
        guard x.rank == 3 else { throw KernelError("expects a rank-3 input, got \(x.shapeDescription)") }
        // As a (batch, 1, steps, channels) map (channels_first: (batch, channels, 1, steps)).
        let map = Tensor(unchecked: Kernels.insertAxis(x.shape, at: dataFormat == .channelsLast ? 1 : 2), data: x.data)
        let pooled = try Kernels.globalPool(map, format: dataFormat, keepdims: false, average: Reduction.averages)
        let channels = pooled.shape[1]
        let shape = keepdims ? (dataFormat == .channelsLast ? [x.shape[0], 1, channels] : [x.shape[0], channels, 1]) : pooled.shape
        return Tensor(unchecked: shape, data: pooled.data)
    }
}
