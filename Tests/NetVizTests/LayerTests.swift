import Testing

@testable import NetViz

/// One layer at a time: the output shape, params and MACs Keras's definitions give (worked out by hand here).
@Suite struct LayerTests {
    /// Builds `layer` on an input of `shape` and returns (output, params, trainable, MACs).
    func run(_ layer: some Layer, on shape: [Int]) throws -> (TensorSpec, Int64, Int64, Int64) {
        let input = try Input(shape: shape)
        let output = try layer(input)
        let stats = try ModelStatistics(Model(inputs: [input], outputs: [output]))
        let last = try #require(stats.layers.last)
        return (output.spec, last.params, last.trainableParams, last.macs)
    }

    @Test func conv2DSameAndValid() throws {
        // 3x3x3x32 kernel + 32 biases; every output element is a 27-long dot product.
        let (same, params, _, macs) = try run(Conv2D(filters: 32, kernelSize: 3, strides: 2, padding: .same), on: [224, 224, 3])
        #expect(same == TensorSpec([112, 112, 32]))
        #expect(params == 3 * 3 * 3 * 32 + 32)
        #expect(macs == 112 * 112 * 32 * 27)
        let (valid, _, _, _) = try run(Conv2D(filters: 8, kernelSize: [3, 5], padding: .valid), on: [10, 10, 4])
        #expect(valid == TensorSpec([8, 6, 8]))
    }

    @Test func conv2DDilationAndGroups() throws {
        let (dilated, _, _, _) = try run(Conv2D(filters: 4, kernelSize: 3, dilationRate: 2), on: [10, 10, 2])
        #expect(dilated == TensorSpec([6, 6, 4]))  // effective kernel 5
        let (grouped, params, _, macs) = try run(Conv2D(filters: 8, kernelSize: 3, padding: .same, groups: 4, useBias: false), on: [6, 6, 8])
        #expect(grouped == TensorSpec([6, 6, 8]))
        #expect(params == 3 * 3 * 2 * 8)
        #expect(macs == 6 * 6 * 8 * 3 * 3 * 2)
        #expect(throws: NetVizError.self) { try run(Conv2D(filters: 8, kernelSize: 3, groups: 3), on: [6, 6, 8]) }
    }

    @Test func conv2DChannelsFirst() throws {
        let (output, params, _, _) = try run(Conv2D(filters: 5, kernelSize: 3, dataFormat: .channelsFirst), on: [3, 8, 8])
        #expect(output == TensorSpec([5, 6, 6]))
        #expect(params == 3 * 3 * 3 * 5 + 5)
    }

    @Test func depthwiseWithMultiplier() throws {
        let (output, params, _, macs) = try run(
            DepthwiseConv2D(kernelSize: 3, strides: 2, padding: .same, depthMultiplier: 2), on: [14, 14, 16])
        #expect(output == TensorSpec([7, 7, 32]))
        #expect(params == 3 * 3 * 16 * 2 + 32)
        #expect(macs == 7 * 7 * 32 * 9)
    }

    @Test func separableIsDepthwisePlusPointwise() throws {
        // Keras: SeparableConv2D(64, 3) on 32 channels holds 3*3*32 + 32*64 + 64 = 2,400 params.
        let (output, params, _, macs) = try run(SeparableConv2D(filters: 64, kernelSize: 3, padding: .same), on: [14, 14, 32])
        #expect(output == TensorSpec([14, 14, 64]))
        #expect(params == 2_400)
        #expect(macs == 14 * 14 * 32 * 9 + 14 * 14 * 32 * 64)
    }

    @Test func denseOnAnyRank() throws {
        let (flat, params, _, macs) = try run(Dense(units: 10), on: [20])
        #expect(flat == TensorSpec([10]))
        #expect(params == 210)
        #expect(macs == 200)
        let (rank4, params4, _, macs4) = try run(Dense(units: 1000, useBias: false), on: [7, 1, 1018])
        #expect(rank4 == TensorSpec([7, 1, 1000]))
        #expect(params4 == 1_018_000)
        #expect(macs4 == 7 * 1018 * 1000)
    }

