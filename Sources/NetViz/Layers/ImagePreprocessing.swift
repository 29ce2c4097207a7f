import Foundation

/// How Keras's image layers resize (`keras.ops.image.resize` on TensorFlow): TensorFlow's half-pixel sampling.
public enum ResizeInterpolation: String, Sendable, CaseIterable {
    case bilinear, nearest, bicubic, area, lanczos3, lanczos5, gaussian, mitchellcubic = "mitchellcubic"
}

/// `keras.layers.Resizing`, and the resizing behind CenterCrop and RandomCrop at inference: a batch of images to
/// (height, width), optionally cropped or padded to the target's aspect ratio first. No weights, no MACs
/// (interpolation is not a weighted product; Docs/counting.md).
public struct Resizing: Layer {
    public static let className = "Resizing"
    public static let arity = Arity.one
    public var height: Int
    public var width: Int
    public var interpolation: ResizeInterpolation
    public var cropToAspectRatio: Bool
    public var padToAspectRatio: Bool
    public var fillValue: Float
    public var antialias: Bool
    public var dataFormat: DataFormat
    public var name: String?
    public var activation: ActivationFunction? { nil }

    public init(
        height: Int, width: Int, interpolation: ResizeInterpolation = .bilinear, cropToAspectRatio: Bool = false,
        padToAspectRatio: Bool = false, fillValue: Float = 0, antialias: Bool = false,
        dataFormat: DataFormat = .channelsLast, name: String? = nil
    ) {
        self.height = height
        self.width = width
        self.interpolation = interpolation
        self.cropToAspectRatio = cropToAspectRatio
        self.padToAspectRatio = padToAspectRatio
        self.fillValue = fillValue
        self.antialias = antialias
        self.dataFormat = dataFormat
        self.name = name
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        guard !(cropToAspectRatio && padToAspectRatio) else {
            throw LayerProblem("crop_to_aspect_ratio and pad_to_aspect_ratio cannot both be true")
        }
        return try ImageShapes.resized(inputs[0], height: height, width: width, format: dataFormat)
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] { [] }
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { 0 }
}

extension Resizing: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        var x = Kernels.toNHWC(context.inputs[0], dataFormat)
        if cropToAspectRatio { x = try ImageKernels.cropToAspectRatio(x, height: height, width: width) }
        if padToAspectRatio { x = try ImageKernels.padToAspectRatio(x, height: height, width: width, fill: fillValue) }
        let (_, h, w, _) = try Kernels.nhwc(x)
        if antialias && (h > height || w > width) {
            throw KernelError("has no kernel for antialiased downsampling (TensorFlow's scale_and_translate)")
        }
        return Kernels.fromNHWC(try ImageKernels.resize(x, height: height, width: width, interpolation), dataFormat)
    }
}

/// `keras.layers.CenterCrop` and `keras.layers.RandomCrop` at inference, one kind: a (height, width) output.
/// CenterCrop takes the central window; an image smaller than that is cropped to the target's aspect ratio and
/// resized (bilinear), Keras's `smart_resize`. RandomCrop is documented to do that smart resize at inference, and
/// netviz runs it (Keras 3.15's TensorFlow code returns the input unchanged at inference, contradicting its own
/// declared shape; Docs/keras-import.md).
public struct ImageCrop: Layer, InstanceClassName {
    public enum Kind: String, Sendable { case center = "CenterCrop", random = "RandomCrop" }
    public static let className = "CenterCrop"
    public static let arity = Arity.one
    public var kind: Kind
    public var height: Int
    public var width: Int
    public var dataFormat: DataFormat
    public var name: String?
    public var activation: ActivationFunction? { nil }
    public var instanceClassName: String { kind.rawValue }

    public init(_ kind: Kind, height: Int, width: Int, dataFormat: DataFormat = .channelsLast, name: String? = nil) {
        self.kind = kind
        self.height = height
        self.width = width
        self.dataFormat = dataFormat
        self.name = name
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        try ImageShapes.resized(inputs[0], height: height, width: width, format: dataFormat)
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] { [] }
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { 0 }
}

extension ImageCrop: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        let x = Kernels.toNHWC(context.inputs[0], dataFormat)
        let (_, h, w, _) = try Kernels.nhwc(x)
        let out = kind == .center && h >= height && w >= width
            ? try ImageKernels.crop(x, top: (h - height) / 2, left: (w - width) / 2, height: height, width: width)
            : try ImageKernels.resize(ImageKernels.cropToAspectRatio(x, height: height, width: width), height: height, width: width, .bilinear)
        return Kernels.fromNHWC(out, dataFormat)
    }
}

/// `keras.layers.AutoContrast`: each image's channels stretched to the full `value_range` (per image and channel,
/// min to low and max to high); a flat channel is left as it was.
public struct AutoContrast: Layer {
    public static let className = "AutoContrast"
    public static let arity = Arity.one
    public var valueRange: (low: Double, high: Double)
    public var dataFormat: DataFormat
    public var name: String?
    public var activation: ActivationFunction? { nil }

