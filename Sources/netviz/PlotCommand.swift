import ArgumentParser
import Foundation
import NetViz

struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Draw the layer graph like keras.utils.plot_model, rendered in-process by Graphviz."
    )

    @OptionGroup var source: ModelOptions

    @Option(name: .shortAndLong, help: "Output file; the format comes from its extension (png, svg, pdf, dot, json).")
    var output: String = "model.png"

    @Option(help: "png, svg, pdf, dot or json (default: from the -o extension).")
    var format: String?

    @Option(help: "Graph direction: TB, LR, BT or RL.")
    var rankdir: String = "TB"

    @Flag(inversion: .prefixedNo, help: "Show input and output shapes.")
    var showShapes = true

    @Flag(help: "Show the output dtype.")
    var showDtype = false

    @Flag(inversion: .prefixedNo, help: "Show layer names.")
    var showLayerNames = true

    @Flag(help: "Show each layer's activation.")
    var showLayerActivations = false

    @Flag(help: "Show whether each layer is trainable.")
    var showTrainable = false

    @Flag(help: "Draw nested models as dashed clusters of their layers.")
    var expandNested = false

    @OptionGroup var drawing: DrawingOptions

    @Option(parsing: .unconditional, help: "Dots per inch of bitmap output.")
    var dpi: Int = 96

    @Flag(help: "Show each layer's parameter count.")
    var showParams = false

    @Flag(name: .customLong("show-macs"), help: "Show each layer's MACs.")
    var showMACs = false

    @Option(help: "Fill each layer by its share of the model's macs, params or (activation) memory.")
    var heat: String?

    @Flag(help: "Draw runs of identical blocks once, labelled with the repeat count.")
    var collapseRepeats = false


    func run() throws {
        var options = PlotOptions()
        options.rankdir = try RankDir(parsing: rankdir)
        options.showShapes = showShapes
        options.showDtype = showDtype
        options.showLayerNames = showLayerNames
        options.showLayerActivations = showLayerActivations
        options.showTrainable = showTrainable
        options.expandNested = expandNested
        options.fuse = drawing.fuse
        options.dpi = dpi
        options.showParams = showParams
        options.showMACs = showMACs
        if let heat {
            guard let metric = HeatMetric(rawValue: heat.lowercased()) else {
                throw OptionError(flag: "--heat", message: "must be macs, params or memory, got '\(heat)'")
            }
            options.heat = metric
        }
        options.collapseRepeats = collapseRepeats
        options.title = drawing.title
        var plotFormat: PlotFormat? = nil
        if let format {
            guard let parsed = PlotFormat(rawValue: format.lowercased()) else {
                throw OptionError(
                    flag: "--format",
                    message: "must be one of \(PlotFormat.allCases.map(\.rawValue).joined(separator: ", ")), got '\(format)'")
            }
            plotFormat = parsed
        }
        try options.validate()
        try OutputFile.check(output, inputs: [source.model])
        let stats = try source.statistics(expandNested: expandNested, indentNested: false)
        LayoutNotice.print(nodes: Plot.description(stats, options: options).nodes.count, hint: "--collapse-repeats and --fuse draw fewer")
        // Unknown classes are told once here (summary shows them under its table instead).
        let warnings = try Lint.unknownClasses(stats.model) + Plot.write(stats, options: options, to: output, format: plotFormat, inputs: [source.model])
        for warning in warnings { FileHandle.standardError.write(Data("warning: \(UntrustedText.terminal(warning))\n".utf8)) }
    }
}
