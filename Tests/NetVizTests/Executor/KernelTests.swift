import Foundation
import Testing

@testable import NetViz

/// Hand-computed kernel results and MAC counts, and the fast paths against the plain loops.
@Suite struct KernelTests {
    static func tensor(_ shape: [Int], _ data: [Float]) throws -> Tensor { try Tensor(shape: shape, data: data) }

    /// Runs one layer's kernel on one input with the given weights.
    static func run(
        _ layer: any Layer, _ input: Tensor, weights: [String: Tensor] = [:], mode: ExecutionMode = .reference
    ) throws -> (Tensor, Int64) {
        let kernel = try #require(layer as? any Executable)
        var context = KernelContext(layerName: "test", inputs: [input], weights: weights, mode: mode)
        let out = try kernel.execute(&context)
        return (out, context.macs)
    }

    @Test func samePaddingSplitsLikeKeras() {
        // L=9, k=3, s=2: 5 outputs, pad total (5-1)*2+3-9 = 2 -> 1 before. L=8: 4 outputs, total 1 -> 0 before.
        #expect(Kernels.padBefore(length: 9, window: 3, stride: 2, dilation: 1, padding: .same) == 1)
        #expect(Kernels.padBefore(length: 8, window: 3, stride: 2, dilation: 1, padding: .same) == 0)
        #expect(Kernels.padBefore(length: 10, window: 3, stride: 1, dilation: 2, padding: .same) == 2)
        #expect(Kernels.padBefore(length: 8, window: 3, stride: 2, dilation: 1, padding: .valid) == 0)
    }

    @Test(arguments: ExecutionMode.allCases)
    func convSameCountsPaddedTaps(mode: ExecutionMode) throws {
        // 3x3 input 1...9, 3x3 kernel of ones, 'same': corner = 1+2+4+5, edge = 1+...+6, centre = 45.
        let x = try Self.tensor([1, 3, 3, 1], (1...9).map(Float.init))
        let kernel = try Self.tensor([3, 3, 1, 1], [Float](repeating: 1, count: 9))
        let (out, macs) = try Self.run(Conv2D(filters: 1, kernelSize: 3, padding: .same, useBias: false), x, weights: ["kernel": kernel], mode: mode)
        #expect(out.shape == [1, 3, 3, 1])
        #expect(out.data == [12, 21, 16, 27, 45, 33, 24, 39, 28])
        #expect(macs == 81)  // 9 outputs x 9 taps, the padded ones included, as the rule counts
    }

    @Test(arguments: ExecutionMode.allCases)
    func convStride2SameOnEvenSizePadsAfter(mode: ExecutionMode) throws {
        // 4x4 input r*4+c, 3x3 ones, stride 2: pad total 1, all of it after. (0,0) sums rows/cols 0-2 = 45;
        // (1,1) reads rows/cols 2-3 plus padding = 10+11+14+15 = 50. Bias 0.5 added.
        let x = try Self.tensor([1, 4, 4, 1], (0..<16).map(Float.init))
        let kernel = try Self.tensor([3, 3, 1, 1], [Float](repeating: 1, count: 9))
        let bias = try Self.tensor([1], [0.5])
        let (out, macs) = try Self.run(
            Conv2D(filters: 1, kernelSize: 3, strides: 2, padding: .same), x, weights: ["kernel": kernel, "bias": bias], mode: mode)
        #expect(out.data == [45.5, 39.5, 66.5, 50.5])  // (0,1): 2+3+6+7+10+11; (1,0): 8+9+10+12+13+14
        #expect(macs == 36)
    }

    @Test(arguments: ExecutionMode.allCases)
    func depthwiseWithMultiplier(mode: ExecutionMode) throws {
        // 2x2x1 input, two 2x2 filters: ones, and [1, 0, 0, -1] -> [1+2+3+4, 1-4].
        let x = try Self.tensor([1, 2, 2, 1], [1, 2, 3, 4])
        let kernel = try Self.tensor([2, 2, 1, 2], [1, 1, 1, 0, 1, 0, 1, -1])
        let (out, macs) = try Self.run(DepthwiseConv2D(kernelSize: 2, depthMultiplier: 2, useBias: false), x, weights: ["kernel": kernel], mode: mode)
        #expect(out.shape == [1, 1, 1, 2])
        #expect(out.data == [10, -3])
        #expect(macs == 8)
    }

