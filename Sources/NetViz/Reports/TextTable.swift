/// A box-drawn table in Keras's (rich's) style, or plain ASCII; cells wrap at word boundaries.
/// Shared by every tabular report so they all look alike.
public struct TextTable {
    public enum Alignment: Sendable { case left, right, center }

    public struct Column: Sendable {
        public var title: String
        public var alignment: Alignment
        /// Relative share of the line length.
        public var weight: Int

        public init(_ title: String, _ alignment: Alignment = .left, weight: Int) {
            self.title = title
            self.alignment = alignment
            self.weight = weight
        }
    }

    public var columns: [Column]
    public var rows: [[String]] = []

    public init(columns: [Column]) { self.columns = columns }

    /// The line length when none is given: the sum of the column weights.
    public var naturalWidth: Int { columns.reduce(1) { $0 + $1.weight } }

    /// Content widths for a total line length (borders and one space of padding each side included).
    func contentWidths(lineLength: Int) throws -> [Int] {
        let borders = columns.count + 1
        let needed = borders + columns.count * 6
        // Checked first, so no arithmetic below can overflow (--line-length 9223372036854775807).
        guard lineLength <= Limits.lineLength else {
            throw NetVizError.invalidSetting(
                name: "line_length", message: "\(lineLength) is wider than the limit of \(Limits.lineLength)")
        }
        guard lineLength >= needed else { throw tooNarrow(lineLength, needed) }
        let available = lineLength - borders
        let totalWeight = max(1, columns.reduce(0) { $0 + $1.weight })
        var widths = columns.map { available * $0.weight / totalWeight }
        widths[0] += available - widths.reduce(0, +)
        let content = widths.map { $0 - 2 }
        guard content.allSatisfy({ $0 >= 4 }) else { throw tooNarrow(lineLength, needed) }
        return content
    }

    private func tooNarrow(_ lineLength: Int, _ needed: Int) -> NetVizError {
        .invalidSetting(
            name: "line_length", message: "\(lineLength) is too narrow for \(columns.count) columns (at least \(needed))")
    }

    public func render(lineLength: Int? = nil, ascii: Bool = false) throws -> String {
        let widths = try contentWidths(lineLength: lineLength ?? naturalWidth)
        let box = ascii ? Box.ascii : Box.heavy
        var lines: [String] = []
        lines.append(box.rule(box.top, widths))
        lines += wrapRow(columns.map(\.title), widths, vertical: box.headerVertical, alignments: columns.map(\.alignment))
        lines.append(box.rule(box.headerBottom, widths))
        for (i, row) in rows.enumerated() {
            if i > 0 { lines.append(box.rule(box.separator, widths)) }
            lines += wrapRow(row, widths, vertical: box.vertical, alignments: columns.map(\.alignment))
        }
        lines.append(box.rule(box.bottom, widths))
        return lines.joined(separator: "\n")
    }

    private func wrapRow(_ cells: [String], _ widths: [Int], vertical: Character, alignments: [Alignment]) -> [String] {
        let wrapped = zip(cells, widths).map { cell, width in
            TextTable.wrap(Limits.shown(UntrustedText.terminal(cell), limit: Limits.cellCharacters), width: width)
        }
        let height = wrapped.map(\.count).max() ?? 1
        return (0..<height).map { line in
            var out = String(vertical)
            for (column, lines) in wrapped.enumerated() {
                let text = line < lines.count ? lines[line] : ""
                out += " " + TextTable.align(text, widths[column], alignments[column]) + " " + String(vertical)
            }
            return out
        }
    }

    static func align(_ text: String, _ width: Int, _ alignment: Alignment) -> String {
        let gap = max(0, width - text.count)
        switch alignment {
        case .left: return text + String(repeating: " ", count: gap)
        case .right: return String(repeating: " ", count: gap) + text
        case .center:
            return String(repeating: " ", count: gap / 2) + text + String(repeating: " ", count: gap - gap / 2)
        }
    }

    /// Greedy word wrap; a word longer than the width is split. Leading spaces (indentation such as Keras's
    /// nested "└" rows) stay with the first word. Linear in the text: lengths are counted once per word.
    static func wrap(_ text: String, width: Int) -> [String] {
        let indent = Array(text.prefix { $0 == " " }.prefix(max(0, width - 4)))
        var lines: [String] = []
        var current = ""
        var length = 0
        for (index, piece) in text.split(separator: " ", omittingEmptySubsequences: true).enumerated() {
            let word = index == 0 ? indent + Array(piece) : Array(piece)
            var start = 0
            while word.count - start > width {
                if length > 0 { lines.append(current); current = ""; length = 0 }
                lines.append(String(word[start..<start + width]))
                start += width
            }
            let rest = String(word[start...]), restLength = word.count - start
            if length == 0 {
                current = rest
                length = restLength
            } else if length + 1 + restLength <= width {
                current += " " + rest
                length += 1 + restLength
            } else {
                lines.append(current)
                current = rest
                length = restLength
            }
        }
        if length > 0 || lines.isEmpty { lines.append(current) }
        return lines
    }

    struct Box {
        /// left, fill, junction, right
        let top: [Character], headerBottom: [Character], separator: [Character], bottom: [Character]
        let headerVertical: Character, vertical: Character

        static let heavy = Box(
            top: ["┏", "━", "┳", "┓"], headerBottom: ["┡", "━", "╇", "┩"], separator: ["├", "─", "┼", "┤"],
            bottom: ["└", "─", "┴", "┘"], headerVertical: "┃", vertical: "│")
        static let ascii = Box(
            top: ["+", "-", "+", "+"], headerBottom: ["+", "=", "+", "+"], separator: ["+", "-", "+", "+"],
            bottom: ["+", "-", "+", "+"], headerVertical: "|", vertical: "|")

        func rule(_ parts: [Character], _ widths: [Int]) -> String {
            String(parts[0]) + widths.map { String(repeating: parts[1], count: $0 + 2) }.joined(separator: String(parts[2]))
                + String(parts[3])
        }
    }
}
