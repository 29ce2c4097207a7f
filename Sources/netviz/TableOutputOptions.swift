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

    /// Every file this command will write, checked before any is written (a bad `-o` must not leave a new chart).
    func checkOutputs(inputs: [String]) throws {
        try validateChart()
        if let chart { try OutputFile.check(chart, inputs: inputs) }
        if let output { try OutputFile.check(output, inputs: inputs) }
        if let chart, let output, OutputFile.followLinks(chart) == OutputFile.followLinks(output) {
            throw OptionError(flag: "--chart", message: "names the same file as -o: \(output)")
        }
    }

    /// A comparison table in the chosen format, with its chart when asked for.
    func emit(_ table: ReportTable, inputs: [String]) throws {
        try checkOutputs(inputs: inputs)
        let text = try table.render(format, lineLength: lineLength, ascii: ascii)
        if let chart { try BarChart(table, columns: ["macs", "params"]).write(to: chart, inputs: inputs) }
        try write(text, inputs: inputs)
    }

    /// Output handed over in pieces as it is made (JSON of a very large model).
    func write(inputs: [String], _ produce: (_ emit: (UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        if let output { try OutputFile.write(to: output, inputs: inputs, produce) } else { try OutputFile.writeStandardOutput(produce) }
    }

    func write(_ text: String, inputs: [String]) throws {
        if let output { try OutputFile.write(text, to: output, inputs: inputs) } else { try OutputFile.writeStandardOutput(text) }
    }
}
