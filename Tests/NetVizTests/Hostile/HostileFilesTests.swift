import Foundation
import Testing

@testable import NetViz

/// Hostile model and tensor files: each case of issue 15 that a reader must refuse or read right.
@Suite struct HostileFilesTests {
    typealias K = KerasConfigText

    @Test func loneSurrogateEatsNothing() throws {
        let parsed = try JSONParser.parse(Array(#"["co\ud800\u0041nv", "\udc00x", "\ud83d\ude00", "\ud800"]"#.utf8))
        #expect(parsed == .array([.string("co\u{FFFD}Anv"), .string("\u{FFFD}x"), .string("😀"), .string("\u{FFFD}")]))
    }

    @Test func hugeKerasHistoryIndexIsAnError() throws {
        for index in ["1e20", "100000000000000000000", "\"0\""] {
            let text = K.functional(
                [K.input("in"), K.layer("ReLU", "r", [K.tensor("in", node: index)])], inputs: ["in"], outputs: ["r"])
            #expect(throws: NetVizError.file(
                path: "h.json",
                message: "layer 'r' (ReLU): its reference to 'in' has a keras_history whose indices are not integers")) {
                try KerasImporter.importConfig(Array(text.utf8), file: "h.json")
            }
        }
        let seven = K.functional(
            [K.input("in"), K.layer("ReLU", "r", [K.tensor("in", node: "7")])], inputs: ["in"], outputs: ["r"])
        #expect(throws: NetVizError.self) { try KerasImporter.importConfig(Array(seven.utf8), file: "h.json") }
    }

    /// 99,990 unknown classes: one short line listing the first few, then how many more.
    @Test func manyUnknownClassesGiveOneShortError() throws {
        // Compact entries, so 99,990 of them stay under the 16 MB config limit.
        var layers = [K.input("in")]
        for i in 0..<99_990 {
            layers.append(#"{"class_name":"C\#(i)","name":"l\#(i)","inbound_nodes":[{"args":[\#(K.tensor("in"))]}]}"#)
        }
        let text = K.functional(layers, inputs: ["in"], outputs: ["l0"])
        do {
            _ = try KerasImporter.importConfig(Array(text.utf8), file: "u.json")
            Issue.record("imported")
        } catch let error as NetVizError {
            let message = error.description
            #expect(message.hasPrefix("u.json: model: unknown Keras classes C0 (used by 'l0'); C1 (used by 'l1'); "))
            #expect(message.contains("C9 (used by 'l9'); and 99,980 more; netviz reads a custom layer from a .keras archive, whose weights give its params; --allow-unknown imports them"))
            #expect(message.utf8.count < 400)
        }
    }

    @Test func unknownLayersListedUpToTheLimit() throws {
        var layers = [K.input("in")]
        for i in 0..<25 { layers.append(K.layer("Mystery", "m\(i)", [K.tensor("in")])) }
        let text = K.functional(layers, inputs: ["in"], outputs: (0..<25).map { "m\($0)" })
        var options = ImportOptions()
        options.allowUnknown = true
        let imported = try KerasImporter.importConfig(Array(text.utf8), file: "u.json", options: options)
        let warnings = try ModelStatistics(imported.model).warnings
        #expect(warnings.count == 1)
        #expect(warnings[0].contains("('m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9', and 15 more)"))
    }

    /// 10,000 InputLayers merged one by one by `Add([new, acc])`: merging the smaller name scope into the larger
    /// keeps the work near n log n (it was n^2 / 2 names copied: 16 s and 3 GB).
    @Test(arguments: [true, false])
    func mergedInputsAreNamedWithoutQuadraticWork(newFirst: Bool) throws {
        let count = 10_000
        var inputs = [try Input(shape: [2])]
        var acc = inputs[0]
        for _ in 1..<count {
            let new = try Input(shape: [2])
            inputs.append(new)
            acc = try Add()(newFirst ? [new, acc] : [acc, new])
        }
        let copied = acc.producer.scope.root.copied
        #expect(copied <= count * 14, "\(copied) names copied")
        let model = try Model(inputs: inputs, outputs: [acc])
        #expect(model.nodes.count == 2 * count - 1)
        #expect(Set(model.nodes.map(\.name)).count == model.nodes.count)
        #expect(model.nodes.filter { $0.name.hasPrefix("input_layer") }.count == count)
        #expect(model.nodes.last?.name == "add_\(count - 2)")
    }

    /// numpy's header is a Python dict literal: a repeated key keeps its last value, as `ast.literal_eval` does.
    @Test func npyRepeatedKeyReadsTheLast() throws {
        func npy(_ header: String) -> Data {
            var text = Array(header.utf8)
            while (10 + text.count + 1) % 64 != 0 { text.append(0x20) }
            text.append(0x0A)
            var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(text.count & 0xFF), UInt8(text.count >> 8)]
            bytes += text
            LittleEndian.append([1, 2], to: &bytes)
            return Data(bytes)
        }
        let fortranLast = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'fortran_order': True, }")
        #expect(throws: NetVizError.file(
            path: "x.npy", message: "Fortran-order .npy arrays are not supported; save with C order")) {
            try NumPyFile.decode(fortranLast, path: "x.npy")
        }
        let cLast = npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2,), 'fortran_order': False, }")
        #expect(try NumPyFile.decode(cLast, path: "x.npy").data == [1, 2])
    }

    /// Batch 1000 into a model with 2^26-element activations is 2^36 elements: refused before allocating.
    @Test func verifySizeGuardCountsTheBatch() throws {
        let input = try Input(shape: [1 << 13, 1 << 13])
        let stats = try ModelStatistics(Model(inputs: [input], outputs: [try ReLU()(input)]))
        try Verifier.checkSize(stats, batch: 1)
        #expect(throws: NetVizError.graph(
            "too large for verify: 'functional' has 0 params and activations of up to batch 1000 x 67108864 elements; verify runs models up to 1073741824 of each")) {
            try Verifier.checkSize(stats, batch: 1000)
        }
        #expect(throws: NetVizError.self) { try Verifier.checkSize(stats, batch: Int.max) }
    }
}

