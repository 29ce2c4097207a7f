import Foundation
import Testing

@testable import NetViz

/// The issue 11 layers (convolution variants, adaptive pooling, Dot, EinsumDense, attention, normalizations) by hand;
/// their TensorFlow fixtures are in TFFixtureTests (`imported_conv_variants`, ...).
@Suite struct LayerFamilyTests {
    func run(_ layer: some Layer, on shapes: [[Int]]) throws -> (TensorSpec, Int64, Int64, Int64) {
        let inputs = try shapes.map { try Input(shape: $0) }
        let output = try inputs.count == 1 ? layer(inputs[0]) : layer(inputs)
        let stats = try ModelStatistics(Model(inputs: inputs, outputs: [output]))
        let last = try #require(stats.layers.last)
        return (output.spec, last.params, last.trainableParams, last.macs)
    }

    @Test func adaptiveBinsAreKerasTensorFlowBins() {
        // 10 into 4: windows of 3 that overlap; 3 into 5: windows of 1 and 2 that repeat inputs.
        #expect(AdaptiveAveragePooling1D.bins(length: 10, count: 4) == [0..<3, 2..<5, 5..<8, 7..<10])
        #expect(AdaptiveMaxPooling1D.bins(length: 3, count: 5) == [0..<1, 0..<2, 1..<2, 1..<3, 2..<3])
        #expect(AdaptiveMaxPooling2D.bins(length: 8, count: 4) == [0..<2, 2..<4, 4..<6, 6..<8])
    }

    @Test func adaptivePoolingShapes() throws {
        let (out, params, _, macs) = try run(AdaptiveAveragePooling2D(outputSize: [3, 4], dataFormat: .channelsFirst), on: [[5, 7, 9]])
        #expect(out == TensorSpec([5, 3, 4]))
        #expect(params == 0 && macs == 0)
        #expect(throws: NetVizError.self) { try run(AdaptiveMaxPooling3D(outputSize: [2, 2]), on: [[4, 4, 4, 1]]) }
        #expect(throws: NetVizError.self) { try run(AdaptiveMaxPooling1D(outputSize: [0]), on: [[4, 1]]) }
    }

    @Test func einsumDenseByHand() throws {
        // Dense's equation: kernel [6, 7] + bias [7]; 4 x 6 x 7 MACs.
        let (out, params, _, macs) = try run(EinsumDense(equation: "abc,cd->abd", outputShape: [nil, 7], biasAxes: "d"), on: [[4, 6]])
        #expect(out == TensorSpec([4, 7]))
        #expect(params == 6 * 7 + 7)
        #expect(macs == 4 * 6 * 7)
        // Heads: kernel [6, 3, 2], bias from the first bias letter on: [3, 2].
        let (heads, headParams, _, headMACs) = try run(EinsumDense(equation: "abc,cde->abde", outputShape: [4, 3, 2], biasAxes: "de"), on: [[4, 6]])
        #expect(heads == TensorSpec([4, 3, 2]))
        #expect(headParams == 36 + 6)
        #expect(headMACs == 4 * 6 * 3 * 2)
        // Only the last bias letter: the bias still spans from it to the end ([1, 2] from "e" of "abde": [2]).
        let (_, lastParams, _, _) = try run(EinsumDense(equation: "abc,cde->abde", outputShape: [4, 3, 2], biasAxes: "e"), on: [[4, 6]])
        #expect(lastParams == 36 + 2)
    }

    /// A config's equation is hostile: every bad one is a LayerProblem, never a trap.
    @Test func hostileEinsumEquations() throws {
        let bad: [(String, [Int?])] = [
            (String(repeating: "a", count: 65) + ",b->a", [2]), ("", [2]), ("ab,bc", [2]), ("ab,bc->ac->d", [2]),
            ("a1,bc->ac", [2]), ("aab,bc->ac", [2]), ("ab,bc,cd->ad", [2]), ("ab,ac->ab", [2]), ("ab,bz->az", [nil]),
            ("ab,bc->ac", [2, 3]), ("ab,ac->ac", [2]), ("ab,bc->bc", [2]), ("...,b->...", [2]), ("a...,bc->ac...", [2]),
            ("ab,b é->a", [2]), ("ab,bc->ac", [-5]), ("abc,cd->abd", [5, 7]),
        ]
        for (equation, shape) in bad {
            #expect(throws: NetVizError.self, "\(equation)") { try run(EinsumDense(equation: equation, outputShape: shape), on: [[4, 6]]) }
        }
    }

    @Test func dotShapes() throws {
        let (out, params, _, macs) = try run(Dot(axes: [2]), on: [[4, 6], [5, 6]])
        #expect(out == TensorSpec([4, 5]) && params == 0 && macs == 4 * 5 * 6)
        let (vector, _, _, vectorMACs) = try run(Dot(axes: [-1]), on: [[6], [6]])
        #expect(vector == TensorSpec([1]) && vectorMACs == 6)
        #expect(throws: NetVizError.self) { try run(Dot(axes: [0]), on: [[6], [6]]) }
        #expect(throws: NetVizError.self) { try run(Dot(axes: [1]), on: [[6], [5]]) }
    }

