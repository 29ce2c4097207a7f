import Foundation

/// The executor's kernels for ONNX ops, on NCHW data as ONNX defines them. Convolutions reuse the NHWC kernels
/// (pad explicitly, transpose in and out); the rest are plain loops, written to be read against the ONNX spec.
extension ONNXOperator: MultiOutputExecutable {
    func executeAll(_ context: inout KernelContext) throws -> [Tensor] {
        var run = ONNXKernelRun(op: self, context: context)
        let outputs = try run.execute()
        context = run.context
        guard outputs.count >= self.outputs.count else { throw KernelError("made \(outputs.count) outputs of \(self.outputs.count)") }
        return Array(outputs.prefix(self.outputs.count))
    }
}

private struct ONNXKernelRun {
    let op: ONNXOperator
    var context: KernelContext
    var node: ONNXNodeProto { op.node }

    /// The `index`-th ONNX input as a tensor (activations, weights and read-time constants alike).
    mutating func operand(_ index: Int) throws -> Tensor? {
        guard index < op.slots.count else { return nil }
        switch op.slots[index] {
        case .activation(let position):
            guard position < context.inputs.count else { throw KernelError("input \(index) is missing") }
            return context.inputs[position]
        case .weight(let name): return try context.weight(name)
        case .constant(let value):
            guard let values = value.constant else { throw KernelError("input \(index) has no value") }
            return Tensor(unchecked: value.dims, data: values.map { Float($0) })
        case .absent: return nil
        }
    }

    mutating func required(_ index: Int) throws -> Tensor {
        guard let tensor = try operand(index) else { throw KernelError("input \(index) is missing") }
        return tensor
    }

    /// Integer values of a constant input (axes, pads), or nil when the input is absent.
    func integers(_ index: Int) -> [Int]? {
        guard index < op.slots.count, case .constant(let value) = op.slots[index] else { return nil }
        return value.integers
    }

    var outputShape: [Int] { op.outputs.first?.dims ?? [] }

