import Foundation

/// `netviz plot`: Keras-like pictures of a model's layer graph, drawn in-process by Graphviz.
///
/// ```swift
/// let stats = try ModelStatistics(try Zoo.build("mobilenet"))
/// var options = PlotOptions()
/// options.collapseRepeats = true
/// let warnings = try Plot.write(stats, options: options, to: "model.png")   // format from the extension
/// let svg = try Plot.render(stats, options: options, format: .svg).data
/// let dot = Plot.dot(stats, options: options)                                // deterministic text
/// ```
/// Rendering is safe from any thread; Graphviz itself runs behind one process-wide lock (see `GraphvizRenderer`).
public enum Plot {
    /// The plot before layout: nodes, edges, clusters and attributes.
    public static func description(_ stats: ModelStatistics, options: PlotOptions = PlotOptions()) -> PlotDescription {
        PlotBuilder.describe(stats, options: options)
    }

    /// The DOT text of the plot (same model and options, same bytes).
    public static func dot(_ stats: ModelStatistics, options: PlotOptions = PlotOptions()) -> String {
        description(stats, options: options).dot
    }

    /// The picture as bytes: PNG, SVG, PDF, Graphviz JSON, or the DOT text for `.dot`.
    public static func render(
        _ stats: ModelStatistics, options: PlotOptions = PlotOptions(), format: PlotFormat
    ) throws -> PlotResult {
        try options.validate()
        // Refused before any work when even the nodes alone are too many; after collapsing, by what is left.
        if !options.collapseRepeats { try checkSize(stats.model.nodes.count, format: format) }
        let description = description(stats, options: options)
        try checkSize(description.nodes.count, format: format)
        return try GraphvizRenderer.render(description, format: format, dpi: options.dpi)
    }

    /// dot's layout time grows faster than the node count: past `Limits.plotNodes` it would not finish.
    static func checkSize(_ nodes: Int, format: PlotFormat) throws {
        guard format.graphvizName != nil, nodes > Limits.plotNodes else { return }
        throw NetVizError.graph(
            "plot: \(NumberFormat.grouped(Int64(nodes))) nodes to lay out; netviz draws at most "
                + "\(NumberFormat.grouped(Int64(Limits.plotNodes))) (Graphviz's layout would not finish): use "
                + "--collapse-repeats to draw repeated blocks once, or --format dot for the DOT text")
    }

    /// A description drawn as it is (benchmarks compare Graphviz settings this way).
    public static func render(description: PlotDescription, format: PlotFormat, dpi: Int = 96) throws -> PlotResult {
        try GraphvizRenderer.render(description, format: format, dpi: dpi)
    }

    /// Drawn nodes above which netviz tunes Graphviz's layout for speed (Docs/plotting.md).
    public static var largeGraphNodes: Int { PlotBuilder.largeGraph }

    /// Drawn nodes from which Graphviz's layout takes seconds rather than milliseconds (Docs/benchmarks.md).
    public static let slowLayoutNodes = 2_000

    /// Writes the picture to `path` (format from its extension unless given) and returns the warnings.
    /// The file appears whole or not at all: nothing half-written is left behind on any error. `inputs` are the
    /// files the model came from, which are never overwritten.
    @discardableResult
    public static func write(
        _ stats: ModelStatistics, options: PlotOptions = PlotOptions(), to path: String, format: PlotFormat? = nil,
        inputs: [String] = []
    ) throws -> [String] {
        let format = try format ?? PlotFormat(path: path)
        // Checked before rendering, so a bad path fails at once instead of after a long layout.
        try OutputFile.check(path, inputs: inputs)
        let result = try render(stats, options: options, format: format)
        try OutputFile.write(result.data, to: path, inputs: inputs)
        return result.warnings
    }
}
