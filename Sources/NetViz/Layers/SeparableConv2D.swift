/// `keras.layers.SeparableConv2D`: a depthwise convolution followed by a 1x1 pointwise convolution, one layer.
public struct SeparableConv2D: Layer {
    public static let className = "SeparableConv2D"
    public static let arity = Arity.one
    public var filters: Int
    public var kernelSize: Size2
    public var strides: Size2
    public var padding: Padding
    public var dataFormat: DataFormat
    public var dilationRate: Size2
    public var depthMultiplier: Int
    public var activation: ActivationFunction?
    public var useBias: Bool
    public var name: String?

    public init(
        filters: Int, kernelSize: Size2, strides: Size2 = 1, padding: Padding = .valid,
        dataFormat: DataFormat = .channelsLast, dilationRate: Size2 = 1, depthMultiplier: Int = 1,
        activation: ActivationFunction? = nil, useBias: Bool = true, name: String? = nil
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

    /// The depthwise half, whose shape rule and counts this layer reuses.
    var depthwise: DepthwiseConv2D {
        DepthwiseConv2D(
            kernelSize: kernelSize, strides: strides, padding: padding, depthMultiplier: depthMultiplier,
            dataFormat: dataFormat, dilationRate: dilationRate, useBias: false)
    }

    /// The pointwise half, applied to the depthwise output.
    var pointwise: Conv2D { Conv2D(filters: filters, kernelSize: 1, dataFormat: dataFormat, useBias: useBias) }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        try ShapeRules.requirePositive(filters, "filters")
        let middle = try depthwise.outputSpec(for: inputs)
        return try pointwise.outputSpec(for: [middle])
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] {
        let channels = depthwise.inputChannels(inputs[0])
        var specs = [
            WeightSpec("depthwise_kernel", [kernelSize.height, kernelSize.width, channels, depthMultiplier]),
            WeightSpec("pointwise_kernel", [1, 1, channels * depthMultiplier, filters]),
        ]
        if useBias { specs.append(WeightSpec("bias", [filters])) }
        return specs
    }

    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 {
        let middle = try depthwise.outputSpec(for: inputs)
        return try Checked.add(
            depthwise.macs(for: inputs, output: middle), pointwise.macs(for: [middle], output: output))
    }
}

extension SeparableConv2D: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        try Kernels.separableConv2D(self, &context)
    }
}

extension SeparableConv2D {
    public var spatial: Spatial2D? { Spatial2D(dataFormat, pools: false) }
    public func costGroup(for inputs: [TensorSpec]) -> String? { "Conv Sep \(kernelSize.kernelName)" }
}
