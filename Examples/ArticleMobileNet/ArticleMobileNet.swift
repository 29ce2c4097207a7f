// The seed article's "Building MobileNet from scratch" Keras code, line for line in netviz's Swift DSL.
// Its bug is kept on purpose: AvgPool2D with data_format='channels_first' on an NHWC tensor and no Flatten,
// so the output is (None, 7, 1, 1000); `netviz summary mobilenet-article` prints the same model with warnings.
import NetViz

/// MobileNet block
public func mobilnet_block(_ x: SymbolicTensor, filters: Int, strides: Int) throws -> SymbolicTensor {
    var x = try DepthwiseConv2D(kernelSize: 3, strides: [strides, strides], padding: .same)(x)
    x = try BatchNormalization()(x)
    x = try ReLU()(x)

    x = try Conv2D(filters: filters, kernelSize: 1, strides: 1)(x)
    x = try BatchNormalization()(x)
    x = try ReLU()(x)

    return x
}

public func articleMobileNet() throws -> Model {
    // stem of the model
    let input = try Input(shape: [224, 224, 3])
    var x = try Conv2D(filters: 32, kernelSize: 3, strides: 2, padding: .same)(input)
    x = try BatchNormalization()(x)
    x = try ReLU()(x)

    // main part of the model
    x = try mobilnet_block(x, filters: 64, strides: 1)
    x = try mobilnet_block(x, filters: 128, strides: 2)
    x = try mobilnet_block(x, filters: 128, strides: 1)
    x = try mobilnet_block(x, filters: 256, strides: 2)
    x = try mobilnet_block(x, filters: 256, strides: 1)
    x = try mobilnet_block(x, filters: 512, strides: 2)

    for _ in 0..<5 {
        x = try mobilnet_block(x, filters: 512, strides: 1)
    }

    x = try mobilnet_block(x, filters: 1024, strides: 2)
    x = try mobilnet_block(x, filters: 1024, strides: 1)

    x = try AveragePooling2D(poolSize: 7, strides: 1, dataFormat: .channelsFirst)(x)
    let output = try Dense(units: 1000, activation: .softmax)(x)

    return try Model(inputs: [input], outputs: [output])
}
