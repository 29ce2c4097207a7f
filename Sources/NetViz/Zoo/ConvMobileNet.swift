/// The paper's Table 4 baseline ("Conv MobileNet"): MobileNet with every depthwise + pointwise pair replaced
/// by one full 3x3 convolution with the same stride and output channels, each followed by BN and ReLU6.
enum ConvMobileNet {
    static func build(_ options: ZooOptions) throws -> Model {
        let input = try Input(shape: [options.resolution, options.resolution, 3])
        var x = try MobileNetV1.convBlock(input, filters: MobileNetV1.width(32, options.alpha), strides: 2)
        for (index, block) in MobileNetV1.blocks.enumerated() {
            let id = index + 1
            if block.stride != 1 { x = try ZeroPadding2D(padding: Margins2D((0, 1), (0, 1)), name: "conv_pad_\(id)")(x) }
            x = try Conv2D(
                filters: MobileNetV1.width(block.filters, options.alpha), kernelSize: 3,
                strides: Size2(block.stride, block.stride), padding: block.stride == 1 ? .same : .valid,
                useBias: false, name: "conv_\(id)")(x)
            x = try BatchNormalization(name: "conv_\(id)_bn")(x)
            x = try ReLU(maxValue: 6, name: "conv_\(id)_relu")(x)
        }
        x = try MobileNetV1.top(x, options)
        return try Model(inputs: [input], outputs: [x], name: MobileNetV1.modelName("conv_mobilenet", options))
    }
}
