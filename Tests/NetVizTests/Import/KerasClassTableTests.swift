import Foundation
import Testing

@testable import NetViz

/// Docs/keras-import.md's table of every `keras.layers` class (Tools/keras-class-table.py) says what netviz reads;
/// this holds it to the import table, both ways.
@Suite struct KerasClassTableTests {
    static func rows() throws -> [(name: String, read: String)] {
        let repository = Fixtures.root.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let doc = try String(contentsOf: repository.appendingPathComponent("Docs/keras-import.md"), encoding: .utf8)
        guard let start = doc.range(of: "<!-- class-table -->"), let end = doc.range(of: "<!-- /class-table -->") else { return [] }
        return doc[start.upperBound..<end.lowerBound].split(separator: "\n").compactMap { line in
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 5, !cells[1].isEmpty, cells[1] != "Class", !cells[1].hasPrefix("---") else { return nil }
            return (cells[1], cells[2])
        }
    }

    @Test func everyListedClassIsReadAsTheTableSays() throws {
        let rows = try Self.rows()
        #expect(rows.count == 164)
        for row in rows {
            if row.read.hasPrefix("yes") {
                // Lambda is read without its code (KerasCustomLayers.swift); InputLayer by the graph reader itself.
                let read = KerasGraphReader.builders[row.name] != nil || ["InputLayer", "Lambda"].contains(row.name)
                #expect(read, "\(row.name) is listed as read")
            } else if row.read.hasPrefix("no") {
                #expect(KerasGraphReader.frameworkWrappers[row.name] != nil, "\(row.name)")
            } else {
                #expect(row.read == "n/a" && ["Layer", "InputSpec", "Wrapper"].contains(row.name), "\(row.name)")
            }
        }
        #expect(rows.filter { $0.read.hasPrefix("no") }.map(\.name).sorted() == ["FlaxLayer", "JaxLayer", "TFSMLayer", "TorchModuleWrapper"])
    }

    /// Every class netviz reads is in Keras's list, except the registered classes of keras.applications (LayerScale).
    @Test func everyReadClassIsListed() throws {
        let listed = Set(try Self.rows().map(\.name))
        let extra = Set(KerasGraphReader.builders.keys).subtracting(listed)
        #expect(extra == ["LayerScale"])
    }

    /// An alias reads as its class: a config naming Convolution1D, MaxPool1D and GlobalAvgPool1D is the model
    /// that names Conv1D, MaxPooling1D and GlobalAveragePooling1D.
    @Test func aliasesReadAsTheirClass() throws {
        let text = try String(contentsOf: Fixtures.url("tf/imported_conv1d/model.json"), encoding: .utf8)
        let aliased = text.replacingOccurrences(of: "\"Conv1D\"", with: "\"Convolution1D\"")
            .replacingOccurrences(of: "\"MaxPooling1D\"", with: "\"MaxPool1D\"")
            .replacingOccurrences(of: "\"GlobalAveragePooling1D\"", with: "\"GlobalAvgPool1D\"")
        #expect(aliased != text)
        let original = try ModelStatistics(KerasImporter.importConfig(Array(text.utf8), file: "a.json").model)
        let viaAliases = try ModelStatistics(KerasImporter.importConfig(Array(aliased.utf8), file: "a.json").model)
        #expect(try SummaryReport.text(original) == SummaryReport.text(viaAliases))
    }
}
