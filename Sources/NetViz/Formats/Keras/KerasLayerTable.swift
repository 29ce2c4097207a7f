/// Keras class name -> netviz layer: one import row per layer class, reading Keras's argument names with Keras's
/// defaults (Docs/architecture.md, "Adding a layer").
extension KerasGraphReader {
    typealias Builder = @Sendable (KerasLayerConfig) throws -> any Layer

    /// Keras class name -> netviz layer, reading Keras's argument names with Keras's defaults.
    static let builders: [String: Builder] = {
        var table = rows
        // The layers that are the identity at inference, one row each, named by their class.
        for className in InferenceIdentity.kerasClasses {
            table[className] = { c in InferenceIdentity(kerasClassName: className, name: c.name) }
        }
        // keras.layers' other names for the same classes (a config names the class, but a hand-written one may
        // use the alias).
        table.merge(preprocessingRows) { row, _ in row }
        for (alias, className) in aliases { if let row = table[className] { table[alias] = row } }
        return table
    }()

    /// Aliases exported by `keras.layers` (Keras 3.15), each to its class.
    static let aliases: [String: String] = [
        "AvgPool1D": "AveragePooling1D", "AvgPool2D": "AveragePooling2D", "AvgPool3D": "AveragePooling3D",
        "MaxPool1D": "MaxPooling1D", "MaxPool2D": "MaxPooling2D", "MaxPool3D": "MaxPooling3D",
        "GlobalAvgPool1D": "GlobalAveragePooling1D", "GlobalAvgPool2D": "GlobalAveragePooling2D",
        "GlobalAvgPool3D": "GlobalAveragePooling3D", "GlobalMaxPool1D": "GlobalMaxPooling1D",
        "GlobalMaxPool2D": "GlobalMaxPooling2D", "GlobalMaxPool3D": "GlobalMaxPooling3D",
        "Convolution1D": "Conv1D", "Convolution2D": "Conv2D", "Convolution3D": "Conv3D",
        "Convolution1DTranspose": "Conv1DTranspose", "Convolution2DTranspose": "Conv2DTranspose",
        "Convolution3DTranspose": "Conv3DTranspose", "SeparableConvolution1D": "SeparableConv1D",
        "SeparableConvolution2D": "SeparableConv2D",
    ]

    /// Keyword arguments of a recurrent layer's call that carry tensors netviz does not read.
    static let recurrentCallTensors = ["initial_state", "mask", "constants"]