    public init(valueRange: (low: Double, high: Double) = (0, 255), dataFormat: DataFormat = .channelsLast, name: String? = nil) {
        self.valueRange = valueRange
        self.dataFormat = dataFormat
        self.name = name
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        try ShapeRules.requireRank(inputs[0], 4)
        return TensorSpec(inputs[0].dims, dtype: .float32)
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] { [] }
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { 0 }
}

extension AutoContrast: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        let x = Kernels.toNHWC(context.inputs[0], dataFormat)
        let (n, h, w, c) = try Kernels.nhwc(x)
        let (low, high) = (Float(valueRange.low), Float(valueRange.high))
        // To (0, 255), stretched, clipped, and back, as Keras computes it in float32.
        let toByte = { (v: Float) in (v - low) / (high - low) * 255 }
        var out = x.data
        for b in 0..<n {
            for ci in 0..<c {
                var (lo, hi) = (Float.infinity, -Float.infinity)
                for p in 0..<(h * w) {
                    let v = toByte(x.data[(b * h * w + p) * c + ci])
                    lo = min(lo, v)
                    hi = max(hi, v)
                }
                let scale = 255 / (hi - lo), offset = -lo * scale
                for p in 0..<(h * w) {
                    let i = (b * h * w + p) * c + ci
                    let stretched = min(max(toByte(x.data[i]) * scale + offset, 0), 255)
                    let value = stretched / 255 * (high - low) + low
                    out[i] = value.isNaN ? x.data[i] : value
                }
            }
        }
        return Kernels.fromNHWC(Tensor(unchecked: x.shape, data: out), dataFormat)
    }
}

/// The shape rule every resizing layer shares: rank-4 images, height and width replaced.
enum ImageShapes {
    static func resized(_ input: TensorSpec, height: Int, width: Int, format: DataFormat) throws -> TensorSpec {
        try ShapeRules.requireRank(input, 4)
        guard height > 0, width > 0, height <= 1 << 24, width <= 1 << 24 else {
            throw LayerProblem("height and width must be positive, got (\(height), \(width))")
        }
        let layout = ShapeRules.Layout2D(format)
        var dims = input.dims
        dims[layout.heightAxis] = height
        dims[layout.widthAxis] = width
        let output = TensorSpec(dims, dtype: .float32)
        _ = try output.elementCount()
        return output
    }
}

/// TensorFlow's image resampling (`tf.image.resize`, half-pixel centres, no antialiasing) and Keras's crops, on NHWC.
enum ImageKernels {
    static func crop(_ x: Tensor, top: Int, left: Int, height: Int, width: Int) throws -> Tensor {
        let (n, h, w, c) = try Kernels.nhwc(x)
        guard top >= 0, left >= 0, top + height <= h, left + width <= w else {
            throw KernelError("crops (\(height), \(width)) at (\(top), \(left)) out of a (\(h), \(w)) image")
        }
        var out = [Float](repeating: 0, count: n * height * width * c)
        for b in 0..<n {
            for y in 0..<height {
                let source = ((b * h + top + y) * w + left) * c, target = (b * height + y) * width * c
                for i in 0..<(width * c) { out[target + i] = x.data[source + i] }
            }
        }
        return Tensor(unchecked: [n, height, width, c], data: out)
    }

    /// The largest centred window with the target's aspect ratio (Keras's `crop_to_aspect_ratio`, float32 sizes).
    static func cropToAspectRatio(_ x: Tensor, height: Int, width: Int) throws -> Tensor {
        let (_, h, w, _) = try Kernels.nhwc(x)
        let cropHeight = max(min(h, Int(Float(w * height) / Float(width))), 1)
        let cropWidth = max(min(w, Int(Float(h * width) / Float(height))), 1)
        return try crop(x, top: Int(Float(h - cropHeight) / 2), left: Int(Float(w - cropWidth) / 2), height: cropHeight, width: cropWidth)
    }

    /// Keras's `pad_to_aspect_ratio`: the same number of `fill` rows (columns) above and below (left and right).
    static func padToAspectRatio(_ x: Tensor, height: Int, width: Int, fill: Float) throws -> Tensor {
        let (n, h, w, c) = try Kernels.nhwc(x)
        let padHeight = max(h, Int(Float(w * height) / Float(width)))
        let padWidth = max(w, Int(Float(h * width) / Float(height)))
        let top = Int(Float(padHeight - h) / 2), left = Int(Float(padWidth - w) / 2)
        let (oh, ow) = (h + 2 * top, w + 2 * left)
        var out = [Float](repeating: fill, count: n * oh * ow * c)
        for b in 0..<n {
            for y in 0..<h {
                let source = (b * h + y) * w * c, target = ((b * oh + top + y) * ow + left) * c
                for i in 0..<(w * c) { out[target + i] = x.data[source + i] }
            }
        }
        return Tensor(unchecked: [n, oh, ow, c], data: out)
    }

