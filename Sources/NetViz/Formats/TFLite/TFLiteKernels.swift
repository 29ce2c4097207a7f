/// Kernels for the TFLite operators netviz has no layer kind for, as far as `verify` needs them on float files:
/// the shape arithmetic before a RESHAPE (SHAPE, GATHER, STRIDED_SLICE, PACK, CONCATENATION, REDUCE_PROD), TRANSPOSE
/// (around a channels_first pooling), FULLY_CONNECTED on rows (Keras's Dense on a rank-4 tensor), ADD/MUL/SUB with a
/// constant operand, and DEQUANTIZE of float16 activations. Integer results are held as Float32, exactly (they are
/// small shape values).
enum TFLiteKernels {
    static func run<Inputs>(_ op: TFLiteOperator<Inputs>, _ context: inout KernelContext) throws -> Tensor {
        switch op.operatorName {
        case "SHAPE":
            guard let x = context.inputs.first else { throw KernelError("got no input") }
            return try Tensor(shape: [x.rank], data: x.shape.map(Float.init))
        case "DEQUANTIZE":
            guard let x = context.inputs.first else { throw KernelError("got no input") }
            return x
        case "STRIDED_SLICE":
            return try stridedSlice(op, &context)
        case "PACK":
            return try pack(op, &context)
        case "TRANSPOSE":
            return try transpose(operand(op, 0, &context), permutation: operand(op, 1, &context))
        case "GATHER":
            return try gather(operand(op, 0, &context), indices: operand(op, 1, &context), axis: Int(op.options.axis))
        case "CONCATENATION":
            let parts = try op.inputSlots.indices.map { try operand(op, $0, &context) }
            return try fused(op, concatenate(parts, axis: Int(op.options.axis)))
        case "REDUCE_PROD":
            return try reduceProduct(operand(op, 0, &context), axes: operand(op, 1, &context), keepDims: op.options.keepDims)
        case "FULLY_CONNECTED":
            return try fused(op, fullyConnected(op, &context))
        case "ADD", "MUL", "SUB":
            let a = try operand(op, 0, &context), b = try operand(op, 1, &context)
            return try fused(op, elementwise(a, b, op.operatorName))
        default:
            throw KernelError("the executor has no kernel for TFLite operator \(op.operatorName)")
        }
    }

    /// The values of operator input `position`: a graph tensor, a weight (a float constant, read from the file) or
    /// a small integer constant.
    static func operand<Inputs>(_ op: TFLiteOperator<Inputs>, _ position: Int, _ context: inout KernelContext) throws -> Tensor {
        guard position < op.inputSlots.count else { throw KernelError("has no input \(position)") }
        switch op.inputSlots[position] {
        case .graph(let i):
            guard i < context.inputs.count else { throw KernelError("has no graph input \(i)") }
            return context.inputs[i]
        case .constant(let shape, let values):
            if op.weightSources.contains(where: { $0.stored.name == "input_\(position)" }) {
                return try context.weight("input_\(position)")
            }
            return try Tensor(shape: shape, data: values.map(Float.init))
        case .absent: throw KernelError("input \(position) is absent")
        }
    }

    /// The fused activation, after an operator without a netviz layer.
    static func fused<Inputs>(_ op: TFLiteOperator<Inputs>, _ output: Tensor) throws -> Tensor {
        guard let name = op.fusedActivation else { return output }
        guard let function = op.activation else { throw KernelError("has no kernel for the fused activation \(name)") }
        return try Activations.apply(function, to: output)
    }

    static func strides(_ shape: [Int]) -> [Int] { Tensor.strides(shape) }

    static func transpose(_ x: Tensor, permutation: Tensor) throws -> Tensor {
        let perm = try permutation.data.map(index)
        guard perm.count == x.rank, Set(perm) == Set(0..<x.rank) else {
            throw KernelError("has permutation \(perm) for a rank-\(x.rank) tensor")
        }
        let shape = perm.map { x.shape[$0] }, inStrides = strides(x.shape), outStrides = strides(shape)
        var out = [Float](repeating: 0, count: x.count)
        for i in 0..<x.count {
            var source = 0
            for axis in 0..<shape.count { source += (i / outStrides[axis]) % shape[axis] * inStrides[perm[axis]] }
            out[i] = x.data[source]
        }
        return try Tensor(shape: shape, data: out)
    }

