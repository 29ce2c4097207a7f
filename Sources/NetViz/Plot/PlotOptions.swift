/// Which way the layer graph flows: Graphviz's `rankdir`, as `keras.utils.plot_model` takes it.
public enum RankDir: String, Sendable, CaseIterable {
    case topToBottom = "TB"
    case leftToRight = "LR"
    case bottomToTop = "BT"
    case rightToLeft = "RL"

    /// `TB`, `lr`, ...; anything else is an `invalidSetting` error naming `rankdir`.
    public init(parsing text: String) throws {
        guard let value = RankDir(rawValue: text.uppercased()) else {
            throw NetVizError.invalidSetting(
                name: "rankdir", message: "must be one of TB, LR, BT, RL, got '\(text)'")
        }
        self = value
    }
}

/// What `--heat` colours nodes by: each layer's share of the model's MACs, parameters or activation memory.
public enum HeatMetric: String, Sendable, CaseIterable {
    case macs, params, memory
}

/// What a plot shows. Defaults are `keras.utils.plot_model`'s where Keras has the option
/// (except `showShapes`, on as the issue asks, and `dpi`, 96 as the article uses).
public struct PlotOptions: Sendable, Equatable {
    public var rankdir: RankDir = .topToBottom
    /// "Input shape" / "Output shape" rows, formatted as Keras does: `(None, 112, 112, 32)`.
    public var showShapes = true
    /// An "Output dtype" cell.
    public var showDtype = false
    /// The header reads "name (Class)"; off, it is just the class.
    public var showLayerNames = true
    /// An "Activation" row for layers that apply one.
    public var showLayerActivations = false
    /// A "Trainable" / "Non-trainable" cell for layers with weights.
    public var showTrainable = false
    /// Keras's `expand_nested`: the rows of nested models (of `Model.expandingNested(indent: false)`) are drawn
    /// as dashed clusters labelled with the sub-model's name; without it such a row is one node.
    public var expandNested = false
    /// Draw a Conv/Dense/Depthwise/Separable layer with the BatchNormalization and activation that follow it as
    /// one node ("Conv2D + BN + ReLU6"), with their summed params and MACs.
    public var fuse = false
    /// Dots per inch of bitmap output (and the `dpi` graph attribute).
    public var dpi: Int = 96
    /// A "Params" row (beyond Keras).
    public var showParams = false
    /// A "MACs" row (beyond Keras).
    public var showMACs = false
    /// Fill each node by its share of the model's MACs or params, with a legend.
    public var heat: HeatMetric? = nil
    /// Draw each run of structurally identical consecutive blocks once, labelled "xN".
    public var collapseRepeats = false
    /// A title above the graph.
    public var title: String? = nil

    public init() {}

    /// The largest dpi accepted (a generous cap: at such a dpi all but tiny models reach Cairo's 32767-px limit).
    public static let maxDPI = 2400

    /// Rejects options Graphviz cannot honour, naming the setting.
    public func validate() throws {
        guard dpi >= 1, dpi <= Self.maxDPI else {
            throw NetVizError.invalidSetting(name: "dpi", message: "must be in [1, \(Self.maxDPI)], got \(dpi)")
        }
    }
}

/// Output formats of `netviz plot`. `json` is Graphviz's own JSON of the laid-out graph; `dot` is netviz's
/// DOT text before layout (deterministic, and what `dot -Tpng` would read).
public enum PlotFormat: String, Sendable, CaseIterable {
    case png, svg, pdf, dot, json

    /// `png`, `.SVG`, `gv` (another name for DOT) ...; nil for an extension netviz cannot write.
    public init?(fileExtension: String) {
        var ext = fileExtension.lowercased()
        if ext.hasPrefix(".") { ext.removeFirst() }
        if ext == "gv" { ext = "dot" }
        self.init(rawValue: ext)
    }

    /// The format a path's extension names, or an `invalidSetting` error that lists the choices.
    public init(path: String) throws {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let ext = name.split(separator: ".", omittingEmptySubsequences: false).dropFirst().last.map(String.init)
        guard let ext, let format = PlotFormat(fileExtension: ext) else {
            let choices = PlotFormat.allCases.map(\.rawValue).joined(separator: ", ")
            throw NetVizError.invalidSetting(
                name: "format",
                message: "cannot tell the format of '\(path)' from its extension; use one of \(choices) or give the format")
        }
        self = format
    }

    /// Graphviz's output format name (`-T`), for the formats Graphviz renders.
    var graphvizName: String? {
        switch self {
        case .png: "png:cairo"
        case .svg: "svg"
        case .pdf: "pdf:cairo"
        case .json: "json"
        case .dot: nil
        }
    }

    /// Formats Cairo draws as a bitmap, where it caps each side at 32767 px.
    var isBitmap: Bool { self == .png }
}
