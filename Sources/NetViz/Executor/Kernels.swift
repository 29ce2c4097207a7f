/// The kernels. Plain versions are straightforward loops over Keras's definitions; `Fast.swift` holds the fast
/// paths. Convolutions run on NHWC data; a channels_first layer transposes its input to NHWC and its output back,
/// as Keras's TensorFlow backend does on CPU.
enum Kernels {
    // MARK: Geometry

    /// Keras/TensorFlow 'same' padding along one axis: the total padding needed so that the output has
    /// ceil(L / s) positions, split with the smaller half (floor) before: `pad_total = max((ceil(L/s) - 1) * s +
    /// (k - 1) * d + 1 - L, 0)`, `pad_before = pad_total / 2`. 'valid' pads nothing.
    static func padBefore(length: Int, window: Int, stride: Int, dilation: Int, padding: Padding) -> Int {
        guard padding == .same else { return 0 }
        let outLength = (length + stride - 1) / stride
        let total = max((outLength - 1) * stride + (window - 1) * dilation + 1 - length, 0)
        return total / 2
    }

    static func outLength(_ length: Int, window: Int, stride: Int, dilation: Int, padding: Padding) -> Int {
        ShapeRules.windowOutputLength(length, window: window, stride: stride, dilation: dilation, padding: padding)
    }

    /// A rank-4 NHWC tensor's (n, h, w, c).
    static func nhwc(_ t: Tensor) throws -> (n: Int, h: Int, w: Int, c: Int) {
        guard t.rank == 4 else { throw KernelError("expects a rank-4 input, got shape \(t.shapeDescription)") }
        return (t.shape[0], t.shape[1], t.shape[2], t.shape[3])
    }

    /// Any permutation of axes (plain index arithmetic).
    static func transpose(_ t: Tensor, _ perm: [Int]) -> Tensor {
        let shape = perm.map { t.shape[$0] }
        let inStrides = Tensor.strides(t.shape)
        let permStrides = perm.map { inStrides[$0] }
        var out = [Float](repeating: 0, count: t.count)
        var index = [Int](repeating: 0, count: shape.count)
        t.data.withUnsafeBufferPointer { src in
            for o in 0..<out.count {
                var offset = 0
                for a in 0..<shape.count { offset += index[a] * permStrides[a] }
                out[o] = src[offset]
                var a = shape.count - 1
                while a >= 0 {
                    index[a] += 1
                    if index[a] < shape[a] { break }
                    index[a] = 0
                    a -= 1
                }
            }
        }
        return Tensor(unchecked: shape, data: out)
    }

    /// NCHW -> NHWC and back, for channels_first layers.
    static func toNHWC(_ t: Tensor, _ format: DataFormat) -> Tensor {
        format == .channelsFirst && t.rank == 4 ? transpose(t, [0, 2, 3, 1]) : t
    }

    static func fromNHWC(_ t: Tensor, _ format: DataFormat) -> Tensor {
        format == .channelsFirst && t.rank == 4 ? transpose(t, [0, 3, 1, 2]) : t
    }

    // MARK: Convolutions

    /// The convolution geometry shared by Conv2D and DepthwiseConv2D.
    struct Window {
        let kh: Int, kw: Int, sh: Int, sw: Int, dh: Int, dw: Int
        let oh: Int, ow: Int, padTop: Int, padLeft: Int

        init(input h: Int, _ w: Int, kernel: Size2, strides: Size2, dilation: Size2, padding: Padding) throws {
            (kh, kw, sh, sw, dh, dw) = (kernel.height, kernel.width, strides.height, strides.width, dilation.height, dilation.width)
            guard kh > 0, kw > 0, sh > 0, sw > 0, dh > 0, dw > 0 else { throw KernelError("invalid window geometry") }
            oh = outLength(h, window: kh, stride: sh, dilation: dh, padding: padding)
            ow = outLength(w, window: kw, stride: sw, dilation: dw, padding: padding)
            guard oh > 0, ow > 0 else { throw KernelError("input \(h)x\(w) is too small for the window") }
            padTop = padBefore(length: h, window: kh, stride: sh, dilation: dh, padding: padding)
            padLeft = padBefore(length: w, window: kw, stride: sw, dilation: dw, padding: padding)
        }
    }

