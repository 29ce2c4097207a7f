import Foundation

/// A table of results that every comparison report shares: shown as text, Markdown, CSV or JSON from one value.
/// Each cell carries its display text and its exact JSON value, so the formats cannot disagree.
public struct ReportTable: Sendable {
    public struct Column: Sendable {
        /// The CSV header and JSON key.
        public var key: String
        /// The heading in text and Markdown.
        public var title: String
        public var alignment: TextTable.Alignment
        public var weight: Int

        public init(_ key: String, _ title: String, _ alignment: TextTable.Alignment = .left, weight: Int = 16) {
            self.key = key
            self.title = title
            self.alignment = alignment
            self.weight = weight
        }
    }

    public struct Cell: Sendable {
        public var text: String
        public var value: OrderedJSON

        public init(_ text: String, _ value: OrderedJSON) {
            self.text = text
            self.value = value
        }

        public static func string(_ text: String) -> Cell { Cell(text, .string(text)) }
        /// An exact count, grouped with commas for reading.
        public static func count(_ value: Int64) -> Cell { Cell(NumberFormat.grouped(value), .int(value)) }
        /// A ratio or share, shown with `places` decimals and kept exact in JSON.
        public static func number(_ value: Double, places: Int, suffix: String = "") -> Cell {
            Cell(String(format: "%.\(places)f", value) + suffix, .double(value))
        }
    }

    public var title: String
    public var columns: [Column]
    public var rows: [[Cell]] = []
    /// Lines printed under the table (and kept in JSON as `notes`).
    public var notes: [String] = []
    /// Extra top-level JSON fields (exact values the notes state in words).
    public var extras: [(String, OrderedJSON)] = []

    public init(title: String, columns: [Column]) {
        self.title = title
        self.columns = columns
    }

    public func render(_ format: SummaryFormat, lineLength: Int? = nil, ascii: Bool = false) throws -> String {
        switch format {
        case .text:
            var table = TextTable(columns: columns.map { TextTable.Column($0.title, $0.alignment, weight: $0.weight) })
            table.rows = rows.map { $0.map(\.text) }
            return UntrustedText.terminal(title) + "\n" + (try table.render(lineLength: lineLength, ascii: ascii)) + "\n"
                + notes.map { " " + UntrustedText.terminal($0) + "\n" }.joined()
        case .markdown:
            let line = UntrustedText.markdownRow
            var lines = ["**\(UntrustedText.markdown(title))**", "", line(columns.map(\.title))]
            lines.append("|" + columns.map { $0.alignment == .right ? "--:" : "---" }.joined(separator: "|") + "|")
            lines += rows.map { line($0.map(\.text)) }
            if !notes.isEmpty { lines += [""] + notes.map { "- " + UntrustedText.markdown($0) } }
            return lines.joined(separator: "\n") + "\n"
        case .csv:
            var lines = [columns.map(\.key).joined(separator: ",")]
            lines += rows.map { $0.map { Self.csvField($0.value) }.joined(separator: ",") }
            return lines.joined(separator: "\n") + "\n"
        case .json:
            let objects: [OrderedJSON] = rows.map { row in .object(zip(columns, row).map { ($0.key, $1.value) }) }
            let fields: [(String, OrderedJSON)] = [("title", .string(title)), ("rows", .array(objects))] + extras
                + [("notes", .array(notes.map(OrderedJSON.string)))]
            return OrderedJSON.object(fields).rendered() + "\n"
        }
    }

    static func csvField(_ value: OrderedJSON) -> String {
        let text: String
        switch value {
        case .null: text = ""
        case let .bool(b): text = b ? "true" : "false"
        case let .int(i): text = String(i)
        case let .double(d): text = String(d)
        case let .string(s): text = s
        case .array, .object: text = value.rendered()
        }
        return UntrustedText.csv(text)
    }
}

extension NumberFormat {
    /// Each value's share of the total in percent, exact (JSON keeps it so; text rounds each share on its own, as
    /// the paper's Table 2 does, so a rounded column may sum to 100.01 or 99.99). All zero gives all zero.
    public static func percentages(_ values: [Int64]) -> [Double] {
        let total = values.reduce(0.0) { $0 + Double($1) }
        guard total > 0 else { return values.map { _ in 0 } }
        return values.map { Double($0) / total * 100 }
    }
}
