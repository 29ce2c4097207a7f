/// `keras.layers.Conv2DTranspose`: every input position spreads its channels through a `kernel_size` window of
/// `filters` outputs (a U-Net's up-convolution). Output size along each axis, Keras's `deconv_output_length`:
/// (L - 1) x stride + dilated kernel - 2 x pad + output_padding, pad = dilated kernel / 2 for 'same' (0 for
/// 'valid'); without output_padding, 'same' gives L x stride.
public struct Conv2DTranspose: Layer {
    public static let className = "Conv2DTranspose"
    public static let arity = Arity.one
    public var filters: Int
    public var kernelSize: Size2
    public var strides: Size2
    public var padding: Padding
    public var outputPadding: Size2?
    public var dataFormat: DataFormat
    public var dilationRate: Size2
    public var activation: ActivationFunction?
    public var useBias: Bool
    public var name: String?

    public init(
        filters: Int, kernelSize: Size2, strides: Size2 = 1, padding: Padding = .valid, outputPadding: Size2? = nil,
        dataFormat: DataFormat = .channelsLast, dilationRate: Size2 = 1, activation: ActivationFunction? = nil,
        useBias: Bool = true, name: String? = nil
    ) {
        self.filters = filters
        self.kernelSize = kernelSize
        self.strides = strides
        self.padding = padding
        self.outputPadding = outputPadding
        self.dataFormat = dataFormat
        self.dilationRate = dilationRate
        self.activation = activation
        self.useBias = useBias
        self.name = name
    }

    /// One axis: the output length (Keras's `compute_conv_transpose_output_length`) and the padding cropped before it.
    func geometry(_ length: Int, kernel: Int, stride: Int, dilation: Int, extra: Int?) -> (length: Int, padBefore: Int) {
        let span = (kernel - 1) * dilation + 1
        let out: Int
        if let extra {
            out = (length - 1) * stride + span - 2 * (padding == .same ? span / 2 : 0) + extra
        } else {
            out = padding == .same ? length * stride : length * stride + max(span - stride, 0)
        }
        // TensorFlow places the windows as the gradient of the forward convolution from `out` back to `length`.
        let before = padding == .same ? max((length - 1) * stride + span - out, 0) / 2 : 0
        return (out, before)
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        try ShapeRules.requireRank(inputs[0], 4)
        try ShapeRules.requirePositive(filters, "filters")
        try ShapeRules.requirePositive(kernelSize, "kernel_size")
        try ShapeRules.requirePositive(strides, "strides")
        try ShapeRules.requirePositive(dilationRate, "dilation_rate")
        let layout = ShapeRules.Layout2D(dataFormat)
        var dims = inputs[0].dims
        guard dims.allSatisfy({ $0 <= 1 << 24 }), kernelSize.height <= 1 << 12, kernelSize.width <= 1 << 12,
            strides.height <= 1 << 12, strides.width <= 1 << 12, dilationRate.height <= 1 << 12, dilationRate.width <= 1 << 12
        else { throw LayerProblem("sizes are too large") }
        let h = geometry(dims[layout.heightAxis], kernel: kernelSize.height, stride: strides.height, dilation: dilationRate.height, extra: outputPadding?.height)
        let w = geometry(dims[layout.widthAxis], kernel: kernelSize.width, stride: strides.width, dilation: dilationRate.width, extra: outputPadding?.width)
        guard h.length > 0, w.length > 0 else { throw LayerProblem("output size \(h.length)x\(w.length) is not positive") }
        dims[layout.heightAxis] = h.length
        dims[layout.widthAxis] = w.length
        dims[layout.channelAxis] = filters
        return TensorSpec(dims, dtype: inputs[0].dtype)
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] {
        let channels = inputs[0].dims[ShapeRules.Layout2D(dataFormat).channelAxis]
        let kernel = WeightSpec("kernel", [kernelSize.height, kernelSize.width, filters, channels])
        return useBias ? [kernel, WeightSpec("bias", [filters])] : [kernel]
    }

    /// Every input element meets kernel area x filters weights.
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 {
        try Checked.multiply(inputs[0].elementCount(), Checked.product([kernelSize.height, kernelSize.width, filters]))
    }