    private static let rows: [String: Builder] = [
        "Conv2D": { c in
            Conv2D(
                filters: try c.int("filters"), kernelSize: try c.size2("kernel_size", 1), strides: try c.size2("strides", 1),
                padding: try c.padding(), dataFormat: try c.dataFormat(), dilationRate: try c.size2("dilation_rate", 1),
                groups: try c.int("groups", 1), activation: try c.activation(), useBias: try c.bool("use_bias", true),
                name: c.name)
        },
        "DepthwiseConv2D": { c in
            DepthwiseConv2D(
                kernelSize: try c.size2("kernel_size", 1), strides: try c.size2("strides", 1), padding: try c.padding(),
                depthMultiplier: try c.int("depth_multiplier", 1), dataFormat: try c.dataFormat(),
                dilationRate: try c.size2("dilation_rate", 1), activation: try c.activation(),
                useBias: try c.bool("use_bias", true), name: c.name)
        },
        "SeparableConv2D": { c in
            SeparableConv2D(
                filters: try c.int("filters"), kernelSize: try c.size2("kernel_size", 1), strides: try c.size2("strides", 1),
                padding: try c.padding(), dataFormat: try c.dataFormat(), dilationRate: try c.size2("dilation_rate", 1),
                depthMultiplier: try c.int("depth_multiplier", 1), activation: try c.activation(),
                useBias: try c.bool("use_bias", true), name: c.name)
        },
        "Dense": { c in
            Dense(units: try c.int("units"), activation: try c.activation(), useBias: try c.bool("use_bias", true), name: c.name)
        },
        "BatchNormalization": { c in
            let axes = try c.axes() ?? [-1]
            guard axes.count == 1 else { throw LayerProblem("axis \(axes): netviz reads a single BatchNormalization axis") }
            return BatchNormalization(
                axis: axes[0], momentum: try c.double("momentum", 0.99), epsilon: try c.double("epsilon", 0.001),
                center: try c.bool("center", true), scale: try c.bool("scale", true), name: c.name)
        },
        "LayerNormalization": { c in
            let rms = try c.bool("rms_scaling", false)
            return LayerNormalization(
                axes: try c.axes() ?? [-1], epsilon: try c.double("epsilon", 0.001),
                center: rms ? false : try c.bool("center", true), scale: try c.bool("scale", true), name: c.name)
        },
        "Normalization": { c in
            let given = c.value("mean") != nil || c.value("variance") != nil
            // A scalar or a (nested) list of numbers; kept so the executor can run the layer.
            return Normalization(
                axes: try c.axes() ?? [], statisticsGiven: given, mean: try c.numbers("mean"), variance: try c.numbers("variance"),
                invert: try c.bool("invert", false), name: c.name)
        },
        "Activation": { c in
            Activation(try c.activation() ?? .linear, name: c.name)
        },
        "ReLU": { c in
            ReLU(
                maxValue: try c.optionalDouble("max_value"), negativeSlope: try c.double("negative_slope", 0),
                threshold: try c.double("threshold", 0), name: c.name)
        },
        "Add": { c in Add(name: c.name) },
        "Multiply": { c in Multiply(name: c.name) },
        "Concatenate": { c in Concatenate(axis: try c.int("axis", -1), name: c.name) },
        "AveragePooling2D": { c in
            AveragePooling2D(
                poolSize: try c.size2("pool_size", 2), strides: c.value("strides") == nil ? nil : try c.size2("strides", 2),
                padding: try c.padding(), dataFormat: try c.dataFormat(), name: c.name)
        },
        "MaxPooling2D": { c in
            MaxPooling2D(
                poolSize: try c.size2("pool_size", 2), strides: c.value("strides") == nil ? nil : try c.size2("strides", 2),
                padding: try c.padding(), dataFormat: try c.dataFormat(), name: c.name)
        },
        "GlobalAveragePooling2D": { c in
            GlobalAveragePooling2D(dataFormat: try c.dataFormat(), keepdims: try c.bool("keepdims", false), name: c.name)
        },
        "GlobalMaxPooling2D": { c in
            GlobalMaxPooling2D(dataFormat: try c.dataFormat(), keepdims: try c.bool("keepdims", false), name: c.name)
        },
        "ZeroPadding2D": { c in
            ZeroPadding2D(padding: try c.margins("padding", Margins2D(1)), dataFormat: try c.dataFormat(), name: c.name)
        },
        "Cropping2D": { c in
            Cropping2D(cropping: try c.margins("cropping", Margins2D(0)), dataFormat: try c.dataFormat(), name: c.name)
        },
        "Reshape": { c in
            guard let target = try c.intList("target_shape") else { throw LayerProblem("target_shape is missing") }
            return Reshape(targetShape: target, name: c.name)
        },
        "Flatten": { c in Flatten(dataFormat: try c.dataFormat(), name: c.name) },
        "Dropout": { c in Dropout(rate: try c.double("rate", 0), name: c.name) },
        "Rescaling": { c in
            // A per-channel list (EfficientNet) is kept as its first value: it changes neither shape nor counts.
            let scale = c.value("scale").flatMap { $0.doubleValue ?? $0.arrayValue?.first?.doubleValue } ?? 1
            let offset = c.value("offset").flatMap { $0.doubleValue ?? $0.arrayValue?.first?.doubleValue } ?? 0
            return Rescaling(scale: scale, offset: offset, name: c.name)
        },
        "LayerScale": { c in
            LayerScale(initValues: try c.double("init_values", 1e-6), projectionDim: try c.int("projection_dim"), name: c.name)
        },
        "Embedding": { c in
            Embedding(
                inputDim: try c.int("input_dim"), outputDim: try c.int("output_dim"), maskZero: try c.bool("mask_zero", false),
                name: c.name)
        },
        "Conv1D": { c in
            let padding = try c.string("padding", "valid")
            guard let size = try c.intList("kernel_size")?.first ?? c.value("kernel_size").map({ try KerasLayerConfig.integer($0, "kernel_size") }) else {
                throw LayerProblem("kernel_size is missing")
            }
            return Conv1D(
                filters: try c.int("filters"), kernelSize: size, strides: try c.firstInt("strides", 1),
                padding: padding == "same" ? .same : .valid, causal: padding == "causal", dataFormat: try c.dataFormat(),
                dilationRate: try c.firstInt("dilation_rate", 1), groups: try c.int("groups", 1), activation: try c.activation(),
                useBias: try c.bool("use_bias", true), name: c.name)
        },
        "MaxPooling1D": { c in
            MaxPooling1D(
                poolSize: try c.firstInt("pool_size", 2), strides: c.value("strides") == nil ? nil : try c.firstInt("strides", 2),
                padding: try c.padding(), dataFormat: try c.dataFormat(), name: c.name)
        },
        "AveragePooling1D": { c in
            AveragePooling1D(
                poolSize: try c.firstInt("pool_size", 2), strides: c.value("strides") == nil ? nil : try c.firstInt("strides", 2),
                padding: try c.padding(), dataFormat: try c.dataFormat(), name: c.name)
        },
        "GlobalAveragePooling1D": { c in
            GlobalAveragePooling1D(dataFormat: try c.dataFormat(), keepdims: try c.bool("keepdims", false), name: c.name)
        },
        "GlobalMaxPooling1D": { c in
            GlobalMaxPooling1D(dataFormat: try c.dataFormat(), keepdims: try c.bool("keepdims", false), name: c.name)
        },
        "Conv2DTranspose": { c in
            Conv2DTranspose(
                filters: try c.int("filters"), kernelSize: try c.size2("kernel_size", 1), strides: try c.size2("strides", 1),
                padding: try c.padding(), outputPadding: c.value("output_padding") == nil ? nil : try c.size2("output_padding", 0),
                dataFormat: try c.dataFormat(), dilationRate: try c.size2("dilation_rate", 1), activation: try c.activation(),
                useBias: try c.bool("use_bias", true), name: c.name)
        },
        "UpSampling2D": { c in
            let interpolation = try c.string("interpolation", "nearest")
            guard interpolation == "nearest" else { throw LayerProblem("interpolation '\(interpolation)': netviz reads 'nearest'") }
            return UpSampling2D(size: try c.size2("size", 2), dataFormat: try c.dataFormat(), name: c.name)
        },
        "Permute": { c in
            guard let dims = try c.intList("dims") else { throw LayerProblem("dims is missing") }
            return Permute(dims: dims, name: c.name)
        },
        "RepeatVector": { c in RepeatVector(n: try c.int("n"), name: c.name) },
        "ZeroPadding1D": { c in
            let (before, after) = try c.pair("padding", 1)
            return Margins1DLayer(before: before, after: after, crops: false, name: c.name)
        },
        "Cropping1D": { c in
            let (before, after) = try c.pair("cropping", 1)
            return Margins1DLayer(before: before, after: after, crops: true, name: c.name)
        },
        "UpSampling1D": { c in UpSampling1D(size: try c.firstInt("size", 2), name: c.name) },
        "GroupNormalization": { c in
            guard try c.firstInt("axis", -1) == -1 else { throw LayerProblem("axis: netviz reads GroupNormalization over the last axis") }
            return GroupNormalization(
                groups: try c.int("groups", 32), epsilon: try c.double("epsilon", 1e-3), center: try c.bool("center", true),
                scale: try c.bool("scale", true), name: c.name)
        },
        "UnitNormalization": { c in
            guard try c.firstInt("axis", -1) == -1 else { throw LayerProblem("axis: netviz reads UnitNormalization over the last axis") }
            return UnitNormalization(name: c.name)
        },
        "TimeDistributed": { c in
            guard let entry = c.value("layer")?.objectValue else { throw LayerProblem("layer is missing") }
            let inner = KerasLayerConfig(
                name: entry["config"]?["name"]?.stringValue ?? "layer", className: entry["class_name"]?.stringValue ?? "?",
                module: entry["module"]?.stringValue ?? "", registeredName: nil, config: entry["config"]?.objectValue ?? [:],
                entry: entry)
            guard let build = builders[inner.className], let layer = try build(inner) as? any Executable else {
                throw LayerProblem("wraps a \(inner.className), which netviz does not read")
            }
            return TimeDistributed(layer, name: c.name)
        },
        "MultiHeadAttention": { c in
            // The call's keyword arguments decide what netviz can read: a causal mask yes, other masks and scores not yet.
            let kwargs = c.entry["inbound_nodes"]?.arrayValue?.first?["kwargs"]?.objectValue ?? [:]
            for key in ["attention_mask", "query_mask", "value_mask", "key_mask", "key"] where kwargs[key].map({ !$0.isNull }) ?? false {
                throw LayerProblem("is called with \(key)=...; netviz reads mha(query, value) calls")
            }
            var scores = false
            if case .bool(let flag)? = kwargs["return_attention_scores"] { scores = flag }
            if let axes = c.value("attention_axes"), !(axes.arrayValue.map { $0.count == 1 && $0[0].doubleValue == 1 } ?? false) {
                throw LayerProblem("attention_axes: netviz reads attention over the steps of (steps, features) inputs")
            }
            let outputShape = c.value("output_shape")
            var outputDim: Int? = nil
            if let outputShape {
                guard let dims = outputShape.arrayValue ?? [outputShape] as [JSON]?, dims.count == 1 else {
                    throw LayerProblem("output_shape: netviz reads one output size")
                }
                outputDim = try KerasLayerConfig.integer(dims[0], "output_shape")
            }
            var causal = false
            if case .bool(let flag)? = kwargs["use_causal_mask"] { causal = flag }
            return MultiHeadAttention(
                numHeads: try c.int("num_heads"), keyDim: try c.int("key_dim"),
                valueDim: c.value("value_dim") == nil ? nil : try c.int("value_dim"), outputDim: outputDim,
                useBias: try c.bool("use_bias", true), causal: causal, returnScores: scores, name: c.name)
        },
        "Conv3D": { c in
            Conv3D(
                filters: try c.int("filters"), kernelSize: try c.size3("kernel_size", 1), strides: try c.size3("strides", 1),
                padding: try c.padding(), dataFormat: try c.dataFormat(), dilationRate: try c.size3("dilation_rate", 1),
                groups: try c.int("groups", 1), activation: try c.activation(), useBias: try c.bool("use_bias", true), name: c.name)
        },
        "MaxPooling3D": { c in
            MaxPooling3D(
                poolSize: try c.size3("pool_size", 2), strides: c.value("strides") == nil ? nil : try c.size3("strides", 2),
                padding: try c.padding(), dataFormat: try c.dataFormat(), name: c.name)
        },
        "AveragePooling3D": { c in
            AveragePooling3D(
                poolSize: try c.size3("pool_size", 2), strides: c.value("strides") == nil ? nil : try c.size3("strides", 2),
                padding: try c.padding(), dataFormat: try c.dataFormat(), name: c.name)
        },
        "GlobalAveragePooling3D": { c in
            GlobalAveragePooling3D(dataFormat: try c.dataFormat(), keepdims: try c.bool("keepdims", false), name: c.name)
        },
        "GlobalMaxPooling3D": { c in
            GlobalMaxPooling3D(dataFormat: try c.dataFormat(), keepdims: try c.bool("keepdims", false), name: c.name)
        },
        "UpSampling3D": { c in Resample3D(.upsample, size: try c.size3("size", 2), dataFormat: try c.dataFormat(), name: c.name) },
        "ZeroPadding3D": { c in Resample3D(.pad, margins: try c.margins3("padding", 1), dataFormat: try c.dataFormat(), name: c.name) },
        "Cropping3D": { c in Resample3D(.crop, margins: try c.margins3("cropping", 0), dataFormat: try c.dataFormat(), name: c.name) },
        "Subtract": { c in Subtract(name: c.name) },
        "Average": { c in Average(name: c.name) },
        "Maximum": { c in Maximum(name: c.name) },
        "Minimum": { c in Minimum(name: c.name) },
        // Keras 2 named LeakyReLU's slope `alpha`.
        "LeakyReLU": { c in LeakyReLU(negativeSlope: try c.double("negative_slope", try c.double("alpha", 0.3)), name: c.name) },
        "ELU": { c in ELU(alpha: try c.double("alpha", 1), name: c.name) },
        "Softmax": { c in Softmax(axis: try c.firstInt("axis", -1), name: c.name) },
        "PReLU": { c in PReLU(sharedAxes: try c.intList("shared_axes") ?? [], name: c.name) },
        "SimpleRNN": { c in
            try c.refuseCallTensors(recurrentCallTensors)
            return SimpleRNN(try c.recurrentSettings(), name: c.name)
        },
        "GRU": { c in
            try c.refuseCallTensors(recurrentCallTensors)
            return GRU(try c.recurrentSettings(), name: c.name)
        },
        "LSTM": { c in
            try c.refuseCallTensors(recurrentCallTensors)
            return LSTM(try c.recurrentSettings(), name: c.name)
        },
        "Bidirectional": { c in
            try c.refuseCallTensors(recurrentCallTensors)
            func wrapped(_ key: String) throws -> (any RecurrentLayer)? {
                guard let entry = c.value(key)?.objectValue else { return nil }
                let inner = KerasLayerConfig(
                    name: entry["config"]?["name"]?.stringValue ?? key, className: entry["class_name"]?.stringValue ?? "?",
                    module: entry["module"]?.stringValue ?? "", registeredName: nil,
                    config: entry["config"]?.objectValue ?? [:], entry: entry)
                guard let build = builders[inner.className], let layer = try build(inner) as? any RecurrentLayer else {
                    throw LayerProblem("\(key) is a \(inner.className); netviz wraps SimpleRNN, GRU and LSTM")
                }
                return layer
            }
            guard let layer = try wrapped("layer") else { throw LayerProblem("layer is missing") }
            let mode = try c.string("merge_mode", "concat")
            guard let merge = Bidirectional.MergeMode(rawValue: mode) else {
                throw LayerProblem("merge_mode '\(mode)': netviz reads concat, sum, mul and ave")
            }
            return Bidirectional(layer, backward: try wrapped("backward_layer"), mergeMode: merge, name: c.name)
        },
        // Convolution variants, adaptive pooling, attention, EinsumDense, normalizations
        "Conv1DTranspose": { c in
            Conv1DTranspose(
                filters: try c.int("filters"), kernelSize: try c.firstInt("kernel_size", 1), strides: try c.firstInt("strides", 1),
                padding: try c.padding(), outputPadding: c.value("output_padding") == nil ? nil : try c.firstInt("output_padding", 0),
                dataFormat: try c.dataFormat(), dilationRate: try c.firstInt("dilation_rate", 1), activation: try c.activation(),
                useBias: try c.bool("use_bias", true), name: c.name)
        },
        "Conv3DTranspose": { c in
            Conv3DTranspose(
                filters: try c.int("filters"), kernelSize: try c.size3("kernel_size", 1), strides: try c.size3("strides", 1),
                padding: try c.padding(), outputPadding: c.value("output_padding") == nil ? nil : try c.size3("output_padding", 0),
                dataFormat: try c.dataFormat(), dilationRate: try c.size3("dilation_rate", 1), activation: try c.activation(),
                useBias: try c.bool("use_bias", true), name: c.name)
        },
        "DepthwiseConv1D": { c in
            DepthwiseConv1D(
                kernelSize: try c.firstInt("kernel_size", 1), strides: try c.firstInt("strides", 1), padding: try c.padding(),
                depthMultiplier: try c.int("depth_multiplier", 1), dataFormat: try c.dataFormat(),
                dilationRate: try c.firstInt("dilation_rate", 1), activation: try c.activation(),
                useBias: try c.bool("use_bias", true), name: c.name)
        },
        "SeparableConv1D": { c in
            SeparableConv1D(
                filters: try c.int("filters"), kernelSize: try c.firstInt("kernel_size", 1), strides: try c.firstInt("strides", 1),
                padding: try c.padding(), dataFormat: try c.dataFormat(), dilationRate: try c.firstInt("dilation_rate", 1),
                depthMultiplier: try c.int("depth_multiplier", 1), activation: try c.activation(),
                useBias: try c.bool("use_bias", true), name: c.name)
        },
        "AdaptiveAveragePooling1D": { c in AdaptiveAveragePooling1D(outputSize: try c.outputSize(1), dataFormat: try c.dataFormat(), name: c.name) },
        "AdaptiveAveragePooling2D": { c in AdaptiveAveragePooling2D(outputSize: try c.outputSize(2), dataFormat: try c.dataFormat(), name: c.name) },
        "AdaptiveAveragePooling3D": { c in AdaptiveAveragePooling3D(outputSize: try c.outputSize(3), dataFormat: try c.dataFormat(), name: c.name) },
        "AdaptiveMaxPooling1D": { c in AdaptiveMaxPooling1D(outputSize: try c.outputSize(1), dataFormat: try c.dataFormat(), name: c.name) },
        "AdaptiveMaxPooling2D": { c in AdaptiveMaxPooling2D(outputSize: try c.outputSize(2), dataFormat: try c.dataFormat(), name: c.name) },
        "AdaptiveMaxPooling3D": { c in AdaptiveMaxPooling3D(outputSize: try c.outputSize(3), dataFormat: try c.dataFormat(), name: c.name) },
        "Dot": { c in
            guard let axes = try c.intList("axes"), axes.count == 1 || axes.count == 2 else { throw LayerProblem("axes must be one integer or two") }
            return Dot(axes: axes, normalize: try c.bool("normalize", false), name: c.name)
        },
        "EinsumDense": { c in
            try c.refuseAttentionScores()
            let equation = try c.string("equation", "")
            _ = try EinsumDense.parse(equation)
            let shape: [Int?]
            switch c.value("output_shape") {
            case .none: throw LayerProblem("output_shape is missing")
            case .array(let items)?:
                guard items.count <= 64 else { throw LayerProblem("output_shape has \(items.count) entries") }
                shape = try items.map { $0.isNull ? nil : try KerasLayerConfig.integer($0, "output_shape") }
            case let item?: shape = [try KerasLayerConfig.integer(item, "output_shape")]
            }
            return EinsumDense(
                equation: equation, outputShape: shape, biasAxes: c.value("bias_axes") == nil ? nil : try c.string("bias_axes", ""),
                activation: try c.activation(), name: c.name)
        },
        "Attention": { c in
            try c.refuseAttentionScores()
            let mode = try c.string("score_mode", "dot")
            guard let scoreMode = Attention.ScoreMode(rawValue: mode) else { throw LayerProblem("score_mode '\(mode)' must be dot or concat") }
            return Attention(useScale: try c.bool("use_scale", false), scoreMode: scoreMode, causal: try c.causalMask(), name: c.name)
        },
        "AdditiveAttention": { c in
            try c.refuseAttentionScores()
            return AdditiveAttention(useScale: try c.bool("use_scale", true), causal: try c.causalMask(), name: c.name)
        },
        "GroupQueryAttention": { c in
            try c.refuseAttentionScores()
            return GroupQueryAttention(
                headDim: try c.int("head_dim"), numQueryHeads: try c.int("num_query_heads"),
                numKeyValueHeads: try c.int("num_key_value_heads"), useBias: try c.bool("use_bias", true),
                useGate: try c.bool("use_gate", false), slidingWindow: c.value("sliding_window") == nil ? nil : try c.int("sliding_window"),
                causal: try c.causalMask(), name: c.name)
        },
        "RMSNormalization": { c in
            RMSNormalization(axes: try c.axes() ?? [-1], epsilon: try c.double("epsilon", 1e-6), name: c.name)
        },
        "SpectralNormalization": { c in
            guard let entry = c.value("layer")?.objectValue else { throw LayerProblem("layer is missing") }
            let inner = KerasLayerConfig(
                name: entry["config"]?["name"]?.stringValue ?? "layer", className: entry["class_name"]?.stringValue ?? "?",
                module: entry["module"]?.stringValue ?? "", registeredName: nil, config: entry["config"]?.objectValue ?? [:],
                entry: entry)
            guard let build = builders[inner.className], let layer = try build(inner) as? any Executable else {
                throw LayerProblem("wraps a \(inner.className), which netviz does not read")
            }
            return SpectralNormalization(
                layer, innerName: inner.name, powerIterations: try c.int("power_iterations", 1), name: c.name)
        },
        "ReversibleEmbedding": { c in
            if c.anyCall("reverse") {
                throw LayerProblem("is called with reverse=True (logits from the embeddings); netviz reads forward calls only")
            }
            return ReversibleEmbedding(
                inputDim: try c.int("input_dim"), outputDim: try c.int("output_dim"), tieWeights: try c.bool("tie_weights", true),
                name: c.name)
        },
        // Recurrent cells, ConvLSTM, Masking
        "Masking": { c in Masking(maskValue: try c.double("mask_value", 0), name: c.name) },
        "RNN": { c in
            try c.refuseCallTensors(recurrentCallTensors)
            guard try !c.bool("stateful", false) else { throw LayerProblem("stateful=True is not read") }
            guard let cell = c.value("cell") else { throw LayerProblem("cell is missing") }
            // RNN([cell, cell]) is saved as a StackedRNNCells; a bare list is read the same way.
            var entries = [cell]
            var stacked = false
            if let list = cell.arrayValue {
                entries = list
                stacked = true
            } else if cell["class_name"]?.stringValue == "StackedRNNCells" {
                guard let list = cell["config"]?["cells"]?.arrayValue else { throw LayerProblem("StackedRNNCells has no cells") }
                entries = list
                stacked = true
            }
            guard !entries.isEmpty, entries.count <= 64 else { throw LayerProblem("has \(entries.count) cells; netviz reads 1 to 64") }
            var cells: [any RecurrentLayer] = [], names: [String] = []
            for (i, entry) in entries.enumerated() {
                let cellClass = entry["class_name"]?.stringValue ?? "?"
                let cellConfig = KerasLayerConfig(
                    name: entry["config"]?["name"]?.stringValue ?? "cell_\(i)", className: cellClass,
                    module: entry["module"]?.stringValue ?? "", registeredName: nil,
                    config: entry["config"]?.objectValue ?? [:], entry: entry.objectValue ?? [:])
                let settings = try cellConfig.recurrentSettings()
                switch cellClass {
                case "SimpleRNNCell": cells.append(SimpleRNN(settings))
                case "GRUCell": cells.append(GRU(settings))
                case "LSTMCell": cells.append(LSTM(settings))
                default: throw LayerProblem("its cell is a \(cellClass); netviz reads SimpleRNNCell, GRUCell, LSTMCell and StackedRNNCells of them")
                }
                names.append(cellConfig.name)
            }
            var rnn = RNN(
                cells: cells, cellNames: stacked ? names : nil, returnSequences: try c.bool("return_sequences", false),
                returnState: try c.bool("return_state", false), goBackwards: try c.bool("go_backwards", false), name: c.name)
            rnn.zeroOutputForMask = try c.bool("zero_output_for_mask", false)
            return rnn
        },
        "ConvLSTM1D": { c in try c.convLSTM(ConvLSTM1D.self) },
        "ConvLSTM2D": { c in try c.convLSTM(ConvLSTM2D.self) },
        "ConvLSTM3D": { c in try c.convLSTM(ConvLSTM3D.self) },
        "SimpleRNNCell": { c in throw LayerProblem("a bare \(c.className) is not a layer netviz reads; wrap it in keras.layers.RNN") },
        "GRUCell": { c in throw LayerProblem("a bare \(c.className) is not a layer netviz reads; wrap it in keras.layers.RNN") },
        "LSTMCell": { c in throw LayerProblem("a bare \(c.className) is not a layer netviz reads; wrap it in keras.layers.RNN") },
        "StackedRNNCells": { c in throw LayerProblem("a bare \(c.className) is not a layer netviz reads; wrap it in keras.layers.RNN") },
    ]
}

