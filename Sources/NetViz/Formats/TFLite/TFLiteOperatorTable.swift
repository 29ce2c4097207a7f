/// TFLite operator -> netviz layer: one row per operator (Docs/architecture.md, "How to add a format"). An operator
/// with a netviz layer kind is counted by that kind's rules with the file's options; the others carry the file's
/// shape and a stated counting (`TFLiteCounting`); an operator in neither list is reported, never counted as 0.
enum TFLiteOperatorTable {
    struct Context {
        let name: String
        let options: TFLiteOptions
        /// Each operator input's tensor (nil where the optional input is absent).
        let inputs: [TFLiteFile.Tensor?]
        let slots: [TFLiteInputSlot]
        /// The specs of the graph inputs, in order.
        let graphSpecs: [TensorSpec]
        /// The file's output spec.
        let output: TensorSpec
        /// Each input's values when it is a small integer tensor (a constant, or computed from shapes).
        let inputValues: [[Int]?]
        /// The batch of the file's inputs.
        let batch: Int
        /// A RESHAPE's whole target, its -1 worked out (a constant, computed shape values, or the options).
        let reshapeTarget: [Int]?
        /// False when the stored output shape is a placeholder (signature -1 past the batch) netviz could not compute.
        let fileShapeKnown: Bool

        func isConstant(_ position: Int) -> Bool {
            guard position < slots.count, case .constant = slots[position] else { return false }
            return true
        }

        func isGraph(_ position: Int) -> Bool {
            guard position < slots.count, case .graph = slots[position] else { return false }
            return true
        }

        func isPresent(_ position: Int) -> Bool { position < slots.count && slots[position] != .absent }

        /// The file's shape of input `position` ([] when absent).
        func shape(_ position: Int) -> [Int] {
            guard position < inputs.count, let t = inputs[position] else { return [] }
            return t.shape.map(Int.init)
        }

        func integers(_ position: Int) -> [Int]? { position < inputValues.count ? inputValues[position] : nil }

        /// The first graph input, when it is a batched image (rank 4 with the batch).
        var image: TensorSpec? {
            guard let first = graphSpecs.first, first.batched, first.dims.count == 3, isGraph(0) else { return nil }
            return first
        }

        var fused: ActivationFunction? { TFLiteNames.fused(options.fusedActivation)?.function }
        var padding: Padding { options.padding == 1 ? .valid : .same }
        var strides: Size2 { Size2(Int(options.strideH), Int(options.strideW)) }
        var dilation: Size2 { Size2(Int(options.dilationH), Int(options.dilationW)) }
    }

    /// What a row is made of: the netviz layer that counts it (if any), how it is counted, and which constant
    /// inputs are its weights (operator input position, weight name, layout, the shape the layer wants).
    struct Mapping {
        var rule: (any Layer)?
        var counting: TFLiteCounting
        var weights: [(position: Int, name: String, layout: TFLiteWeightSource.Layout, shape: [Int]?)]
    }