    @Test func batchNormalizationWeights() throws {
        let (_, params, trainable, macs) = try run(BatchNormalization(), on: [7, 7, 64])
        #expect(params == 256)
        #expect(trainable == 128)
        #expect(macs == 0)
        let (_, plain, plainTrainable, _) = try run(BatchNormalization(center: false, scale: false), on: [7, 7, 64])
        #expect(plain == 128)
        #expect(plainTrainable == 0)
        let (_, channelsFirst, _, _) = try run(BatchNormalization(axis: 1), on: [3, 7, 7])
        #expect(channelsFirst == 12)
        #expect(throws: NetVizError.self) { try run(BatchNormalization(axis: 4), on: [7, 7, 64]) }
    }

    /// Keras: LayerNormalization over C channels holds gamma and beta (2C); an adapted Normalization holds
    /// mean, variance (C each) and a scalar count, all non-trainable; both share one per-axis shape rule.
    @Test func normalisationLayers() throws {
        let (_, layerNorm, layerNormTrainable, _) = try run(LayerNormalization(), on: [7, 7, 96])
        #expect(layerNorm == 192)
        #expect(layerNormTrainable == 192)
        let (_, adapted, adaptedTrainable, _) = try run(Normalization(), on: [8, 8, 3])
        #expect(adapted == 7)
        #expect(adaptedTrainable == 0)
        #expect(try run(Normalization(axes: [1, 2]), on: [8, 5, 3]).1 == 2 * 8 * 5 + 1)  // Keras axes 1, 2 keep (8, 5)
        #expect(throws: NetVizError.self) { try run(LayerNormalization(axes: [-1, 3]), on: [7, 7, 96]) }
        #expect(throws: NetVizError.self) { try run(LayerNormalization(axes: []), on: [7, 7, 96]) }
        #expect(throws: NetVizError.self) { try run(Normalization(axes: [4]), on: [8, 8, 3]) }
    }

    @Test func poolingBothFormats() throws {
        let (avg, _, _, _) = try run(AveragePooling2D(poolSize: 2), on: [7, 7, 8])
        #expect(avg == TensorSpec([3, 3, 8]))
        let (same, _, _, _) = try run(MaxPooling2D(poolSize: 3, strides: 2, padding: .same), on: [7, 7, 8])
        #expect(same == TensorSpec([4, 4, 8]))
        // The article's bug: channels_first pooling of an NHWC tensor.
        let (bug, _, _, _) = try run(AveragePooling2D(poolSize: 7, strides: 1, dataFormat: .channelsFirst), on: [7, 7, 1024])
        #expect(bug == TensorSpec([7, 1, 1018]))
    }

    @Test func globalPooling() throws {
        #expect(try run(GlobalAveragePooling2D(), on: [7, 7, 8]).0 == TensorSpec([8]))
        #expect(try run(GlobalAveragePooling2D(keepdims: true), on: [7, 7, 8]).0 == TensorSpec([1, 1, 8]))
        #expect(try run(GlobalMaxPooling2D(dataFormat: .channelsFirst), on: [8, 7, 7]).0 == TensorSpec([8]))
    }

    @Test func reshapingLayers() throws {
        #expect(try run(Flatten(), on: [7, 7, 8]).0 == TensorSpec([392]))
        #expect(try run(Reshape(targetShape: [-1, 8]), on: [7, 7, 8]).0 == TensorSpec([49, 8]))
        #expect(throws: NetVizError.self) { try run(Reshape(targetShape: [5, -1]), on: [7, 7, 8]) }
        #expect(throws: NetVizError.self) { try run(Reshape(targetShape: [-1, -1]), on: [7, 7, 8]) }
        #expect(try run(ZeroPadding2D(padding: Margins2D((0, 1), (0, 1))), on: [112, 112, 64]).0 == TensorSpec([113, 113, 64]))
        #expect(try run(Cropping2D(cropping: Margins2D((1, 2), (3, 4))), on: [10, 10, 1]).0 == TensorSpec([7, 3, 1]))
        #expect(throws: NetVizError.self) { try run(Cropping2D(cropping: Margins2D(5)), on: [10, 10, 1]) }
    }

    @Test func elementWiseLayersKeepShapeAndCountNothing() throws {
        for layer in [
            ReLU(maxValue: 6) as any Layer, Activation(.gelu), Dropout(rate: 0.5), Rescaling(scale: 1.0 / 255),
        ] {
            let (output, params, _, macs) = try run(layer, on: [5, 5, 3])
            #expect(output == TensorSpec([5, 5, 3]))
            #expect(params == 0)
            #expect(macs == 0)
        }
        #expect(throws: NetVizError.self) { try run(Dropout(rate: 1.5), on: [5]) }
    }

