/// The seed article's model exactly as its code builds it (Docs/counting.md explains the numbers):
/// conv layers keep Keras's default bias, plain ReLU, and `AvgPool2D(pool_size=7, strides=1,
/// data_format='channels_first')` followed directly by `Dense(1000, softmax)`, so the output is (None, 7, 1, 1000).
/// `Examples/ArticleMobileNet` is the same model written line for line like the article; a test keeps them equal.
enum ArticleMobileNet {
    static func mobilenetBlock(_ input: SymbolicTensor, filters: Int, strides: Int) throws -> SymbolicTensor {
        var x = try DepthwiseConv2D(kernelSize: 3, strides: Size2(strides, strides), padding: .same)(input)
        x = try BatchNormalization()(x)
        x = try ReLU()(x)
        x = try Conv2D(filters: filters, kernelSize: 1, strides: 1)(x)
        x = try BatchNormalization()(x)
        return try ReLU()(x)
    }

    static func build(_ options: ZooOptions) throws -> Model {
        let input = try Input(shape: [options.resolution, options.resolution, 3])
        var x = try Conv2D(filters: 32, kernelSize: 3, strides: 2, padding: .same)(input)
        x = try BatchNormalization()(x)
        x = try ReLU()(x)
        for block in MobileNetV1.blocks {
            x = try mobilenetBlock(x, filters: block.filters, strides: block.stride)
        }
        x = try AveragePooling2D(poolSize: 7, strides: 1, dataFormat: .channelsFirst)(x)
        let output = try Dense(units: 1000, activation: .softmax)(x)
        return try Model(inputs: [input], outputs: [output])
    }
}