extension KerasLayerConfig {
    /// An integer that Keras may store as a one-element list (`kernel_size: [3]` of Conv1D).
    func firstInt(_ key: String, _ fallback: Int) throws -> Int {
        guard let value = value(key) else { return fallback }
        if let list = value.arrayValue {
            guard list.count == 1 else { throw LayerProblem("\(key) must be one integer, got \(list.count)") }
            return try Self.integer(list[0], key)
        }
        return try Self.integer(value, key)
    }

    /// A keras.ops node's arguments (its config holds the op's constructor arguments).
    func opKind() throws -> KerasOp.Kind {
        func axes(_ key: String) throws -> [Int]? {
            guard let value = value(key) else { return nil }
            if let list = value.arrayValue { return try list.map { try Self.integer($0, key) } }
            return [try Self.integer(value, key)]
        }
        if let function = KerasOp.functions[className] {
            if className == "Softmax" || className == "LogSoftmax", try firstInt("axis", -1) != -1 {
                throw LayerProblem("axis: netviz reads \(className) over the last axis")
            }
            return .elementwise(function)
        }
        switch className {
        case "Reshape":
            guard let shape = try axes("newshape") ?? axes("new_shape") else { throw LayerProblem("newshape is missing") }
            return .reshape(shape)
        case "Transpose": return .transpose(try axes("axes"))
        case "ExpandDims": return .expandDims(try firstInt("axis", 0))
        case "Squeeze": return .squeeze(try axes("axis"))
        case "GetItem":
            // The key is the call's second argument: a list of `__slice__` objects, integers, None and Ellipsis.
            guard let key = entry["inbound_nodes"]?.arrayValue?.first?["args"]?.arrayValue?.dropFirst().first else {
                throw LayerProblem("GetItem has no key")
            }
            let items = key.arrayValue ?? [key]
            guard items.count <= 32 else { throw LayerProblem("GetItem's key has \(items.count) entries") }
            return .getItem(try items.map { item in
                if item.isNull { return .newAxis }
                if case .int = item { return .index(try Self.integer(item, "GetItem index")) }
                switch item["class_name"]?.stringValue {
                case "__slice__":
                    func bound(_ k: String) throws -> Int? {
                        guard let v = item["config"]?[k], !v.isNull else { return nil }
                        return try Self.integer(v, "slice \(k)")
                    }
                    return .slice(start: try bound("start"), stop: try bound("stop"), step: try bound("step"))
                case "__ellipsis__": return .ellipsis
                default: throw LayerProblem("GetItem's key holds \(item.kind) netviz cannot read")
                }
            })
        case "Cast":
            let name = try string("dtype", "float32")
            guard let dtype = DType(rawValue: name) else { throw LayerProblem("dtype '\(name)' is not read") }
            return .cast(dtype)
        default: return .reduce(axes: try axes("axis"), keepdims: try bool("keepdims", false))
        }
    }

