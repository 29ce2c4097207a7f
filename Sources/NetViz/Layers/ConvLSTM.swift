/// `keras.layers.ConvLSTM1D` / `ConvLSTM2D` / `ConvLSTM3D`: an LSTM whose gates are convolutions. Each step convolves
/// the step's map with `kernel` (kernel_size, strides, padding, dilation_rate) and the previous state h with
/// `recurrent_kernel` ('same' padding, stride 1, over the output map), for the four gates i, f, c, o (Keras's order).
///
/// MACs per step (Docs/counting.md) = input convolution + recurrent convolution over the output map:
/// output positions x 4 x filters x kernel volume x (input channels + filters); times steps. Bias adds and the gate
/// arithmetic count 0. Channels last (channels_first is refused when importing).
public struct ConvLSTM<Rank: ConvLSTMRank>: Layer {
    public static var className: String { "ConvLSTM\(Rank.rank)D" }
    public static var arity: Arity { .oneAndOptionalMask }
    public var filters: Int
    public var kernelSize: [Int]
    public var strides: [Int]
    public var padding: Padding
    public var dilationRate: [Int]
    public var settings: RecurrentSettings
    public var name: String?
    public var activation: ActivationFunction? { nil }

    /// `settings.units` is unused (filters is the state's channels); activations, bias, sequences, state and
    /// direction are read from it.
    public init(
        filters: Int, kernelSize: [Int], strides: [Int]? = nil, padding: Padding = .valid, dilationRate: [Int]? = nil,
        settings: RecurrentSettings = RecurrentSettings(units: 1), name: String? = nil
    ) {
        self.filters = filters
        self.kernelSize = kernelSize
        self.strides = strides ?? Array(repeating: 1, count: Rank.rank)
        self.padding = padding
        self.dilationRate = dilationRate ?? Array(repeating: 1, count: Rank.rank)
        self.settings = settings
        self.name = name
    }

    /// (steps, spatial..., channels) checked; the output map's spatial sizes.
    func geometry(_ input: TensorSpec) throws -> (steps: Int, spatial: [Int], channels: Int, output: [Int]) {
        try ShapeRules.requireRank(input, Rank.rank + 3)
        try ShapeRules.requirePositive(filters, "filters")
        let r = Rank.rank
        for (values, what) in [(kernelSize, "kernel_size"), (strides, "strides"), (dilationRate, "dilation_rate")] {
            guard values.count == r, values.allSatisfy({ $0 > 0 }) else {
                throw LayerProblem("\(what) must be \(r) positive integer(s), got \(values)")
            }
        }
        let spatial = Array(input.dims[1...r])
        let output = (0..<r).map { i in
            ShapeRules.windowOutputLength(spatial[i], window: kernelSize[i], stride: strides[i], dilation: dilationRate[i], padding: padding)
        }
        guard output.allSatisfy({ $0 > 0 }) else {
            throw LayerProblem("input \(input) is too small for kernel \(kernelSize) with padding '\(padding.rawValue)'")
        }
        return (input.dims[0], spatial, input.dims[r + 1], output)
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        let g = try geometry(inputs[0])
        try RecurrentKernel.checkMask(inputs)
        let state = g.output + [filters]
        let spec = TensorSpec(settings.returnSequences ? [g.steps] + state : state, dtype: inputs[0].dtype)
        _ = try spec.elementCount()
        return spec
    }

    /// With `return_state`: h and c, each (spatial..., filters).
    public func extraOutputSpecs(for inputs: [TensorSpec]) throws -> [TensorSpec] {
        guard settings.returnState else { return [] }
        let g = try geometry(inputs[0])
        return Array(repeating: TensorSpec(g.output + [filters], dtype: inputs[0].dtype), count: 2)
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] {
        let channels = inputs[0].dims.last ?? 0
        var specs = [
            WeightSpec("kernel", kernelSize + [channels, 4 * filters]),
            WeightSpec("recurrent_kernel", kernelSize + [filters, 4 * filters]),
        ]
        if settings.useBias { specs.append(WeightSpec("bias", [4 * filters])) }
        return specs
    }

    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 {
        let g = try geometry(inputs[0])
        return try Checked.product([g.steps, 4 * filters, g.channels + filters] + g.output + kernelSize)
    }

    public func costGroup(for inputs: [TensorSpec]) -> String? {
        "\(Self.className) " + kernelSize.map(String.init).joined(separator: "x")
    }
}

/// The spatial rank of a ConvLSTM kind.
public protocol ConvLSTMRank: Sendable { static var rank: Int { get } }
public enum ConvRank1: ConvLSTMRank { public static let rank = 1 }
public enum ConvRank2: ConvLSTMRank { public static let rank = 2 }
public enum ConvRank3: ConvLSTMRank { public static let rank = 3 }
public typealias ConvLSTM1D = ConvLSTM<ConvRank1>
public typealias ConvLSTM2D = ConvLSTM<ConvRank2>
public typealias ConvLSTM3D = ConvLSTM<ConvRank3>

