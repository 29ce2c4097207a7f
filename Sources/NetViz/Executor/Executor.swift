import Foundation

/// What running one layer produced: its output and what its kernel counted.
public struct LayerRun: Sendable {
    public let index: Int
    /// The first output; `extraOutputs` holds the rest for a layer with several.
    public let output: Tensor
    public let extraOutputs: [Tensor]
    /// Multiply-accumulates the kernel performed, for the whole batch.
    public let countedMACs: Int64
    /// Elements of the weight tensors the kernel read.
    public let heldParams: Int64
    /// The weight tensors the layer was given but its kernel never read.
    public let unusedWeights: [String]
}

/// Runs a `Model` on real tensors, layer by layer in graph order, each layer with its own kernel (`Executable`).
/// Tensors are freed after their last consumer, so memory stays near the largest live set.
public struct Executor: Sendable {
    public var mode: ExecutionMode

    public init(mode: ExecutionMode = .fast) {
        self.mode = mode
    }

    /// Runs `model` on `inputs` (one per model input, each [batch] + the input's dims, same batch).
    /// `observe` sees every layer's run (return value ignored); `keepAll` keeps every output in the result.
    /// Returns the model outputs in `model.outputIndices` order and, with `keepAll`, every layer's output.
    @discardableResult
    public func run(
        _ model: Model, weights: WeightStore, inputs: [Tensor], keepAll: Bool = false,
        observe: (LayerRun) throws -> Void = { _ in }
    ) throws -> (outputs: [Tensor], all: [Int: Tensor]) {
        guard inputs.count == model.inputIndices.count else {
            throw NetVizError.graph("model '\(model.name)' takes \(model.inputIndices.count) input(s), got \(inputs.count)")
        }
        var batch: Int? = nil
        for (input, index) in zip(inputs, model.inputIndices) {
            let node = model.nodes[index]
            guard let b = node.output.batch(of: input.shape) else {
                throw NetVizError.layer(
                    name: node.name, className: node.className,
                    message: "input of shape \(input.shapeDescription) does not fit \(node.output) (batch >= 1)")
            }
            if let batch, batch != b { throw NetVizError.graph("inputs have different batch sizes (\(batch) and \(b))") }
            batch = b
        }
        // The last node reading each tensor, so it can be freed after.
        var lastUse = Array(0..<model.nodes.count)
        for node in model.nodes { for source in node.inbound { lastUse[source] = max(lastUse[source], node.index) } }
        for index in model.outputIndices { lastUse[index] = model.nodes.count }

        var live: [Int: [Tensor]] = [:]
        var all: [Int: Tensor] = [:]
        // Keras's masks on first outputs (MaskFlow); only models with a Masking layer or a masking Embedding have any.
        var masks: [Int: [Bool]] = [:]
        for node in model.nodes {
            // A frozen layer runs as the layer it wraps.
            guard let layer = node.baseLayer as? any Executable else {
                throw NetVizError.layer(
                    name: node.name, className: node.className,
                    message: "the executor has no kernel for \(node.className)")
            }
            var layerInputs: [Tensor] = []
            if let position = model.inputIndices.firstIndex(of: node.index) {
                layerInputs = [inputs[position]]
            } else {
                for (position, source) in node.inbound.enumerated() {
                    let port = node.port(ofInput: position)
                    guard let outputs = live[source], port < outputs.count else {
                        throw NetVizError.graph("layer '\(node.name)' reads '\(model.nodes[source].name)', which has no value")
                    }
                    layerInputs.append(outputs[port])
                }
            }
            var layerWeights: [String: Tensor] = [:]
            var sharedWeights: Set<String> = []
            for spec in node.layer.weights(for: node.inputSpecs) {
                if let tensor = weights["\(node.weightOwner)/\(spec.name)"] { layerWeights[spec.name] = tensor }
                if spec.heldBy != nil { sharedWeights.insert(spec.name) }
            }
            var context = KernelContext(layerName: node.name, inputs: layerInputs, weights: layerWeights, mode: mode)
            let incomingMask = masks.isEmpty ? nil : try MaskFlow.incoming(node, masks: masks)
            context.mask = incomingMask
            let outputs: [Tensor]
            do {
                outputs = try (layer as? any MultiOutputExecutable)?.executeAll(&context) ?? [layer.execute(&context)]
                if let mask = try MaskFlow.outgoing(node, incoming: incomingMask, inputs: layerInputs) { masks[node.index] = mask }
            } catch let error as KernelError {
                throw NetVizError.layer(name: node.name, className: node.className, message: error.message)
            }
            var held: Int64 = 0
            for name in context.used where !sharedWeights.contains(name) { held += Int64(layerWeights[name]?.count ?? 0) }
            let unused = layerWeights.keys.filter { !context.used.contains($0) }.sorted()
            guard let output = outputs.first, outputs.count == node.outputs.count else {
                throw NetVizError.layer(
                    name: node.name, className: node.className,
                    message: "the kernel made \(outputs.count) outputs, the layer has \(node.outputs.count)")
            }
            try observe(
                LayerRun(
                    index: node.index, output: output, extraOutputs: Array(outputs.dropFirst()), countedMACs: context.macs,
                    heldParams: held, unusedWeights: unused))
            live[node.index] = outputs
            if keepAll { all[node.index] = output }
            for source in Set(node.inbound) where lastUse[source] == node.index {
                live[source] = nil
                masks[source] = nil
            }
        }
        let outputs = try model.outputIndices.indices.map { position in
            let index = model.outputIndices[position]
            guard let tensors = live[index], model.outputPort(position) < tensors.count else {
                throw NetVizError.graph("output '\(model.nodes[index].name)' has no value")
            }
            return tensors[model.outputPort(position)]
        }
        return (outputs, all)
    }
}