    mutating func execute() throws -> [Tensor] {
        if let folded = op.folded {
            return try folded.map { value in
                guard let values = value.constant, values.count == value.elementCount else {
                    throw KernelError("its value was not kept while reading (\(value.elementCount) elements)")
                }
                return Tensor(unchecked: value.dims, data: values.map { Float($0) })
            }
        }
        let type = node.opType
        if let function = ONNXOps.unaryFunctions[type] {
            let x = try required(0)
            return [Tensor(unchecked: x.shape, data: x.data.map { Float(function(Double($0), node)) })]
        }
        if let function = ONNXOps.binaryFunctions[type] {
            var result = try required(0)
            var count = 1
            for index in 1..<max(op.slots.count, 1) {
                guard let other = try operand(index) else { continue }
                result = try broadcast([result, other]) { Float(function(Double($0[0]), Double($0[1]))) }
                count += 1
            }
            if type == "Mean" { result.data = result.data.map { $0 / Float(count) } }
            return [result]
        }
        switch type {
        case "Identity", "Cast", "Reshape", "Flatten", "Squeeze", "Unsqueeze":
            let x = try required(0)
            return [Tensor(unchecked: outputShape, data: x.data)]
        case "Dropout":
            let x = try required(0)
            return [x, Tensor(unchecked: x.shape, data: Array(repeating: 1, count: x.count))]
        case "Expand":
            let x = try required(0)
            return [try broadcast([x, Tensor(zeros: outputShape)]) { $0[0] }]
        case "Where":
            return [try broadcast([try required(0), try required(1), try required(2)]) { $0[0] != 0 ? $0[1] : $0[2] }]
        case "Clip":
            let x = try required(0)
            let low = try operand(1)?.data.first ?? node.float("min", -.greatestFiniteMagnitude)
            let high = try operand(2)?.data.first ?? node.float("max", .greatestFiniteMagnitude)
            return [Tensor(unchecked: x.shape, data: x.data.map { min(max($0, low), high) })]
        case "Softmax", "LogSoftmax":
            return [try softmax(try required(0), log: type == "LogSoftmax")]
        case "Transpose":
            let x = try required(0)
            return [Kernels.transpose(x, node.ints("perm") ?? Array((0..<x.rank).reversed()))]
        case "Concat":
            var parts: [Tensor] = []
            for index in op.slots.indices { if let part = try operand(index) { parts.append(part) } }
            return [try concat(parts, axis: node.int("axis", 0))]
        case "Split": return try split(try required(0))
        case "Gather": return [try gather(try required(0), try required(1))]
        case "Slice": return [try slice(try required(0))]
        case "Conv": return [try conv(try required(0), try required(1), try operand(2))]
        case "MaxPool", "AveragePool": return [try pool(try required(0), max: type == "MaxPool")]
        case "GlobalAveragePool", "GlobalMaxPool":
            let x = try required(0)
            return [try reduce(x, axes: Array(2..<x.rank), keep: true, kind: type == "GlobalMaxPool" ? "ReduceMax" : "ReduceMean")]
        case "ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceSumSquare", "ReduceL2":
            let x = try required(0)
            var axes = node.ints("axes") ?? integers(1) ?? []
            if axes.isEmpty, node.int("noop_with_empty_axes", 0) == 0 { axes = Array(0..<x.rank) }
            return [try reduce(x, axes: axes.map { $0 < 0 ? $0 + x.rank : $0 }, keep: node.int("keepdims", 1) == 1, kind: type)]
        case "Gemm": return [try gemm(try required(0), try required(1), try operand(2))]
        case "MatMul": return [try matmul(try required(0), try required(1))]
        case "BatchNormalization":
            let x = try required(0), scale = try required(1), bias = try required(2), mean = try required(3), variance = try required(4)
            let epsilon = node.float("epsilon", 1e-5)
            return [try perChannel(x, axis: 1) { c, v in
                (v - mean.data[c]) / (variance.data[c] + epsilon).squareRoot() * scale.data[c] + bias.data[c]
            }]
        case "LayerNormalization":
            return [try layerNorm(try required(0), scale: try required(1), bias: try operand(2))]
        case "Pad": return [try pad(try required(0))]
        case "InstanceNormalization":
            let x = try required(0)
            return [try groupNorm(x, groups: x.rank > 1 ? x.shape[1] : 1, scale: try required(1), bias: try required(2))]
        case "GroupNormalization":
            return [try groupNorm(try required(0), groups: node.int("num_groups", 1), scale: try required(1), bias: try required(2))]
        case "ConvTranspose": return [try convTranspose(try required(0), try required(1), try operand(2))]
        case "Tile":
            let x = try required(0)
            return [try x.tiledView(to: outputShape)]
        case "Resize", "Upsample": return [try resizeNearest(try required(0))]
        default:
            throw KernelError("the executor has no kernel for ONNX op \(type)")
        }
    }

    // MARK: Element-wise

    /// Numpy broadcasting of any number of operands (right-aligned, size-1 axes repeated).
    func broadcast(_ operands: [Tensor], _ combine: ([Float]) -> Float) throws -> Tensor {
        let rank = operands.map(\.rank).max() ?? 0
        let shapes = operands.map { Array(repeating: 1, count: rank - $0.rank) + $0.shape }
        var shape = Array(repeating: 1, count: rank)
        for s in shapes {
            for axis in 0..<rank where s[axis] != 1 {
                guard shape[axis] == 1 || shape[axis] == s[axis] else { throw KernelError("operands \(shapes) do not broadcast") }
                shape[axis] = s[axis]
            }
        }
        let strides = shapes.map { s in zip(Tensor.strides(s), s).map { $1 == 1 ? 0 : $0 } }
        let outStrides = Tensor.strides(shape)
        let count = shape.reduce(1, *)
        var out = [Float](repeating: 0, count: count)
        var values = [Float](repeating: 0, count: operands.count)
        for i in 0..<count {
            for (k, operand) in operands.enumerated() {
                var rest = i, offset = 0
                for axis in 0..<rank {
                    offset += (rest / outStrides[axis]) * strides[k][axis]
                    rest %= outStrides[axis]
                }
                values[k] = operand.data[offset]
            }
            out[i] = combine(values)
        }
        return Tensor(unchecked: shape, data: out)
    }

    /// Applies `f(channel, value)` to every element, the channel being the index along `axis`.
    func perChannel(_ x: Tensor, axis: Int, _ f: (Int, Float) -> Float) throws -> Tensor {
        guard axis < x.rank else { throw KernelError("input \(x.shapeDescription) has no axis \(axis)") }
        let inner = x.shape[(axis + 1)...].reduce(1, *), channels = x.shape[axis]
        return Tensor(unchecked: x.shape, data: x.data.indices.map { f(($0 / inner) % channels, x.data[$0]) })
    }

