import ArgumentParser
import NetViz

struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Print a Keras-style summary with parameter and MAC counts."
    )

    @OptionGroup var source: ModelOptions

    @Option(help: "text, markdown, json or csv.")
    var format: SummaryFormat = .text

    @Flag(help: "Plain ASCII borders instead of box drawing.")
    var ascii = false

    @Option(name: .customLong("line-length"), parsing: .unconditional, help: "Total width of the text table.")
    var lineLength: Int?

    @Flag(name: .customLong("show-trainable"), help: "Add Keras's Trainable column.")
    var showTrainable = false

    @Option(help: "Comma-separated columns: \(SummaryColumn.allCases.map(\.rawValue).joined(separator: ",")).")
    var columns: String?

    @Option(name: .shortAndLong, help: "Write to this file instead of standard output.")
    var output: String?

    @Flag(name: .customLong("by-type"), help: "Show where the MACs and params go, by layer type and kernel shape.")
    var byType = false

    @Option(help: "With --by-type: also draw a bar chart (.svg or .png).")
    var chart: String?

    func run() throws {
        var options = SummaryOptions()
        options.format = format
        options.ascii = ascii
        options.lineLength = lineLength
        options.showTrainable = showTrainable
        if let columns {
            options.columns = try columns.split(separator: ",").map { name in
                guard let column = SummaryColumn(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                    throw NetVizError.invalidOption(
                        option: "--columns",
                        message: "unknown column '\(name)'; choose from \(SummaryColumn.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return column
            }
        }
        if chart != nil, !byType {
            throw NetVizError.invalidOption(option: "--chart", message: "applies only with --by-type")
        }
        if let chart, !(chart.hasSuffix(".svg") || chart.hasSuffix(".png")) {
            throw NetVizError.invalidOption(option: "--chart", message: "must end in .svg or .png, got '\(chart)'")
        }
        let stats = try ModelStatistics(source.load())
        let report: String
        if byType {
            let table = CostBreakdown.report(stats)
            report = try table.render(format, lineLength: lineLength, ascii: ascii)
            if let chart { try BarChart(table, columns: ["macs", "params"]).write(to: chart) }
        } else {
            report = try SummaryReport.render(stats, options: options)
        }
        if let output {
            try OutputFile.write(report, to: output)
        } else {
            print(report, terminator: "")
        }
    }
}