    static func conv2D(_ layer: Conv2D, _ context: inout KernelContext) throws -> Tensor {
        let kernel = try context.weight("kernel")
        let bias = try context.optionalWeight("bias", if: layer.useBias)
        let x = toNHWC(context.inputs[0], layer.dataFormat)
        var out = try convolution(
            x, kernel: kernel, bias: bias, strides: layer.strides, dilation: layer.dilationRate, padding: layer.padding,
            groups: layer.groups, mode: context.mode, macs: &context.macs)
        if let activation = layer.activation { out = try Activations.apply(activation, to: out) }
        return fromNHWC(out, layer.dataFormat)
    }

    /// Conv2D on NHWC data, kernel [kh, kw, C/groups, F]: the plain loop or the GEMM path.
    static func convolution(
        _ x: Tensor, kernel: Tensor, bias: Tensor?, strides: Size2, dilation: Size2, padding: Padding, groups: Int,
        mode: ExecutionMode, macs: inout Int64
    ) throws -> Tensor {
        let (n, h, w, c) = try nhwc(x)
        guard kernel.rank == 4, groups > 0, c % groups == 0, kernel.shape[2] == c / groups,
            kernel.shape[3] % groups == 0
        else { throw KernelError("kernel \(kernel.shapeDescription) does not fit input \(x.shapeDescription) with groups=\(groups)") }
        let g = try Window(input: h, w, kernel: Size2(kernel.shape[0], kernel.shape[1]), strides: strides, dilation: dilation, padding: padding)
        let filters = kernel.shape[3]
        if mode == .fast {
            return Fast.convolution(x, kernel: kernel, bias: bias, window: g, groups: groups, macs: &macs)
        }
        let cpg = c / groups, fpg = filters / groups
        var out = Tensor(zeros: [n, g.oh, g.ow, filters])
        for b in 0..<n {
            for oy in 0..<g.oh {
                for ox in 0..<g.ow {
                    for f in 0..<filters {
                        let c0 = (f / fpg) * cpg
                        var acc: Float = 0
                        for ky in 0..<g.kh {
                            for kx in 0..<g.kw {
                                let iy = oy * g.sh - g.padTop + ky * g.dh
                                let ix = ox * g.sw - g.padLeft + kx * g.dw
                                let inside = iy >= 0 && iy < h && ix >= 0 && ix < w
                                for ci in 0..<cpg {
                                    // Every tap counts, padded or not: a padded tap multiplies by zero.
                                    macs += 1
                                    if inside {
                                        acc += x.data[((b * h + iy) * w + ix) * c + c0 + ci]
                                            * kernel.data[((ky * g.kw + kx) * cpg + ci) * filters + f]
                                    }
                                }
                            }
                        }
                        out.data[((b * g.oh + oy) * g.ow + ox) * filters + f] = acc + (bias?.data[f] ?? 0)
                    }
                }
            }
        }
        return out
    }

    static func depthwiseConv2D(_ layer: DepthwiseConv2D, _ context: inout KernelContext) throws -> Tensor {
        let kernel = try context.weight("kernel")
        let bias = try context.optionalWeight("bias", if: layer.useBias)
        let x = toNHWC(context.inputs[0], layer.dataFormat)
        var out = try depthwise(
            x, kernel: kernel, bias: bias, strides: layer.strides, dilation: layer.dilationRate, padding: layer.padding,
            mode: context.mode, macs: &context.macs)
        if let activation = layer.activation { out = try Activations.apply(activation, to: out) }
        return fromNHWC(out, layer.dataFormat)
    }