    func softmax(_ x: Tensor, log: Bool) throws -> Tensor {
        let axis = try ONNXValue.axis(node.int("axis", -1), rank: x.rank)
        guard axis == x.rank - 1 || x.shape[(axis + 1)...].allSatisfy({ $0 == 1 }) else {
            throw KernelError("the executor runs Softmax over the last axis only")
        }
        let width = x.shape[axis]
        var out = x.data
        for row in stride(from: 0, to: out.count, by: max(width, 1)) {
            let slice = out[row..<(row + width)]
            let top = slice.max() ?? 0
            let exps = slice.map { Foundation.exp($0 - top) }
            let sum = exps.reduce(0, +)
            for i in 0..<width { out[row + i] = log ? (slice[row + i] - top) - Foundation.log(sum) : exps[i] / sum }
        }
        return Tensor(unchecked: x.shape, data: out)
    }

    func layerNorm(_ x: Tensor, scale: Tensor, bias: Tensor?) throws -> Tensor {
        let axis = try ONNXValue.axis(node.int("axis", -1), rank: x.rank)
        let epsilon = node.float("epsilon", 1e-5)
        let width = x.shape[axis...].reduce(1, *)
        guard scale.count == width, bias.map({ $0.count == width }) ?? true else {
            throw KernelError("scale \(scale.shapeDescription) does not fit the normalised size \(width)")
        }
        var out = x.data
        for row in stride(from: 0, to: out.count, by: max(width, 1)) {
            let values = x.data[row..<(row + width)]
            let mean = values.reduce(0, +) / Float(width)
            let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(width)
            let inverse = 1 / (variance + epsilon).squareRoot()
            for i in 0..<width { out[row + i] = (x.data[row + i] - mean) * inverse * scale.data[i] + (bias?.data[i] ?? 0) }
        }
        return Tensor(unchecked: x.shape, data: out)
    }

    func reduce(_ x: Tensor, axes: [Int], keep: Bool, kind: String) throws -> Tensor {
        let reduced = Set(axes)
        guard reduced.allSatisfy({ $0 >= 0 && $0 < x.rank }) else { throw KernelError("axes \(axes) do not fit \(x.shapeDescription)") }
        var out: Tensor
        switch kind {
        case "ReduceMax": out = Kernels.reduce(x, axes: reduced, start: -.infinity) { max($0, $1) }
        case "ReduceMin": out = Kernels.reduce(x, axes: reduced, start: .infinity) { min($0, $1) }
        case "ReduceProd": out = Kernels.reduce(x, axes: reduced, start: 1) { $0 * $1 }
        case "ReduceSumSquare", "ReduceL2": out = Kernels.reduce(x, axes: reduced, start: 0) { $0 + $1 * $1 }
        default: out = Kernels.reduce(x, axes: reduced, start: 0) { $0 + $1 }
        }
        let count = Float(reduced.map { x.shape[$0] }.reduce(1, *))
        if kind == "ReduceMean" { out.data = out.data.map { $0 / count } }
        if kind == "ReduceL2" { out.data = out.data.map { $0.squareRoot() } }
        return keep ? out : Tensor(unchecked: outputShape, data: out.data)
    }

    /// Instance and group normalisation: statistics over each group of channels and the spatial axes, then the
    /// scale and bias per channel (or per group, as GroupNormalization had them before opset 21).
    func groupNorm(_ x: Tensor, groups: Int, scale: Tensor, bias: Tensor) throws -> Tensor {
        guard x.rank >= 2, groups >= 1, x.shape[1] % groups == 0 else { throw KernelError("\(groups) groups do not divide \(x.shapeDescription)") }
        let channels = x.shape[1], inner = x.shape[2...].reduce(1, *), perGroup = channels / groups
        guard scale.count == bias.count, scale.count == channels || scale.count == groups else {
            throw KernelError("scale \(scale.shapeDescription) fits neither \(channels) channels nor \(groups) groups")
        }
        let epsilon = node.float("epsilon", 1e-5)
        var out = x.data
        let width = perGroup * inner
        for block in stride(from: 0, to: x.count, by: max(width, 1)) {
            let values = x.data[block..<(block + width)]
            let mean = values.reduce(0, +) / Float(width)
            let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(width)
            let inverse = 1 / (variance + epsilon).squareRoot()
            for i in 0..<width {
                let channel = ((block / inner) + i / inner) % channels
                let k = scale.count == channels ? channel : channel / perGroup
                out[block + i] = (x.data[block + i] - mean) * inverse * scale.data[k] + bias.data[k]
            }
        }
        return Tensor(unchecked: x.shape, data: out)
    }