    /// Runs `body`, turning its `LayerProblem` into the layer's error.
    static func withProblem<T>(_ layer: KerasLayerConfig, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let problem as LayerProblem {
            throw NetVizError.layer(name: layer.name, className: layer.className, message: problem.message)
        }
    }

    /// An int or three: Conv3D's kernel_size, strides, pool sizes.
    func size3(_ key: String, _ fallback: Int) throws -> Size3 {
        guard let value = value(key) else { return Size3(fallback) }
        if let list = value.arrayValue {
            guard list.count == 3 else { throw LayerProblem("\(key) must be one integer or three, got \(list.count)") }
            return Size3(try Self.integer(list[0], key), try Self.integer(list[1], key), try Self.integer(list[2], key))
        }
        return Size3(try Self.integer(value, key))
    }

    /// ZeroPadding3D / Cropping3D margins: an int, three ints, or three (before, after) pairs.
    func margins3(_ key: String, _ fallback: Int) throws -> [(Int, Int)] {
        guard let value = value(key) else { return Array(repeating: (fallback, fallback), count: 3) }
        if let list = value.arrayValue {
            guard list.count == 3 else { throw LayerProblem("\(key) must have 3 entries, got \(list.count)") }
            return try list.map { item in
                if let pair = item.arrayValue {
                    guard pair.count == 2 else { throw LayerProblem("\(key) pairs must have 2 entries") }
                    return (try Self.integer(pair[0], key), try Self.integer(pair[1], key))
                }
                let single = try Self.integer(item, key)
                return (single, single)
            }
        }
        let single = try Self.integer(value, key)
        return Array(repeating: (single, single), count: 3)
    }