    @Test(arguments: ExecutionMode.allCases)
    func denseOnRank3(mode: ExecutionMode) throws {
        let x = try Self.tensor([1, 2, 2], [1, 2, 3, 4])
        let kernel = try Self.tensor([2, 3], [1, 0, 1, 0, 1, 1])
        let (out, macs) = try Self.run(Dense(units: 3, useBias: false), x, weights: ["kernel": kernel], mode: mode)
        #expect(out.shape == [1, 2, 3])
        #expect(out.data == [1, 2, 3, 3, 4, 7])
        #expect(macs == 12)  // 2 positions x 3 units x 2 features
    }

    @Test func batchNormalizationInference() throws {
        // (2 - 1) / sqrt(3 + 1) * 2 + 0.5 = 1.5
        let one = { (v: Float) in try Self.tensor([1], [v]) }
        let (out, macs) = try Self.run(
            BatchNormalization(epsilon: 1), Self.tensor([1, 1], [2]),
            weights: ["gamma": one(2), "beta": one(0.5), "moving_mean": one(1), "moving_variance": one(3)])
        #expect(out.data == [1.5])
        #expect(macs == 0)
    }

    @Test func poolingSameExcludesPadding() throws {
        let x = try Self.tensor([1, 2, 2, 1], [1, 2, 3, 4])
        let (avg, _) = try Self.run(AveragePooling2D(poolSize: 3, strides: 1, padding: .same), x)
        #expect(avg.data == [2.5, 2.5, 2.5, 2.5])
        let (top, _) = try Self.run(MaxPooling2D(poolSize: 3, strides: 1, padding: .same), x)
        #expect(top.data == [4, 4, 4, 4])
    }

    @Test func channelsFirstPoolOnNHWCTreatsAxis1AsChannels() throws {
        // (1, 2, 3, 1) seen as channels_first: 2 "channels" of a 3x1 image; pool (2, 1) over it.
        let x = try Self.tensor([1, 2, 3, 1], [1, 2, 3, 10, 20, 30])
        let (out, _) = try Self.run(AveragePooling2D(poolSize: Size2(2, 1), strides: 1, dataFormat: .channelsFirst), x)
        #expect(out.shape == [1, 2, 2, 1])
        #expect(out.data == [1.5, 2.5, 15, 25])
    }