    /// Nearest-neighbour Resize with ONNX's defaults (half_pixel coordinates, round_prefer_floor), the mode exports use.
    func resizeNearest(_ x: Tensor) throws -> Tensor {
        guard node.string("mode", "nearest") == "nearest" else { throw KernelError("the executor resizes in nearest mode only") }
        let transform = node.string("coordinate_transformation_mode", "half_pixel")
        let rounding = node.string("nearest_mode", "round_prefer_floor")
        let shape = outputShape
        guard shape.count == x.rank else { throw KernelError("output \(shape) does not fit \(x.shapeDescription)") }
        var maps: [[Int]] = []
        for axis in 0..<x.rank {
            let scale = Double(shape[axis]) / Double(x.shape[axis])
            maps.append((0..<shape[axis]).map { o in
                let source: Double = switch transform {
                case "asymmetric": Double(o) / scale
                case "align_corners": shape[axis] > 1 ? Double(o) * Double(x.shape[axis] - 1) / Double(shape[axis] - 1) : 0
                default: (Double(o) + 0.5) / scale - 0.5
                }
                let index: Int = switch rounding {
                case "floor": Int(source.rounded(.down))
                case "ceil": Int(source.rounded(.up))
                case "round_prefer_ceil": Int((source + 0.5).rounded(.down))
                default: source - source.rounded(.down) == 0.5 ? Int(source.rounded(.down)) : Int(source.rounded())
                }
                return min(max(index, 0), x.shape[axis] - 1)
            })
        }
        let strides = Tensor.strides(x.shape), outStrides = Tensor.strides(shape)
        let count = shape.reduce(1, *)
        var out = [Float](repeating: 0, count: count)
        for i in 0..<count {
            var rest = i, source = 0
            for axis in 0..<x.rank {
                source += maps[axis][rest / outStrides[axis]] * strides[axis]
                rest %= outStrides[axis]
            }
            out[i] = x.data[source]
        }
        return Tensor(unchecked: shape, data: out)
    }

    // MARK: Layout

    func concat(_ parts: [Tensor], axis: Int) throws -> Tensor {
        guard let first = parts.first else { throw KernelError("got no inputs") }
        let a = try ONNXValue.axis(axis, rank: first.rank)
        let outer = first.shape[..<a].reduce(1, *)
        var out: [Float] = []
        out.reserveCapacity(outputShape.reduce(1, *))
        for o in 0..<outer {
            for part in parts {
                let block = part.shape[a...].reduce(1, *)
                guard part.count >= (o + 1) * block else { throw KernelError("inputs do not fit together") }
                out.append(contentsOf: part.data[(o * block)..<((o + 1) * block)])
            }
        }
        return Tensor(unchecked: outputShape, data: out)
    }

    mutating func split(_ x: Tensor) throws -> [Tensor] {
        let axis = try ONNXValue.axis(node.int("axis", 0), rank: x.rank)
        let outer = x.shape[..<axis].reduce(1, *), inner = x.shape[(axis + 1)...].reduce(1, *)
        var offset = 0
        return op.outputs.map { spec in
            let size = spec.dims[axis]
            var data: [Float] = []
            data.reserveCapacity(outer * size * inner)
            for o in 0..<outer {
                let base = (o * x.shape[axis] + offset) * inner
                data.append(contentsOf: x.data[base..<(base + size * inner)])
            }
            offset += size
            return Tensor(unchecked: spec.dims, data: data)
        }
    }

