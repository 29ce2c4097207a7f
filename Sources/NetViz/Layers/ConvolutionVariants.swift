/// The 1D and 3D members of the transposed, depthwise and separable convolution families. Each reuses its
/// 2D sibling's rule: `Conv1DTranspose`, `DepthwiseConv1D` and `SeparableConv1D` are the 2D layers on a map of height 1
/// (as `Conv1D` is `Conv2D`'s), and `Conv3DTranspose` applies `Conv2DTranspose`'s per-axis geometry
/// (Keras's `compute_conv_transpose_output_length`) to three axes.

/// A 2D layer's output on the (1, steps) map of a (steps, channels) sequence, back as a sequence.
private func onMap(_ input: TensorSpec, _ format: DataFormat, _ rule: (TensorSpec) throws -> TensorSpec) throws -> TensorSpec {
    try ShapeRules.requireRank(input, 3)
    return Conv1D.sequence(try rule(Conv1D.map(input, format)), format)
}

/// Runs a 2D kernel on the (batch, 1, steps, channels) view of a sequence batch, with its weights given a leading
/// size-1 axis (a 1D kernel [k, ...] is the 2D kernel [1, k, ...]).
private func runOnMap(
    _ context: inout KernelContext, format: DataFormat, weights names: [String], pointwise: Set<String> = [],
    _ kernel: (inout KernelContext) throws -> Tensor
) throws -> Tensor {
    let x = context.inputs[0]
    guard x.rank == 3 else { throw KernelError("expects a rank-3 input, got \(x.shapeDescription)") }
    var weights: [String: Tensor] = [:]
    for name in names {
        let w = try context.weight(name)
        // A bias keeps its shape; a pointwise kernel [1, in, out] becomes [1, 1, in, out].
        weights[name] = name == "bias" ? w : Tensor(unchecked: [1] + w.shape, data: w.data)
    }
    let axis = 1 + (format == .channelsLast ? 0 : 1)
    var mapped = KernelContext(
        layerName: context.layerName, inputs: [Tensor(unchecked: Kernels.insertAxis(x.shape, at: axis), data: x.data)],
        weights: weights, mode: context.mode)
    let out = try kernel(&mapped)
    context.macs += mapped.macs
    var shape = out.shape
    shape.remove(at: axis)
    return Tensor(unchecked: shape, data: out.data)
}

/// `keras.layers.Conv1DTranspose`: Conv2DTranspose's rule and kernel on a map of height 1. Kernel [k, filters, C_in].
public struct Conv1DTranspose: Layer {
    public static let className = "Conv1DTranspose"
    public static let arity = Arity.one
    public var filters: Int
    public var kernelSize: Int
    public var strides: Int
    public var padding: Padding
    public var outputPadding: Int?
    public var dataFormat: DataFormat
    public var dilationRate: Int
    public var activation: ActivationFunction?
    public var useBias: Bool
    public var name: String?

    public init(
        filters: Int, kernelSize: Int, strides: Int = 1, padding: Padding = .valid, outputPadding: Int? = nil,
        dataFormat: DataFormat = .channelsLast, dilationRate: Int = 1, activation: ActivationFunction? = nil,
        useBias: Bool = true, name: String? = nil
    ) {
        self.filters = filters
        self.kernelSize = kernelSize
        self.strides = strides
        self.padding = padding
        self.outputPadding = outputPadding
        self.dataFormat = dataFormat
        self.dilationRate = dilationRate
        self.activation = activation
        self.useBias = useBias
        self.name = name
    }

    var as2D: Conv2DTranspose {
        Conv2DTranspose(
            filters: filters, kernelSize: Size2(1, kernelSize), strides: Size2(1, strides), padding: padding,
            outputPadding: outputPadding.map { Size2(0, $0) }, dataFormat: dataFormat, dilationRate: Size2(1, dilationRate),
            activation: activation, useBias: useBias, name: name)
    }