    /// An (int) or (before, after) pair: ZeroPadding1D's padding, Cropping1D's cropping.
    func pair(_ key: String, _ fallback: Int) throws -> (Int, Int) {
        guard let value = value(key) else { return (fallback, fallback) }
        if let list = value.arrayValue {
            guard list.count == 2 else { throw LayerProblem("\(key) must be one integer or two, got \(list.count)") }
            return (try Self.integer(list[0], key), try Self.integer(list[1], key))
        }
        let single = try Self.integer(value, key)
        return (single, single)
    }

    /// Refuses a call that passes tensors netviz does not read as keyword arguments (an RNN's `initial_state=`, an
    /// explicit `mask=`): read without them, the numbers would silently differ from Keras's.
    func refuseCallTensors(_ keys: [String]) throws {
        for node in entry["inbound_nodes"]?.arrayValue ?? [] {
            // Keras 3: {args, kwargs}; Keras 2: a list of [layer, node, tensor, kwargs].
            // Keras 3's saved `mask=` is read as an input (KerasGraphReader.readsMaskArgument); Keras 2 keeps none.
            let keras3 = node["kwargs"]?.objectValue.map { kwargs in (kwargs, keys.filter { $0 != "mask" }) }
            let keras2 = (node.arrayValue ?? []).compactMap { item in
                item.arrayValue.flatMap { $0.count == 4 ? $0[3].objectValue : nil }.map { ($0, keys) }
            }
            for case let (kwargs, keys)? in [keras3] + keras2.map(Optional.some) {
                for key in keys where kwargs[key].map({ !$0.isNull }) ?? false {
                    throw LayerProblem("is called with \(key)=...; netviz reads calls on the input sequence alone")
                }
            }
        }
    }

