/// The 3D members of the convolution, pooling, padding and upsampling families (video and volume models):
/// `Conv3D`, `MaxPooling3D`/`AveragePooling3D`, `GlobalAverage/MaxPooling3D`, `UpSampling3D`, `ZeroPadding3D`,
/// `Cropping3D`, on (depth, height, width, channels) samples (channels first too). One geometry for all of them,
/// Keras's `compute_conv_output_shape` per axis (`ShapeRules.windowOutputLength`), and plain loops as kernels.
public struct Size3: Hashable, Sendable, CustomStringConvertible {
    public var values: [Int]
    public init(_ d: Int, _ h: Int, _ w: Int) { values = [d, h, w] }
    public init(_ all: Int) { values = [all, all, all] }
    public var description: String { "(" + values.map(String.init).joined(separator: ", ") + ")" }
    var isPositive: Bool { values.count == 3 && values.allSatisfy { $0 > 0 } }
    var volume: Int { values.reduce(1, *) }
}

/// Where the three spatial axes and the channel axis of a rank-5 sample are.
struct Layout3D {
    let spatial: [Int], channel: Int
    init(_ format: DataFormat) {
        (spatial, channel) = format == .channelsLast ? ([0, 1, 2], 3) : ([1, 2, 3], 0)
    }

    /// A rank-5 tensor as channels-last (batch, d, h, w, c), and back.
    static func toLast(_ t: Tensor, _ format: DataFormat) -> Tensor { format == .channelsFirst ? Kernels.transpose(t, [0, 2, 3, 4, 1]) : t }
    static func fromLast(_ t: Tensor, _ format: DataFormat) -> Tensor { format == .channelsFirst ? Kernels.transpose(t, [0, 4, 1, 2, 3]) : t }
}

extension ShapeRules {
    /// Conv3D and 3D pooling: each spatial axis by the window rule; `channels` replaces the channel dim.
    static func slidingWindow3D(
        _ input: TensorSpec, window: Size3, strides: Size3, dilation: Size3 = Size3(1), padding: Padding, format: DataFormat,
        channels: Int?
    ) throws -> TensorSpec {
        try requireRank(input, 5)
        guard window.isPositive, strides.isPositive, dilation.isPositive else {
            throw LayerProblem("window \(window), strides \(strides) and dilation \(dilation) must be positive")
        }
        let layout = Layout3D(format)
        var dims = input.dims
        for (i, axis) in layout.spatial.enumerated() {
            dims[axis] = windowOutputLength(
                dims[axis], window: window.values[i], stride: strides.values[i], dilation: dilation.values[i], padding: padding)
            guard dims[axis] > 0 else { throw LayerProblem("input \(input) is too small for window \(window) with padding '\(padding.rawValue)'") }
        }
        if let channels { dims[layout.channel] = channels }
        return TensorSpec(dims, dtype: input.dtype)
    }
}

/// The window walk shared by Conv3D and 3D pooling on channels-last data: for each output position, the input
/// positions of its window (nil where the window covers padding).
struct Window3D {
    let input: [Int], output: [Int], window: [Int], strides: [Int], dilation: [Int], padBefore: [Int]

    init(input: [Int], window: Size3, strides: Size3, dilation: Size3, padding: Padding) {
        self.input = input
        self.window = window.values
        self.strides = strides.values
        self.dilation = dilation.values
        output = (0..<3).map {
            ShapeRules.windowOutputLength(input[$0], window: window.values[$0], stride: strides.values[$0], dilation: dilation.values[$0], padding: padding)
        }
        padBefore = (0..<3).map {
            Kernels.padBefore(length: input[$0], window: window.values[$0], stride: strides.values[$0], dilation: dilation.values[$0], padding: padding)
        }
    }

    /// Calls `body(outputIndex, taps)` for every output position; taps are (window index, input position or nil).
    func forEach(_ body: (Int, [(Int, Int?)]) throws -> Void) rethrows {
        var taps: [(Int, Int?)] = []
        taps.reserveCapacity(window.reduce(1, *))
        var index = 0
        for od in 0..<output[0] {
            for oh in 0..<output[1] {
                for ow in 0..<output[2] {
                    taps.removeAll(keepingCapacity: true)
                    var k = 0
                    for kd in 0..<window[0] {
                        let d = od * strides[0] - padBefore[0] + kd * dilation[0]
                        for kh in 0..<window[1] {
                            let h = oh * strides[1] - padBefore[1] + kh * dilation[1]
                            for kw in 0..<window[2] {
                                let w = ow * strides[2] - padBefore[2] + kw * dilation[2]
                                let inside = d >= 0 && d < input[0] && h >= 0 && h < input[1] && w >= 0 && w < input[2]
                                taps.append((k, inside ? (d * input[1] + h) * input[2] + w : nil))
                                k += 1
                            }
                        }
                    }
                    try body(index, taps)
                    index += 1
                }
            }
        }
    }
}

