import ArgumentParser
import NetViz

struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Print a Keras-style summary with parameter and MAC counts."
    )

    @OptionGroup var source: ModelOptions

    @Flag(name: .customLong("show-trainable"), help: "Add Keras's Trainable column.")
    var showTrainable = false

    @Option(help: "Comma-separated columns: \(SummaryColumn.allCases.map(\.rawValue).joined(separator: ",")).")
    var columns: String?

    @Flag(help: "List the layers of nested models under their row, as Keras's expand_nested.")
    var expandNested = false

    @Flag(name: .customLong("by-type"), help: "Show where the MACs and params go, by layer type and kernel shape.")
    var byType = false

    @Option(help: "Group rows by the module path in their names (PyTorch's ONNX exports), to this depth, as torchinfo's depth.")
    var depth: Int?

    func validate() throws {
        if let depth, depth < 1 { throw ValidationError("--depth must be at least 1, got \(depth)") }
        if depth != nil, expandNested { throw ValidationError("--depth does not apply with --expand-nested") }
    }

    @OptionGroup var output: TableOutputOptions

    func run() throws {
        var options = SummaryOptions()
        options.format = output.format
        options.ascii = output.ascii
        options.lineLength = output.lineLength
        options.showTrainable = showTrainable
        if let columns {
            options.columns = try columns.split(separator: ",").map { name in
                guard let column = SummaryColumn(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                    throw OptionError(
                        flag: "--columns",
                        message: "unknown column '\(name)'; choose from \(SummaryColumn.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return column
            }
        }
        if byType, columns != nil || showTrainable {
            throw OptionError(
                flag: columns != nil ? "--columns" : "--show-trainable", message: "does not apply with --by-type")
        }
        if output.chart != nil, !byType {
            throw OptionError(flag: "--chart", message: "applies only with --by-type")
        }
        try output.checkOutputs(inputs: [source.model])
        let stats: ModelStatistics
        if let depth {
            let model = try source.load().groupedByPath(depth: depth)
            stats = try source.modelSource.located { try ModelStatistics(model) }
        } else {
            stats = try source.statistics(expandNested: expandNested)
        }
        if byType {
            try output.emit(CostBreakdown.report(stats), inputs: [source.model])
        } else if options.format == .json {
            try output.write(inputs: [source.model]) { try SummaryReport.writeJSON(stats, $0) }
        } else {
            try output.write(SummaryReport.render(stats, options: options), inputs: [source.model])
        }
    }
}
