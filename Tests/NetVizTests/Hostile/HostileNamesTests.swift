import Foundation
import Testing

@testable import NetViz

/// One model whose names carry everything a stranger's file can: terminal controls (ESC, BEL, C1 CSI, CR, NUL),
/// a right-to-left override, newlines, markup, CSV and Markdown delimiters, and XML's forbidden U+FFFE/U+FFFF.
/// The same names go through every output format, each with its own rule (UntrustedText).
enum HostileModel {
    static let modelName = "evil\u{202E}txt.exe\r\nFAKE"
    static let names = [
        "in\u{1B}[2J\u{07}",  // ESC clear-screen, BEL
        "dense\u{9B}31m,\"quoted\"",  // C1 CSI, comma, quotes
        "line\nbreak\rcr\u{0}nul",  // LF, CR, NUL
        "<script>alert(1)</script>|pipe",  // markup, Markdown cell delimiter
        "non\u{FFFE}char\u{FFFF}",  // XML-forbidden noncharacters
    ]

    static func build() throws -> ModelStatistics {
        let input = try Input(shape: [4], name: names[0])
        var x = try Dense(units: 4, name: names[1])(input)
        x = try ReLU(name: names[2])(x)
        let y = try Dense(units: 4, name: names[3])(x)
        let joined = try Add(name: names[4])([x, y])
        return try ModelStatistics(Model(inputs: [input], outputs: [joined], name: modelName))
    }

    /// Characters no terminal output may carry raw.
    static func rawControls(_ text: String, allowingNewlines: Bool = true) -> [Unicode.Scalar] {
        text.unicodeScalars.filter { scalar in
            if allowingNewlines, scalar == "\n" { return false }
            return UntrustedText.needsEscape(scalar)
        }
    }
}

@Suite struct HostileNamesTests {
    @Test func terminalRuleEscapesControlsAndBidi() {
        #expect(UntrustedText.terminal("a\u{1B}[31mb") == "a\\x1b[31mb")
        #expect(UntrustedText.terminal("\u{07}\u{0}\u{7F}\u{9B}") == "\\x07\\x00\\x7f\\x9b")
        #expect(UntrustedText.terminal("x\ny\rz\t") == "x\\ny\\rz\\t")
        #expect(UntrustedText.terminal("abc\u{202E}fdp.exe") == "abc\\u{202E}fdp.exe")
        #expect(UntrustedText.terminal("conv_1 (Conv2D) é 日本") == "conv_1 (Conv2D) é 日本")
    }

    @Test func textTableShowsNamesEscapedInsideItsBox() throws {
        let stats = try HostileModel.build()
        let text = try SummaryReport.text(stats)
        #expect(HostileModel.rawControls(text).isEmpty, "\(HostileModel.rawControls(text))")
        #expect(text.hasPrefix("Model: \"evil\\u{202E}txt.exe\\r\\nFAKE\"\n"))
        #expect(text.contains("in\\x1b[2J\\x07 (InputLayer)"))
        #expect(text.contains("line\\nbreak\\rcr\\x00nul (ReLU)"))
        // Every line of the table is one box row: the newline in a name did not split a row.
        let tableLines = text.split(separator: "\n").filter { $0.hasPrefix("│") || $0.hasPrefix("┃") }
        let width = try #require(tableLines.first?.count)
        #expect(tableLines.allSatisfy { $0.count == width && ($0.hasSuffix("│") || $0.hasSuffix("┃")) })
        #expect(SummaryTable.rows(text).count == 5)
    }

    @Test func csvQuotesEveryFieldWithCROrLF() throws {
        let stats = try HostileModel.build()
        let csv = SummaryReport.csv(stats)
        #expect(csv.contains("\"line\nbreak\rcr\u{0}nul\",ReLU,"))
        #expect(csv.contains("\"dense\u{9B}31m,\"\"quoted\"\"\",Dense,"))
        #expect(UntrustedText.csv("a\rb") == "\"a\rb\"")
        #expect(UntrustedText.csv("plain") == "plain")
        // Parsed back by RFC 4180 rules, there is one record per layer and the names are exact.
        let records = Self.parseCSV(csv)
        #expect(records.count == 6)
        #expect(records.dropFirst().map { $0[0] } == HostileModel.names)
    }