/// `keras.layers.Conv3D`: `filters` kernels of `kernel_size` over `input_channels / groups` channels.
public struct Conv3D: Layer {
    public static let className = "Conv3D"
    public static let arity = Arity.one
    public var filters: Int
    public var kernelSize: Size3
    public var strides: Size3
    public var padding: Padding
    public var dataFormat: DataFormat
    public var dilationRate: Size3
    public var groups: Int
    public var activation: ActivationFunction?
    public var useBias: Bool
    public var name: String?

    public init(
        filters: Int, kernelSize: Size3, strides: Size3 = Size3(1), padding: Padding = .valid, dataFormat: DataFormat = .channelsLast,
        dilationRate: Size3 = Size3(1), groups: Int = 1, activation: ActivationFunction? = nil, useBias: Bool = true, name: String? = nil
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

    func inputChannels(_ input: TensorSpec) -> Int { input.dims[Layout3D(dataFormat).channel] }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        try ShapeRules.requirePositive(filters, "filters")
        try ShapeRules.requirePositive(groups, "groups")
        try ShapeRules.requireRank(inputs[0], 5)
        let channels = inputChannels(inputs[0])
        guard channels % groups == 0, filters % groups == 0 else {
            throw LayerProblem("groups=\(groups) must divide the input channels (\(channels)) and filters (\(filters))")
        }
        return try ShapeRules.slidingWindow3D(
            inputs[0], window: kernelSize, strides: strides, dilation: dilationRate, padding: padding, format: dataFormat, channels: filters)
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] {
        let kernel = WeightSpec("kernel", kernelSize.values + [inputChannels(inputs[0]) / max(groups, 1), filters])
        return useBias ? [kernel, WeightSpec("bias", [filters])] : [kernel]
    }

    /// Every output element is a dot product over the kernel volume and its group's channels.
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 {
        try Checked.multiply(output.elementCount(), Checked.product(kernelSize.values + [inputChannels(inputs[0]) / max(groups, 1)]))
    }

    public func costGroup(for inputs: [TensorSpec]) -> String? {
        "Conv3D " + kernelSize.values.map(String.init).joined(separator: "x")
    }
}

extension Conv3D: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        let x = Layout3D.toLast(context.inputs[0], dataFormat)
        guard x.rank == 5 else { throw KernelError("expects a rank-5 input, got \(x.shapeDescription)") }
        let kernel = try context.weight("kernel")
        let bias = try context.optionalWeight("bias", if: useBias)
        let (batch, c) = (x.shape[0], x.shape[4])
        let cpg = c / groups, fpg = filters / groups
        guard kernel.shape == kernelSize.values + [cpg, filters] else { throw KernelError("kernel \(kernel.shapeDescription) does not fit") }
        let g = Window3D(input: Array(x.shape[1...3]), window: kernelSize, strides: strides, dilation: dilationRate, padding: padding)
        let positions = g.output.reduce(1, *), inVolume = g.input.reduce(1, *)
        var out = [Float](repeating: 0, count: batch * positions * filters)
        for b in 0..<batch {
            g.forEach { o, taps in
                for f in 0..<filters {
                    let c0 = (f / fpg) * cpg
                    var acc: Float = bias?.data[f] ?? 0
                    for (k, position) in taps {
                        context.macs += Int64(cpg)
                        guard let position else { continue }
                        let base = (b * inVolume + position) * c + c0
                        for ci in 0..<cpg { acc += x.data[base + ci] * kernel.data[(k * cpg + ci) * filters + f] }
                    }
                    out[(b * positions + o) * filters + f] = acc
                }
            }
        }
        var result = Tensor(unchecked: [batch] + g.output + [filters], data: out)
        if let activation { result = try Activations.apply(activation, to: result) }
        return Layout3D.fromLast(result, dataFormat)
    }
}

