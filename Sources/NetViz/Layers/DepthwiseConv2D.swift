/// `keras.layers.DepthwiseConv2D`: one `kernel_size` filter per input channel (times `depth_multiplier`).
public struct DepthwiseConv2D: Layer {
    public static let className = "DepthwiseConv2D"
    public static let arity = Arity.one
    public var kernelSize: Size2
    public var strides: Size2
    public var padding: Padding
    public var depthMultiplier: Int
    public var dataFormat: DataFormat
    public var dilationRate: Size2
    public var activation: ActivationFunction?
    public var useBias: Bool
    public var name: String?

    public init(
        kernelSize: Size2, strides: Size2 = 1, padding: Padding = .valid, depthMultiplier: Int = 1,
        dataFormat: DataFormat = .channelsLast, dilationRate: Size2 = 1, activation: ActivationFunction? = nil,
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

    func inputChannels(_ input: TensorSpec) -> Int { input.dims[ShapeRules.Layout2D(dataFormat).channelAxis] }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        try ShapeRules.requirePositive(depthMultiplier, "depth_multiplier")
        try ShapeRules.requireRank(inputs[0], 4)
        let (channels, overflow) = inputChannels(inputs[0]).multipliedReportingOverflow(by: depthMultiplier)
        if overflow { throw NetVizError.overflow("input channels x depth_multiplier") }
        return try ShapeRules.slidingWindow2D(
            inputs[0], window: kernelSize, strides: strides, dilation: dilationRate, padding: padding,
            format: dataFormat, channels: channels)
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] {
        let channels = inputChannels(inputs[0])
        let kernel = WeightSpec("kernel", [kernelSize.height, kernelSize.width, channels, depthMultiplier])
        return useBias ? [kernel, WeightSpec("bias", [channels * depthMultiplier])] : [kernel]
    }

    /// Every output element is a dot product over the kernel window of one channel.
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 {
        try Checked.multiply(output.elementCount(), Int64(kernelSize.area))
    }
}

extension DepthwiseConv2D: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        try Kernels.depthwiseConv2D(self, &context)
    }
}

extension DepthwiseConv2D {
    public var spatial: Spatial2D? { Spatial2D(dataFormat, pools: false) }
    public func costGroup(for inputs: [TensorSpec]) -> String? { "Conv DW \(kernelSize.kernelName)" }
}
