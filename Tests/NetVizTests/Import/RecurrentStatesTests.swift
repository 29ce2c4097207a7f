import Foundation
import Testing

@testable import NetViz

/// Issue 11's recurrent pieces: layers with several outputs (states, attention scores), `RNN(cell)`, ConvLSTM, Masking
/// and masks. Their TensorFlow numbers are in TFFixtureTests (`imported_states`, `imported_rnn_cells`,
/// `imported_conv_lstm`, `imported_masking`); here: counts by hand, reports, mask propagation and errors.
@Suite struct RecurrentStatesTests {
    /// An LSTM with return_state: three outputs, one row, readers connected to the output they read.
    @Test func lstmStatesAreOutputsOfOneRow() throws {
        let x = try Input(shape: [5, 3], name: "input")
        let seq = try LSTM(RecurrentSettings(units: 4, returnSequences: true, returnState: true), name: "lstm")(x)
        #expect(seq.outputCount == 3)
        let c = try seq.output(2)
        #expect(c.spec == TensorSpec([4]))
        #expect(throws: NetVizError.self) { try seq.output(3) }
        let dense = try Dense(units: 2, name: "from_c")(c)
        let model = try Model(inputs: [x], outputs: [dense, try seq.output(1)], name: "m")
        let stats = try ModelStatistics(model)
        let lstm = try #require(model.node(named: "lstm"))
        #expect(lstm.outputs == [TensorSpec([5, 4]), TensorSpec([4]), TensorSpec([4])])
        #expect(lstm.outputDescription == "[(None, 5, 4), (None, 4), (None, 4)]")
        #expect(model.outputSpecs == [TensorSpec([2]), TensorSpec([4])])
        // 4 gates x (3 + 4) x 4 x 5 steps; params 3x16 + 4x16 + 16.
        #expect(stats.layers[lstm.index].macs == 560)
        #expect(stats.layers[lstm.index].params == 128)
        let text = try SummaryReport.text(stats, options: { var o = SummaryOptions(); o.lineLength = 200; return o }())
        #expect(text.contains("│ lstm (LSTM)"))
        #expect(text.contains("[(None, 5, 4), (None, 4), (None, 4)]"))
        #expect(text.contains("lstm[0][2]"))
        let json = SummaryReport.jsonText(stats)
        #expect(json.contains("\"output_shape\": [\n        [null, 5, 4],\n        [null, 4],\n        [null, 4]\n      ]"))
        #expect(SummaryReport.json(stats).rendered() + "\n" == json)
        #expect(Plot.dot(stats).contains("Output shape: <b>[(None, 5, 4), (None, 4), (None, 4)]</b>"))

        // verify runs it: every output's shape checked, the Dense reading c.
        let inputs = [SeededInit.input(name: "input", spec: model.inputSpecs[0])]
        let report = try Verifier.verify(model, weights: SeededInit.weights(for: model), inputs: inputs, keepAll: true)
        #expect(report.passed, "\(report.finalLine)")
        let states = try #require(report.allExtra[lstm.index])
        #expect(states.map(\.shape) == [[1, 4], [1, 4]])
        // The last step of the sequence is h.
        let sequence = try #require(report.all[lstm.index])
        #expect(Array(sequence.data[16..<20]) == Array(states[0].data[0..<4]))
        #expect(report.outputs[1].data == states[0].data)
    }