    public func costGroup(for inputs: [TensorSpec]) -> String? { "ConvTranspose \(kernelSize.kernelName)" }
}

extension Conv2DTranspose: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        let x = Kernels.toNHWC(context.inputs[0], dataFormat)
        let (n, h, w, c) = try Kernels.nhwc(x)
        let kernel = try context.weight("kernel")
        let bias = try context.optionalWeight("bias", if: useBias)
        guard kernel.shape == [kernelSize.height, kernelSize.width, filters, c] else {
            throw KernelError("kernel \(kernel.shapeDescription) does not fit \(c) input channels")
        }
        let gh = geometry(h, kernel: kernelSize.height, stride: strides.height, dilation: dilationRate.height, extra: outputPadding?.height)
        let gw = geometry(w, kernel: kernelSize.width, stride: strides.width, dilation: dilationRate.width, extra: outputPadding?.width)
        let (oh, ow) = (gh.length, gw.length)
        var out = [Float](repeating: 0, count: n * oh * ow * filters)
        for b in 0..<n {
            for y in 0..<h {
                for xi in 0..<w {
                    let input = ((b * h + y) * w + xi) * c
                    for ky in 0..<kernelSize.height {
                        let oy = y * strides.height + ky * dilationRate.height - gh.padBefore
                        for kx in 0..<kernelSize.width {
                            let ox = xi * strides.width + kx * dilationRate.width - gw.padBefore
                            // Every tap counts, inside the output or cropped away, as the rule says.
                            context.macs += Int64(c * filters)
                            guard oy >= 0, oy < oh, ox >= 0, ox < ow else { continue }
                            let target = ((b * oh + oy) * ow + ox) * filters
                            for ci in 0..<c {
                                let v = x.data[input + ci]
                                let row = ((ky * kernelSize.width + kx) * filters) * c + ci
                                for f in 0..<filters { out[target + f] += v * kernel.data[row + f * c] }
                            }
                        }
                    }
                }
            }
        }
        if let bias { for i in out.indices { out[i] += bias.data[i % filters] } }
        var result = Tensor(unchecked: [n, oh, ow, filters], data: out)
        if let activation { result = try Activations.apply(activation, to: result) }
        return Kernels.fromNHWC(result, dataFormat)
    }
}

/// `keras.layers.UpSampling2D`: each row and column repeated `size` times (nearest; bilinear is refused by name).
public struct UpSampling2D: Layer {
    public static let className = "UpSampling2D"
    public static let arity = Arity.one
    public var size: Size2
    public var dataFormat: DataFormat
    public var name: String?
    public var activation: ActivationFunction? { nil }

    public init(size: Size2 = 2, dataFormat: DataFormat = .channelsLast, name: String? = nil) {
        self.size = size
        self.dataFormat = dataFormat
        self.name = name
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        try ShapeRules.requireRank(inputs[0], 4)
        try ShapeRules.requirePositive(size, "size")
        let layout = ShapeRules.Layout2D(dataFormat)
        var dims = inputs[0].dims
        dims[layout.heightAxis] = try Int(Checked.multiply(Int64(dims[layout.heightAxis]), Int64(size.height)))
        dims[layout.widthAxis] = try Int(Checked.multiply(Int64(dims[layout.widthAxis]), Int64(size.width)))
        let output = TensorSpec(dims, dtype: inputs[0].dtype)
        _ = try output.elementCount()
        return output
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] { [] }
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { 0 }
}

extension UpSampling2D: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        let x = Kernels.toNHWC(context.inputs[0], dataFormat)
        let (n, h, w, c) = try Kernels.nhwc(x)
        let (oh, ow) = (h * size.height, w * size.width)
        var out = [Float](repeating: 0, count: n * oh * ow * c)
        for b in 0..<n {
            for y in 0..<oh {
                for xi in 0..<ow {
                    let source = ((b * h + y / size.height) * w + xi / size.width) * c, target = ((b * oh + y) * ow + xi) * c
                    for ci in 0..<c { out[target + ci] = x.data[source + ci] }
                }
            }
        }
        return Kernels.fromNHWC(Tensor(unchecked: [n, oh, ow, c], data: out), dataFormat)
    }
}