@Suite struct AllowUnknownTests {
    typealias K = KerasConfigText

    /// A keras.ops node feeding an unknown layer through a keyword argument: its row is in the table (it was only
    /// in the warnings), and the unknown layer reads it as a second input.
    @Test func unknownOpsNodesKeepTheirRows() throws {
        let text = K.functional(
            [
                K.input("in"), K.layer("Frob", "frob", [K.tensor("in")], module: "keras.src.ops.numpy"),
                #"{"module": "keras.layers", "class_name": "Mystery", "config": {"name": "mys"}, "name": "mys", "inbound_nodes": [{"args": [\#(K.tensor("in"))], "kwargs": {"mask": \#(K.tensor("frob"))}}]}"#,
            ], inputs: ["in"], outputs: ["mys"])
        var options = ImportOptions()
        options.allowUnknown = true
        let imported = try KerasImporter.importConfig(Array(text.utf8), file: "kw.json", options: options)
        #expect(imported.model.nodes.map(\.name) == ["in", "frob", "mys"])
        #expect(imported.model.nodes.map(\.className) == ["InputLayer", "Frob, unknown", "Mystery, unknown"])
        #expect(imported.model.nodes[2].inbound == [0, 1])
        let stats = try ModelStatistics(imported.model)
        let rows = SummaryTable.rows(try SummaryReport.text(stats))
        #expect(rows.map { $0[0] } == ["in (InputLayer)", "frob (Frob, unknown)", "mys (Mystery, unknown)"])
        #expect(stats.warnings.count == 2)
    }
}

@Suite struct NamingShortcutTests {
    /// A single-scope graph keeps its build-time names, which are exactly what `Model.uniqueNames` gives.
    @Test(arguments: ["mobilenet", "mobilenet-article", "conv-mobilenet"])
    func buildTimeNamesEqualSettledNames(model: String) throws {
        let built = try Zoo.build(model)
        #expect(try Model.uniqueNames(built.nodes.map(\.layer)) == built.nodes.map(\.name))
    }

    /// A dead branch took a number while building: the model settles its names again (dense, not dense_1).
    @Test func deadBranchFallsBackToSettledNames() throws {
        let input = try Input(shape: [4])
        _ = try Dense(units: 2)(input)  // never reaches the output
        let kept = try Dense(units: 3)(input)
        let model = try Model(inputs: [input], outputs: [kept])
        #expect(kept.layerName == "dense_1")
        #expect(model.nodes.map(\.name) == ["input_layer", "dense"])
    }
}