    /// DepthwiseConv2D on NHWC data, kernel [kh, kw, C, depth_multiplier]; output channel c * dm + m.
    static func depthwise(
        _ x: Tensor, kernel: Tensor, bias: Tensor?, strides: Size2, dilation: Size2, padding: Padding,
        mode: ExecutionMode, macs: inout Int64
    ) throws -> Tensor {
        let (n, h, w, c) = try nhwc(x)
        guard kernel.rank == 4, kernel.shape[2] == c else {
            throw KernelError("kernel \(kernel.shapeDescription) does not fit input \(x.shapeDescription)")
        }
        let g = try Window(input: h, w, kernel: Size2(kernel.shape[0], kernel.shape[1]), strides: strides, dilation: dilation, padding: padding)
        let dm = kernel.shape[3], oc = c * dm
        if mode == .fast { return Fast.depthwise(x, kernel: kernel, bias: bias, window: g, macs: &macs) }
        var out = Tensor(zeros: [n, g.oh, g.ow, oc])
        for b in 0..<n {
            for oy in 0..<g.oh {
                for ox in 0..<g.ow {
                    for ci in 0..<c {
                        for m in 0..<dm {
                            var acc: Float = 0
                            for ky in 0..<g.kh {
                                for kx in 0..<g.kw {
                                    let iy = oy * g.sh - g.padTop + ky * g.dh
                                    let ix = ox * g.sw - g.padLeft + kx * g.dw
                                    macs += 1
                                    if iy >= 0, iy < h, ix >= 0, ix < w {
                                        acc += x.data[((b * h + iy) * w + ix) * c + ci]
                                            * kernel.data[((ky * g.kw + kx) * c + ci) * dm + m]
                                    }
                                }
                            }
                            out.data[((b * g.oh + oy) * g.ow + ox) * oc + ci * dm + m] = acc + (bias?.data[ci * dm + m] ?? 0)
                        }
                    }
                }
            }
        }
        return out
    }

    static func separableConv2D(_ layer: SeparableConv2D, _ context: inout KernelContext) throws -> Tensor {
        let depthwiseKernel = try context.weight("depthwise_kernel")
        let pointwiseKernel = try context.weight("pointwise_kernel")
        let bias = try context.optionalWeight("bias", if: layer.useBias)
        let x = toNHWC(context.inputs[0], layer.dataFormat)
        let middle = try depthwise(
            x, kernel: depthwiseKernel, bias: nil, strides: layer.strides, dilation: layer.dilationRate,
            padding: layer.padding, mode: context.mode, macs: &context.macs)
        var out = try convolution(
            middle, kernel: pointwiseKernel, bias: bias, strides: 1, dilation: 1, padding: .valid, groups: 1,
            mode: context.mode, macs: &context.macs)
        if let activation = layer.activation { out = try Activations.apply(activation, to: out) }
        return fromNHWC(out, layer.dataFormat)
    }

    /// Dense on the last axis of an input of any rank: one dot product per (position, unit).
    static func dense(_ layer: Dense, _ context: inout KernelContext) throws -> Tensor {
        let kernel = try context.weight("kernel")
        let bias = try context.optionalWeight("bias", if: layer.useBias)
        let x = context.inputs[0]
        guard x.rank >= 2, kernel.rank == 2, let features = x.shape.last, kernel.shape[0] == features else {
            throw KernelError("kernel \(kernel.shapeDescription) does not fit input \(x.shapeDescription)")
        }
        let units = kernel.shape[1], positions = x.count / max(features, 1)
        var out: Tensor
        if context.mode == .fast {
            out = Fast.dense(x, kernel: kernel, bias: bias, positions: positions, macs: &context.macs)
        } else {
            out = Tensor(zeros: Array(x.shape.dropLast()) + [units])
            for p in 0..<positions {
                for u in 0..<units {
                    var acc: Float = 0
                    for i in 0..<features {
                        context.macs += 1
                        acc += x.data[p * features + i] * kernel.data[i * units + u]
                    }
                    out.data[p * units + u] = acc + (bias?.data[u] ?? 0)
                }
            }
        }
        if let activation = layer.activation { out = try Activations.apply(activation, to: out) }
        return out
    }

    // MARK: Normalisation and activations

    /// Inference-mode batch normalisation along `axis`: `(x - moving_mean) / sqrt(moving_variance + epsilon) *
    /// gamma + beta`, computed as TensorFlow does (`inv = rsqrt(var + eps) * gamma; x * inv + (beta - mean * inv)`).
    static func batchNormalization(_ layer: BatchNormalization, _ context: inout KernelContext) throws -> Tensor {
        var x = context.inputs[0]
        let axis = layer.axis < 0 ? layer.axis + x.rank : layer.axis
        guard axis >= 1, axis < x.rank else { throw KernelError("axis \(layer.axis) is out of range for \(x.shapeDescription)") }
        let features = x.shape[axis]
        let mean = try context.weight("moving_mean"), variance = try context.weight("moving_variance")
        let gamma = try context.optionalWeight("gamma", if: layer.scale)
        let beta = try context.optionalWeight("beta", if: layer.center)
        for t in [mean, variance, gamma, beta].compactMap({ $0 }) where t.count != features {
            throw KernelError("a weight of shape \(t.shapeDescription) does not fit \(features) features")
        }
        var scale = [Float](repeating: 0, count: features), shift = scale
        for f in 0..<features {
            let inv = 1 / (variance.data[f] + Float(layer.epsilon)).squareRoot() * (gamma?.data[f] ?? 1)
            scale[f] = inv
            shift[f] = (beta?.data[f] ?? 0) - mean.data[f] * inv
        }
        let inner = x.shape[(axis + 1)...].reduce(1, *)
        for i in x.data.indices {
            let f = (i / inner) % features
            x.data[i] = x.data[i] * scale[f] + shift[f]
        }
        return x
    }