    /// ConvLSTM1D/2D/3D: filters, kernel_size, strides, padding, dilation_rate and the recurrent settings.
    func convLSTM<Rank: ConvLSTMRank>(_ kind: ConvLSTM<Rank>.Type) throws -> ConvLSTM<Rank> {
        try refuseCallTensors(KerasGraphReader.recurrentCallTensors)
        guard try dataFormat() == .channelsLast else {
            throw LayerProblem("data_format 'channels_first': netviz reads ConvLSTM layers channels_last")
        }
        func sizes(_ key: String, _ fallback: Int) throws -> [Int] {
            guard let list = try intList(key) else { return Array(repeating: fallback, count: Rank.rank) }
            if list.count == 1 { return Array(repeating: list[0], count: Rank.rank) }
            guard list.count == Rank.rank else { throw LayerProblem("\(key) must be one integer or \(Rank.rank), got \(list)") }
            return list
        }
        guard value("kernel_size") != nil else { throw LayerProblem("kernel_size is missing") }
        var settings = try recurrentSettings(units: 1)
        settings.resetAfter = false
        return ConvLSTM<Rank>(
            filters: try int("filters"), kernelSize: try sizes("kernel_size", 1), strides: try sizes("strides", 1),
            padding: try padding(), dilationRate: try sizes("dilation_rate", 1), settings: settings, name: name)
    }

    /// SimpleRNN / GRU / LSTM arguments (and their cells') with Keras's defaults.
    func recurrentSettings(units fixed: Int? = nil) throws -> RecurrentSettings {
        guard try !bool("stateful", false) else { throw LayerProblem("stateful=True is not read") }
        var settings = RecurrentSettings(
            units: try fixed ?? int("units"), activation: try activation() ?? (value("activation") == nil ? .tanh : nil),
            recurrentActivation: try activation("recurrent_activation") ?? (value("recurrent_activation") == nil ? .sigmoid : nil),
            useBias: try bool("use_bias", true), returnSequences: try bool("return_sequences", false),
            goBackwards: try bool("go_backwards", false), resetAfter: try bool("reset_after", true),
            returnState: try bool("return_state", false))
        settings.zeroOutputForMask = try bool("zero_output_for_mask", false)
        return settings
    }
}