    func gather(_ data: Tensor, _ indices: Tensor) throws -> Tensor {
        let axis = try ONNXValue.axis(node.int("axis", 0), rank: data.rank)
        let outer = data.shape[..<axis].reduce(1, *), inner = data.shape[(axis + 1)...].reduce(1, *), size = data.shape[axis]
        var out: [Float] = []
        out.reserveCapacity(outputShape.reduce(1, *))
        for o in 0..<outer {
            for raw in indices.data {
                guard raw.isFinite, abs(raw) <= Float(size) else { throw KernelError("index \(raw) is out of range for \(size)") }
                var index = Int(raw)
                if index < 0 { index += size }
                guard index >= 0, index < size else { throw KernelError("index \(Int(raw)) is out of range for \(size)") }
                let base = (o * size + index) * inner
                out.append(contentsOf: data.data[base..<(base + inner)])
            }
        }
        return Tensor(unchecked: outputShape, data: out)
    }

    func slice(_ x: Tensor) throws -> Tensor {
        guard let starts = integers(1), let ends = integers(2) else { throw KernelError("starts and ends must be constants") }
        let ranges = try ONNXOps.sliceRanges(
            dims: x.shape, starts: starts, ends: ends, axes: integers(3) ?? Array(0..<starts.count),
            steps: integers(4) ?? Array(repeating: 1, count: starts.count))
        let shape = ranges.map(\.count), strides = Tensor.strides(x.shape), outStrides = Tensor.strides(shape)
        let count = shape.reduce(1, *)
        var out = [Float](repeating: 0, count: count)
        for i in 0..<count {
            var rest = i, source = 0
            for axis in shape.indices {
                let coordinate = rest / outStrides[axis]
                rest %= outStrides[axis]
                source += (ranges[axis].start + coordinate * ranges[axis].step) * strides[axis]
            }
            out[i] = x.data[source]
        }
        return Tensor(unchecked: shape, data: out)
    }

    func pad(_ x: Tensor) throws -> Tensor {
        guard node.string("mode", "constant") == "constant" else { throw KernelError("the executor pads in constant mode only") }
        guard let pads = node.ints("pads") ?? integers(1), pads.count == 2 * x.rank else {
            throw KernelError("pads must be constants for every axis")
        }
        let fill = Float(integers(2)?.first ?? 0)
        let shape = outputShape, outStrides = Tensor.strides(shape), strides = Tensor.strides(x.shape)
        var out = [Float](repeating: fill, count: shape.reduce(1, *))
        for i in 0..<x.count {
            var rest = i, target = 0
            for axis in 0..<x.rank {
                target += (rest / strides[axis] + pads[axis]) * outStrides[axis]
                rest %= strides[axis]
            }
            out[target] = x.data[i]
        }
        return Tensor(unchecked: shape, data: out)
    }

    // MARK: Windows and products

    /// Conv through the NHWC kernels: pad as ONNX says, transpose in, run 'valid', transpose out.
    mutating func conv(_ x: Tensor, _ w: Tensor, _ bias: Tensor?) throws -> Tensor {
        guard x.rank == 4, w.rank == 4 else { throw KernelError("the executor runs 2-D Conv only, got \(x.shapeDescription)") }
        let window = try kernelWindow(x, kernel: [w.shape[2], w.shape[3]])
        let padded = try padSpatial(x, window, fill: 0)
        let nhwc = Kernels.transpose(padded, [0, 2, 3, 1])
        let kernel = Kernels.transpose(w, [2, 3, 1, 0])
        let out = try Kernels.convolution(
            nhwc, kernel: kernel, bias: bias, strides: Size2(window.strides[0], window.strides[1]),
            dilation: Size2(window.dilations[0], window.dilations[1]), padding: .valid, groups: max(node.int("group", 1), 1),
            mode: context.mode, macs: &context.macs)
        return Kernels.transpose(out, [0, 3, 1, 2])
    }

    func kernelWindow(_ x: Tensor, kernel: [Int]) throws -> ONNXWindow {
        do { return try ONNXWindow(node, input: Array(x.shape[2...]), kernel: kernel) } catch let problem as LayerProblem {
            throw KernelError(problem.message)
        }
    }

