import ArgumentParser
import Foundation
import NetViz

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write one self-contained, interactive HTML page about a model: graph, search, details, costs."
    )

    @OptionGroup var source: ModelOptions

    @Option(name: .shortAndLong, help: "Output file (HTML).")
    var output: String = "model.html"

    @OptionGroup var drawing: DrawingOptions

    func run() throws {
        var options = HTMLReportOptions()
        options.fuse = drawing.fuse
        options.title = drawing.title
        try OutputFile.check(output, inputs: [source.model])
        // Nested models are always expanded: the page draws them as clusters that fold.
        let stats = try source.statistics(expandNested: true, indentNested: false)
        LayoutNotice.print(nodes: stats.model.nodes.count, hint: "--fuse draws fewer")
        try OutputFile.write(try HTMLReport.render(stats, options: options), to: output, inputs: [source.model])
    }
}

/// Options of every command that draws the graph (`plot`, `report`).
struct DrawingOptions: ParsableArguments {
    @Flag(help: "Draw a Conv/Dense layer with its BatchNormalization and activation as one node.")
    var fuse = false

    @Option(help: "A title above the graph; for report, the page's heading (default: the model's name).")
    var title: String?
}
