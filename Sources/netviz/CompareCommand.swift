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

    @Argument(help: "Zoo models (see `netviz models`) or model files to compare.")
    var models: [String] = []

    @Flag(name: .customLong("allow-unknown"), help: "Import unknown Keras classes as shape-preserving with 0 params and MACs.")
    var allowUnknown = false

    @OptionGroup var zoo: ZooOptionGroup

    @OptionGroup var output: TableOutputOptions

    func run() throws {
        guard !models.isEmpty else {
            throw OptionError(flag: "MODEL", message: "give at least one model to compare (see netviz models)")
        }
        let alphas = try zoo.alphas()
        let resolutions = try zoo.resolutions()
        func statistics(_ name: String, alpha: Double?, resolution: Int?) throws -> ModelStatistics {
            let source = ModelSource(name)
            let model = try ModelOptions.load(
                source, zoo: zoo.zooOptions(alpha: alpha, resolution: resolution), allowUnknown: allowUnknown)
            // Unknown classes are told on stderr: the comparison table has no place for them.
            for warning in Lint.unknownClasses(model) {
                FileHandle.standardError.write(Data("warning: \(UntrustedText.terminal(warning))\n".utf8))
            }
            return try source.located { try ModelStatistics(model) }
        }
        try output.checkOutputs(inputs: models)

        var entries: [ModelComparison.Entry] = []
        if models.count == 1, alphas.count > 1 || resolutions.count > 1 {
            // A grid over one model, like the paper's Tables 6 and 7.
            let defaults = ZooOptions()
            for a in alphas.isEmpty ? [defaults.alpha] : alphas {
                for r in resolutions.isEmpty ? [defaults.resolution] : resolutions {
                    let stats = try statistics(models[0], alpha: alphas.isEmpty ? nil : a, resolution: resolutions.isEmpty ? nil : r)
                    entries.append(.init(label: models[0], stats: stats, alpha: a, resolution: r))
                }
            }
        } else {
            for (flag, count) in [("--alpha", alphas.count), ("--resolution", resolutions.count)]
            where count > 1 && count != models.count {
                throw OptionError(flag: flag, message: "mismatched list lengths: \(models.count) models but \(count) values")
            }
            for (i, name) in models.enumerated() {
                let alpha = alphas.isEmpty ? nil : alphas[alphas.count == 1 ? 0 : i]
                let resolution = resolutions.isEmpty ? nil : resolutions[resolutions.count == 1 ? 0 : i]
                let stats = try statistics(name, alpha: alpha, resolution: resolution)
                entries.append(.init(label: Self.label(name, alpha: alpha, resolution: resolution), stats: stats))
            }
        }
        try output.emit(ModelComparison.report(entries), inputs: models)
    }

    /// `mobilenet`, `mobilenet (α 0.5, 160)` when the options differ from the defaults, or a file's name.
    static func label(_ name: String, alpha: Double?, resolution: Int?) -> String {
        let source = ModelSource(name)
        guard case .zoo = source else { return source.label }
        var parts: [String] = []
        let defaults = ZooOptions()
        if let alpha, alpha != defaults.alpha { parts.append("α \(alpha)") }
        if let resolution, resolution != defaults.resolution { parts.append("\(resolution)") }
        return parts.isEmpty ? name : "\(name) (\(parts.joined(separator: ", ")))"
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
            throw OptionError(
                flag: "--input", message: "must be HxWxC with three positive integers, got '\(input)'")
        }
        guard let padding = Padding(rawValue: padding.lowercased()) else {
            throw OptionError(flag: "--padding", message: "must be same or valid, got '\(self.padding)'")
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