    /// Operators with no multiply-accumulates in the convention (Docs/counting.md): data movement, element-wise
    /// arithmetic, reductions, quantization and shape arithmetic.
    static let zeroMACs: Set<String> = [
        "ADD", "MUL", "SUB", "DIV", "CONCATENATION", "RESHAPE", "SOFTMAX", "LOG_SOFTMAX", "LOGISTIC", "TANH", "RELU",
        "RELU6", "RELU_N1_TO_1", "RELU_0_TO_1", "HARD_SWISH", "ELU", "GELU", "LEAKY_RELU", "PRELU", "PAD", "PADV2",
        "MIRROR_PAD", "AVERAGE_POOL_2D", "MAX_POOL_2D", "L2_POOL_2D", "MEAN", "SUM", "REDUCE_MAX", "REDUCE_MIN",
        "REDUCE_PROD", "REDUCE_ANY", "REDUCE_ALL", "ARG_MAX", "ARG_MIN", "DEQUANTIZE", "QUANTIZE", "CAST", "SHAPE",
        "RANK", "STRIDED_SLICE", "SLICE", "PACK", "UNPACK", "SQUEEZE", "EXPAND_DIMS", "TRANSPOSE", "GATHER",
        "GATHER_ND", "SPLIT", "SPLIT_V", "TILE", "BROADCAST_TO", "BROADCAST_ARGS", "FILL", "ZEROS_LIKE", "RANGE",
        "RESIZE_BILINEAR", "RESIZE_NEAREST_NEIGHBOR", "SPACE_TO_DEPTH", "DEPTH_TO_SPACE", "BATCH_TO_SPACE_ND",
        "SPACE_TO_BATCH_ND", "MAXIMUM", "MINIMUM", "SQUARED_DIFFERENCE", "RSQRT", "SQRT", "EXP", "LOG", "NEG", "ABS",
        "SQUARE", "POW", "FLOOR", "CEIL", "ROUND", "SIN", "COS", "SIGN", "FLOOR_DIV", "FLOOR_MOD", "ADD_N", "SELECT",
        "SELECT_V2", "LESS", "LESS_EQUAL", "GREATER", "GREATER_EQUAL", "EQUAL", "NOT_EQUAL", "LOGICAL_AND",
        "LOGICAL_OR", "LOGICAL_NOT", "L2_NORMALIZATION", "LOCAL_RESPONSE_NORMALIZATION", "CUMSUM", "ONE_HOT",
        "REVERSE_V2", "EMBEDDING_LOOKUP", "DENSIFY", "WHERE",
    ]

    /// Operators with a MAC rule of their own (products of weights and inputs).
    static let counted: Set<String> = [
        "CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "TRANSPOSE_CONV", "BATCH_MATMUL", "CONV_3D",
    ]

    static func isUncounted(_ name: String) -> Bool { !zeroMACs.contains(name) && !counted.contains(name) }

    static func map(_ c: Context) throws -> Mapping {
        if let mapping = try mapped(c) { return mapping }
        if isUncounted(c.name) { return Mapping(rule: nil, counting: .uncounted, weights: constantWeights(c)) }
        if c.name == "TRANSPOSE_CONV" {
            // [output_shape, weights [O, kh, kw, I], input, bias]: each input element meets kh x kw x O weights.
            let w = c.shape(1)
            let perInput = w.count == 4 ? try Checked.product([w[0], w[1], w[2]]) : 0
            return Mapping(rule: nil, counting: .perInput(perInput), weights: constantWeights(c))
        }
        if c.name == "BATCH_MATMUL" {
            let x = c.shape(0)
            let inner = x.count >= 2 ? (c.options.adjX ? x[x.count - 2] : x[x.count - 1]) : 0
            return Mapping(rule: nil, counting: .perOutput(Int64(inner)), weights: constantWeights(c))
        }
        if c.name == "CONV_3D" {
            // filter [kd, kh, kw, I, O]: a dot product of kd x kh x kw x I per output element.
            let f = c.shape(1)
            let perOutput = f.count == 5 ? try Checked.product(Array(f.prefix(4))) : 0
            return Mapping(rule: nil, counting: .perOutput(perOutput), weights: constantWeights(c))
        }
        if c.name == "CONV_2D" || c.name == "DEPTHWISE_CONV_2D" || c.name == "FULLY_CONNECTED" {
            // A computed filter (no netviz rule applies): output elements x the dot product's length.
            let f = c.shape(1)
            let length: Int64 = switch c.name {
            case "CONV_2D": f.count == 4 ? try Checked.product(Array(f.dropFirst())) : 0
            case "DEPTHWISE_CONV_2D": f.count == 4 ? try Checked.product([f[1], f[2]]) : 0
            default: Int64(f.last ?? 0)
            }
            return Mapping(rule: nil, counting: .perOutput(length), weights: constantWeights(c))
        }
        return Mapping(rule: nil, counting: .zero, weights: constantWeights(c))
    }

