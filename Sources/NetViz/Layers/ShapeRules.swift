/// Shape rules shared by layer families (Keras's `operation_utils`): one function per family, reused by every
/// layer of that family, so Conv2D, DepthwiseConv2D, SeparableConv2D and pooling cannot disagree.
enum ShapeRules {
    /// The (height, width, channels) positions of a rank-4 tensor's non-batch dims.
    struct Layout2D {
        let heightAxis: Int, widthAxis: Int, channelAxis: Int

        init(_ format: DataFormat) {
            switch format {
            case .channelsLast: (heightAxis, widthAxis, channelAxis) = (0, 1, 2)
            case .channelsFirst: (heightAxis, widthAxis, channelAxis) = (1, 2, 0)
            }
        }
    }

    static func requireRank(_ spec: TensorSpec, _ rank: Int) throws {
        guard spec.rank == rank else {
            throw LayerProblem("expects a rank-\(rank) input, got \(spec) (rank \(spec.rank))")
        }
    }

    static func requirePositive(_ size: Size2, _ argument: String) throws {
        guard size.isPositive else { throw LayerProblem("\(argument) must be two positive integers, got \(size)") }
    }

    static func requirePositive(_ value: Int, _ argument: String) throws {
        guard value > 0 else { throw LayerProblem("\(argument) must be positive, got \(value)") }
    }

    /// Output length along one axis of a sliding window (Keras's `compute_conv_output_shape`).
    static func windowOutputLength(_ length: Int, window: Int, stride: Int, dilation: Int, padding: Padding) -> Int {
        switch padding {
        case .valid:
            let effective = dilation * (window - 1) + 1
            return length >= effective ? (length - effective) / stride + 1 : 0
        case .same:
            return length > 0 ? (length - 1) / stride + 1 : 0
        }
    }

    /// The sliding-window family: convolutions and pooling. `channels` replaces the channel dim (nil keeps it).
    static func slidingWindow2D(
        _ input: TensorSpec, window: Size2, strides: Size2, dilation: Size2 = 1, padding: Padding,
        format: DataFormat, channels: Int?
    ) throws -> TensorSpec {
        try requireRank(input, 4)
        try requirePositive(window, "kernel/pool size")
        try requirePositive(strides, "strides")
        try requirePositive(dilation, "dilation_rate")
        let axes = Layout2D(format)
        var dims = input.dims
        let height = windowOutputLength(
            dims[axes.heightAxis], window: window.height, stride: strides.height, dilation: dilation.height,
            padding: padding)
        let width = windowOutputLength(
            dims[axes.widthAxis], window: window.width, stride: strides.width, dilation: dilation.width,
            padding: padding)
        dims[axes.heightAxis] = height
        dims[axes.widthAxis] = width
        if let channels { dims[axes.channelAxis] = channels }
        let output = TensorSpec(dims, dtype: input.dtype)
        guard height > 0, width > 0 else {
            throw LayerProblem(
                "input \(input) is too small for window \(window.height)x\(window.width), strides \(strides), "
                    + "padding '\(padding.rawValue)': output would be \(output)")
        }
        return output
    }

    /// The element-wise merge family (Add, Multiply, ...): Keras's broadcasting of equal or size-1 dims.
    static func broadcast(_ inputs: [TensorSpec]) throws -> TensorSpec {
        guard var dims = inputs.first?.dims else { throw LayerProblem("needs at least one input") }
        for other in inputs.dropFirst() {
            guard other.rank == dims.count + 1 else {
                throw LayerProblem("inputs must have the same rank, got \(TensorSpec(dims)) and \(other)")
            }
            for (i, d) in other.dims.enumerated() where d != dims[i] {
                if dims[i] == 1 {
                    dims[i] = d
                } else if d != 1 {
                    throw LayerProblem("input shapes \(inputs.map(\.description).joined(separator: " and ")) do not match")
                }
            }
        }
        return TensorSpec(dims, dtype: inputs[0].dtype)
    }

    /// A Keras axis (negative counts from the end, 0 is the batch axis) as an index into `dims`.
    static func dimIndex(axis: Int, rank: Int) throws -> Int {
        let resolved = axis < 0 ? axis + rank : axis
        guard resolved >= 1, resolved < rank else {
            throw LayerProblem("axis \(axis) is out of range for a rank-\(rank) input (the batch axis 0 is not allowed)")
        }
        return resolved - 1
    }

    /// The sizes of `axes` (Keras axes, each named once) in axis order: the shape of per-axis statistics
    /// and scales, shared by the normalisation layers.
    static func dims(at axes: [Int], of input: TensorSpec) throws -> [Int] {
        let indices = try axes.map { try dimIndex(axis: $0, rank: input.rank) }
        guard Set(indices).count == indices.count else { throw LayerProblem("axis \(axes) names an axis twice") }
        return indices.sorted().map { input.dims[$0] }
    }

    /// Positions a per-position op runs at: every output element divided by its channel count.
    static func positions(_ output: TensorSpec, channelAxis: Int) throws -> Int64 {
        var dims = output.dims
        dims.remove(at: channelAxis)
        return try Checked.product(dims)
    }
}
