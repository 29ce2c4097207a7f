/// Keras's masks, as the executor carries them: a `Masking` layer or `Embedding(mask_zero=True)` makes a mask
/// (one flag per time step); layers that support masking pass it on (Dense, Dropout, activations, normalisations);
/// most other layers drop it (Keras 3 drops a mask at a layer with `supports_masking = False`, numbers unchanged);
/// the recurrent layers read it (a masked step keeps the states) and pass it on with `return_sequences`.
///
/// A mask that reaches a layer whose masked behaviour netviz does not model (attention, merges, Softmax,
/// GlobalAveragePooling1D, a nested model, or any class not listed here) is an error naming the layer, so `verify`
/// never prints a number computed without the mask Keras would apply. Summary and counts never depend on masks.
/// The lists were read from Keras 3.15.1 (`layer.supports_masking`, and whether `call` takes `mask`).
enum MaskFlow {
    enum Role {
        /// Makes a new mask from its input (Masking, Embedding with mask_zero).
        case source
        /// Supports masking without using it: the output carries the input's mask.
        case passes
        /// `supports_masking = False` and no `mask` argument: the mask stops here, numbers unchanged.
        case drops
        /// Reads the mask (the recurrent layers); passes it on when `passesOn`.
        case reads(passesOn: Bool)
    }

    /// Classes with `supports_masking = True` whose `call` does not read the mask (at inference).
    static let passing: Set<String> = [
        "Dense", "Activation", "ReLU", "LeakyReLU", "ELU", "PReLU", "Dropout", "BatchNormalization", "LayerNormalization",
        "Normalization", "GroupNormalization", "UnitNormalization", "Identity", "GaussianNoise", "GaussianDropout",
        "AlphaDropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "ActivityRegularization",
    ]

    /// Classes with `supports_masking = False` (and keras.ops nodes, which carry no mask).
    static let dropping: Set<String> = [
        "Conv1D", "Conv2D", "Conv3D", "DepthwiseConv2D", "SeparableConv2D", "Conv2DTranspose", "MaxPooling1D",
        "AveragePooling1D", "MaxPooling2D", "AveragePooling2D", "MaxPooling3D", "AveragePooling3D", "GlobalMaxPooling1D",
        "GlobalAveragePooling2D", "GlobalMaxPooling2D", "GlobalAveragePooling3D", "GlobalMaxPooling3D", "ZeroPadding1D",
        "ZeroPadding2D", "ZeroPadding3D", "Cropping1D", "Cropping2D", "Cropping3D", "UpSampling1D", "UpSampling2D",
        "UpSampling3D", "Reshape", "Flatten", "Permute", "RepeatVector", "Embedding", "RandomFlip", "RandomRotation",
        "RandomZoom", "RandomTranslation", "RandomContrast", "RandomBrightness",
    ]

    static func role(_ node: Node) -> Role? {
        let layer = node.baseLayer
        if layer is Masking { return .source }
        if let embedding = layer as? Embedding { return embedding.maskZero ? .source : .drops }
        if let reader = layer as? any MaskReadingLayer { return reader.readsMask ? .reads(passesOn: reader.passesMaskOn) : nil }
        if layer is any KerasOpNode { return .drops }
        if let wrapper = layer as? TimeDistributed {
            return passing.contains(type(of: wrapper.layer).className) ? .passes : nil
        }
        if passing.contains(node.className) { return .passes }
        if dropping.contains(node.className) { return .drops }
        return nil
    }

    /// The mask `node`'s kernel reads (nil: none reaches it); an error when one reaches a layer netviz cannot run
    /// with it. `masks` holds the masks on the first outputs of the nodes run so far.
    static func incoming(_ node: Node, masks: [Int: [Bool]]) throws -> [Bool]? {
        let masked = node.inbound.indices.compactMap { position in
            node.port(ofInput: position) == 0 ? masks[node.inbound[position]] : nil
        }
        guard let mask = masked.first else { return nil }
        let role = role(node)
        // A recurrent layer given Keras 3's saved `mask=` as its second input reads that one (as Keras does).
        if case .reads? = role, node.inbound.count == 2 { return nil }
        guard let role, node.inbound.count == 1 else {
            throw NetVizError.layer(
                name: node.name, className: node.className,
                message: "a Keras mask (from Masking or Embedding(mask_zero=True)) reaches it, and netviz's executor does "
                    + "not model what \(node.className) does with a mask; verify cannot run this model")
        }
        if case .drops = role { return nil }
        return mask
    }

    /// The mask on `node`'s first output, given what reached it and its inputs.
    static func outgoing(_ node: Node, incoming: [Bool]?, inputs: [Tensor]) throws -> [Bool]? {
        if let nested = Model.nested(node.baseLayer), carries(nested.model) {
            throw NetVizError.layer(
                name: node.name, className: node.className,
                message: "a Keras mask made inside it (Masking or Embedding(mask_zero=True)) leaves it; netviz's executor "
                    + "does not carry masks out of nested models; verify cannot run this model")
        }
        switch role(node) {
        case .source?:
            if let masking = node.baseLayer as? Masking, let x = inputs.first { return masking.mask(of: x) }
            return inputs.first.map { $0.data.map { $0 != 0 } }  // Embedding: ids != 0
        case .passes?: return incoming
        case .reads(let passesOn)?:
            guard passesOn else { return nil }
            return inputs.count > 1 ? inputs[1].data.map { $0 != 0 } : incoming
        case .drops?, nil: return nil
        }
    }

    /// Whether a mask made inside `model` can reach its (first) output.
    static func carries(_ model: Model) -> Bool {
        var carried = [Bool](repeating: false, count: model.nodes.count)
        for node in model.nodes {
            let reached = node.inbound.indices.contains { carried[node.inbound[$0]] && node.port(ofInput: $0) == 0 }
            switch role(node) {
            case .source?: carried[node.index] = true
            case .passes?: carried[node.index] = reached
            case .reads(let passesOn)?: carried[node.index] = reached && passesOn
            case .drops?: carried[node.index] = false
            case nil: carried[node.index] = reached || (Model.nested(node.baseLayer).map { carries($0.model) } ?? false)
            }
        }
        return model.outputIndices.first.map { carried[$0] } ?? false
    }
}

/// A layer that reads Keras's time-step mask in its kernel (`KernelContext.mask`): the recurrent layers.
protocol MaskReadingLayer {
    /// Whether the kernel models the mask (false: a mask reaching it is an error).
    var readsMask: Bool { get }
    /// Whether the output carries the mask on (`return_sequences`).
    var passesMaskOn: Bool { get }
}

/// keras.ops nodes: operations, not layers, so a mask does not pass through them.
protocol KerasOpNode {}
extension KerasOp: KerasOpNode {}
extension ElementwiseOp: KerasOpNode {}

extension SimpleRNN: MaskReadingLayer {
    var readsMask: Bool { true }
    var passesMaskOn: Bool { settings.returnSequences }
}
extension GRU: MaskReadingLayer {
    var readsMask: Bool { true }
    var passesMaskOn: Bool { settings.returnSequences }
}
extension LSTM: MaskReadingLayer {
    var readsMask: Bool { true }
    var passesMaskOn: Bool { settings.returnSequences }
}
extension Bidirectional: MaskReadingLayer {
    var readsMask: Bool { true }
    var passesMaskOn: Bool { forward.settings.returnSequences }
}
