import Testing

@testable import NetViz

@Suite struct GraphTests {
    @Test func kerasStyleUniqueNames() throws {
        let input = try Input(shape: [8, 8, 3])
        var x = try Conv2D(filters: 4, kernelSize: 3)(input)
        x = try Conv2D(filters: 4, kernelSize: 3, name: "conv2d_1")(x)  // a given name is taken as is
        x = try Conv2D(filters: 4, kernelSize: 1)(x)  // ... and the next default skips it
        x = try ReLU()(x)
        let model = try Model(inputs: [input], outputs: [x])
        #expect(model.nodes.map(\.name) == ["input_layer", "conv2d", "conv2d_1", "conv2d_2", "re_lu"])
        #expect(model.name == "functional")
        #expect(model.isChain)
    }

    @Test func duplicateNamesAreErrors() throws {
        let input = try Input(shape: [8])
        let x = try Dense(units: 4, name: "head")(input)
        let error = #expect(throws: NetVizError.self) { try Dense(units: 4, name: "head")(x) }
        #expect(error?.description.contains("'head' is used twice") == true)
    }

    @Test func branchingGraphKeepsInboundOrderAndIsNotAChain() throws {
        let input = try Input(shape: [8, 8, 3])
        let a = try Conv2D(filters: 4, kernelSize: 1, name: "a")(input)
        let b = try Conv2D(filters: 4, kernelSize: 3, padding: .same, name: "b")(input)
        let sum = try Add(name: "sum")([b, a])
        let model = try Model(inputs: [input], outputs: [sum])
        #expect(!model.isChain)
        let node = try #require(model.node(named: "sum"))
        #expect(node.inbound.map { model.nodes[$0].name } == ["b", "a"])
        // Keras adds "Connected to" for branching graphs.
        let text = try SummaryReport.text(ModelStatistics(model))
        #expect(text.contains("Connected to"))
        #expect(text.contains("b[0][0], a[0][0]"))
    }

    @Test func modelOnlyHoldsLayersBetweenInputsAndOutputs() throws {
        let input = try Input(shape: [4])
        let used = try Dense(units: 2)(input)
        _ = try Dense(units: 3)(input)  // a dead branch is not part of the model, as in Keras
        let model = try Model(inputs: [input], outputs: [used])
        #expect(model.nodes.count == 2)
    }

    @Test func disconnectedInputsAreErrors() throws {
        let a = try Input(shape: [4])
        let b = try Input(shape: [4])
        let sum = try Add()([a, b])
        let error = #expect(throws: NetVizError.self) { try Model(inputs: [a], outputs: [sum]) }
        #expect(error?.description.contains("not among the model's inputs") == true)
        let model = try Model(inputs: [a, b], outputs: [sum])
        #expect(model.nodes.map(\.name) == ["input_layer", "input_layer_1", "add"])
    }

    /// A long chain must build, count and be released without recursion (no stack overflow).
    @Test func longChainBuildsAndReleases() throws {
        let stats: ModelStatistics
        do {
            let input = try Input(shape: [16])
            var x = input
            for _ in 0..<200_000 { x = try ReLU()(x) }
            stats = try ModelStatistics(Model(inputs: [input], outputs: [x]))
        }
        #expect(stats.model.nodes.count == 200_001)
        #expect(stats.model.nodes.last?.name == "re_lu_199999")
    }
}