    @Test func mergeLayers() throws {
        let input = try Input(shape: [8, 8, 3])
        let a = try Conv2D(filters: 4, kernelSize: 1)(input)
        let b = try Conv2D(filters: 4, kernelSize: 1)(input)
        let c = try Conv2D(filters: 6, kernelSize: 1)(input)
        #expect(try Add()([a, b]).spec == TensorSpec([8, 8, 4]))
        #expect(try Multiply()([a, b]).spec == TensorSpec([8, 8, 4]))
        #expect(try Concatenate()([a, b, c]).spec == TensorSpec([8, 8, 14]))
        #expect(try Concatenate(axis: 1)([a, b]).spec == TensorSpec([16, 8, 4]))
        let squeezed = try GlobalAveragePooling2D(keepdims: true)(a)
        #expect(try Multiply()([a, squeezed]).spec == TensorSpec([8, 8, 4]))  // broadcasting, as in SE blocks
        let error = #expect(throws: NetVizError.self) { try Add()([a, c]) }
        #expect(error?.description.contains("(None, 8, 8, 4) and (None, 8, 8, 6)") == true)
        #expect(throws: NetVizError.self) { try Concatenate(axis: 1)([a, c]) }
        #expect(throws: NetVizError.self) { try Add()([a]) }
    }

    @Test func impossibleShapeNamesLayerAndShapes() throws {
        let input = try Input(shape: [2, 2, 8])
        let error = #expect(throws: NetVizError.self) {
            try DepthwiseConv2D(kernelSize: 3, strides: 2, name: "conv_dw_12")(input)
        }
        let text = error?.description ?? ""
        #expect(text.contains("conv_dw_12"))
        #expect(text.contains("(None, 2, 2, 8)"))
        #expect(text.contains("(None, 0, 0, 8)"))
    }

    @Test func invalidArgumentsAreErrors() throws {
        #expect(throws: NetVizError.self) { try run(Conv2D(filters: 0, kernelSize: 3), on: [8, 8, 3]) }
        #expect(throws: NetVizError.self) { try run(Conv2D(filters: 4, kernelSize: [1, 2, 3]), on: [8, 8, 3]) }
        #expect(throws: NetVizError.self) { try run(Conv2D(filters: 4, kernelSize: 3), on: [8, 3]) }
        #expect(throws: NetVizError.self) { try run(Dense(units: -1), on: [8]) }
        #expect(throws: NetVizError.self) { try Input(shape: [0, 3]) }
        #expect(throws: NetVizError.self) { try Input(shape: []) }
    }

    @Test func countsThatOverflowAreErrorsNotTraps() throws {
        let input = try Input(shape: [1 << 20, 1 << 20, 1 << 10])
        let error = #expect(throws: NetVizError.self) {
            try ModelStatistics(Model(inputs: [input], outputs: [Conv2D(filters: 1 << 20, kernelSize: 1)(input)]))
        }
        #expect(error?.description.contains("overflow") == true)
        #expect(throws: NetVizError.self) { try Input(shape: [1 << 40, 1 << 40]) }
    }

    @Test func catalogNamesAreUniqueKerasClassNames() {
        let names = LayerCatalog.kinds.map { $0.className }
        #expect(Set(names).count == names.count)
        for kind in LayerCatalog.kinds { #expect(LayerCatalog.kind(named: kind.className) == kind) }
        #expect(LayerCatalog.kind(named: "DepthwiseConv2D") == DepthwiseConv2D.self)
        #expect(LayerCatalog.kind(named: "Conv3D") == Conv3D.self)
        #expect(LayerCatalog.kind(named: "ConvLSTM2D") == ConvLSTM2D.self)
        #expect(LayerCatalog.kind(named: "ConvLSTM4D") == nil)
    }

    @Test func kerasDefaultNames() {
        #expect(snakeCase("Conv2D") == "conv2d")
        #expect(snakeCase("BatchNormalization") == "batch_normalization")
        #expect(snakeCase("ReLU") == "re_lu")
        #expect(snakeCase("GlobalAveragePooling2D") == "global_average_pooling2d")
        #expect(snakeCase("InputLayer") == "input_layer")
        #expect(snakeCase("Conv2DTranspose") == "conv2d_transpose")
    }
}