    func padSpatial(_ x: Tensor, _ window: ONNXWindow, fill: Float) throws -> Tensor {
        guard window.padsBegin.contains(where: { $0 != 0 }) || window.padsEnd.contains(where: { $0 != 0 }) else { return x }
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (top, left) = (window.padsBegin[0], window.padsBegin[1])
        guard let ph = try? SizeMath.add(h, top, window.padsEnd[0]), let pw = try? SizeMath.add(w, left, window.padsEnd[1]) else {
            throw KernelError("pads \(window.padsBegin), \(window.padsEnd) overflow")
        }
        var out = [Float](repeating: fill, count: try Kernels.intermediateCount([n, c, ph, pw]))
        for plane in 0..<(n * c) {
            for y in 0..<h {
                for xi in 0..<w { out[(plane * ph + y + top) * pw + xi + left] = x.data[(plane * h + y) * w + xi] }
            }
        }
        return Tensor(unchecked: [n, c, ph, pw], data: out)
    }

    /// ConvTranspose as ONNX defines it: every input element scatters its kernel into the output, which is then cropped
    /// by the pads. Counts input elements x (C_out / group) x kernel area.
    mutating func convTranspose(_ x: Tensor, _ w: Tensor, _ bias: Tensor?) throws -> Tensor {
        guard x.rank == 4, w.rank == 4 else { throw KernelError("the executor runs 2-D ConvTranspose only") }
        let groups = max(node.int("group", 1), 1)
        let (n, c, h, wi) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let outPerGroup = w.shape[1], inPerGroup = c / groups, kh = w.shape[2], kw = w.shape[3]
        let strides = node.ints("strides") ?? [1, 1], dilations = node.ints("dilations") ?? [1, 1]
        let pads = node.ints("pads") ?? [0, 0, 0, 0]
        let shape = outputShape
        guard shape.count == 4, strides.count == 2, dilations.count == 2, pads.count == 4 else { throw KernelError("attributes do not fit 2-D") }
        let (oh, ow) = (shape[2], shape[3])
        var out = [Float](repeating: 0, count: shape.reduce(1, *))
        for b in 0..<n {
            for ci in 0..<c {
                let g = ci / inPerGroup
                for y in 0..<h {
                    for xi in 0..<wi {
                        let v = x.data[((b * c + ci) * h + y) * wi + xi]
                        for oc in 0..<outPerGroup {
                            let channel = g * outPerGroup + oc
                            for ky in 0..<kh {
                                let oy = y * strides[0] + ky * dilations[0] - pads[0]
                                for kx in 0..<kw {
                                    let ox = xi * strides[1] + kx * dilations[1] - pads[1]
                                    guard oy >= 0, oy < oh, ox >= 0, ox < ow else { continue }
                                    out[((b * shape[1] + channel) * oh + oy) * ow + ox] += v * w.data[((ci * outPerGroup + oc) * kh + ky) * kw + kx]
                                }
                            }
                        }
                    }
                }
            }
        }
        context.macs += Int64(x.count * outPerGroup * kh * kw)
        var result = Tensor(unchecked: shape, data: out)
        if let bias { result = try perChannel(result, axis: 1) { $1 + bias.data[$0] } }
        return result
    }

