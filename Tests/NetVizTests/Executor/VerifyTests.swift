import Foundation
import Testing

@testable import NetViz

/// A Dense whose MAC rule over-counts by one: verify must catch it and name the layer.
struct LyingMACsDense: Layer {
    static let className = "LyingMACsDense"
    static let arity = Arity.one
    var inner: Dense
    var name: String?
    var activation: ActivationFunction? { nil }
    func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec { try inner.outputSpec(for: inputs) }
    func weights(for inputs: [TensorSpec]) -> [WeightSpec] { inner.weights(for: inputs) }
    func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { try inner.macs(for: inputs, output: output) + 1 }
}

/// A Flatten whose shape rule claims one element too many.
struct LyingShapeFlatten: Layer {
    static let className = "LyingShapeFlatten"
    static let arity = Arity.one
    var name: String?
    var activation: ActivationFunction? { nil }
    func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec { TensorSpec([Int(try inputs[0].elementCount()) + 1]) }
    func weights(for inputs: [TensorSpec]) -> [WeightSpec] { [] }
    func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { 0 }
}

/// A Dense that says it has a second bias it never uses: params the weights do not hold.
struct LyingParamsDense: Layer {
    static let className = "LyingParamsDense"
    static let arity = Arity.one
    var inner: Dense
    var name: String?
    var activation: ActivationFunction? { nil }
    func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec { try inner.outputSpec(for: inputs) }
    func weights(for inputs: [TensorSpec]) -> [WeightSpec] { inner.weights(for: inputs) + [WeightSpec("extra", [3])] }
    func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { try inner.macs(for: inputs, output: output) }
}

// The lying layers run the real layer's kernel, so only their rules lie.
extension LyingMACsDense: Executable {
    func execute(_ context: inout KernelContext) throws -> Tensor { try inner.execute(&context) }
}
extension LyingParamsDense: Executable {
    func execute(_ context: inout KernelContext) throws -> Tensor { try inner.execute(&context) }
}
extension LyingShapeFlatten: Executable {
    func execute(_ context: inout KernelContext) throws -> Tensor { try Flatten().execute(&context) }
}

@Suite struct VerifyTests {
    static func verify(_ middle: any Layer) throws -> VerificationReport {
        let x = try Input(shape: [4, 4, 3], name: "input")
        var y = try Conv2D(filters: 4, kernelSize: 3, padding: .same, name: "conv")(x)
        y = try middle(y)
        y = try Dense(units: 2, name: "head")(y)
        let model = try Model(inputs: [x], outputs: [y])
        return try Verifier.verify(
            model, weights: SeededInit.weights(for: model), inputs: [SeededInit.input(name: "input", spec: model.inputSpecs[0])],
            executor: Executor())
    }

    @Test func honestModelPasses() throws {
        let report = try Self.verify(Dense(units: 5, name: "middle"))
        #expect(report.passed)
        #expect(report.finalLine == "verify: 4 layers, all checks passed")
        // conv: 4x4x4 outputs x 27 taps; middle: 16 positions x 4 x 5; head: 16 x 5 x 2.
        #expect(report.checks.map(\.countedMACs) == [0, 1728, 320, 160])
    }

    @Test func wrongMACRuleFailsNamingTheLayer() throws {
        let report = try Self.verify(LyingMACsDense(inner: Dense(units: 5), name: "liar"))
        #expect(!report.passed)
        #expect(report.failures.map(\.name) == ["liar"])
        #expect(report.finalLine == "verify: 1 of 4 layers FAILED: 'liar' (LyingMACsDense): kernel counted 320 MACs, the rule predicts 321")
        #expect(report.text().contains("liar (LyingMACsDense)"))
    }

    @Test func wrongShapeRuleFailsNamingTheLayer() throws {
        let report = try Self.verify(LyingShapeFlatten(name: "liar"))
        #expect(!report.passed)
        #expect(report.failures.first?.name == "liar")
        #expect(report.finalLine.hasPrefix("verify: 1 of"))
        #expect(report.finalLine.contains("'liar' (LyingShapeFlatten): output shape (1, 64) but inferred (1, 65)"))
    }

    @Test func wrongParamsFailNamingTheLayer() throws {
        let report = try Self.verify(LyingParamsDense(inner: Dense(units: 5), name: "liar"))
        #expect(report.failures.map(\.name) == ["liar"])
        #expect(report.finalLine.contains("weights hold 25 params, the summary counts 28"))
    }