/// `keras.layers.MaxPooling3D` / `AveragePooling3D`.
public struct Pooling3D<Reduction: PoolReduction>: Layer {
    public static var className: String { Reduction.windowedClassName.replacingOccurrences(of: "2D", with: "3D") }
    public static var arity: Arity { .one }
    public var poolSize: Size3
    public var strides: Size3?
    public var padding: Padding
    public var dataFormat: DataFormat
    public var name: String?
    public var activation: ActivationFunction? { nil }

    public init(poolSize: Size3 = Size3(2), strides: Size3? = nil, padding: Padding = .valid, dataFormat: DataFormat = .channelsLast, name: String? = nil) {
        self.poolSize = poolSize
        self.strides = strides
        self.padding = padding
        self.dataFormat = dataFormat
        self.name = name
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        try ShapeRules.slidingWindow3D(inputs[0], window: poolSize, strides: strides ?? poolSize, padding: padding, format: dataFormat, channels: nil)
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] { [] }
    /// A reduction without weights: no multiply-accumulates in the paper's convention.
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { 0 }
}

extension Pooling3D: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        let x = Layout3D.toLast(context.inputs[0], dataFormat)
        guard x.rank == 5 else { throw KernelError("expects a rank-5 input, got \(x.shapeDescription)") }
        let (batch, c) = (x.shape[0], x.shape[4])
        let g = Window3D(input: Array(x.shape[1...3]), window: poolSize, strides: strides ?? poolSize, dilation: Size3(1), padding: padding)
        let positions = g.output.reduce(1, *), inVolume = g.input.reduce(1, *)
        var out = [Float](repeating: 0, count: batch * positions * c)
        for b in 0..<batch {
            g.forEach { o, taps in
                for ci in 0..<c {
                    var acc: Float = Reduction.averages ? 0 : -.infinity
                    var inside = 0
                    for (_, position) in taps {
                        guard let position else { continue }
                        let v = x.data[(b * inVolume + position) * c + ci]
                        acc = Reduction.averages ? acc + v : max(acc, v)
                        inside += 1
                    }
                    out[(b * positions + o) * c + ci] = Reduction.averages ? acc / Float(max(inside, 1)) : acc
                }
            }
        }
        return Layout3D.fromLast(Tensor(unchecked: [batch] + g.output + [c], data: out), dataFormat)
    }
}

/// `keras.layers.MaxPooling3D`.
public typealias MaxPooling3D = Pooling3D<MaxReduction>
/// `keras.layers.AveragePooling3D`.
public typealias AveragePooling3D = Pooling3D<AverageReduction>
/// `keras.layers.GlobalAveragePooling3D`.
public typealias GlobalAveragePooling3D = GlobalPooling3D<AverageReduction>
/// `keras.layers.GlobalMaxPooling3D`.
public typealias GlobalMaxPooling3D = GlobalPooling3D<MaxReduction>

/// `keras.layers.GlobalAveragePooling3D` / `GlobalMaxPooling3D`.
public struct GlobalPooling3D<Reduction: PoolReduction>: Layer {
    public static var className: String { Reduction.globalClassName.replacingOccurrences(of: "2D", with: "3D") }
    public static var arity: Arity { .one }
    public var dataFormat: DataFormat
    public var keepdims: Bool
    public var name: String?
    public var activation: ActivationFunction? { nil }

    public init(dataFormat: DataFormat = .channelsLast, keepdims: Bool = false, name: String? = nil) {
        self.dataFormat = dataFormat
        self.keepdims = keepdims
        self.name = name
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        try ShapeRules.requireRank(inputs[0], 5)
        let layout = Layout3D(dataFormat)
        guard keepdims else { return TensorSpec([inputs[0].dims[layout.channel]], dtype: inputs[0].dtype) }
        var dims = inputs[0].dims
        for axis in layout.spatial { dims[axis] = 1 }
        return TensorSpec(dims, dtype: inputs[0].dtype)
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] { [] }
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { 0 }
}

