import NetViz

/// Synthetic models for the scaling figures: about `layers` layers each, on a small 14x14x16 tensor.
enum SyntheticGraph: String, CaseIterable {
    /// Conv 1x1 -> BatchNormalization -> ReLU6, repeated.
    case chain
    /// ResNet-style: x + ReLU(BN(Conv 1x1(x))), repeated (4 layers a block, every Add merges two tensors).
    case residual
    /// DenseNet-style: concat(x, Conv 1x1(x)) then Conv 1x1 back to 16 channels (3 layers a block).
    case concat

    func build(layers: Int) throws -> Model {
        let input = try Input(shape: [14, 14, 16])
        var x = input
        var count = 1
        while count < layers {
            switch self {
            case .chain:
                switch count % 3 {
                case 1: x = try Conv2D(filters: 16, kernelSize: 1, useBias: false)(x)
                case 2: x = try BatchNormalization()(x)
                default: x = try ReLU(maxValue: 6)(x)
                }
                count += 1
            case .residual:
                var y = try Conv2D(filters: 16, kernelSize: 1, useBias: false)(x)
                y = try BatchNormalization()(y)
                y = try ReLU()(y)
                x = try Add()([x, y])
                count += 4
            case .concat:
                let y = try Conv2D(filters: 16, kernelSize: 1)(x)
                let joined = try Concatenate()([x, y])
                x = try Conv2D(filters: 16, kernelSize: 1)(joined)
                count += 3
            }
        }
        return try Model(inputs: [input], outputs: [x], name: "\(rawValue)_\(layers)")
    }
}
