/// `keras.applications.MobileNet`, layer for layer (Keras 3's `mobilenet.py`): same names, order and shapes.
enum MobileNetV1 {
    /// The body (paper's Table 1): pointwise filters and depthwise stride of blocks 1...13.
    static let blocks: [(filters: Int, stride: Int)] = [
        (64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2),
        (512, 1), (512, 1), (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1),
    ]

    /// Python's `int(filters * alpha)`: truncation, as Keras does.
    static func width(_ filters: Int, _ alpha: Double) -> Int { Int(Double(filters) * alpha) }

    /// Keras's model name: `mobilenet_1.00_224`.
    static func modelName(_ prefix: String, _ options: ZooOptions) -> String {
        let hundredths = Int((options.alpha * 100).rounded())
        let alpha = "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)"
        return "\(prefix)_\(alpha)_\(options.resolution)"
    }

    static func build(_ options: ZooOptions) throws -> Model {
        let input = try Input(shape: [options.resolution, options.resolution, 3])
        var x = try convBlock(input, filters: width(32, options.alpha), strides: 2)
        for (index, block) in blocks.enumerated() {
            x = try depthwiseBlock(
                x, pointwiseFilters: width(block.filters, options.alpha), depthMultiplier: options.depthMultiplier,
                strides: block.stride, id: index + 1)
        }
        x = try top(x, options)
        return try Model(inputs: [input], outputs: [x], name: modelName("mobilenet", options))
    }

    /// `_conv_block`: the 3x3 stem.
    static func convBlock(_ input: SymbolicTensor, filters: Int, strides: Size2) throws -> SymbolicTensor {
        var x = try Conv2D(
            filters: filters, kernelSize: 3, strides: strides, padding: .same, useBias: false, name: "conv1")(input)
        x = try BatchNormalization(name: "conv1_bn")(x)
        return try ReLU(maxValue: 6, name: "conv1_relu")(x)
    }

    /// `_depthwise_conv_block`: [pad] -> depthwise 3x3 -> BN -> ReLU6 -> pointwise 1x1 -> BN -> ReLU6.
    static func depthwiseBlock(
        _ input: SymbolicTensor, pointwiseFilters: Int, depthMultiplier: Int, strides: Int, id: Int
    ) throws -> SymbolicTensor {
        var x = input
        if strides != 1 { x = try ZeroPadding2D(padding: Margins2D((0, 1), (0, 1)), name: "conv_pad_\(id)")(x) }
        x = try DepthwiseConv2D(
            kernelSize: 3, strides: Size2(strides, strides), padding: strides == 1 ? .same : .valid,
            depthMultiplier: depthMultiplier, useBias: false, name: "conv_dw_\(id)")(x)
        x = try BatchNormalization(name: "conv_dw_\(id)_bn")(x)
        x = try ReLU(maxValue: 6, name: "conv_dw_\(id)_relu")(x)
        x = try Conv2D(
            filters: pointwiseFilters, kernelSize: 1, padding: .same, useBias: false, name: "conv_pw_\(id)")(x)
        x = try BatchNormalization(name: "conv_pw_\(id)_bn")(x)
        return try ReLU(maxValue: 6, name: "conv_pw_\(id)_relu")(x)
    }

    /// The classifier (a 1x1 convolution, as Keras builds it) or the optional pooling without it.
    static func top(_ input: SymbolicTensor, _ options: ZooOptions) throws -> SymbolicTensor {
        guard options.includeTop else {
            switch options.pooling {
            case .avg: return try GlobalAveragePooling2D()(input)
            case .max: return try GlobalMaxPooling2D()(input)
            case nil: return input
            }
        }
        var x = try GlobalAveragePooling2D(keepdims: true)(input)
        x = try Dropout(rate: options.dropout, name: "dropout")(x)
        x = try Conv2D(filters: options.classes, kernelSize: 1, padding: .same, name: "conv_preds")(x)
        x = try Reshape(targetShape: [options.classes], name: "reshape_2")(x)
        return try Activation(.softmax, name: "predictions")(x)
    }
}
