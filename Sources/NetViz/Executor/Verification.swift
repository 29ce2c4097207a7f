import Foundation

/// One layer's checks: the executed output shape against the inferred one, the kernel's counted MACs against
/// the symbolic MAC rule, and the weight elements the kernel read against the layer's params.
public struct LayerCheck: Sendable {
    public let name: String
    public let className: String
    public let predictedShape: [Int]
    public let actualShape: [Int]
    public let predictedMACs: Int64
    /// Per sample (the batch's count divided by the batch size).
    public let countedMACs: Int64
    public let predictedParams: Int64
    public let heldParams: Int64
    /// The shapes of the outputs after the first (an RNN's states), inferred and executed; empty for most layers.
    public var predictedExtraShapes: [[Int]] = []
    public var actualExtraShapes: [[Int]] = []

    public var shapeOK: Bool { actualShape == predictedShape && actualExtraShapes == predictedExtraShapes }
    public var macsOK: Bool { countedMACs == predictedMACs }
    public var paramsOK: Bool { heldParams == predictedParams }
    public var ok: Bool { shapeOK && macsOK && paramsOK }

    /// What failed, in words: "shape (1, 7, 7) != (1, 7, 8)", "MACs counted 10 != predicted 11", ...
    public var problems: [String] {
        var out: [String] = []
        if actualShape != predictedShape { out.append("output shape \(Self.shape(actualShape)) but inferred \(Self.shape(predictedShape))") }
        if actualExtraShapes != predictedExtraShapes {
            let shapes = { (list: [[Int]]) in "[" + list.map(Self.shape).joined(separator: ", ") + "]" }
            out.append("further outputs \(shapes(actualExtraShapes)) but inferred \(shapes(predictedExtraShapes))")
        }
        if !macsOK { out.append("kernel counted \(countedMACs) MACs, the rule predicts \(predictedMACs)") }
        if !paramsOK { out.append("weights hold \(heldParams) params, the summary counts \(predictedParams)") }
        return out
    }

    static func shape(_ dims: [Int]) -> String { "(" + dims.map(String.init).joined(separator: ", ") + ")" }
}

/// The result of `Verifier.verify`: every layer's checks and the model outputs.
public struct VerificationReport: Sendable {
    public let modelName: String
    public let checks: [LayerCheck]
    public let outputs: [Tensor]
    /// Wall time of the forward pass (kernels and checks), in seconds.
    public let seconds: Double
    public let mode: ExecutionMode
    /// Samples in the batch the counts were divided by (1 for whole shapes, which hold their own batch).
    public var batch = 1
    /// Every layer's output by node index, when `verify(keepAll: true)` asked for them.
    public var all: [Int: Tensor] = [:]
    /// The outputs after the first of layers with several (an RNN's states), by node index, with `keepAll`.
    public var allExtra: [Int: [Tensor]] = [:]
    /// Set when a kernel could not run after an earlier check had failed (its input no longer fits).
    public var stopped: String? = nil

    public var failures: [LayerCheck] { checks.filter { !$0.ok } }
    public var passed: Bool { failures.isEmpty }