    @Test func reluLayerArguments() throws {
        let (out, _) = try Self.run(ReLU(maxValue: 0.6, negativeSlope: 0.1, threshold: 0.2), Self.tensor([1, 4], [-1, 0.1, 0.3, 1]))
        let expected: [Float] = [-0.12, -0.01, 0.3, 0.6]
        for (a, b) in zip(out.data, expected) { #expect(abs(a - b) < 1e-6) }
    }

    @Test func activationValues() throws {
        let x = try Self.tensor([1, 4], [1, 0, 2, -2])
        #expect(abs(try Activations.apply(.gelu, to: x).data[0] - 0.841_344_7) < 1e-6)
        #expect(try Activations.apply(.hardSigmoid, to: x).data == [4.0 / 6, 0.5, 5.0 / 6, 1.0 / 6])
        let glu = try Activations.apply(.glu, to: x)  // [1, 0] * sigmoid([2, -2])
        #expect(glu.shape == [1, 2])
        #expect(abs(glu.data[0] - 0.880_797) < 1e-6 && glu.data[1] == 0)
        let softmax = try Activations.apply(.softmax, to: x)
        #expect(abs(softmax.data.reduce(0, +) - 1) < 1e-6)
    }

    @Test func broadcastAndConcatenate() throws {
        let a = try Self.tensor([1, 2, 2], [1, 2, 3, 4])
        let b = try Self.tensor([1, 1, 2], [10, 20])
        #expect(try Kernels.broadcastMerge([a, b], +).data == [11, 22, 13, 24])
        #expect(try Kernels.broadcastMerge([a, b], *).data == [10, 40, 30, 80])
        #expect(try Kernels.concatenate([a, a], axis: 1).data == [1, 2, 3, 4, 1, 2, 3, 4])
        #expect(try Kernels.concatenate([a, b], axis: -2).data == [1, 2, 3, 4, 10, 20])
        #expect(try Kernels.margins(Self.tensor([1, 1, 1, 1], [5]), Margins2D((1, 0), (0, 1)), format: .channelsLast, sign: 1).data == [0, 0, 5, 0])
    }

    /// The fast paths against the plain loops on awkward geometries (odd sizes, groups, dilation, strides).
    @Test func fastConvolutionsMatchPlainOnes() throws {
        let configs: [(Int, Int, Int, Int, Size2, Size2, Size2, Padding, Int)] = [
            // (h, w, c, filters, kernel, strides, dilation, padding, groups)
            (7, 9, 5, 11, 3, 1, 1, .same, 1), (8, 8, 6, 4, 3, 2, 1, .same, 2), (9, 7, 4, 9, Size2(3, 2), Size2(2, 1), 1, .valid, 1),
            (10, 10, 3, 8, 3, 1, 2, .same, 1), (6, 5, 16, 13, 1, 1, 1, .same, 1), (5, 5, 8, 24, 1, 2, 1, .valid, 4),
        ]
        for (h, w, c, filters, k, s, d, padding, groups) in configs {
            let model = try KernelTests.singleLayer([h, w, c], Conv2D(filters: filters, kernelSize: k, strides: s, padding: padding, dilationRate: d, groups: groups, name: "conv"))
            try Self.compareModes(model, batch: 2)
        }
        for (dm, s, padding) in [(1, 1, Padding.same), (2, 2, .same), (3, 1, .valid)] {
            try Self.compareModes(try Self.singleLayer([9, 8, 5], DepthwiseConv2D(kernelSize: 3, strides: Size2(s, s), padding: padding, depthMultiplier: dm, name: "dw")), batch: 2)
        }
        try Self.compareModes(try Self.singleLayer([4, 3, 19], Dense(units: 17, name: "dense")), batch: 3)
        try Self.compareModes(try Self.singleLayer([7, 7, 6], SeparableConv2D(filters: 10, kernelSize: 3, padding: .same, name: "sep")), batch: 1)
        try Self.compareModes(try TFModels.twoBlockMobileNet(), batch: 2)
    }

    static func singleLayer(_ shape: [Int], _ layer: any Layer) throws -> Model {
        let x = try Input(shape: shape, name: "input")
        return try Model(inputs: [x], outputs: [layer(x)])
    }

    static func compareModes(_ model: Model, batch: Int, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let weights = SeededInit.weights(for: model, seed: 3)
        let spec = model.inputSpecs[0]
        var input = SeededInit.input(name: "x", spec: spec, seed: 5)
        for b in 1..<batch { input.data += SeededInit.input(name: "x\(b)", spec: spec, seed: 5).data }
        input.shape[0] = batch
        var counts: [ExecutionMode: [Int64]] = [:]
        var outputs: [ExecutionMode: Tensor] = [:]
        for mode in ExecutionMode.allCases {
            var perLayer: [Int64] = []
            outputs[mode] = try Executor(mode: mode).run(model, weights: weights, inputs: [input]) { perLayer.append($0.countedMACs) }.outputs[0]
            counts[mode] = perLayer
        }
        let fast = try #require(outputs[.fast]), plain = try #require(outputs[.reference])
        let error = try #require(fast.maxAbsDifference(plain), sourceLocation: sourceLocation)
        #expect(error <= 1e-5 * max(1, plain.maxAbs), "fast vs plain: \(error)", sourceLocation: sourceLocation)
        #expect(counts[.fast] == counts[.reference], sourceLocation: sourceLocation)
        let stats = try ModelStatistics(model)
        #expect(counts[.fast] == stats.layers.map { $0.macs * Int64(batch) }, sourceLocation: sourceLocation)
    }

    @Test func gemmMatchesNaiveProductAndCountsIt() {
        for (m, n, k) in [(1, 1, 1), (5, 9, 3), (13, 17, 31), (4, 8, 0), (64, 40, 7)] {
            let a = (0..<(m * k)).map { Float(($0 * 7) % 11) - 5 }, b = (0..<(k * n)).map { Float(($0 * 5) % 13) - 6 }
            let bias = (0..<n).map { Float($0) }
            var c = [Float](repeating: .nan, count: m * n)
            let performed = a.withUnsafeBufferPointer { ap in
                b.withUnsafeBufferPointer { bp in
                    c.withUnsafeMutableBufferPointer { cp in
                        Fast.gemm(m: m, n: n, k: k, a: ap.baseAddress ?? UnsafePointer(bitPattern: 4)!, lda: k, b: bp.baseAddress ?? UnsafePointer(bitPattern: 4)!, ldb: n, c: cp.baseAddress!, ldc: n, bias: bias)
                    }
                }
            }
            #expect(performed == Int64(m * n * k))
            for i in 0..<m {
                for j in 0..<n {
                    var sum = bias[j]
                    for kk in 0..<k { sum += a[i * k + kk] * b[kk * n + j] }
                    #expect(c[i * n + j] == sum, "\(m)x\(n)x\(k) at \(i),\(j)")
                }
            }
        }
    }

    /// Every catalogued kind, and the kinds Keras import makes (nested models, keras.ops nodes), has a kernel.
    @Test func everyCatalogKindHasAKernel() {
        let missing = LayerCatalog.kinds.filter { !($0 is any Executable.Type) }.map { $0.className }
        #expect(missing.isEmpty, "no kernel for \(missing)")
        #expect(NestedModel.self is any Executable.Type)
        #expect(ElementwiseOp<OneInput>.self is any Executable.Type)
        #expect(ElementwiseOp<SeveralInputs>.self is any Executable.Type)
        #expect(!(UnknownLayer<OneInput>.self is any Executable.Type))
    }

    @Test func aKindWithoutAKernelIsAnError() throws {
        let model = try Self.singleLayer([4], UnknownLayer<OneInput>(kerasClassName: "Mystery", name: "mystery"))
        #expect(throws: NetVizError.layer(name: "mystery", className: "Mystery, unknown", message: "the executor has no kernel for Mystery, unknown")) {
            try Executor().run(model, weights: SeededInit.weights(for: model), inputs: [SeededInit.input(name: "input", spec: model.inputSpecs[0])])
        }
    }
}