    @Test func attentionCounts() throws {
        // Tq 5, Tv 7, d 6: dot scores 5·7·6 and A·V 5·7·6, all activation products.
        let (out, params, _, macs) = try run(Attention(useScale: true), on: [[5, 6], [7, 6]])
        #expect(out == TensorSpec([5, 6]) && params == 1 && macs == 420)
        let (_, additiveParams, _, additiveMACs) = try run(AdditiveAttention(), on: [[5, 6], [7, 4], [7, 6]])
        #expect(additiveParams == 6 && additiveMACs == 5 * 7 * 6 + 5 * 7 * 4)
        #expect(throws: NetVizError.self) { try run(Attention(causal: true), on: [[5, 6], [7, 6]]) }
        let (gqa, gqaParams, _, gqaMACs) = try run(GroupQueryAttention(headDim: 3, numQueryHeads: 4, numKeyValueHeads: 2), on: [[5, 6], [7, 6]])
        #expect(gqa == TensorSpec([5, 6]) && gqaParams == 246 && gqaMACs == 2064)
        #expect(throws: NetVizError.self) { try run(GroupQueryAttention(headDim: 3, numQueryHeads: 3, numKeyValueHeads: 2), on: [[5, 6], [7, 6]]) }
    }

    /// The fixture's JSON with one call changed: each refusal is one line naming the layer and the problem.
    func importError(_ fixture: String, replacing old: String, with new: String) throws -> String {
        let text = try String(contentsOf: Fixtures.url("tf/\(fixture)/model.json"), encoding: .utf8)
        #expect(text.contains(old))
        do {
            _ = try KerasImporter.importConfig(Array(text.replacingOccurrences(of: old, with: new).utf8), file: "m.json")
        } catch {
            return "\(error)"
        }
        Issue.record("\(fixture): no error")
        return ""
    }

