/// What netviz counts for one layer (torchinfo's `LayerInfo`).
public struct LayerStatistics: Sendable, Equatable {
    public let weights: [WeightSpec]
    public let params: Int64
    public let trainableParams: Int64
    public var nonTrainableParams: Int64 { params - trainableParams }
    /// Multiply-accumulates for one sample (Docs/counting.md).
    public let macs: Int64
    /// The part of `macs` between two activations (attention), 0 for most layers.
    public let activationProductMACs: Int64
    /// Output elements x dtype size, for one sample.
    public let activationBytes: Int64
    /// Bytes of the weights as the file stores them (int8 = 1, float16 = 2), for layers that say
    /// (`StoredWeightTypes`); nil for Keras and zoo layers, whose weights are float32.
    public let weightBytes: Int64?

    init(node: Node) throws {
        do {
            weights = node.layer.weights(for: node.inputSpecs)
            let counts = try weights.map { $0.heldBy == nil ? try $0.count() : 0 }
            params = try Checked.sum(counts)
            trainableParams = try Checked.sum(zip(weights, counts).filter { $0.0.trainable }.map(\.1))
            macs = try node.layer.macs(for: node.inputSpecs, output: node.output)
            activationProductMACs = try node.layer.activationProductMACs(for: node.inputSpecs, output: node.output)
            // Every output: an RNN's states and attention scores are held too.
            activationBytes = try Checked.sum(node.outputs.map { try Checked.multiply($0.elementCount(), Int64($0.dtype.byteSize)) })
            weightBytes = try (node.layer as? any StoredWeightTypes).map { try Checked.sum($0.storedWeights.map(\.bytes)) }
        } catch NetVizError.overflow(let what) {
            throw NetVizError.layer(name: node.name, className: node.className, message: "\(what) overflows 64 bits")
        } catch let problem as LayerProblem {
            throw NetVizError.layer(name: node.name, className: node.className, message: problem.message)
        }
    }
}

/// Every count for a model: per layer and in total (torchinfo's `ModelStatistics`), plus lint warnings.
public struct ModelStatistics: Sendable {
    public let model: Model
    /// One entry per node, in the model's order.
    public let layers: [LayerStatistics]
    public let totalParams: Int64
    public let trainableParams: Int64
    public var nonTrainableParams: Int64 { totalParams - trainableParams }
    public let totalMACs: Int64
    /// The part of `totalMACs` that multiplies two activations (attention's Q·Kᵀ and A·V).
    public let activationProductMACs: Int64
    public let activationBytes: Int64
    /// Parameter memory as Keras reports it: params x 4 bytes (float32 weights, Keras's default dtype policy).
    public let totalParamBytes: Int64
    public let trainableParamBytes: Int64
    public var nonTrainableParamBytes: Int64 { totalParamBytes - trainableParamBytes }
    public let warnings: [String]
    /// Shared layers (Keras shows a layer once however often it is called): the node of each layer's first call ->
    /// the nodes of its later calls, and the set of those later nodes. Empty for most models.
    public let laterCallsOf: [Int: [Int]]
    let laterCallNodes: Set<Int>
    /// Stored weight bytes by element type (`int8`, `float16`, ...), largest first; empty unless some layer stores
    /// typed weights (a `.tflite` file), which is also when reports show a "Weight bytes" column.
    public let weightBytesByType: [TypedBytes]
    public var hasStoredWeights: Bool { layers.contains { $0.weightBytes != nil } }

    /// The bytes and elements of one stored weight type.
    public struct TypedBytes: Sendable, Equatable {
        public var type: String
        public var bytes: Int64
        public var elements: Int64
    }

    public init(_ model: Model) throws {
        self.model = model
        layers = try model.nodes.map(LayerStatistics.init(node:))
        totalParams = try Checked.sum(layers.map(\.params))
        trainableParams = try Checked.sum(layers.map(\.trainableParams))
        totalMACs = try Checked.sum(layers.map(\.macs))
        activationProductMACs = try Checked.sum(layers.map(\.activationProductMACs))
        activationBytes = try Checked.sum(layers.map(\.activationBytes))
        // Where a file gives its weights' types, its bytes are the real ones; elsewhere 4 bytes a param.
        var total: Int64 = 0, trainable: Int64 = 0
        for layer in layers {
            if let stored = layer.weightBytes {
                total = try Checked.add(total, stored)
                if layer.trainableParams == layer.params { trainable = try Checked.add(trainable, stored) }
            } else {
                total = try Checked.add(total, Checked.multiply(layer.params, Self.bytesPerParam))
                trainable = try Checked.add(trainable, Checked.multiply(layer.trainableParams, Self.bytesPerParam))
            }
        }
        totalParamBytes = total
        trainableParamBytes = trainable
        var byType: [String: TypedBytes] = [:]
        for (node, layer) in zip(model.nodes, layers) where layer.weightBytes != nil {
            guard let stored = (node.layer as? any StoredWeightTypes)?.storedWeights else { continue }
            for weight in stored {
                var entry = byType[weight.type] ?? TypedBytes(type: weight.type, bytes: 0, elements: 0)
                entry.bytes = try Checked.add(entry.bytes, weight.bytes)
                entry.elements = try Checked.add(entry.elements, Checked.product(weight.shape))
                byType[weight.type] = entry
            }
        }
        weightBytesByType = byType.values.sorted { ($1.bytes, $0.type) < ($0.bytes, $1.type) }
        warnings = Lint.warnings(for: model)
        var later: [Int: [Int]] = [:]
        var laterNodes: Set<Int> = []
        if model.nodes.contains(where: \.isLaterCall) {
            var byName: [String: Int] = [:]
            for node in model.nodes where !node.isLaterCall { byName[node.name] = node.index }
            for node in model.nodes where node.isLaterCall {
                guard let first = byName[node.weightOwner] else { continue }
                later[first, default: []].append(node.index)
                laterNodes.insert(node.index)
            }
        }
        laterCallsOf = later
        laterCallNodes = laterNodes
    }

    /// Every weight netviz creates is float32, as under Keras's default dtype policy.
    public static let bytesPerParam: Int64 = 4
}

extension ModelStatistics {
    /// Whether node `index` is a row of the summary: every node but the later calls of a shared layer.
    public func isRow(_ index: Int) -> Bool { laterCallNodes.isEmpty || !laterCallNodes.contains(index) }

    /// The nodes a row stands for: the node and, for a shared layer, its later calls.
    public func calls(ofRow index: Int) -> [Int] { [index] + (laterCallsOf[index] ?? []) }

    /// A row's MACs: the sum over the layer's calls.
    public func rowMACs(_ index: Int) -> Int64 { calls(ofRow: index).reduce(0) { $0 &+ layers[$1].macs } }

    /// A row's activation bytes: every call's output.
    public func rowActivationBytes(_ index: Int) -> Int64 { calls(ofRow: index).reduce(0) { $0 &+ layers[$1].activationBytes } }
}