/// The kernels Keras import needs, by hand on tiny inputs (TensorFlow checks them too: the imported_mix fixture).
@Suite struct ImportedKernelTests {
    func run(_ layer: some Layer, _ input: Tensor, weights: [String: Tensor] = [:]) throws -> (Tensor, Int64) {
        var context = KernelContext(layerName: "l", inputs: [input], weights: weights, mode: .reference)
        let kernel = try #require(layer as? any Executable)
        let output = try kernel.execute(&context)
        return (output, context.macs)
    }

    @Test func normalizationWithGivenAndAdaptedStatistics() throws {
        let x = try Tensor(shape: [1, 2], data: [3, 9])
        let given = Normalization(statisticsGiven: true, mean: [1, 1], variance: [4, 16])
        #expect(try run(given, x).0.data == [1, 2])
        let adapted = Normalization()
        let stats = ["mean": try Tensor(shape: [2], data: [1, 1]), "variance": try Tensor(shape: [2], data: [4, 16]),
                     "count": try Tensor(shape: [], data: [10])]
        #expect(try run(adapted, x, weights: stats).0.data == [1, 2])
        #expect(try run(Normalization(statisticsGiven: true, mean: [1, 1], variance: [4, 16], invert: true), x).0.data == [7, 37])
    }

    @Test func layerNormalization() throws {
        let x = try Tensor(shape: [1, 4], data: [1, 2, 3, 4])
        let (y, macs) = try run(LayerNormalization(epsilon: 0, center: false, scale: false), x)
        // mean 2.5, variance 1.25
        let expected: [Float] = [-1.5, -0.5, 0.5, 1.5].map { $0 / Float(1.25).squareRoot() }
        for (a, b) in zip(y.data, expected) { #expect(abs(a - b) < 1e-6) }
        #expect(macs == 0)
        #expect(throws: KernelError.self) { try run(LayerNormalization(axes: [1]), try Tensor(shape: [1, 2, 2], data: [1, 2, 3, 4])) }
    }

    @Test func opsKeepTheirOperandOrder() throws {
        let x = try Tensor(shape: [1, 2], data: [1, 4])
        let minus = ElementwiseOp<OneInput>(operation: "Subtract", constants: [3], operands: [.constant(3), .input(0)])
        #expect(try run(minus, x).0.data == [2, -1])
        let divide = ElementwiseOp<OneInput>(operation: "Divide", constants: [2], operands: [.input(0), .constant(2)])
        #expect(try run(divide, x).0.data == [0.5, 2])
        // Without the order, a non-commutative op with a constant cannot run; a commutative one can.
        #expect(throws: KernelError.self) { try run(ElementwiseOp<OneInput>(operation: "Subtract", constants: [3]), x) }
        #expect(try run(ElementwiseOp<OneInput>(operation: "Add", constants: [3]), x).0.data == [4, 7])
    }
}