    /// RNN(cells) counts as the equivalent layers; stacked cells' weights are named by cell.
    @Test func rnnCellsCountAsTheirLayers() throws {
        let x = try Input(shape: [5, 3])
        let stacked = RNN(
            cells: [SimpleRNN(RecurrentSettings(units: 3)), LSTM(RecurrentSettings(units: 2))], cellNames: ["cell_a", "cell_b"],
            returnSequences: true, returnState: true, goBackwards: true, name: "rnn")
        let y = try stacked(x)
        let model = try Model(inputs: [x], outputs: [y])
        let stats = try ModelStatistics(model)
        let node = try #require(model.node(named: "rnn"))
        #expect(node.outputDescription == "[(None, 5, 2), (None, 3), (None, 2), (None, 2)]")
        // 1 x (3 + 3) x 3 x 5 + 4 x (3 + 2) x 2 x 5 = 90 + 200; params (9 + 9 + 3) + (12 + 8 + 8) x 2... = 21 + 48.
        #expect(stats.layers[node.index].macs == 290)
        #expect(stats.layers[node.index].params == 69)
        #expect(stats.layers[node.index].weights.map(\.name) == [
            "cell_a/kernel", "cell_a/recurrent_kernel", "cell_a/bias", "cell_b/kernel", "cell_b/recurrent_kernel", "cell_b/bias",
        ])
        let single = try ModelStatistics(Model(inputs: [x], outputs: [RNN(cells: [LSTM(RecurrentSettings(units: 4))])(x)]))
        let lstm = try ModelStatistics(Model(inputs: [x], outputs: [LSTM(RecurrentSettings(units: 4))(x)]))
        #expect(single.layers[1].params == lstm.layers[1].params)
        #expect(single.layers[1].macs == lstm.layers[1].macs)
        #expect(single.layers[1].weights.map(\.name) == ["kernel", "recurrent_kernel", "bias"])
    }

    /// ConvLSTM2D by hand: 3 frames of 6 x 5 x 2, 3 filters, kernel 3 x 2 'valid' -> a 4 x 4 map.
    @Test func convLSTMCounts() throws {
        let x = try Input(shape: [3, 6, 5, 2])
        var settings = RecurrentSettings(units: 1)
        settings.returnState = true
        let y = try ConvLSTM2D(filters: 3, kernelSize: [3, 2], settings: settings, name: "c")(x)
        let stats = try ModelStatistics(Model(inputs: [x], outputs: [y]))
        #expect(stats.model.nodes[1].outputDescription == "[(None, 4, 4, 3), (None, 4, 4, 3), (None, 4, 4, 3)]")
        #expect(stats.layers[1].macs == 3 * 16 * 12 * 6 * 5)  // 17,280
        #expect(stats.layers[1].params == 144 + 216 + 12)
        #expect(throws: NetVizError.self) { try ConvLSTM2D(filters: 3, kernelSize: [7, 2])(x) }
        #expect(throws: NetVizError.self) { try ConvLSTM1D(filters: 3, kernelSize: [3])(x) }
    }

    static func masking() throws -> (json: [UInt8], loaded: TFModels.Loaded) {
        let json = try [UInt8](Data(contentsOf: Fixtures.url("tf/imported_masking/model.json")))
        return (json, try TFModels.load("imported_masking"))
    }

    /// Keras 2 saves no mask: the same model without Keras 3's `mask=` arguments gets its masks from MaskFlow
    /// (Masking and Embedding(mask_zero=True) through Dense to the recurrent layers), with TensorFlow's numbers.
    @Test func implicitMasksGiveTensorFlowsNumbers() throws {
        let (json, loaded) = try Self.masking()
        let text = String(decoding: json, as: UTF8.self)
        // Drop every `"mask": {...keras tensor...}` keyword argument.
        let stripped = text.replacingOccurrences(
            of: #""mask": \{"class_name": "__keras_tensor__", "config": \{[^{}]*\}\}"#, with: #""mask": null"#,
            options: .regularExpression)
        #expect(stripped != text)
        let model = try KerasImporter.importConfig(Array(stripped.utf8), file: "m.json").model
        // The mask's keras.ops nodes feed nothing now: the model is Keras 2's shape.
        #expect(model.node(named: "any") == nil)
        #expect(try #require(model.node(named: "lstm")).inbound.count == 1)
        let inputs = try model.inputIndices.map { index in
            try #require(loaded.inputs[safe: loaded.model.inputIndices.firstIndex { loaded.model.nodes[$0].name == model.nodes[index].name }])
        }
        let report = try Verifier.verify(model, weights: loaded.weights, inputs: inputs, keepAll: true)
        #expect(report.passed, "\(report.finalLine)")
        for (key, expected) in loaded.expected {
            let (_, actual) = try TFModels.recorded(key, in: model, report.all, report.allExtra)
            let error = try #require(actual.maxAbsDifference(expected), "\(key)")
            #expect(error <= 1e-5, "\(key): \(error)")
        }
        // Without masks the numbers differ: the masks matter in this fixture.
        let unmasked = try KerasImporter.importConfig(
            Array(stripped.replacingOccurrences(of: "\"mask_zero\": true", with: "\"mask_zero\": false")
                .replacingOccurrences(of: "\"class_name\": \"Masking\"", with: "\"class_name\": \"Identity\"").utf8),
            file: "m.json").model
        let plain = try Verifier.verify(unmasked, weights: loaded.weights, inputs: inputs, keepAll: true)
        let lstm = try #require(unmasked.node(named: "lstm"))
        let expected = try #require(loaded.expected["lstm"])
        #expect(try #require(plain.all[lstm.index]?.maxAbsDifference(expected)) > 1e-3)
    }

    /// A mask reaching a layer whose masked behaviour netviz does not model stops verify with one line.
    @Test func unmodelledMaskConsumersAreRefused() throws {
        let x = try Input(shape: [5, 3], name: "input")
        let m = try Masking(name: "masking")(x)
        let d = try Dense(units: 4, name: "dense")(m)
        let pooled = try GlobalAveragePooling1D(name: "gap")(d)
        let model = try Model(inputs: [x], outputs: [pooled])
        let inputs = [SeededInit.input(name: "input", spec: model.inputSpecs[0])]
        let error = #expect(throws: NetVizError.self) {
            try Verifier.verify(model, weights: SeededInit.weights(for: model), inputs: inputs)
        }
        #expect(error?.description == "layer 'gap' (GlobalAveragePooling1D): a Keras mask (from Masking or Embedding(mask_zero=True)) reaches it, and netviz's executor does not model what GlobalAveragePooling1D does with a mask; verify cannot run this model")
        // A layer without mask support drops it: Conv1D then pooling runs.
        let c = try Conv1D(filters: 2, kernelSize: 1, name: "conv")(m)
        let ok = try Model(inputs: [x], outputs: [GlobalAveragePooling1D(name: "gap2")(c)])
        #expect(try Verifier.verify(ok, weights: SeededInit.weights(for: ok), inputs: inputs).passed)
        // The summary does not depend on masks.
        #expect(try ModelStatistics(model).totalParams == 16)
    }

    /// Masking's own output: steps whose features all equal mask_value become zeros.
    @Test func maskingKernel() throws {
        let layer = Masking(maskValue: 2)
        var context = KernelContext(
            layerName: "m", inputs: [Tensor(unchecked: [1, 3, 2], data: [2, 2, 1, 2, 0, 0])], weights: [:], mode: .reference)
        #expect(try layer.execute(&context).data == [0, 0, 1, 2, 0, 0])
        #expect(layer.mask(of: Tensor(unchecked: [1, 3, 2], data: [2, 2, 1, 2, 0, 0])) == [false, true, true])
        #expect(context.macs == 0)
    }

    static func config(_ layers: String, outputs: String) -> [UInt8] {
        Array("""
            {"class_name": "Functional", "config": {"name": "m", "layers": [
            {"class_name": "InputLayer", "name": "x", "config": {"batch_shape": [null, 5, 3], "name": "x"}, "inbound_nodes": []},
            \(layers)], "input_layers": [["x", 0, 0]], "output_layers": \(outputs)}}
            """.utf8)
    }

    static func call(_ name: String, tensor: Int = 0, kwargs: String = "{}") -> String {
        #"[{"args": [{"class_name": "__keras_tensor__", "config": {"keras_history": ["\#(name)", 0, \#(tensor)]}}], "kwargs": \#(kwargs)}]"#
    }

    /// Keras 2's list form names a later output by its tensor index too; output_layers may name one.
    @Test func keras2ListFormReadsLaterOutputs() throws {
        let config = Array("""
            {"class_name": "Model", "config": {"name": "m", "layers": [
            {"class_name": "InputLayer", "name": "x", "config": {"batch_input_shape": [null, 5, 3], "name": "x"}, "inbound_nodes": []},
            {"class_name": "LSTM", "name": "lstm", "config": {"name": "lstm", "units": 4, "return_state": true}, "inbound_nodes": [[["x", 0, 0, {}]]]},
            {"class_name": "Dense", "name": "d", "config": {"name": "d", "units": 2}, "inbound_nodes": [[["lstm", 0, 2, {}]]]}],
            "input_layers": [["x", 0, 0]], "output_layers": [["d", 0, 0], ["lstm", 0, 1]]}, "keras_version": "2.15.0"}
            """.utf8)
        let model = try KerasImporter.importConfig(config, file: "m.json").model
        let dense = try #require(model.node(named: "d"))
        #expect(dense.inboundPorts == [2])
        #expect(model.outputPorts == [0, 1])
        #expect(model.outputSpecs == [TensorSpec([2]), TensorSpec([4])])
        let stats = try ModelStatistics(model)
        #expect(SummaryReport.csv(stats).contains("lstm,LSTM,\"[(None, 4), (None, 4), (None, 4)]\",128,128,0,560,48,x"))
        let report = try Verifier.verify(
            model, weights: SeededInit.weights(for: model), inputs: [SeededInit.input(name: "x", spec: model.inputSpecs[0])])
        #expect(report.passed, "\(report.finalLine)")
        #expect(report.outputs.map(\.shape) == [[1, 2], [1, 4]])
        #expect(report.text().contains("lstm (LSTM)     [(1, 4), (1, 4), (1, 4)]  ok"))
    }

    @Test func importErrorsAreOneLine() throws {
        func error(_ layers: String, outputs: String = #"[["r", 0, 0]]"#) -> String {
            do {
                _ = try KerasImporter.importConfig(Self.config(layers, outputs: outputs), file: "m.json")
                return "no error"
            } catch { return "\(error)" }
        }
        let lstm = #"{"class_name": "LSTM", "name": "r", "config": {"name": "r", "units": 2, "return_state": true}, "inbound_nodes": "#
        #expect(error(lstm + Self.call("x") + "}", outputs: #"[["r", 0, 3]]"#)
            == "m.json: model: output_layers names output 3 of 'r', which has 3 output(s)")
        #expect(error(lstm + Self.call("x") + "}," + #"{"class_name": "Dense", "name": "d", "config": {"name": "d", "units": 2}, "inbound_nodes": "# + Self.call("r", tensor: 5) + "}", outputs: #"[["d", 0, 0]]"#)
            == "m.json: layer 'd' (Dense): reads output 5 of 'r', which has 3 output(s)")
        #expect(error(#"{"class_name": "LSTMCell", "name": "r", "config": {"name": "r", "units": 2}, "inbound_nodes": "# + Self.call("x") + "}")
            == "m.json: layer 'r' (LSTMCell): a bare LSTMCell is not a layer netviz reads; wrap it in keras.layers.RNN")
        #expect(error(lstm + Self.call("x", kwargs: #"{"initial_state": [{"class_name": "__keras_tensor__", "config": {"keras_history": ["x", 0, 0]}}]}"#) + "}")
            == "m.json: layer 'r' (LSTM): is called with initial_state=...; netviz reads calls on the input sequence alone")
        #expect(error(#"{"class_name": "RNN", "name": "r", "config": {"name": "r", "cell": {"class_name": "MinimalRNNCell", "config": {"units": 2}}}, "inbound_nodes": "# + Self.call("x") + "}")
            == "m.json: layer 'r' (RNN): its cell is a MinimalRNNCell; netviz reads SimpleRNNCell, GRUCell, LSTMCell and StackedRNNCells of them")
        #expect(error(#"{"class_name": "ConvLSTM1D", "name": "r", "config": {"name": "r", "filters": 2, "kernel_size": 1, "data_format": "channels_first"}, "inbound_nodes": "# + Self.call("x") + "}")
            == "m.json: layer 'r' (ConvLSTM1D): data_format 'channels_first': netviz reads ConvLSTM layers channels_last")
        #expect(error(#"{"class_name": "LSTM", "name": "r", "config": {"name": "r", "units": 2, "stateful": true}, "inbound_nodes": "# + Self.call("x") + "}")
            == "m.json: layer 'r' (LSTM): stateful=True is not read")
    }
}

extension Array {
    subscript(safe index: Int?) -> Element? {
        guard let index, indices.contains(index) else { return nil }
        return self[index]
    }
}
