/// Kernels for the TFLite operators netviz has no layer kind for, as far as `verify` needs them on float files:
/// the shape arithmetic before a RESHAPE (SHAPE, STRIDED_SLICE, PACK) and DEQUANTIZE of float16 activations.
/// Integer results are held as Float32, exactly (they are small shape values).
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
        default:
            throw KernelError("the executor has no kernel for TFLite operator \(op.operatorName)")
        }
    }

    /// The values of operator input `position`: a graph tensor or a constant.
    static func operand<Inputs>(_ op: TFLiteOperator<Inputs>, _ position: Int, _ context: KernelContext) throws -> Tensor {
        guard position < op.inputSlots.count else { throw KernelError("has no input \(position)") }
        switch op.inputSlots[position] {
        case .graph(let i):
            guard i < context.inputs.count else { throw KernelError("has no graph input \(i)") }
            return context.inputs[i]
        case .constant(let shape, let values): return try Tensor(shape: shape, data: values.map(Float.init))
        case .absent: throw KernelError("input \(position) is absent")
        }
    }

    /// STRIDED_SLICE of a rank-1 tensor (the one shape arithmetic needs), with begin/end masks and shrink.
    static func stridedSlice<Inputs>(_ op: TFLiteOperator<Inputs>, _ context: inout KernelContext) throws -> Tensor {
        let x = try operand(op, 0, context), begin = try operand(op, 1, context), end = try operand(op, 2, context)
        let strides = try operand(op, 3, context)
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
            let value = try operand(op, position, context)
            guard value.count == 1 else { throw KernelError("packs scalars only, got \(value.shapeDescription)") }
            out.append(value.data[0])
        }
        return try Tensor(shape: [out.count], data: out)
    }
}
