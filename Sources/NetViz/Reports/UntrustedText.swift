/// Names and messages come from model files written by strangers. Each output kind has one rule for such text,
/// applied where that output is written (Docs/cli.md, "Limits and untrusted input").
public enum UntrustedText {
    /// Terminal text (text tables, warnings, errors): every C0 and C1 control, DEL and the bidirectional
    /// controls are shown escaped (`\x1b`, `\n`, `\u{202E}`), so a name cannot move the cursor, clear the screen,
    /// break a table's box or reorder what follows it. Everything else is kept as it is.
    public static func terminal(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar) else { out.unicodeScalars.append(scalar); continue }
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x100:
                let hex = String(scalar.value, radix: 16)
                out += "\\x" + (hex.count == 1 ? "0" + hex : hex)
            default: out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            }
        }
        return out
    }

    /// C0, DEL, C1, the bidi embeddings, overrides, isolates and marks, and the line and paragraph separators.
    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0..<0x20, 0x7F...0x9F, 0x061C, 0x200E, 0x200F, 0x2028...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    /// A CSV field (RFC 4180): quoted, with quotes doubled, when it holds a comma, a quote, CR or LF.
    public static func csv(_ text: String) -> String {
        text.utf8.contains(where: { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 })
            ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }

    /// A Markdown table cell: terminal escapes (so a newline cannot end the row), HTML's `&`, `<`, `>` as
    /// entities (so no tag or script reaches a renderer) and `|` escaped (so it cannot start a cell).
    public static func markdown(_ text: String) -> String {
        var out = ""
        for character in terminal(text) {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "|": out += "\\|"
            default: out.append(character)
            }
        }
        return out
    }

    /// One Markdown table row of cells.
    static func markdownRow(_ cells: [String]) -> String { "| " + cells.map(markdown).joined(separator: " | ") + " |" }

    /// Characters XML 1.0 cannot carry at all (so DOT HTML labels, SVG and Graphviz's expat reject them):
    /// controls other than tab, LF and CR, and U+FFFE/U+FFFF. C1 controls are included too: expat accepts
    /// them but they would reach a terminal that `cat`s the SVG. (Lone surrogates never reach a Swift String.)
    static func xmlForbidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0..<0x20, 0x7F...0x9F, 0xFFFE, 0xFFFF: true
        default: false
        }
    }
}
