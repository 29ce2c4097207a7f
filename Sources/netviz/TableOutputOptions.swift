import ArgumentParser
import NetViz

/// Where and how `summary` and `compare` write their tables, and the optional bar chart.
struct TableOutputOptions: ParsableArguments {
    @Option(help: "text, markdown, json or csv.")
    var format: SummaryFormat = .text

    @Flag(help: "Plain ASCII borders instead of box drawing.")
    var ascii = false

    @Option(name: .customLong("line-length"), parsing: .unconditional, help: "Total width of the text table.")
    var lineLength: Int?

    @Option(help: "Also draw a bar chart of the MACs and params (.svg or .png); with summary, only with --by-type.")
    var chart: String?

    @Option(name: .shortAndLong, help: "Write to this file instead of standard output.")
    var output: String?

    /// Checked before any work, so a bad chart path fails at once.
    func validateChart() throws {
        if let chart, !(chart.hasSuffix(".svg") || chart.hasSuffix(".png")) {
            throw OptionError(flag: "--chart", message: "must end in .svg or .png, got '\(chart)'")
        }
    }

    /// A comparison table in the chosen format, with its chart when asked for.
    func emit(_ table: ReportTable) throws {
        try validateChart()
        let text = try table.render(format, lineLength: lineLength, ascii: ascii)
        if let chart { try BarChart(table, columns: ["macs", "params"]).write(to: chart) }
        try write(text)
    }

    func write(_ text: String) throws {
        if let output { try OutputFile.write(text, to: output) } else { print(text, terminator: "") }
    }
}