    /// `keras.layers.ReLU`: Keras 3's `relu(x, negative_slope, max_value, threshold)` in its order of operations.
    static func relu(_ layer: ReLU, _ context: inout KernelContext) throws -> Tensor {
        var x = context.inputs[0]
        let threshold = Float(layer.threshold), slope = Float(layer.negativeSlope)
        let maxValue = layer.maxValue.map(Float.init)
        for i in x.data.indices {
            let v = x.data[i]
            var positive = threshold != 0 ? (v > threshold ? v : 0) : max(v, 0)
            if let maxValue { positive = min(max(positive, 0), maxValue) }
            x.data[i] = slope != 0 ? positive - slope * max(threshold - v, 0) : positive
        }
        return x
    }

    // MARK: Pooling

    /// Windowed pooling; channels_first pools over axes 2 and 3 and treats axis 1 as channels, whatever the data
    /// is (the seed article's AvgPool2D on NHWC data). 'same' average pooling divides by the positions inside the
    /// input only, as TensorFlow does; max pooling ignores padding.
    static func pool(
        _ input: Tensor, size: Size2, strides: Size2, padding: Padding, format: DataFormat, average: Bool
    ) throws -> Tensor {
        let x = toNHWC(input, format)
        let (n, h, w, c) = try nhwc(x)
        let g = try Window(input: h, w, kernel: size, strides: strides, dilation: 1, padding: padding)
        var out = Tensor(zeros: [n, g.oh, g.ow, c])
        for b in 0..<n {
            for oy in 0..<g.oh {
                for ox in 0..<g.ow {
                    for ci in 0..<c {
                        var acc: Float = average ? 0 : -.infinity
                        var inside = 0
                        for ky in 0..<g.kh {
                            for kx in 0..<g.kw {
                                let iy = oy * g.sh - g.padTop + ky, ix = ox * g.sw - g.padLeft + kx
                                guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
                                let v = x.data[((b * h + iy) * w + ix) * c + ci]
                                acc = average ? acc + v : max(acc, v)
                                inside += 1
                            }
                        }
                        out.data[((b * g.oh + oy) * g.ow + ox) * c + ci] = average ? acc / Float(max(inside, 1)) : acc
                    }
                }
            }
        }
        return fromNHWC(out, format)
    }

    static func globalPool(_ input: Tensor, format: DataFormat, keepdims: Bool, average: Bool) throws -> Tensor {
        let x = toNHWC(input, format)
        let (n, h, w, c) = try nhwc(x)
        var out = [Float](repeating: average ? 0 : -.infinity, count: n * c)
        for b in 0..<n {
            for p in 0..<(h * w) {
                for ci in 0..<c {
                    let v = x.data[(b * h * w + p) * c + ci]
                    out[b * c + ci] = average ? out[b * c + ci] + v : max(out[b * c + ci], v)
                }
            }
        }
        if average { out = out.map { $0 / Float(h * w) } }
        guard keepdims else { return Tensor(unchecked: [n, c], data: out) }
        return Tensor(unchecked: format == .channelsFirst ? [n, c, 1, 1] : [n, 1, 1, c], data: out)
    }

    // MARK: Shape layers

    /// Keras 3's Flatten: channels_first moves axis 1 last first.
    static func flatten(_ layer: Flatten, _ context: inout KernelContext) throws -> Tensor {
        var x = context.inputs[0]
        guard x.rank >= 1 else { throw KernelError("cannot flatten a scalar") }
        if layer.dataFormat == .channelsFirst, x.rank > 2 { x = transpose(x, [0] + Array(2..<x.rank) + [1]) }
        return Tensor(unchecked: [x.shape[0], x.count / max(x.shape[0], 1)], data: x.data)
    }

