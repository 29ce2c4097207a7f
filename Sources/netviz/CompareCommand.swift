import ArgumentParser
import Foundation
import NetViz

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare costs: standard vs depthwise-separable convolution, models side by side, or an alpha x resolution grid.",
        subcommands: [CompareModelsCommand.self, CompareBlockCommand.self],
        defaultSubcommand: CompareModelsCommand.self
    )
}

struct CompareModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "One row per model (ratios to the first); one model with lists of --alpha and --resolution gives the grid."
    )

    @Argument(help: "Zoo models (see `netviz models`) or Keras model files (.json, .keras) to compare.")
    var models: [String] = []

    @Option(parsing: .unconditional, help: "Width multipliers, comma-separated.")
    var alpha: String?

    @Option(parsing: .unconditional, help: "Input resolutions, comma-separated.")
    var resolution: String?

    @Option(name: .customLong("depth-multiplier"), parsing: .unconditional, help: "Depthwise depth multiplier.")
    var depthMultiplier: Int?

    @Option(parsing: .unconditional, help: "Number of classes.")
    var classes: Int?

    @Flag(inversion: .prefixedNo, help: "Include the classifier on top.")
    var includeTop: Bool = true

    @OptionGroup var output: TableOutputOptions

    func run() throws {
        guard !models.isEmpty else {
            throw NetVizError.invalidOption(option: "MODEL", message: "give at least one model to compare (see netviz models)")
        }
        try output.checkOutputs(inputs: models)
        let alphas = try Self.list(alpha, "--alpha") { Double($0) }
        let resolutions = try Self.list(resolution, "--resolution") { Int($0) }
        var base = ZooOptions()
        if let depthMultiplier { base.depthMultiplier = depthMultiplier }
        if let classes { base.classes = classes }
        base.includeTop = includeTop

        var entries: [ModelComparison.Entry] = []
        if models.count == 1, alphas.count > 1 || resolutions.count > 1 {
            // A grid over one model, like the paper's Tables 6 and 7.
            for a in alphas.isEmpty ? [base.alpha] : alphas {
                for r in resolutions.isEmpty ? [base.resolution] : resolutions {
                    var options = base
                    options.alpha = a
                    options.resolution = r
                    let stats = try ModelStatistics(ModelOptions.load(models[0], zoo: options))
                    entries.append(.init(label: models[0], stats: stats, alpha: a, resolution: r))
                }
            }
        } else {
            for (option, count) in [("--alpha", alphas.count), ("--resolution", resolutions.count)]
            where count > 1 && count != models.count {
                throw NetVizError.invalidOption(
                    option: option, message: "mismatched list lengths: \(models.count) models but \(count) values")
            }
            for (i, name) in models.enumerated() {
                var options = base
                if !alphas.isEmpty { options.alpha = alphas.count == 1 ? alphas[0] : alphas[i] }
                if !resolutions.isEmpty { options.resolution = resolutions.count == 1 ? resolutions[0] : resolutions[i] }
                let stats = try ModelStatistics(ModelOptions.load(name, zoo: options))
                entries.append(.init(label: Self.label(name, options), stats: stats))
            }
        }
        try output.emit(ModelComparison.report(entries), inputs: models)
    }

    /// `mobilenet`, `mobilenet (α 0.5, 160)` when the options differ from the defaults, or a file's name.
    static func label(_ name: String, _ options: ZooOptions) -> String {
        if ModelOptions.isFile(name) { return URL(fileURLWithPath: name).lastPathComponent }
        var parts: [String] = []
        let defaults = ZooOptions()
        if options.alpha != defaults.alpha { parts.append("α \(options.alpha)") }
        if options.resolution != defaults.resolution { parts.append("\(options.resolution)") }
        return parts.isEmpty ? name : "\(name) (\(parts.joined(separator: ", ")))"
    }

    static func list<T>(_ text: String?, _ option: String, _ parse: (String) -> T?) throws -> [T] {
        guard let text else { return [] }
        return try text.split(separator: ",", omittingEmptySubsequences: false).map { item in
            let trimmed = item.trimmingCharacters(in: .whitespaces)
            guard let value = parse(trimmed) else {
                throw NetVizError.invalidOption(option: option, message: "'\(trimmed)' in '\(text)' is not a number")
            }
            return value
        }
    }
}

struct CompareBlockCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "block",
        abstract: "One layer: a standard convolution vs the depthwise-separable pair (the paper's section 3)."
    )

    @Option(help: "Input size HxWxC, e.g. 14x14x512 (Df x Df x M).")
    var input: String

    @Option(parsing: .unconditional, help: "Output channels N.")
    var filters: Int

    @Option(parsing: .unconditional, help: "Kernel size Dk.")
    var kernel: Int = 3

    @Option(parsing: .unconditional, help: "Stride.")
    var stride: Int = 1

    @Option(help: "same or valid.")
    var padding: String = "same"

    @Option(parsing: .unconditional, help: "Width multiplier alpha in (0, 1]: adds the paper's scaled row.")
    var alpha: Double?

    @Option(parsing: .unconditional, help: "Resolution multiplier rho in (0, 1]: adds the paper's scaled row.")
    var rho: Double?

    @Flag(help: "Give the convolutions biases (counted in params; bias adds are not MACs).")
    var bias = false

    @Flag(help: "Follow each convolution with BatchNormalization (params only).")
    var batchnorm = false

    @OptionGroup var output: TableOutputOptions

    func run() throws {
        let dims = input.lowercased().split(separator: "x", omittingEmptySubsequences: false).map { Int($0) }
        guard dims.count == 3, let h = dims[0], let w = dims[1], let c = dims[2], h > 0, w > 0, c > 0 else {
            throw NetVizError.invalidOption(
                option: "--input", message: "must be HxWxC with three positive integers, got '\(input)'")
        }
        guard let padding = Padding(rawValue: padding.lowercased()) else {
            throw NetVizError.invalidOption(option: "--padding", message: "must be same or valid, got '\(self.padding)'")
        }
        var block = ConvolutionBlock(height: h, width: w, channels: c, filters: filters, kernel: kernel)
        block.stride = stride
        block.padding = padding
        block.bias = bias
        block.batchNorm = batchnorm
        try output.checkOutputs(inputs: [])
        try output.emit(BlockComparison.report(block, alpha: alpha, rho: rho), inputs: [])
    }
}