    static func gather(_ x: Tensor, indices: Tensor, axis: Int) throws -> Tensor {
        let a = axis < 0 ? axis + x.rank : axis
        guard a >= 0, a < x.rank else { throw KernelError("gathers along axis \(axis) of a rank-\(x.rank) tensor") }
        let outer = x.shape[..<a].reduce(1, *), inner = x.shape[(a + 1)...].reduce(1, *), size = x.shape[a]
        let picks = try indices.data.map { v -> Int in
            let i = try index(v)
            guard i >= -size, i < size else { throw KernelError("gathers index \(i) of \(size)") }
            return i < 0 ? i + size : i
        }
        var out: [Float] = []
        for o in 0..<outer { for p in picks { out += x.data[(o * size + p) * inner..<(o * size + p + 1) * inner] } }
        return try Tensor(shape: Array(x.shape[..<a]) + indices.shape + Array(x.shape[(a + 1)...]), data: out)
    }

    static func concatenate(_ parts: [Tensor], axis: Int) throws -> Tensor {
        guard let first = parts.first else { throw KernelError("concatenates nothing") }
        let a = axis < 0 ? axis + first.rank : axis
        func others(_ t: Tensor) -> [Int] { t.shape.enumerated().filter { $0.offset != a }.map(\.element) }
        guard a >= 0, a < first.rank, parts.allSatisfy({ $0.rank == first.rank && others($0) == others(first) }) else {
            throw KernelError("concatenates along axis \(axis) tensors of ranks \(parts.map(\.rank))")
        }
        let outer = first.shape[..<a].reduce(1, *)
        var out: [Float] = []
        for o in 0..<outer {
            for part in parts {
                let chunk = part.shape[a...].reduce(1, *)
                out += part.data[o * chunk..<(o + 1) * chunk]
            }
        }
        var shape = first.shape
        shape[a] = parts.reduce(0) { $0 + $1.shape[a] }
        return try Tensor(shape: shape, data: out)
    }

    static func reduceProduct(_ x: Tensor, axes: Tensor, keepDims: Bool) throws -> Tensor {
        let reduced = Set(try axes.data.map { v -> Int in
            let a = try index(v)
            return a < 0 ? a + x.rank : a
        })
        guard reduced.allSatisfy({ $0 >= 0 && $0 < x.rank }) else { throw KernelError("reduces axes \(reduced.sorted())") }
        let kept = x.shape.enumerated().map { reduced.contains($0.offset) ? 1 : $0.element }
        var out = [Float](repeating: 1, count: kept.reduce(1, *))
        let inStrides = strides(x.shape), keptStrides = strides(kept)
        for i in 0..<x.count {
            var target = 0
            for axis in 0..<x.rank where !reduced.contains(axis) { target += (i / inStrides[axis]) % x.shape[axis] * keptStrides[axis] }
            out[target] *= x.data[i]
        }
        let shape = keepDims ? kept : x.shape.enumerated().filter { !reduced.contains($0.offset) }.map(\.element)
        return try Tensor(shape: shape, data: out)
    }

    /// x [..., in] times the file's weights [units, in], plus the bias: Dense on rows, MACs counted as they happen.
    static func fullyConnected<Inputs>(_ op: TFLiteOperator<Inputs>, _ context: inout KernelContext) throws -> Tensor {
        let x = try operand(op, 0, &context), w = try operand(op, 1, &context)
        guard w.rank == 2, let features = x.shape.last, features == w.shape[1], features > 0 else {
            throw KernelError("multiplies \(x.shapeDescription) by weights \(w.shapeDescription)")
        }
        let units = w.shape[0], rows = x.count / features
        let bias = op.inputSlots.count > 2 && op.inputSlots[2] != .absent ? try operand(op, 2, &context) : nil
        guard bias == nil || bias?.count == units else { throw KernelError("has \(bias?.count ?? 0) biases for \(units) units") }
        var out = [Float](repeating: 0, count: rows * units)
        for r in 0..<rows {
            for u in 0..<units {
                var sum = bias.map { $0.data[u] } ?? 0
                for k in 0..<features { sum += x.data[r * features + k] * w.data[u * features + k] }
                out[r * units + u] = sum
            }
        }
        context.macs += Int64(rows * units * features)
        let shape = op.options.keepNumDims ? Array(x.shape.dropLast()) + [units] : [rows, units]
        return try Tensor(shape: shape, data: out)
    }