extension GlobalPooling3D: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        let x = Layout3D.toLast(context.inputs[0], dataFormat)
        guard x.rank == 5 else { throw KernelError("expects a rank-5 input, got \(x.shapeDescription)") }
        let (batch, c) = (x.shape[0], x.shape[4]), volume = x.shape[1...3].reduce(1, *)
        var out = [Float](repeating: Reduction.averages ? 0 : -.infinity, count: batch * c)
        for b in 0..<batch {
            for p in 0..<volume {
                for ci in 0..<c {
                    let v = x.data[(b * volume + p) * c + ci]
                    out[b * c + ci] = Reduction.averages ? out[b * c + ci] + v : max(out[b * c + ci], v)
                }
            }
        }
        if Reduction.averages { out = out.map { $0 / Float(volume) } }
        let shape = keepdims ? (dataFormat == .channelsLast ? [batch, 1, 1, 1, c] : [batch, c, 1, 1, 1]) : [batch, c]
        return Tensor(unchecked: shape, data: out)
    }
}

/// `keras.layers.UpSampling3D`, `ZeroPadding3D` and `Cropping3D`: per spatial axis, each position repeated `size`
/// times, or margins added (zeros) or removed.
public struct Resample3D: Layer, InstanceClassName {
    public static let className = "UpSampling3D"
    public static let arity = Arity.one
    public enum Kind: String, Sendable { case upsample = "UpSampling3D", pad = "ZeroPadding3D", crop = "Cropping3D" }
    public var kind: Kind
    /// Upsampling: the factors; padding and cropping: (before, after) per axis.
    public var size: Size3
    public var margins: [(Int, Int)]
    public var dataFormat: DataFormat
    public var name: String?
    public var activation: ActivationFunction? { nil }
    public var instanceClassName: String { kind.rawValue }

    public init(_ kind: Kind, size: Size3 = Size3(2), margins: [(Int, Int)] = [(0, 0), (0, 0), (0, 0)], dataFormat: DataFormat = .channelsLast, name: String? = nil) {
        self.kind = kind
        self.size = size
        self.margins = margins
        self.dataFormat = dataFormat
        self.name = name
    }

    func outputSizes(_ input: [Int]) throws -> [Int] {
        guard margins.count == 3, margins.allSatisfy({ $0.0 >= 0 && $0.1 >= 0 }) else { throw LayerProblem("margins must be 3 non-negative pairs") }
        return try (0..<3).map { i in
            let size: Int
            switch kind {
            case .upsample:
                guard self.size.isPositive else { throw LayerProblem("size \(self.size) must be positive") }
                size = Int(try Checked.multiply(Int64(input[i]), Int64(self.size.values[i])))
            case .pad: size = input[i] + margins[i].0 + margins[i].1
            case .crop: size = input[i] - margins[i].0 - margins[i].1
            }
            guard size > 0 else { throw LayerProblem("leaves no positions along axis \(i + 1)") }
            return size
        }
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        try ShapeRules.requireRank(inputs[0], 5)
        let layout = Layout3D(dataFormat)
        var dims = inputs[0].dims
        let sizes = try outputSizes(layout.spatial.map { dims[$0] })
        for (i, axis) in layout.spatial.enumerated() { dims[axis] = sizes[i] }
        let output = TensorSpec(dims, dtype: inputs[0].dtype)
        _ = try output.elementCount()
        return output
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] { [] }
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { 0 }
}

extension Resample3D: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        let x = Layout3D.toLast(context.inputs[0], dataFormat)
        guard x.rank == 5 else { throw KernelError("expects a rank-5 input, got \(x.shapeDescription)") }
        let input = Array(x.shape[1...3]), c = x.shape[4], batch = x.shape[0]
        let output = try outputSizes(input)
        /// The input index along axis i of output index o, or nil for padding.
        func source(_ i: Int, _ o: Int) -> Int? {
            switch kind {
            case .upsample: return o / size.values[i]
            case .pad: let s = o - margins[i].0; return s >= 0 && s < input[i] ? s : nil
            case .crop: return o + margins[i].0
            }
        }
        var out = [Float](repeating: 0, count: batch * output.reduce(1, *) * c)
        var index = 0
        for b in 0..<batch {
            for d in 0..<output[0] {
                for h in 0..<output[1] {
                    for w in 0..<output[2] {
                        if let sd = source(0, d), let sh = source(1, h), let sw = source(2, w) {
                            let base = (((b * input[0] + sd) * input[1] + sh) * input[2] + sw) * c
                            for ci in 0..<c { out[index + ci] = x.data[base + ci] }
                        }
                        index += c
                    }
                }
            }
        }
        return Layout3D.fromLast(Tensor(unchecked: [batch] + output + [c], data: out), dataFormat)
    }
}