    func pool(_ x: Tensor, max isMax: Bool) throws -> Tensor {
        guard x.rank == 4, let kernel = node.ints("kernel_shape"), kernel.count == 2 else {
            throw KernelError("the executor runs 2-D pooling only, got \(x.shapeDescription)")
        }
        let window = try kernelWindow(x, kernel: kernel)
        let includePad = node.int("count_include_pad", 0) == 1
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (oh, ow) = (window.output[0], window.output[1])
        var out = [Float](repeating: 0, count: n * c * oh * ow)
        for plane in 0..<(n * c) {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    var acc: Float = isMax ? -.infinity : 0
                    var counted = 0
                    for ky in 0..<kernel[0] {
                        for kx in 0..<kernel[1] {
                            let iy = oy * window.strides[0] - window.padsBegin[0] + ky * window.dilations[0]
                            let ix = ox * window.strides[1] - window.padsBegin[1] + kx * window.dilations[1]
                            let inPadded = iy < h + window.padsEnd[0] && ix < w + window.padsEnd[1]
                            guard iy >= 0, iy < h, ix >= 0, ix < w else {
                                if includePad, inPadded, iy >= -window.padsBegin[0], ix >= -window.padsBegin[1] { counted += 1 }
                                continue
                            }
                            let v = x.data[(plane * h + iy) * w + ix]
                            acc = isMax ? Swift.max(acc, v) : acc + v
                            counted += 1
                        }
                    }
                    out[(plane * oh + oy) * ow + ox] = isMax ? acc : acc / Float(Swift.max(counted, 1))
                }
            }
        }
        return Tensor(unchecked: [n, c, oh, ow], data: out)
    }

    mutating func gemm(_ a: Tensor, _ b: Tensor, _ c: Tensor?) throws -> Tensor {
        let transA = node.int("transA", 0) == 1, transB = node.int("transB", 0) == 1
        let alpha = node.float("alpha", 1), beta = node.float("beta", 1)
        guard a.rank == 2, b.rank == 2 else { throw KernelError("takes 2-D inputs") }
        let (m, k) = transA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
        let n = transB ? b.shape[0] : b.shape[1]
        guard (transB ? b.shape[1] : b.shape[0]) == k else { throw KernelError("cannot multiply \(a.shapeDescription) by \(b.shapeDescription)") }
        var out = [Float](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var acc: Float = 0
                for p in 0..<k {
                    acc += a.data[transA ? p * m + i : i * k + p] * b.data[transB ? j * k + p : p * n + j]
                }
                out[i * n + j] = alpha * acc
            }
        }
        context.macs += Int64(m * n * k)
        var result = Tensor(unchecked: [m, n], data: out)
        if let c { result = try broadcast([result, c]) { $0[0] + beta * $0[1] } }
        return result
    }

    mutating func matmul(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        let aShape = a.rank == 1 ? [1] + a.shape : a.shape, bShape = b.rank == 1 ? b.shape + [1] : b.shape
        let m = aShape[aShape.count - 2], k = aShape[aShape.count - 1], n = bShape[bShape.count - 1]
        guard bShape[bShape.count - 2] == k else { throw KernelError("cannot multiply \(a.shapeDescription) by \(b.shapeDescription)") }
        let batchShape = outputShape.dropLast((a.rank > 1 ? 1 : 0) + (b.rank > 1 ? 1 : 0))
        let batch = batchShape.reduce(1, *)
        // Index each operand's matrices through broadcasting of the batch axes.
        let aBatch = Array(aShape.dropLast(2)), bBatch = Array(bShape.dropLast(2))
        let rank = batchShape.count
        let aAligned = Array(repeating: 1, count: rank - aBatch.count) + aBatch
        let bAligned = Array(repeating: 1, count: rank - bBatch.count) + bBatch
        let outStrides = Tensor.strides(Array(batchShape))
        let aStrides = zip(Tensor.strides(aAligned), aAligned).map { $1 == 1 ? 0 : $0 }
        let bStrides = zip(Tensor.strides(bAligned), bAligned).map { $1 == 1 ? 0 : $0 }
        var out = [Float](repeating: 0, count: batch * m * n)
        for t in 0..<batch {
            var rest = t, ai = 0, bi = 0
            for axis in 0..<rank {
                let coordinate = rest / outStrides[axis]
                rest %= outStrides[axis]
                ai += coordinate * aStrides[axis]
                bi += coordinate * bStrides[axis]
            }
            let aBase = ai * m * k, bBase = bi * k * n, oBase = t * m * n
            for i in 0..<m {
                for j in 0..<n {
                    var acc: Float = 0
                    for p in 0..<k { acc += a.data[aBase + i * k + p] * b.data[bBase + p * n + j] }
                    out[oBase + i * n + j] = acc
                }
            }
        }
        context.macs += Int64(batch * m * n * k)
        return Tensor(unchecked: outputShape, data: out)
    }
}

extension Tensor {
    /// This tensor repeated along each axis to `shape` (each size a multiple of this one's), for Tile.
    func tiledView(to shape: [Int]) throws -> Tensor {
        guard shape.count == rank, zip(shape, self.shape).allSatisfy({ $1 > 0 && $0 % $1 == 0 }) else {
            throw KernelError("cannot tile \(shapeDescription) to \(shape)")
        }
        let strides = Tensor.strides(self.shape), outStrides = Tensor.strides(shape)
        let count = shape.reduce(1, *)
        var out = [Float](repeating: 0, count: count)
        for i in 0..<count {
            var rest = i, source = 0
            for axis in 0..<rank {
                source += ((rest / outStrides[axis]) % self.shape[axis]) * strides[axis]
                rest %= outStrides[axis]
            }
            out[i] = data[source]
        }
        return Tensor(unchecked: shape, data: out)
    }
}