    var channelAxis: Int { dataFormat == .channelsLast ? 1 : 0 }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        try onMap(inputs[0], dataFormat) { try as2D.outputSpec(for: [$0]) }
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] {
        let kernel = WeightSpec("kernel", [kernelSize, filters, inputs[0].dims[channelAxis]])
        return useBias ? [kernel, WeightSpec("bias", [filters])] : [kernel]
    }

    /// Every input element meets kernel_size x filters weights (Conv2DTranspose's rule).
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 {
        try Checked.multiply(inputs[0].elementCount(), Checked.product([kernelSize, filters]))
    }

    public func costGroup(for inputs: [TensorSpec]) -> String? { "ConvTranspose1D \(kernelSize)" }
}

extension Conv1DTranspose: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        let layer = as2D
        return try runOnMap(&context, format: dataFormat, weights: useBias ? ["kernel", "bias"] : ["kernel"]) { try layer.execute(&$0) }
    }
}

/// `keras.layers.DepthwiseConv1D`: DepthwiseConv2D on a map of height 1. Kernel [k, C_in, depth_multiplier].
public struct DepthwiseConv1D: Layer {
    public static let className = "DepthwiseConv1D"
    public static let arity = Arity.one
    public var kernelSize: Int
    public var strides: Int
    public var padding: Padding
    public var depthMultiplier: Int
    public var dataFormat: DataFormat
    public var dilationRate: Int
    public var activation: ActivationFunction?
    public var useBias: Bool
    public var name: String?

    public init(
        kernelSize: Int, strides: Int = 1, padding: Padding = .valid, depthMultiplier: Int = 1,
        dataFormat: DataFormat = .channelsLast, dilationRate: Int = 1, activation: ActivationFunction? = nil,
        useBias: Bool = true, name: String? = nil
    ) {
        self.kernelSize = kernelSize
        self.strides = strides
        self.padding = padding
        self.depthMultiplier = depthMultiplier
        self.dataFormat = dataFormat
        self.dilationRate = dilationRate
        self.activation = activation
        self.useBias = useBias
        self.name = name
    }

    var as2D: DepthwiseConv2D {
        DepthwiseConv2D(
            kernelSize: Size2(1, kernelSize), strides: Size2(1, strides), padding: padding, depthMultiplier: depthMultiplier,
            dataFormat: dataFormat, dilationRate: Size2(1, dilationRate), activation: activation, useBias: useBias, name: name)
    }

    var channelAxis: Int { dataFormat == .channelsLast ? 1 : 0 }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        try onMap(inputs[0], dataFormat) { try as2D.outputSpec(for: [$0]) }
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] {
        let channels = inputs[0].dims[channelAxis]
        let kernel = WeightSpec("kernel", [kernelSize, channels, depthMultiplier])
        return useBias ? [kernel, WeightSpec("bias", [channels &* depthMultiplier])] : [kernel]
    }

    /// Every output element is a dot product over kernel_size steps of one channel (DepthwiseConv2D's rule).
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 {
        try Checked.multiply(output.elementCount(), Int64(kernelSize))
    }

    public func costGroup(for inputs: [TensorSpec]) -> String? { "Conv DW1D \(kernelSize)" }
}

extension DepthwiseConv1D: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        let layer = as2D
        return try runOnMap(&context, format: dataFormat, weights: useBias ? ["kernel", "bias"] : ["kernel"]) { try layer.execute(&$0) }
    }
}

/// `keras.layers.SeparableConv1D`: SeparableConv2D on a map of height 1. `depthwise_kernel` [k, C_in, dm],
/// `pointwise_kernel` [1, C_in x dm, filters].
public struct SeparableConv1D: Layer {
    public static let className = "SeparableConv1D"
    public static let arity = Arity.one
    public var filters: Int
    public var kernelSize: Int
    public var strides: Int
    public var padding: Padding
    public var dataFormat: DataFormat
    public var dilationRate: Int
    public var depthMultiplier: Int
    public var activation: ActivationFunction?
    public var useBias: Bool
    public var name: String?