    /// The table `netviz verify` prints, then one final line.
    public func text() -> String {
        let header = ["Layer (type)", "Output shape", "Shape", "MACs counted", "MACs predicted", "Params", "Check"]
        var rows: [[String]] = []
        for check in checks {
            rows.append([
                Limits.shown(UntrustedText.terminal("\(check.name) (\(check.className))"), limit: Limits.cellCharacters),
                check.actualExtraShapes.isEmpty
                    ? LayerCheck.shape(check.actualShape)
                    : "[" + ([check.actualShape] + check.actualExtraShapes).map(LayerCheck.shape).joined(separator: ", ") + "]",
                check.shapeOK ? "ok" : "WRONG",
                NumberFormat.grouped(check.countedMACs), NumberFormat.grouped(check.predictedMACs),
                check.paramsOK ? "ok \(NumberFormat.grouped(check.heldParams))" : "WRONG \(NumberFormat.grouped(check.heldParams)) != \(NumberFormat.grouped(check.predictedParams))",
                check.ok ? "ok" : "FAIL",
            ])
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        let rightAligned: Set<Int> = [3, 4]
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return rightAligned.contains(column) ? pad + cell : cell + pad
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        var out = [line(header), String(repeating: "-", count: widths.reduce(0, +) + 2 * (widths.count - 1))]
        out += rows.map(line)
        let counted = checks.reduce(Int64(0)) { $0 + $1.countedMACs }
        out.append("")
        out.append("Total MACs: counted \(NumberFormat.grouped(counted)), predicted \(NumberFormat.grouped(checks.reduce(Int64(0)) { $0 + $1.predictedMACs }))")
        out.append(String(format: "Forward pass (%@ kernels, batch %d): %.1f ms", mode.rawValue, batch, seconds * 1000))
        out.append(finalLine)
        return out.joined(separator: "\n") + "\n"
    }

    /// `verify: 91 layers, all checks passed` or which layers failed and why.
    public var finalLine: String {
        if passed { return "verify: \(checks.count) layers, all checks passed" }
        let stop = stopped.map { "; then stopped: \($0)" } ?? ""
        let named = failures.prefix(3).map { "'\($0.name)' (\($0.className)): \($0.problems.joined(separator: "; "))" }
        let more = failures.count > 3 ? "; and \(failures.count - 3) more" : ""
        return UntrustedText.terminal(
            "verify: \(failures.count) of \(checks.count) layers FAILED: \(named.joined(separator: "; "))\(more)\(stop)")
    }
}

/// Runs a model on real tensors and checks every layer against `ModelStatistics` (Docs/verification.md).
public enum Verifier {
    /// Every weight and the largest activations live in memory at once: refuse what cannot fit before allocating
    /// (`Limits.verifyElements` params, and batch x elements of the largest layer output).
    public static func checkSize(_ stats: ModelStatistics, batch: Int) throws {
        let limit = Limits.verifyElements
        let largest = try stats.model.nodes.map { node in try node.outputs.map { try $0.elementCount() }.max() ?? 0 }.max() ?? 0
        let (elements, overflow) = largest.multipliedReportingOverflow(by: Int64(max(1, batch)))
        guard stats.totalParams <= limit, !overflow, elements <= limit else {
            let batchText = batch > 1 ? "batch \(batch) x " : ""
            throw NetVizError.graph(
                "too large for verify: '\(stats.model.name)' has \(stats.totalParams) params and activations of up to "
                    + "\(batchText)\(largest) elements; verify runs models up to \(limit) of each")
        }
    }

    /// `progress(done, total, layerName)` is called before each layer runs.
    public static func verify(
        _ model: Model, weights: WeightStore, inputs: [Tensor], executor: Executor = Executor(), keepAll: Bool = false,
        progress: ((Int, Int, String) -> Void)? = nil
    ) throws -> VerificationReport {
        let stats = try ModelStatistics(model)
        // Text preprocessing reads strings; the executor's tensors hold numbers.
        if let text = model.nodes.first(where: { model.inputIndices.contains($0.index) && $0.output.dtype == .string }) {
            throw NetVizError.layer(
                name: text.name, className: text.className,
                message: "is a string input; verify runs numeric tensors only (text preprocessing cannot be checked)")
        }
        var checks: [LayerCheck] = []
        var extras: [Int: [Tensor]] = [:]
        // Whole shapes (ONNX) hold their batch in the spec: counts are for the whole tensor, batch 1.
        let batch = inputs.first.flatMap { input in model.inputSpecs.first?.batch(of: input.shape) } ?? 1
        try checkSize(stats, batch: batch)
        let start = DispatchTime.now().uptimeNanoseconds
        progress?(0, model.nodes.count, model.nodes.first?.name ?? "")
        let result: (outputs: [Tensor], all: [Int: Tensor])
        do {
            result = try executor.run(model, weights: weights, inputs: inputs, keepAll: keepAll) { run in
                let node = model.nodes[run.index]
                let layer = stats.layers[run.index]
                // A count that does not divide by the batch cannot equal batch x the rule; report it as is.
                let perSample = run.countedMACs % Int64(batch) == 0 ? run.countedMACs / Int64(batch) : run.countedMACs
                var check = LayerCheck(
                    name: node.name, className: node.className, predictedShape: node.output.shape(batch: batch),
                    actualShape: run.output.shape, predictedMACs: layer.macs, countedMACs: perSample,
                    predictedParams: layer.params, heldParams: run.heldParams)
                if !node.extraOutputs.isEmpty || !run.extraOutputs.isEmpty {
                    check.predictedExtraShapes = node.extraOutputs.map { $0.shape(batch: batch) }
                    check.actualExtraShapes = run.extraOutputs.map(\.shape)
                    if keepAll { extras[run.index] = run.extraOutputs }
                }
                checks.append(check)
                progress?(run.index + 1, model.nodes.count, node.name)
            }
        } catch let error as NetVizError where checks.contains(where: { !$0.ok }) {
            // A wrong shape upstream can make a later kernel refuse its input: report the first wrong layer.
            var report = VerificationReport(
                modelName: model.name, checks: checks, outputs: [], seconds: 0, mode: executor.mode, batch: batch)
            report.stopped = error.description
            return report
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        var report = VerificationReport(
            modelName: model.name, checks: checks, outputs: result.outputs, seconds: seconds, mode: executor.mode, batch: batch)
        report.all = result.all
        report.allExtra = extras
        return report
    }
}