extension ConvLSTM: MultiOutputExecutable {
    public func executeAll(_ context: inout KernelContext) throws -> [Tensor] {
        let x = context.inputs[0], r = Rank.rank
        guard x.rank == r + 3 else { throw KernelError("expects a rank-\(r + 3) input, got \(x.shapeDescription)") }
        let batch = x.shape[0]
        let g = try geometry(TensorSpec(Array(x.shape.dropFirst())))
        let kernel = try context.weight("kernel"), recurrent = try context.weight("recurrent_kernel")
        let width = 4 * filters
        let bias = settings.useBias ? try context.weight("bias").data : [Float](repeating: 0, count: width)
        guard kernel.shape == kernelSize + [g.channels, width], recurrent.shape == kernelSize + [filters, width], bias.count == width else {
            throw KernelError("weights \(kernel.shapeDescription), \(recurrent.shapeDescription) do not fit")
        }
        let mask = try RecurrentKernel.mask(context)
        // Every rank as 3D: size-1 axes first.
        func three(_ values: [Int]) -> [Int] { Array(repeating: 1, count: 3 - r) + values }
        let window = Size3(three(kernelSize)[0], three(kernelSize)[1], three(kernelSize)[2])
        let input = Window3D(
            input: three(g.spatial), window: window, strides: Size3(three(strides)[0], three(strides)[1], three(strides)[2]),
            dilation: Size3(three(dilationRate)[0], three(dilationRate)[1], three(dilationRate)[2]), padding: padding)
        let hidden = Window3D(input: three(g.output), window: window, strides: Size3(1), dilation: Size3(1), padding: .same)
        let positions = g.output.reduce(1, *), inVolume = g.spatial.reduce(1, *), stateSize = positions * filters
        /// A convolution of one map (volume x channels) into `out` (positions x width), counting its MACs.
        func convolve(_ map: ArraySlice<Float>, channels: Int, _ w: [Float], _ walk: Window3D, into out: inout [Float]) {
            let base = map.startIndex
            walk.forEach { o, taps in
                for (k, position) in taps {
                    guard let position else { continue }
                    for ci in 0..<channels {
                        let v = map[base + position * channels + ci]
                        if v == 0 { continue }
                        let row = (k * channels + ci) * width
                        for j in 0..<width { out[o * width + j] += v * w[row + j] }
                    }
                }
            }
            context.macs += Int64(positions * window.volume * channels * width)
        }
        func act(_ function: ActivationFunction?, _ v: Float) -> Float { function.map { Float(Activations.scalar($0, Double(v))) } ?? v }
        let steps = g.steps, s = settings
        var outputs = [Float](repeating: 0, count: batch * (s.returnSequences ? steps : 1) * stateSize)
        var finalH = [Float](repeating: 0, count: batch * stateSize), finalC = finalH
        for b in 0..<batch {
            var h = [Float](repeating: 0, count: stateSize), c = h, previous = h
            for t in 0..<steps {
                let step = s.goBackwards ? steps - 1 - t : t
                let start = ((b * steps + step) * inVolume) * g.channels
                var xc = [Float](repeating: 0, count: positions * width), hc = xc
                convolve(x.data[start..<(start + inVolume * g.channels)], channels: g.channels, kernel.data, input, into: &xc)
                convolve(h[...], channels: filters, recurrent.data, hidden, into: &hc)
                var newH = h, newC = c
                for p in 0..<positions {
                    for j in 0..<filters {
                        func gate(_ k: Int) -> Float { xc[p * width + k * filters + j] + bias[k * filters + j] + hc[p * width + k * filters + j] }
                        let i = act(s.recurrentActivation, gate(0)), f = act(s.recurrentActivation, gate(1))
                        let o = act(s.recurrentActivation, gate(3))
                        let cell = f * c[p * filters + j] + i * act(s.activation, gate(2))
                        newC[p * filters + j] = cell
                        newH[p * filters + j] = o * act(s.activation, cell)
                    }
                }
                if let mask, !mask[b * steps + step] {
                    newH = h
                    newC = c
                    if s.zeroOutputForMask { previous = [Float](repeating: 0, count: stateSize) }
                } else {
                    previous = newH
                }
                (h, c) = (newH, newC)
                if s.returnSequences {
                    for i in 0..<stateSize { outputs[(b * steps + t) * stateSize + i] = previous[i] }
                }
            }
            if !s.returnSequences { for i in 0..<stateSize { outputs[b * stateSize + i] = previous[i] } }
            for i in 0..<stateSize {
                finalH[b * stateSize + i] = h[i]
                finalC[b * stateSize + i] = c[i]
            }
        }
        let state = [batch] + g.output + [filters]
        let output = Tensor(unchecked: s.returnSequences ? [batch, steps] + g.output + [filters] : state, data: outputs)
        return [output] + (s.returnState ? [Tensor(unchecked: state, data: finalH), Tensor(unchecked: state, data: finalC)] : [])
    }
}

extension ConvLSTM: MaskReadingLayer {
    var readsMask: Bool { true }
    var passesMaskOn: Bool { settings.returnSequences }
}
