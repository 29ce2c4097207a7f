import Foundation

/// One convolution layer's cost, standard versus depthwise separable (the paper's section 3), computed by
/// building both as netviz graphs and counting them with the same rules as `netviz summary`.
public struct ConvolutionBlock: Sendable {
    /// Input height, width and channels: Df x Df x M in the paper.
    public var height: Int
    public var width: Int
    public var channels: Int
    /// Output channels N.
    public var filters: Int
    /// Kernel size Dk.
    public var kernel: Int
    public var stride: Int = 1
    public var padding: Padding = .same
    /// Include conv biases (the paper counts weights only, so off by default).
    public var bias = false
    /// Follow each convolution with BatchNormalization (params only: BN has no MACs in this convention).
    public var batchNorm = false

    public init(height: Int, width: Int, channels: Int, filters: Int, kernel: Int) {
        self.height = height
        self.width = width
        self.channels = channels
        self.filters = filters
        self.kernel = kernel
    }

    /// One standard `kernel x kernel` convolution from `channels` to `filters`.
    public func standard() throws -> ModelStatistics {
        let input = try Input(shape: [height, width, channels])
        var x = try Conv2D(
            filters: filters, kernelSize: Size2(kernel, kernel), strides: Size2(stride, stride), padding: padding,
            useBias: bias, name: "conv")(input)
        if batchNorm { x = try BatchNormalization(name: "conv_bn")(x) }
        return try ModelStatistics(Model(inputs: [input], outputs: [x], name: "standard"))
    }

    /// The depthwise `kernel x kernel` convolution followed by the 1x1 pointwise convolution, as MobileNet does.
    public func separable() throws -> ModelStatistics {
        let input = try Input(shape: [height, width, channels])
        var x = try DepthwiseConv2D(
            kernelSize: Size2(kernel, kernel), strides: Size2(stride, stride), padding: padding, useBias: bias,
            name: "depthwise")(input)
        if batchNorm { x = try BatchNormalization(name: "depthwise_bn")(x) }
        x = try Conv2D(filters: filters, kernelSize: 1, useBias: bias, name: "pointwise")(x)
        if batchNorm { x = try BatchNormalization(name: "pointwise_bn")(x) }
        return try ModelStatistics(Model(inputs: [input], outputs: [x], name: "separable"))
    }

    /// The width multiplier: M and N become `int(M * alpha)` and `int(N * alpha)`, as Keras truncates.
    public func scaled(alpha: Double) -> ConvolutionBlock {
        var block = self
        block.channels = Int(Double(channels) * alpha)
        block.filters = Int(Double(filters) * alpha)
        return block
    }

    /// The resolution multiplier: Df becomes `round(Df * rho)` (the paper's 14 x 0.714 = 10).
    public func scaled(rho: Double) -> ConvolutionBlock {
        var block = self
        block.height = Int((Double(height) * rho).rounded())
        block.width = Int((Double(width) * rho).rounded())
        return block
    }

    /// The paper's closed form for the separable/standard cost ratio: 1/N + 1/Dk^2.
    public var closedFormRatio: Double { 1 / Double(filters) + 1 / Double(kernel * kernel) }

    func validate() throws {
        for (name, value) in [("input", height), ("input", width), ("input", channels), ("filters", filters),
                              ("kernel", kernel), ("stride", stride)] where value <= 0 {
            throw NetVizError.invalidSetting(name: name, message: "must be positive, got \(value)")
        }
    }
}

/// `netviz compare block`: the rows of the paper's Table 3 for one layer.
public enum BlockComparison {
    public static func report(_ block: ConvolutionBlock, alpha: Double? = nil, rho: Double? = nil) throws -> ReportTable {
        try block.validate()
        if let alpha, !(alpha > 0 && alpha <= 1) {
            throw NetVizError.invalidSetting(name: "alpha", message: "must be in (0, 1], got \(alpha)")
        }
        if let rho, !(rho > 0 && rho <= 1) {
            throw NetVizError.invalidSetting(name: "rho", message: "must be in (0, 1], got \(rho)")
        }
        let standard = try block.standard()
        let separable = try block.separable()
        var table = ReportTable(
            title: "Convolution cost: \(block.height)x\(block.width)x\(block.channels) input, \(block.filters) filters, "
                + "\(block.kernel)x\(block.kernel) kernel, stride \(block.stride)",
            columns: [
                .init("layer", "Layer", weight: 35), .init("input", "Input", weight: 13),
                .init("filter_shape", "Filter shape", weight: 34), .init("macs", "MACs", .right, weight: 15),
                .init("params", "Params", .right, weight: 13),
                .init("macs_vs_standard", "MACs ratio", .right, weight: 14),
                .init("params_vs_standard", "Params ratio", .right, weight: 16),
            ])
        func row(_ label: String, _ block: ConvolutionBlock, _ shape: String, macs: Int64, params: Int64) -> [ReportTable.Cell] {
            [
                // Parts of the separable pair are indented in the table, plain in CSV and JSON.
                ReportTable.Cell(label, .string(label.trimmingCharacters(in: .whitespaces))),
                .string("\(block.height)x\(block.width)x\(block.channels)"), .string(shape),
                .count(macs), .count(params),
                .number(Double(macs) / Double(standard.totalMACs), places: 4),
                .number(Double(params) / Double(standard.totalParams), places: 4),
            ]
        }
        let k = "\(block.kernel)x\(block.kernel)"
        table.rows.append(
            row("Standard convolution", block, "\(k)x\(block.channels)x\(block.filters)",
                macs: standard.totalMACs, params: standard.totalParams))
        table.rows.append(
            row("Depthwise separable", block, "\(k)x\(block.channels) dw + 1x1x\(block.channels)x\(block.filters)",
                macs: separable.totalMACs, params: separable.totalParams))
        for (node, layer) in zip(separable.model.nodes, separable.layers) where layer.macs > 0 {
            let shape = node.name == "depthwise" ? "\(k)x\(block.channels) dw" : "1x1x\(block.channels)x\(block.filters)"
            table.rows.append(row("  \(node.name)", block, shape, macs: layer.macs, params: layer.params))
        }
        // The paper's cumulative rows: alpha first, then rho on top of it.
        var current = block
        let multipliers: [(String, (ConvolutionBlock) -> ConvolutionBlock)] =
            (alpha.map { a in [("Width multiplier α = \(a)", { $0.scaled(alpha: a) })] } ?? [])
            + (rho.map { r in [("Resolution multiplier ρ = \(r)", { $0.scaled(rho: r) })] } ?? [])
        for (label, scale) in multipliers {
            current = scale(current)
            let stats = try current.separable()
            table.rows.append(
                row(label, current, "\(k)x\(current.channels) dw + 1x1x\(current.channels)x\(current.filters)",
                    macs: stats.totalMACs, params: stats.totalParams))
        }
        let ratio = Double(separable.totalMACs) / Double(standard.totalMACs)
        table.notes = [
            "ratios are to the standard convolution",
            "separable / standard MACs = \(String(format: "%.6f", ratio)); the paper's 1/N + 1/Dk^2 = 1/\(block.filters) + "
                + "1/\(block.kernel * block.kernel) = \(String(format: "%.6f", block.closedFormRatio))",
            "MACs are multiply-accumulates (FLOPs = 2 x MACs); bias \(block.bias ? "included in params" : "excluded"), "
                + "BatchNorm \(block.batchNorm ? "included (params only)" : "excluded")",
        ]
        table.extras = [("macs_ratio", .double(ratio)), ("closed_form_ratio", .double(block.closedFormRatio))]
        return table
    }
}
