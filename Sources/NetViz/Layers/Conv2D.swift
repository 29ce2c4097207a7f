/// `keras.layers.Conv2D`: `filters` kernels of `kernel_size` over `input_channels / groups` channels.
public struct Conv2D: Layer {
    public static let className = "Conv2D"
    public static let arity = Arity.one
    public var filters: Int
    public var kernelSize: Size2
    public var strides: Size2
    public var padding: Padding
    public var dataFormat: DataFormat
    public var dilationRate: Size2
    public var groups: Int
    public var activation: ActivationFunction?
    public var useBias: Bool
    public var name: String?

    public init(
        filters: Int, kernelSize: Size2, strides: Size2 = 1, padding: Padding = .valid,
        dataFormat: DataFormat = .channelsLast, dilationRate: Size2 = 1, groups: Int = 1,
        activation: ActivationFunction? = nil, useBias: Bool = true, name: String? = nil
    ) {
        self.filters = filters
        self.kernelSize = kernelSize
        self.strides = strides
        self.padding = padding
        self.dataFormat = dataFormat
        self.dilationRate = dilationRate
        self.groups = groups
        self.activation = activation
        self.useBias = useBias
        self.name = name
    }

    func inputChannels(_ input: TensorSpec) -> Int { input.dims[ShapeRules.Layout2D(dataFormat).channelAxis] }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        try ShapeRules.requirePositive(filters, "filters")
        try ShapeRules.requirePositive(groups, "groups")
        try ShapeRules.requireRank(inputs[0], 4)
        let channels = inputChannels(inputs[0])
        guard channels % groups == 0, filters % groups == 0 else {
            throw LayerProblem("groups=\(groups) must divide the input channels (\(channels)) and filters (\(filters))")
        }
        if strides != 1, dilationRate != 1 {
            throw LayerProblem("strides \(strides) and dilation_rate \(dilationRate) cannot both exceed 1")
        }
        return try ShapeRules.slidingWindow2D(
            inputs[0], window: kernelSize, strides: strides, dilation: dilationRate, padding: padding,
            format: dataFormat, channels: filters)
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] {
        let kernel = WeightSpec(
            "kernel", [kernelSize.height, kernelSize.width, inputChannels(inputs[0]) / groups, filters])
        return useBias ? [kernel, WeightSpec("bias", [filters])] : [kernel]
    }

    /// Every output element is a dot product over the kernel window and its group's channels.
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 {
        let perOutput = try Checked.product([kernelSize.height, kernelSize.width, inputChannels(inputs[0]) / groups])
        return try Checked.multiply(output.elementCount(), perOutput)
    }
}

extension Conv2D: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        try Kernels.conv2D(self, &context)
    }
}

extension Conv2D {
    public var spatial: Spatial2D? { Spatial2D(dataFormat, pools: false) }

    /// A 1x1 convolution over a 1x1 map is a fully connected layer (Keras MobileNet's conv_preds).
    public func costGroup(for inputs: [TensorSpec]) -> String? {
        let layout = ShapeRules.Layout2D(dataFormat), input = inputs[0].dims
        if kernelSize == 1, input[layout.heightAxis] == 1, input[layout.widthAxis] == 1 { return "Fully Connected" }
        return groups > 1 ? "Conv \(kernelSize.kernelName) grouped" : "Conv \(kernelSize.kernelName)"
    }
}