    public init(
        filters: Int, kernelSize: Int, strides: Int = 1, padding: Padding = .valid, dataFormat: DataFormat = .channelsLast,
        dilationRate: Int = 1, depthMultiplier: Int = 1, activation: ActivationFunction? = nil, useBias: Bool = true,
        name: String? = nil
    ) {
        self.filters = filters
        self.kernelSize = kernelSize
        self.strides = strides
        self.padding = padding
        self.dataFormat = dataFormat
        self.dilationRate = dilationRate
        self.depthMultiplier = depthMultiplier
        self.activation = activation
        self.useBias = useBias
        self.name = name
    }

    var as2D: SeparableConv2D {
        SeparableConv2D(
            filters: filters, kernelSize: Size2(1, kernelSize), strides: Size2(1, strides), padding: padding,
            dataFormat: dataFormat, dilationRate: Size2(1, dilationRate), depthMultiplier: depthMultiplier,
            activation: activation, useBias: useBias, name: name)
    }

    var channelAxis: Int { dataFormat == .channelsLast ? 1 : 0 }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        try onMap(inputs[0], dataFormat) { try as2D.outputSpec(for: [$0]) }
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] {
        let channels = inputs[0].dims[channelAxis]
        var specs = [
            WeightSpec("depthwise_kernel", [kernelSize, channels, depthMultiplier]),
            WeightSpec("pointwise_kernel", [1, channels &* depthMultiplier, filters]),
        ]
        if useBias { specs.append(WeightSpec("bias", [filters])) }
        return specs
    }

    /// SeparableConv2D's rule: depthwise MACs + pointwise MACs on the height-1 map.
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 {
        let map = Conv1D.map(inputs[0], dataFormat)
        return try as2D.macs(for: [map], output: Conv1D.map(output, dataFormat))
    }

    public func costGroup(for inputs: [TensorSpec]) -> String? { "Conv Sep1D \(kernelSize)" }
}

extension SeparableConv1D: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        let layer = as2D
        let names = ["depthwise_kernel", "pointwise_kernel"] + (useBias ? ["bias"] : [])
        return try runOnMap(&context, format: dataFormat, weights: names) { try layer.execute(&$0) }
    }
}

/// `keras.layers.Conv3DTranspose`: Conv2DTranspose's per-axis geometry on (depth, height, width, channels).
/// Kernel [k_d, k_h, k_w, filters, C_in]; MACs = input elements x kernel volume x filters.
public struct Conv3DTranspose: Layer {
    public static let className = "Conv3DTranspose"
    public static let arity = Arity.one
    public var filters: Int
    public var kernelSize: Size3
    public var strides: Size3
    public var padding: Padding
    public var outputPadding: Size3?
    public var dataFormat: DataFormat
    public var dilationRate: Size3
    public var activation: ActivationFunction?
    public var useBias: Bool
    public var name: String?

    public init(
        filters: Int, kernelSize: Size3, strides: Size3 = Size3(1), padding: Padding = .valid, outputPadding: Size3? = nil,
        dataFormat: DataFormat = .channelsLast, dilationRate: Size3 = Size3(1), activation: ActivationFunction? = nil,
        useBias: Bool = true, name: String? = nil
    ) {
        self.filters = filters
        self.kernelSize = kernelSize
        self.strides = strides
        self.padding = padding
        self.outputPadding = outputPadding
        self.dataFormat = dataFormat
        self.dilationRate = dilationRate
        self.activation = activation
        self.useBias = useBias
        self.name = name
    }