    @Test func attentionScoresAndMasksAreRefused() throws {
        let scores = try importError("imported_attention", replacing: #""kwargs": {"use_causal_mask": true}"#, with: #""kwargs": {"return_attention_scores": true}"#)
        #expect(scores.contains("'luong_causal' (Attention)") && scores.contains("return_attention_scores=True"), "\(scores)")
        #expect(!scores.contains("\n"))
        let einsum = try importError("imported_dot_einsum", replacing: #""equation": "abc,cd->abd""#, with: #""equation": "abc,cd->ab\u001b[31md""#)
        #expect(einsum.contains("einsum_dense") && einsum.contains("equation"), "\(einsum)")
    }

    @Test func normalizationCounts() throws {
        // RMSNormalization: a scale of the normalised axes' shape, 0 MACs.
        let (out, params, _, macs) = try run(RMSNormalization(axes: [-2, -1]), on: [[6, 8]])
        #expect(out == TensorSpec([6, 8]) && params == 48 && macs == 0)
        // SpectralNormalization(Dense(5)) on (6, 8): Dense's 45 + vector_u [1, 5] non-trainable; Dense's MACs.
        let (spectral, total, trainable, spectralMACs) = try run(SpectralNormalization(Dense(units: 5), innerName: "d"), on: [[6, 8]])
        #expect(spectral == TensorSpec([6, 5]) && total == 50 && trainable == 45 && spectralMACs == 6 * 8 * 5)
        #expect(throws: NetVizError.self) { try run(SpectralNormalization(Dropout(rate: 0.1), innerName: "d"), on: [[6, 8]]) }
        // ReversibleEmbedding: the untied reverse table counts, as Keras counts it.
        let (_, untied, _, lookupMACs) = try run(ReversibleEmbedding(inputDim: 20, outputDim: 8, tieWeights: false), on: [[5]])
        #expect(untied == 2 * 20 * 8 && lookupMACs == 0)
        let (_, tied, _, _) = try run(ReversibleEmbedding(inputDim: 20, outputDim: 8), on: [[5]])
        #expect(tied == 20 * 8)
    }

    @Test func reverseCallsAreRefused() throws {
        let text = try String(contentsOf: Fixtures.url("tf/imported_normalizations/model.json"), encoding: .utf8)
        // The rev_tied layer's call, given reverse=True.
        guard let range = text.range(of: #""name": "rev_tied""#), let kwargs = text.range(of: #""kwargs": {}"#, range: range.upperBound..<text.endIndex) else {
            Issue.record("no rev_tied call in the fixture")
            return
        }
        let changed = text.replacingCharacters(in: kwargs, with: #""kwargs": {"reverse": true}"#)
        #expect(throws: NetVizError.self) { try KerasImporter.importConfig(Array(changed.utf8), file: "m.json") }
        do { _ = try KerasImporter.importConfig(Array(changed.utf8), file: "m.json") } catch {
            #expect("\(error)".contains("'rev_tied' (ReversibleEmbedding)") && "\(error)".contains("reverse=True"), "\(error)")
        }
    }

    /// Default names are Keras's `to_snake_case` of the class (checked in Keras 3.15.1).
    @Test func defaultNamesAreKeras() {
        let expected: [(any Layer.Type, String)] = [
            (Conv1DTranspose.self, "conv1d_transpose"), (Conv3DTranspose.self, "conv3d_transpose"),
            (DepthwiseConv1D.self, "depthwise_conv1d"), (SeparableConv1D.self, "separable_conv1d"),
            (AdaptiveAveragePooling1D.self, "adaptive_average_pooling1d"), (AdaptiveMaxPooling3D.self, "adaptive_max_pooling3d"),
            (Dot.self, "dot"), (EinsumDense.self, "einsum_dense"), (Attention.self, "attention"),
            (AdditiveAttention.self, "additive_attention"), (GroupQueryAttention.self, "grouped_query_attention"),
            (RMSNormalization.self, "rms_normalization"), (SpectralNormalization.self, "spectral_normalization"),
            (ReversibleEmbedding.self, "reversible_embedding"),
        ]
        for (kind, name) in expected { #expect(kind.defaultNameStem == name, "\(kind.className)") }
    }

    /// 5,000 random equations (random characters, and the three forms with random letters) and output shapes: each builds or is a NetVizError,
    /// never a trap; the ones that build run through the executor with the counted MACs.
    @Test func randomEquationsNeverTrap() throws {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let alphabet = Array("abcdeAB..,->->,.1 ")
        var built = 0
        for _ in 0..<5_000 {
            // Mostly distinct letters (a repeat is an error worth trying too).
            func letters(_ from: String, _ count: Int) -> String {
                var pool = Array(from)
                return String((0..<count).map { _ in next(8) == 0 || pool.isEmpty ? Array(from)[next(from.count)] : pool.remove(at: next(pool.count)) })
            }
            let equation: String
            switch next(4) {
            case 0: equation = String((0..<(1 + next(20))).map { _ in alphabet[next(alphabet.count)] })
            case 1: equation = "abc," + letters("bcde", 1 + next(3)) + "->a" + letters("bcde", 1 + next(3))
            case 2: equation = "..." + ["c", "bc"][next(2)] + "," + letters("bcde", 1 + next(3)) + "->..." + letters("bcde", 1 + next(2))
            default: equation = "ab...," + letters("bde", 1 + next(2)) + "->a" + letters("bde", next(3)) + "..."
            }
            let wanted = max(equation.split(separator: ">").last.map { $0.filter(\.isLetter).count } ?? 1, 1)
            let count = next(3) == 0 ? next(4) : (equation.hasPrefix("...") ? wanted : wanted - 1)
            let shape: [Int?] = (0..<count).map { _ in next(6) == 0 ? (next(2) == 0 ? nil : next(3) - 1) : 1 + next(4) }
            let layer = EinsumDense(equation: equation, outputShape: shape, biasAxes: next(3) == 0 ? "b" : nil)
            let input = try Input(shape: [2, 3])
            guard let output = try? layer(input) else { continue }
            built += 1
            let model = try Model(inputs: [input], outputs: [output])
            let report = try Verifier.verify(model, weights: SeededInit.weights(for: model), inputs: [SeededInit.input(name: "x", spec: input.spec)])
            #expect(report.passed, "\(equation) \(shape): \(report.finalLine)")
        }
        #expect(built > 100, "built \(built)")  // 239 of the 5,000 build
    }

    /// Keras 2 (tf_keras 2.21) puts a call's kwargs on each `[layer, node, tensor, kwargs]` entry: the causal mask is
    /// read from there too (this config is tf_keras's `Attention()([q, q], use_causal_mask=True)`, trimmed).
    @Test func keras2CallKeywordsAreRead() throws {
        let config = Array("""
            {"class_name": "Functional", "config": {"name": "model", "layers": [
            {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 5, 6], "dtype": "float32", "name": "input_1"}, "name": "input_1", "inbound_nodes": []},
            {"class_name": "Attention", "config": {"name": "att", "trainable": true, "dtype": "float32", "use_scale": false, "score_mode": "dot", "dropout": 0.0}, "name": "att",
             "inbound_nodes": [[["input_1", 0, 0, {"use_causal_mask": true}], ["input_1", 0, 0, {"use_causal_mask": true}]]]}],
            "input_layers": [["input_1", 0, 0]], "output_layers": [["att", 0, 0]]}, "keras_version": "2.21.0", "backend": "tensorflow"}
            """.utf8)
        let model = try KerasImporter.importConfig(config, file: "m.json").model
        let attention = try #require(model.node(named: "att")?.layer as? Attention)
        #expect(attention.causal)
    }
}