    @Test func markdownKeepsEachRowOnOneLineAndNoMarkup() throws {
        let stats = try HostileModel.build()
        let markdown = SummaryReport.markdown(stats)
        #expect(!markdown.contains("<script>"))
        #expect(markdown.contains("&lt;script&gt;alert(1)&lt;/script&gt;\\|pipe (Dense)"))
        #expect(markdown.contains("line\\nbreak\\rcr\\x00nul (ReLU)"))
        #expect(HostileModel.rawControls(markdown).isEmpty)
        let rows = markdown.split(separator: "\n").filter { $0.hasPrefix("| ") }
        #expect(rows.count == 6)  // header + 5 layers
    }

    @Test func jsonKeepsNamesExactAndEscapesControls() throws {
        let stats = try HostileModel.build()
        let json = SummaryReport.json(stats).rendered()
        #expect(HostileModel.rawControls(json).isEmpty)
        #expect(json.contains(#""model": "evil\u202etxt.exe\r\nFAKE""#))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["model"] as? String == HostileModel.modelName)
        let layers = try #require(object["layers"] as? [[String: Any]])
        #expect(layers.compactMap { $0["name"] as? String } == HostileModel.names)
    }

    @Test func dotAndSVGReplaceWhatXMLForbids() throws {
        let stats = try HostileModel.build()
        let dot = Plot.dot(stats)
        for forbidden: Unicode.Scalar in ["\u{FFFE}", "\u{FFFF}", "\u{1B}", "\u{9B}", "\u{0}"] {
            #expect(!dot.unicodeScalars.contains(forbidden), "\(forbidden.value)")
        }
        #expect(dot.contains("non\u{FFFD}char\u{FFFD}"))
        #expect(dot.contains("&lt;script&gt;"))
        // Graphviz parses the DOT text and draws every label (no node ids drawn instead).
        let svg = try GraphvizRenderer.render(dotText: dot, format: .svg, dpi: 96)
        let text = String(decoding: svg.data, as: UTF8.self)
        #expect(text.contains("non\u{FFFD}char\u{FFFD}"))
        #expect(!text.contains(">n4</text>"))
        #expect(svg.warnings.isEmpty, "\(svg.warnings)")
    }

    @Test func comparisonTablesUseTheSameRules() throws {
        var table = ReportTable(title: HostileModel.modelName, columns: [.init("model", "Model"), .init("n", "N", .right)])
        table.rows = HostileModel.names.map { [.string($0), .count(1)] }
        table.notes = ["note \u{1B}[1m"]
        let text = try table.render(.text)
        #expect(HostileModel.rawControls(text).isEmpty)
        #expect(text.contains("note \\x1b[1m"))
        let markdown = try table.render(.markdown)
        #expect(!markdown.contains("<script>"))
        #expect(markdown.split(separator: "\n").filter { $0.hasPrefix("| ") }.count == 6)
        let csv = try table.render(.csv)
        #expect(Self.parseCSV(csv).dropFirst().map { $0[0] } == HostileModel.names)
    }

    /// A 1 MB name is shown cut to `Limits.cellCharacters`, saying how much was left out; wrapping stays linear.
    @Test func hugeNameIsShownCut() throws {
        let name = String(repeating: "x", count: 1 << 20)
        let input = try Input(shape: [4], name: name)
        let stats = try ModelStatistics(Model(inputs: [input], outputs: [input]))
        let text = try SummaryReport.text(stats)
        #expect(text.contains("... (1,047,589 more characters)"))  // the cell is the name and " (InputLayer)"
        #expect(text.utf8.count < 20_000)
        let lines = TextTable.wrap(String(repeating: "ab ", count: 100_000) + String(repeating: "y", count: 100_000), width: 37)
        // 8,333 lines of twelve "ab", one of four, 2,702 full pieces of the long word and its last 26 characters.
        #expect(lines.count == 8_333 + 1 + 2_702 + 1)
        #expect(lines.allSatisfy { $0.count <= 37 })
    }

    static func parseCSV(_ text: String) -> [[String]] {
        var records: [[String]] = [], record: [String] = [], field = ""
        var quoted = false, wasQuote = false
        for character in text.unicodeScalars {
            if quoted {
                if character == "\"" { quoted = false; wasQuote = true } else { field.unicodeScalars.append(character) }
                continue
            }
            switch character {
            case "\"":
                if wasQuote { field += "\"" }
                quoted = true
            case ",": record.append(field); field = ""
            case "\n": record.append(field); records.append(record); record = []; field = ""
            default: field.unicodeScalars.append(character)
            }
            wasQuote = false
        }
        return records
    }
}