    static func resize(_ x: Tensor, height: Int, width: Int, _ interpolation: ResizeInterpolation) throws -> Tensor {
        let (n, h, w, c) = try Kernels.nhwc(x)
        let (scaleY, scaleX) = (Float(h) / Float(height), Float(w) / Float(width))
        var out = [Float](repeating: 0, count: n * height * width * c)
        switch interpolation {
        case .nearest:
            let rows = (0..<height).map { min(Int(((Float($0) + 0.5) * scaleY).rounded(.down)), h - 1) }
            let columns = (0..<width).map { min(Int(((Float($0) + 0.5) * scaleX).rounded(.down)), w - 1) }
            for b in 0..<n {
                for y in 0..<height {
                    for xi in 0..<width {
                        let source = ((b * h + rows[y]) * w + columns[xi]) * c, target = ((b * height + y) * width + xi) * c
                        for ci in 0..<c { out[target + ci] = x.data[source + ci] }
                    }
                }
            }
        case .bilinear:
            // TensorFlow's compute_interpolation_weights: in = (out + 0.5) * scale - 0.5, clamped to the edges.
            func weights(_ size: Int, _ inSize: Int, _ scale: Float) -> [(lower: Int, upper: Int, lerp: Float)] {
                (0..<size).map { o in
                    let position = (Float(o) + 0.5) * scale - 0.5
                    let floor = position.rounded(.down)
                    return (max(Int(floor), 0), min(Int(position.rounded(.up)), inSize - 1), position - floor)
                }
            }
            let ys = weights(height, h, scaleY), xs = weights(width, w, scaleX)
            for b in 0..<n {
                for y in 0..<height {
                    let (top, bottom, dy) = ys[y]
                    for xi in 0..<width {
                        let (left, right, dx) = xs[xi]
                        let target = ((b * height + y) * width + xi) * c
                        for ci in 0..<c {
                            let tl = x.data[((b * h + top) * w + left) * c + ci], tr = x.data[((b * h + top) * w + right) * c + ci]
                            let bl = x.data[((b * h + bottom) * w + left) * c + ci], br = x.data[((b * h + bottom) * w + right) * c + ci]
                            let upper = tl + (tr - tl) * dx, lower = bl + (br - bl) * dx
                            out[target + ci] = upper + (lower - upper) * dy
                        }
                    }
                }
            }
        default:
            throw KernelError("has no kernel for \(interpolation.rawValue) interpolation (netviz runs nearest and bilinear)")
        }
        return Tensor(unchecked: [n, height, width, c], data: out)
    }
}

/// `keras.layers.Pipeline`: preprocessing layers applied in turn, one row as Keras prints it. Its layers hold no
/// weights (Keras builds Pipelines for preprocessing), so it has none.
public struct Pipeline: Layer {
    public static let className = "Pipeline"
    public static let arity = Arity.one
    public var layers: [any Layer]
    public var name: String?
    public var activation: ActivationFunction? { nil }

    public init(_ layers: [any Layer], name: String? = nil) {
        self.layers = layers
        self.name = name
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        var spec = inputs[0]
        for layer in layers {
            let input = [spec]
            guard layer.weights(for: input).isEmpty else {
                throw LayerProblem("its layer \(layer.name ?? type(of: layer).className) holds weights; netviz reads Pipelines of preprocessing layers")
            }
            spec = try layer.outputSpec(for: input)
        }
        return spec
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] { [] }

    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 {
        var (spec, total): (TensorSpec, Int64) = (inputs[0], 0)
        for layer in layers {
            let next = try layer.outputSpec(for: [spec])
            total = try Checked.add(total, layer.macs(for: [spec], output: next))
            spec = next
        }
        return total
    }
}

extension Pipeline: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        var x = context.inputs[0]
        for layer in layers {
            guard let kernel = layer as? any Executable else { throw KernelError("has no kernel for its layer \(type(of: layer).className)") }
            var inner = KernelContext(layerName: context.layerName, inputs: [x], weights: [:], mode: context.mode)
            x = try kernel.execute(&inner)
            context.macs += inner.macs
        }
        return x
    }
}

/// `keras.layers.ContrastLimitedAdaptiveHistogramEqualization`: the image's shape kept, no weights, no MACs. netviz
/// has no kernel for its tiled, clipped histogram equalisation, and verify names the layer.
public struct ContrastLimitedAdaptiveHistogramEqualization: Layer {
    public static let className = "ContrastLimitedAdaptiveHistogramEqualization"
    public static let arity = Arity.one
    public var name: String?
    public var activation: ActivationFunction? { nil }

    public init(name: String? = nil) { self.name = name }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        try ShapeRules.requireRank(inputs[0], 4)
        return TensorSpec(inputs[0].dims, dtype: .float32)
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] { [] }
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { 0 }
}

extension ContrastLimitedAdaptiveHistogramEqualization: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        throw KernelError("has no kernel: netviz does not implement contrast-limited adaptive histogram equalisation")
    }
}