    @Test(arguments: [
        ("mobilenet", 0.25, 128), ("mobilenet", 1.0, 96), ("conv-mobilenet", 0.5, 64),
    ])
    func zooModelsPass(name: String, alpha: Double, resolution: Int) throws {
        var options = ZooOptions()
        options.alpha = alpha
        options.resolution = resolution
        let model = try Zoo.build(name, options)
        let report = try Verifier.verify(
            model, weights: SeededInit.weights(for: model, seed: 7), inputs: [SeededInit.input(name: "input_layer", spec: model.inputSpecs[0], seed: 7)])
        #expect(report.passed, "\(report.finalLine)")
        #expect(report.checks.reduce(0) { $0 + $1.countedMACs } == (try ModelStatistics(model)).totalMACs)
        // Softmax output: a probability vector.
        #expect(abs((report.outputs.first?.data.reduce(0, +) ?? 0) - 1) < 1e-4)
    }

    @Test func seededInitIsDeterministicAndDocumented() throws {
        // The first values of one stream (the NumPy twin in Tools/make-fixtures.py gives the same).
        let u = SeededInit.uniforms(key: "conv1/kernel", seed: 0, count: 3)
        #expect(u == SeededInit.uniforms(key: "conv1/kernel", seed: 0, count: 3))
        #expect(u != SeededInit.uniforms(key: "conv1/kernel", seed: 1, count: 3))
        #expect(u.allSatisfy { $0 >= 0 && $0 < 1 })
        let variance = SeededInit.weight(layer: "bn", WeightSpec("moving_variance", [1000], trainable: false))
        #expect(variance.data.allSatisfy { $0 >= 0.5 && $0 < 1.5 })
        let kernel = SeededInit.weight(layer: "conv", WeightSpec("kernel", [3, 3, 32, 64]))
        let limit = Float((6.0 / Double(9 * 32 + 9 * 64)).squareRoot())
        #expect(kernel.data.allSatisfy { abs($0) <= limit })
        #expect(kernel.maxAbs > 0.9 * limit)
    }
}

/// `netviz verify` as users run it.
@Suite struct VerifyCLITests {
    @Test func mobilenetSmall() throws {
        let result = try CLI.run(["verify", "mobilenet", "--alpha", "0.25", "--resolution", "128", "--seed", "7"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("Layer (type)") == true)
        #expect(lines.contains { $0.hasPrefix("conv_pw_1 (Conv2D)") && $0.contains("(1, 64, 64, 16)") && $0.contains("524,288") })
        #expect(lines.contains("Total MACs: counted 13,570,048, predicted 13,570,048"))
        #expect(lines.last == "verify: 91 layers, all checks passed")
    }

    @Test func convMobileNetAndArticleShapes() throws {
        let conv = try CLI.run(["verify", "conv-mobilenet", "--resolution", "64", "--alpha", "0.25"])
        #expect(conv.status == 0, "\(conv.stderr)")
        #expect(conv.stdout.hasSuffix("layers, all checks passed\n"))
    }

    static func temporary(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("netviz-\(UUID().uuidString)-\(name)").path
    }

    /// Bad input: one clear line, a non-zero exit, no crash.
    @Test func badInputs() throws {
        let fixture = Fixtures.url("tf/mobilenet_025_32")
        let weights = fixture.appendingPathComponent("weights.safetensors").path
        let truncated = Self.temporary("truncated.safetensors")
        let data = try Data(contentsOf: URL(fileURLWithPath: weights))
        try data.prefix(data.count - 100).write(to: URL(fileURLWithPath: truncated))
        defer { try? FileManager.default.removeItem(atPath: truncated) }
        let other = Fixtures.url("tf/two_block_mobilenet/weights.safetensors").path
        let cases: [([String], String)] = [
            (["verify", "mobilenet", "--alpha", "0.25", "--resolution", "32", "--weights", other],
             "missing tensor 'conv_dw_3/kernel' for layer 'conv_dw_3' (DepthwiseConv2D) (it holds 27 tensors, e.g. 'conv1/kernel'; is it for another model?)"),
            (["verify", "mobilenet", "--alpha", "0.25", "--resolution", "32", "--weights", truncated], "truncated safetensors"),
            (["verify", "mobilenet", "--weights", weights], "tensor 'conv1/kernel' has shape (3, 3, 3, 8), layer 'conv1' (Conv2D) needs (3, 3, 3, 32)"),
            (["verify", "mobilenet", "--input", fixture.appendingPathComponent("input.npy").path],
             "input has shape (1, 32, 32, 3), model 'mobilenet_1.00_224' takes (None, 224, 224, 3)"),
            (["verify", "mobilenet", "--weights", "/nonexistent.safetensors"], "/nonexistent.safetensors: cannot read"),
            (["verify", "mobilenet", "--input", weights], "not a .npy file"),
        ]
        for (arguments, message) in cases {
            let result = try CLI.run(arguments)
            #expect(result.status != 0 && result.status < 128, "\(arguments)")
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
            #expect(result.stderr.contains(message), "\(result.stderr)")
        }
    }
}