    /// Conv2DTranspose's one-axis rule (it reads only `padding`): output length and the padding cropped before it.
    func geometry(_ lengths: [Int]) -> [(length: Int, padBefore: Int)] {
        let rule = Conv2DTranspose(filters: 1, kernelSize: 1, padding: padding)
        return (0..<3).map {
            rule.geometry(
                lengths[$0], kernel: kernelSize.values[$0], stride: strides.values[$0], dilation: dilationRate.values[$0],
                extra: outputPadding?.values[$0])
        }
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        try ShapeRules.requireRank(inputs[0], 5)
        try ShapeRules.requirePositive(filters, "filters")
        guard kernelSize.isPositive, strides.isPositive, dilationRate.isPositive else {
            throw LayerProblem("kernel_size \(kernelSize), strides \(strides) and dilation_rate \(dilationRate) must be positive")
        }
        guard inputs[0].dims.allSatisfy({ $0 <= 1 << 24 }),
            (kernelSize.values + strides.values + dilationRate.values).allSatisfy({ $0 <= 1 << 12 }),
            (outputPadding?.values ?? []).allSatisfy({ abs($0) <= 1 << 12 })
        else { throw LayerProblem("sizes are too large") }
        let layout = Layout3D(dataFormat)
        var dims = inputs[0].dims
        let axes = geometry(layout.spatial.map { dims[$0] })
        guard axes.allSatisfy({ $0.length > 0 }) else {
            throw LayerProblem("output size \(axes.map { String($0.length) }.joined(separator: "x")) is not positive")
        }
        for (i, axis) in layout.spatial.enumerated() { dims[axis] = axes[i].length }
        dims[layout.channel] = filters
        let output = TensorSpec(dims, dtype: inputs[0].dtype)
        _ = try output.elementCount()
        return output
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] {
        let kernel = WeightSpec("kernel", kernelSize.values + [filters, inputs[0].dims[Layout3D(dataFormat).channel]])
        return useBias ? [kernel, WeightSpec("bias", [filters])] : [kernel]
    }

    /// Every input element meets kernel volume x filters weights.
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 {
        try Checked.multiply(inputs[0].elementCount(), Checked.product(kernelSize.values + [filters]))
    }

    public func costGroup(for inputs: [TensorSpec]) -> String? {
        "ConvTranspose3D " + kernelSize.values.map(String.init).joined(separator: "x")
    }
}

extension Conv3DTranspose: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        let x = Layout3D.toLast(context.inputs[0], dataFormat)
        guard x.rank == 5 else { throw KernelError("expects a rank-5 input, got \(x.shapeDescription)") }
        let kernel = try context.weight("kernel")
        let bias = try context.optionalWeight("bias", if: useBias)
        let (batch, c) = (x.shape[0], x.shape[4])
        let input = Array(x.shape[1...3])
        guard kernel.shape == kernelSize.values + [filters, c] else {
            throw KernelError("kernel \(kernel.shapeDescription) does not fit \(c) input channels")
        }
        let g = geometry(input)
        let out = g.map(\.length)
        let (k, s, d) = (kernelSize.values, strides.values, dilationRate.values)
        let inVolume = input.reduce(1, *), outVolume = out.reduce(1, *)
        var y = [Float](repeating: 0, count: batch * outVolume * filters)
        for b in 0..<batch {
            for p in 0..<inVolume {
                let pos = [p / (input[1] * input[2]), (p / input[2]) % input[1], p % input[2]]
                let source = (b * inVolume + p) * c
                for kd in 0..<k[0] {
                    let od = pos[0] * s[0] + kd * d[0] - g[0].padBefore
                    for kh in 0..<k[1] {
                        let oh = pos[1] * s[1] + kh * d[1] - g[1].padBefore
                        for kw in 0..<k[2] {
                            let ow = pos[2] * s[2] + kw * d[2] - g[2].padBefore
                            // Every tap counts, inside the output or cropped away, as the rule says.
                            context.macs += Int64(c * filters)
                            guard od >= 0, od < out[0], oh >= 0, oh < out[1], ow >= 0, ow < out[2] else { continue }
                            let target = (b * outVolume + (od * out[1] + oh) * out[2] + ow) * filters
                            let tap = ((kd * k[1] + kh) * k[2] + kw) * filters * c
                            for ci in 0..<c {
                                let v = x.data[source + ci]
                                for f in 0..<filters { y[target + f] += v * kernel.data[tap + f * c + ci] }
                            }
                        }
                    }
                }
            }
        }
        if let bias { for i in y.indices { y[i] += bias.data[i % filters] } }
        var result = Tensor(unchecked: [batch] + out + [filters], data: y)
        if let activation { result = try Activations.apply(activation, to: result) }
        return Layout3D.fromLast(result, dataFormat)
    }
}
