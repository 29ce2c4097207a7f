import Foundation

/// A horizontal bar chart of compared quantities, drawn through the same Graphviz path as `netviz plot`
/// (one HTML-table node), so SVG and PNG come out alike.
public struct BarChart: Sendable {
    public struct Bar: Sendable {
        public var label: String
        public var value: Double
        public var text: String

        public init(label: String, value: Double, text: String) {
            self.label = label
            self.value = value
            self.text = text
        }
    }

    public struct Series: Sendable {
        public var title: String
        public var bars: [Bar]

        public init(title: String, bars: [Bar]) {
            self.title = title
            self.bars = bars
        }
    }

    public var title: String
    public var series: [Series]

    public init(title: String, series: [Series]) {
        self.title = title
        self.series = series
    }

    /// Columns that name a row (the grid's alpha and resolution included), joined into the bar's label.
    static let labelKeys: Set<String> = ["model", "layer", "type", "alpha", "resolution"]

    /// Bars for the given numeric columns of a report table, labelled by its naming columns.
    public init(_ table: ReportTable, columns keys: [String]) {
        title = table.title
        let labelColumns = table.columns.indices.filter { Self.labelKeys.contains(table.columns[$0].key) }
        series = keys.compactMap { key in
            guard let column = table.columns.firstIndex(where: { $0.key == key }) else { return nil }
            let bars = table.rows.compactMap { row -> Bar? in
                let value: Double
                switch row[column].value {
                case let .int(i): value = Double(i)
                case let .double(d): value = d
                default: return nil
                }
                let label = labelColumns.map { row[$0].text.trimmingCharacters(in: .whitespaces) }.joined(separator: "  ")
                return Bar(label: label, value: value, text: row[column].text)
            }
            return Series(title: table.columns[column].title, bars: bars)
        }
    }

    /// Longest bar, in points.
    static let maxBarWidth = 320.0

    var description: PlotDescription {
        // Three cells a row: label, bar (a fixed-width track holding the bar at its left), value.
        let track = Int(Self.maxBarWidth)
        var rows = "<TR><TD COLSPAN=\"3\"><FONT POINT-SIZE=\"16\"><B>\(HTML.escape(title))</B></FONT></TD></TR>"
        for series in series {
            rows += "<TR><TD COLSPAN=\"3\" ALIGN=\"LEFT\"><B>\(HTML.escape(series.title))</B></TD></TR>"
            let largest = series.bars.map(\.value).max() ?? 0
            for bar in series.bars {
                let width = largest > 0 ? min(track, max(1, Int((bar.value / largest * Self.maxBarWidth).rounded()))) : 1
                var cells = "<TD WIDTH=\"\(width)\" HEIGHT=\"14\" FIXEDSIZE=\"TRUE\" BGCOLOR=\"#4878b0\"></TD>"
                if width < track { cells += "<TD WIDTH=\"\(track - width)\" HEIGHT=\"14\" FIXEDSIZE=\"TRUE\"></TD>" }
                rows += "<TR><TD ALIGN=\"RIGHT\">\(HTML.escape(bar.label))</TD>"
                    + "<TD><TABLE BORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"0\"><TR>\(cells)</TR></TABLE></TD>"
                    + "<TD ALIGN=\"LEFT\">\(HTML.escape(bar.text))</TD></TR>"
            }
        }
        let label = "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"3\">\(rows)</TABLE>"
        return PlotDescription(
            name: "chart", graphAttributes: [.init("bgcolor", .plain("white"))],
            nodeDefaults: [.init("shape", .plain("plain")), .init("fontname", .plain("Helvetica"))], edgeDefaults: [],
            nodes: [PlotDescription.Node(id: "chart", attributes: [.init("label", .html(label))])], edges: [],
            clusters: [])
    }

    /// Writes the chart as SVG or PNG (from the extension), whole or not at all, never over one of `inputs`.
    public func write(to path: String, inputs: [String] = []) throws {
        let format = try PlotFormat(path: path)
        guard format == .svg || format == .png else {
            throw NetVizError.invalidSetting(name: "chart", message: "must end in .svg or .png, got '\(path)'")
        }
        try OutputFile.check(path, inputs: inputs)
        let result = try GraphvizRenderer.render(description, format: format, dpi: 96)
        try OutputFile.write(result.data, to: path, inputs: inputs)
    }
}