    /// ADD, MUL, SUB with numpy broadcasting (a constant operand included).
    static func elementwise(_ a: Tensor, _ b: Tensor, _ name: String) throws -> Tensor {
        let rank = max(a.rank, b.rank)
        let sa = [Int](repeating: 1, count: rank - a.rank) + a.shape, sb = [Int](repeating: 1, count: rank - b.rank) + b.shape
        var shape: [Int] = []
        for (x, y) in zip(sa, sb) {
            guard x == y || x == 1 || y == 1 else { throw KernelError("cannot broadcast \(a.shapeDescription) and \(b.shapeDescription)") }
            shape.append(max(x, y))
        }
        let outStrides = strides(shape), aStrides = strides(sa), bStrides = strides(sb)
        var out = [Float](repeating: 0, count: shape.reduce(1, *))
        for i in out.indices {
            var ia = 0, ib = 0
            for axis in 0..<rank {
                let c = (i / outStrides[axis]) % shape[axis]
                if sa[axis] != 1 { ia += c * aStrides[axis] }
                if sb[axis] != 1 { ib += c * bStrides[axis] }
            }
            let x = a.data[ia], y = b.data[ib]
            out[i] = name == "ADD" ? x + y : name == "MUL" ? x * y : x - y
        }
        return try Tensor(shape: shape, data: out)
    }

    /// STRIDED_SLICE of a rank-1 tensor (the one shape arithmetic needs), with begin/end masks and shrink.
    static func stridedSlice<Inputs>(_ op: TFLiteOperator<Inputs>, _ context: inout KernelContext) throws -> Tensor {
        let x = try operand(op, 0, &context), begin = try operand(op, 1, &context), end = try operand(op, 2, &context)
        let strides = try operand(op, 3, &context)
        guard x.rank == 1, begin.count == 1, end.count == 1, strides.count == 1, op.options.ellipsisMask == 0,
            op.options.newAxisMask == 0
        else { throw KernelError("runs STRIDED_SLICE on rank-1 tensors only, got \(x.shapeDescription)") }
        let n = x.shape[0], stride = try index(strides.data[0])
        guard stride != 0 else { throw KernelError("has stride 0") }
        func clamp(_ v: Int) -> Int { min(max(v < 0 ? v + n : v, 0), n) }
        var lower = op.options.beginMask & 1 != 0 ? (stride > 0 ? 0 : n - 1) : clamp(try index(begin.data[0]))
        var upper = op.options.endMask & 1 != 0 ? (stride > 0 ? n : -1) : clamp(try index(end.data[0]))
        if op.options.shrinkAxisMask & 1 != 0 {
            lower = clamp(try index(begin.data[0]))
            upper = lower + 1
            guard lower < n else { throw KernelError("slices past the end") }
            return try Tensor(shape: [], data: [x.data[lower]])
        }
        var out: [Float] = []
        var i = lower
        while stride > 0 ? i < upper : i > upper, i >= 0, i < n {
            out.append(x.data[i])
            i += stride
        }
        return try Tensor(shape: [out.count], data: out)
    }

    /// A slice bound held as Float, as an index (NaN or a huge value is an error, not a trap).
    static func index(_ value: Float) throws -> Int {
        guard value.isFinite, abs(value) < 1e9 else { throw KernelError("has slice bound \(value)") }
        return Int(value)
    }

    /// PACK of scalars along axis 0 (a shape vector).
    static func pack<Inputs>(_ op: TFLiteOperator<Inputs>, _ context: inout KernelContext) throws -> Tensor {
        var out: [Float] = []
        for position in op.inputSlots.indices {
            let value = try operand(op, position, &context)
            guard value.count == 1 else { throw KernelError("packs scalars only, got \(value.shapeDescription)") }
            out.append(value.data[0])
        }
        return try Tensor(shape: [out.count], data: out)
    }
}