    static func reshape(_ layer: Reshape, _ context: inout KernelContext) throws -> Tensor {
        let x = context.inputs[0]
        guard let batch = x.shape.first else { throw KernelError("cannot reshape a scalar") }
        let perSample = batch == 0 ? 0 : x.count / batch
        var target = layer.targetShape
        let known = target.filter { $0 != -1 }.reduce(1, *)
        if let unknown = target.firstIndex(of: -1) {
            guard known > 0, perSample % known == 0 else { throw KernelError("cannot reshape \(x.shapeDescription) to \(target)") }
            target[unknown] = perSample / known
        }
        guard target.reduce(1, *) == perSample else { throw KernelError("cannot reshape \(x.shapeDescription) to \(target)") }
        return Tensor(unchecked: [batch] + target, data: x.data)
    }

    /// ZeroPadding2D (sign +1) and Cropping2D (sign -1) on the two spatial axes.
    static func margins(_ input: Tensor, _ m: Margins2D, format: DataFormat, sign: Int) throws -> Tensor {
        let x = toNHWC(input, format)
        let (n, h, w, c) = try nhwc(x)
        let oh = h + sign * (m.top + m.bottom), ow = w + sign * (m.left + m.right)
        guard oh > 0, ow > 0 else { throw KernelError("margins \(m) leave nothing of \(input.shapeDescription)") }
        // Output (y, x) reads input (y - top, x - left) when padding, (y + top, x + left) when cropping.
        let dy = -sign * m.top, dx = -sign * m.left
        var out = Tensor(zeros: [n, oh, ow, c])
        for b in 0..<n {
            for y in 0..<oh {
                let iy = y + dy
                guard iy >= 0, iy < h else { continue }
                for xx in 0..<ow {
                    let ix = xx + dx
                    guard ix >= 0, ix < w else { continue }
                    for ci in 0..<c {
                        out.data[((b * oh + y) * ow + xx) * c + ci] = x.data[((b * h + iy) * w + ix) * c + ci]
                    }
                }
            }
        }
        return fromNHWC(out, format)
    }

    /// Add / Multiply with NumPy broadcasting of size-1 dims (equal ranks, as the shape rule requires).
    static func broadcastMerge(_ inputs: [Tensor], _ op: (Float, Float) -> Float) throws -> Tensor {
        guard var result = inputs.first else { throw KernelError("got no inputs") }
        for other in inputs.dropFirst() {
            guard other.rank == result.rank else {
                throw KernelError("inputs \(result.shapeDescription) and \(other.shapeDescription) differ in rank")
            }
            var shape = result.shape
            for a in shape.indices where other.shape[a] != shape[a] {
                if shape[a] == 1 { shape[a] = other.shape[a] } else if other.shape[a] != 1 {
                    throw KernelError("inputs \(result.shapeDescription) and \(other.shapeDescription) do not broadcast")
                }
            }
            let outStrides = Tensor.strides(shape)
            let aStrides = zip(Tensor.strides(result.shape), result.shape).map { $1 == 1 ? 0 : $0 }
            let bStrides = zip(Tensor.strides(other.shape), other.shape).map { $1 == 1 ? 0 : $0 }
            let count = shape.reduce(1, *)
            var out = [Float](repeating: 0, count: count)
            for i in 0..<count {
                var rest = i, ia = 0, ib = 0
                for a in shape.indices {
                    let coordinate = rest / outStrides[a]
                    rest %= outStrides[a]
                    ia += coordinate * aStrides[a]
                    ib += coordinate * bStrides[a]
                }
                out[i] = op(result.data[ia], other.data[ib])
            }
            result = Tensor(unchecked: shape, data: out)
        }
        return result
    }

