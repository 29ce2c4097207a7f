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
        return try GraphvizRenderer.render(description(stats, options: options), format: format, dpi: options.dpi)
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
    /// The file appears whole or not at all: nothing half-written is left behind on any error.
    @discardableResult
    public static func write(
        _ stats: ModelStatistics, options: PlotOptions = PlotOptions(), to path: String, format: PlotFormat? = nil
    ) throws -> [String] {
        let format = try format ?? PlotFormat(path: path)
        try OutputFile.checkWritable(path)
        let result = try render(stats, options: options, format: format)
        try OutputFile.write(result.data, to: path)
        return result.warnings
    }
}