    /// Float or quantized constant inputs are weights; integer constants (axes, shapes, paddings) are arguments.
    static func constantWeights(_ c: Context) -> [(position: Int, name: String, layout: TFLiteWeightSource.Layout, shape: [Int]?)] {
        c.inputs.indices.compactMap { position in
            guard c.isConstant(position), let t = c.inputs[position] else { return nil }
            let floating = [0, 1, 10, 18].contains(t.type)
            guard floating || t.quantization != nil else { return nil }
            return (position, "input_\(position)", .same, nil)
        }
    }

    /// The operators netviz has a layer kind for, with the file's options; nil when this one does not fit the kind
    /// (a computed filter, axes other than the spatial ones, ...).
    static func mapped(_ c: Context) throws -> Mapping? {
        switch c.name {
        case "CONV_2D":
            let f = c.shape(1)
            guard let image = c.image, c.isConstant(1), f.count == 4, f.allSatisfy({ $0 > 0 }) else { return nil }
            let inputChannels = image.dims[2]
            let groups = inputChannels % f[3] == 0 ? inputChannels / f[3] : 1
            let useBias = c.isPresent(2)
            let rule = Conv2D(
                filters: f[0], kernelSize: Size2(f[1], f[2]), strides: c.strides, padding: c.padding,
                dilationRate: c.dilation, groups: groups, activation: c.fused, useBias: useBias)
            return Mapping(
                rule: rule, counting: .rule,
                weights: [(1, "kernel", .ohwiToHwio, [f[1], f[2], f[3], f[0]])] + (useBias ? [(2, "bias", .same, [f[0]])] : []))
        case "DEPTHWISE_CONV_2D":
            let f = c.shape(1)
            guard let image = c.image, c.isConstant(1), f.count == 4, f[0] == 1, f.allSatisfy({ $0 > 0 }), image.dims[2] > 0
            else { return nil }
            let channels = image.dims[2]
            let multiplier = f[3] % channels == 0 ? f[3] / channels : Int(c.options.depthMultiplier)
            guard multiplier > 0 else { return nil }
            let useBias = c.isPresent(2)
            let rule = DepthwiseConv2D(
                kernelSize: Size2(f[1], f[2]), strides: c.strides, padding: c.padding, depthMultiplier: multiplier,
                dilationRate: c.dilation, activation: c.fused, useBias: useBias)
            return Mapping(
                rule: rule, counting: .rule,
                weights: [(1, "kernel", .same, [f[1], f[2], channels, multiplier])] + (useBias ? [(2, "bias", .same, [f[3]])] : []))
        case "FULLY_CONNECTED":
            let w = c.shape(1)
            guard c.isGraph(0), c.graphSpecs.first?.batched == true, c.isConstant(1), w.count == 2, w.allSatisfy({ $0 > 0 })
            else { return nil }
            let useBias = c.isPresent(2)
            return Mapping(
                rule: Dense(units: w[0], activation: c.fused, useBias: useBias), counting: .rule,
                weights: [(1, "kernel", .transpose2D, [w[1], w[0]])] + (useBias ? [(2, "bias", .same, [w[0]])] : []))
        case "AVERAGE_POOL_2D", "MAX_POOL_2D":
            guard c.image != nil else { return nil }
            let size = Size2(Int(c.options.filterH), Int(c.options.filterW))
            let rule: any Layer = c.name == "MAX_POOL_2D"
                ? MaxPooling2D(poolSize: size, strides: c.strides, padding: c.padding)
                : AveragePooling2D(poolSize: size, strides: c.strides, padding: c.padding)
            return Mapping(rule: rule, counting: .rule, weights: [])
        case "MEAN", "REDUCE_MAX":
            guard c.image != nil, let axes = c.integers(1), Set(axes.map { $0 < 0 ? $0 + 4 : $0 }) == [1, 2] else { return nil }
            let keepdims = c.options.keepDims
            let rule: any Layer = c.name == "MEAN"
                ? GlobalAveragePooling2D(keepdims: keepdims) : GlobalMaxPooling2D(keepdims: keepdims)
            return Mapping(rule: rule, counting: .rule, weights: [])
        case "ADD", "MUL":
            guard c.graphSpecs.count >= 2, c.slots.allSatisfy({ if case .graph = $0 { true } else { false } }) else { return nil }
            return Mapping(rule: c.name == "ADD" ? Add() : Multiply(), counting: .rule, weights: [])
        case "CONCATENATION":
            guard c.graphSpecs.count >= 2, c.slots.allSatisfy({ if case .graph = $0 { true } else { false } }),
                c.graphSpecs.allSatisfy(\.batched)
            else { return nil }
            return Mapping(rule: Concatenate(axis: Int(c.options.axis)), counting: .rule, weights: [])
        case "RESHAPE":
            // The computed target where there is one (checked against the file's shape), else the file's shape.
            // A whole input holds one sample when the batch is 1 (the RESHAPE after Dense's rows restores the batch).
            guard c.isGraph(0), c.graphSpecs[0].batched || c.batch == 1 else { return nil }
            let target = c.reshapeTarget ?? (c.output.batched ? [c.batch] + c.output.dims : c.output.dims)
            guard target.count >= 2, target.first == c.batch else { return nil }
            return Mapping(rule: Reshape(targetShape: Array(target.dropFirst())), counting: .rule, weights: [])
        case "SOFTMAX":
            guard c.options.beta == 1, c.graphSpecs.first?.batched == true else { return nil }
            return Mapping(rule: Activation(.softmax), counting: .rule, weights: [])
        case "LOGISTIC", "TANH", "RELU", "RELU6", "HARD_SWISH", "ELU", "GELU", "LOG_SOFTMAX":
            guard c.graphSpecs.first?.batched == true else { return nil }
            let function: ActivationFunction = switch c.name {
            case "LOGISTIC": .sigmoid
            case "TANH": .tanh
            case "RELU": .relu
            case "RELU6": .relu6
            case "HARD_SWISH": .hardSwish
            case "ELU": .elu
            case "GELU": .gelu
            default: .logSoftmax
            }
            return Mapping(rule: Activation(function), counting: .rule, weights: [])
        case "LEAKY_RELU":
            guard c.graphSpecs.first?.batched == true else { return nil }
            return Mapping(rule: ReLU(negativeSlope: Double(c.options.alpha)), counting: .rule, weights: [])
        case "PAD", "PADV2":
            guard c.image != nil, let p = c.integers(1), p.count == 8, p[0] == 0, p[1] == 0, p[6] == 0, p[7] == 0,
                c.name == "PAD" || !c.isPresent(2)
            else { return nil }
            let margins = Margins2D(top: p[2], bottom: p[3], left: p[4], right: p[5])
            return Mapping(rule: ZeroPadding2D(padding: margins), counting: .rule, weights: [])
        default:
            return nil
        }
    }

    /// Where netviz's rule disagrees with the file: the output shape (the file's is used) or the weight elements.
    static func disagreements(_ mapping: Mapping, _ c: Context, sources: [TFLiteWeightSource]) throws -> [String] {
        guard let rule = mapping.rule, c.fileShapeKnown else { return [] }
        var found: [String] = []
        let inputs = type(of: rule).arity == .one ? Array(c.graphSpecs.prefix(1)) : c.graphSpecs
        let ruleName = type(of: rule).className
        do {
            let ruled = try rule.outputSpec(for: inputs)
            if ruled.dims != c.output.dims || ruled.batched != c.output.batched {
                found.append("netviz's \(ruleName) rule gives \(ruled), the file says \(c.output); the file's shape is used")
            }
        } catch let problem as LayerProblem {
            found.append("netviz's \(ruleName) rule fails (\(problem.message)); the file's shape \(c.output) is used")
        }
        let expected = try Checked.sum(rule.weights(for: inputs).map { try $0.count() })
        let stored = try Checked.sum(sources.map { try Checked.product($0.stored.shape) })
        if expected != stored {
            found.append("netviz's \(ruleName) rule holds \(expected) weights, the file's tensors \(stored)")
        }
        return found
    }
}