    static func concatenate(_ inputs: [Tensor], axis: Int) throws -> Tensor {
        guard let first = inputs.first else { throw KernelError("got no inputs") }
        let a = axis < 0 ? axis + first.rank : axis
        guard a >= 1, a < first.rank else { throw KernelError("axis \(axis) is out of range for \(first.shapeDescription)") }
        for t in inputs where t.rank != first.rank || t.shape[..<a] != first.shape[..<a] || t.shape[(a + 1)...] != first.shape[(a + 1)...] {
            throw KernelError("inputs \(first.shapeDescription) and \(t.shapeDescription) differ outside axis \(axis)")
        }
        let outer = first.shape[..<a].reduce(1, *), inner = first.shape[(a + 1)...].reduce(1, *)
        var shape = first.shape
        shape[a] = inputs.map { $0.shape[a] }.reduce(0, +)
        var out: [Float] = []
        out.reserveCapacity(shape.reduce(1, *))
        for o in 0..<outer {
            for t in inputs {
                let block = t.shape[a] * inner
                out.append(contentsOf: t.data[(o * block)..<((o + 1) * block)])
            }
        }
        return Tensor(unchecked: shape, data: out)
    }

    // MARK: Sequences

    /// `shape` with a size-1 axis inserted at `axis` (a sequence seen as a map of height 1).
    static func insertAxis(_ shape: [Int], at axis: Int) -> [Int] {
        var out = shape
        out.insert(1, at: min(axis, out.count))
        return out
    }

    /// The element count of an intermediate tensor a kernel makes (a padded input), held to verify's limit: the
    /// outputs are checked before running, but a padded input can be far larger than its output.
    static func intermediateCount(_ shape: [Int]) throws -> Int {
        guard let count = try? Checked.product(shape), count <= Limits.verifyElements else {
            throw KernelError("an intermediate tensor of shape \(shape) is too large for verify")
        }
        return Int(count)
    }

    /// Zeros before the data along one axis (Conv1D's causal padding).
    static func padAxis(_ x: Tensor, axis: Int, before: Int) throws -> Tensor {
        guard axis < x.rank, before >= 0 else { throw KernelError("cannot pad axis \(axis) of \(x.shapeDescription)") }
        var padded = x.shape
        let (paddedLength, overflow) = padded[axis].addingReportingOverflow(before)
        guard !overflow else { throw KernelError("padding \(before) overflows") }
        padded[axis] = paddedLength
        _ = try intermediateCount(padded)
        let outer = x.shape[..<axis].reduce(1, *), inner = x.shape[(axis + 1)...].reduce(1, *), length = x.shape[axis]
        var out = [Float](repeating: 0, count: outer * (length + before) * inner)
        for o in 0..<outer {
            let source = o * length * inner, target = (o * (length + before) + before) * inner
            for i in 0..<(length * inner) { out[target + i] = x.data[source + i] }
        }
        var shape = x.shape
        shape[axis] += before
        return Tensor(unchecked: shape, data: out)
    }

    // MARK: Reductions

    /// Folds every element of `x` into its position with the `axes` reduced to size 1 (the keras.ops and ONNX
    /// reductions: max, sum of squares, any, ...); a mean divides the result by the reduced count itself.
    static func reduce(_ x: Tensor, axes: Set<Int>, start: Float, _ combine: (Float, Float) -> Float) -> Tensor {
        let kept = x.shape.indices.map { axes.contains($0) ? 1 : x.shape[$0] }
        let strides = Tensor.strides(kept), inStrides = Tensor.strides(x.shape)
        var out = [Float](repeating: start, count: kept.reduce(1, *))
        for i in 0..<x.count {
            var rest = i, target = 0
            for axis in 0..<x.rank {
                let coordinate = rest / inStrides[axis]
                rest %= inStrides[axis]
                if !axes.contains(axis) { target += coordinate * strides[axis] }
            }
            out[target] = combine(out[target], x.data[i])
        }
        return Tensor(unchecked: kept, data: out)
    }
}

extension Kernels {
    /// One sample's projection in the attention layers: x [steps, features] x kernel [features, width] (+ bias),
    /// giving [steps, width]; counts its multiply-accumulates into `macs`.
    static func project(
        _ x: ArraySlice<Float>, steps: Int, features: Int, _ w: Tensor, _ b: Tensor?, width: Int, macs: inout Int64
    ) -> [Float] {
        var y = [Float](repeating: 0, count: steps * width)
        let base = x.startIndex
        for i in 0..<steps {
            for f in 0..<features {
                let v = x[base + i * features + f]
                for j in 0..<width { y[i * width + j] += v * w.data[f * width + j] }
            }
            if let b { for j in 0..<width { y[i * width + j] += b.data[j] } }
        }
        macs += Int64(steps * features * width)
        return y
    }
}
