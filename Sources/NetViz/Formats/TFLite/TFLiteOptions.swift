/// The builtin options netviz reads (the `BuiltinOptions` union of schema.fbs, by its type code), flattened into
/// one value; an option a type does not have stays at its default. Unread types keep only their type code.
struct TFLiteOptions: Sendable, Equatable {
    var type: UInt8 = 0
    /// Padding: 0 SAME, 1 VALID.
    var padding: Int8 = 0
    var strideH: Int32 = 0, strideW: Int32 = 0, strideD: Int32 = 0
    var dilationH: Int32 = 1, dilationW: Int32 = 1, dilationD: Int32 = 1
    var filterH: Int32 = 0, filterW: Int32 = 0
    var depthMultiplier: Int32 = 0
    /// ActivationFunctionType: 0 NONE, 1 RELU, 2 RELU_N1_TO_1, 3 RELU6, 4 TANH, 5 SIGN_BIT.
    var fusedActivation: Int8 = 0
    var keepNumDims = false
    var keepDims = false
    var axis: Int32 = 0
    var beta: Float = 0
    var alpha: Float = 0
    var adjX = false, adjY = false
    var newShape: [Int32]? = nil
    var squeezeDims: [Int32]? = nil
    var valuesCount: Int32 = 0
    var beginMask: Int32 = 0, endMask: Int32 = 0, ellipsisMask: Int32 = 0, newAxisMask: Int32 = 0, shrinkAxisMask: Int32 = 0

    static func read(type: UInt8, table: FlatTable?, what: String) throws(FlatBuffer.Failure) -> TFLiteOptions {
        var o = TFLiteOptions(type: type)
        guard let t = table else { return o }
        switch type {
        case 1:  // Conv2DOptions
            o.padding = try t.int8(0); o.strideW = try t.int32(1); o.strideH = try t.int32(2)
            o.fusedActivation = try t.int8(3); o.dilationW = try t.int32(4, 1); o.dilationH = try t.int32(5, 1)
        case 2:  // DepthwiseConv2DOptions
            o.padding = try t.int8(0); o.strideW = try t.int32(1); o.strideH = try t.int32(2)
            o.depthMultiplier = try t.int32(3); o.fusedActivation = try t.int8(4)
            o.dilationW = try t.int32(5, 1); o.dilationH = try t.int32(6, 1)
        case 5:  // Pool2DOptions
            o.padding = try t.int8(0); o.strideW = try t.int32(1); o.strideH = try t.int32(2)
            o.filterW = try t.int32(3); o.filterH = try t.int32(4); o.fusedActivation = try t.int8(5)
        case 8:  // FullyConnectedOptions
            o.fusedActivation = try t.int8(0); o.keepNumDims = try t.bool(2)
        case 9:  // SoftmaxOptions
            o.beta = try t.float32(0)
        case 10:  // ConcatenationOptions
            o.axis = try t.int32(0); o.fusedActivation = try t.int8(1)
        case 11, 21, 28, 29, 12:  // Add, Mul, Sub, Div, L2Norm: fused_activation_function first
            o.fusedActivation = try t.int8(0)
        case 17:  // ReshapeOptions
            o.newShape = try t.int32s(0, "\(what) new_shape")
        case 23:  // GatherOptions
            o.axis = try t.int32(0)
        case 27:  // ReducerOptions
            o.keepDims = try t.bool(0)
        case 30:  // SqueezeOptions
            o.squeezeDims = try t.int32s(0, "\(what) squeeze_dims")
        case 32:  // StridedSliceOptions
            o.beginMask = try t.int32(0); o.endMask = try t.int32(1); o.ellipsisMask = try t.int32(2)
            o.newAxisMask = try t.int32(3); o.shrinkAxisMask = try t.int32(4)
        case 49:  // TransposeConvOptions
            o.padding = try t.int8(0); o.strideW = try t.int32(1); o.strideH = try t.int32(2)
            o.fusedActivation = try t.int8(3)
        case 59:  // PackOptions
            o.valuesCount = try t.int32(0); o.axis = try t.int32(1)
        case 75:  // LeakyReluOptions
            o.alpha = try t.float32(0)
        case 101:  // BatchMatMulOptions
            o.adjX = try t.bool(0); o.adjY = try t.bool(1)
        case 106:  // Conv3DOptions
            o.padding = try t.int8(0); o.strideD = try t.int32(1); o.strideW = try t.int32(2); o.strideH = try t.int32(3)
            o.fusedActivation = try t.int8(4); o.dilationD = try t.int32(5, 1); o.dilationW = try t.int32(6, 1)
            o.dilationH = try t.int32(7, 1)
        default:
            break
        }
        return o
    }
}

/// Names from schema.fbs: operators by builtin code, tensor types by code.
enum TFLiteNames {
    /// `BuiltinOperator` up to BATCH_MATMUL and the few later ones netviz counts.
    static let operators: [Int32: String] = {
        let names = [
            "ADD", "AVERAGE_POOL_2D", "CONCATENATION", "CONV_2D", "DEPTHWISE_CONV_2D", "DEPTH_TO_SPACE", "DEQUANTIZE",
            "EMBEDDING_LOOKUP", "FLOOR", "FULLY_CONNECTED", "HASHTABLE_LOOKUP", "L2_NORMALIZATION", "L2_POOL_2D",
            "LOCAL_RESPONSE_NORMALIZATION", "LOGISTIC", "LSH_PROJECTION", "LSTM", "MAX_POOL_2D", "MUL", "RELU",
            "RELU_N1_TO_1", "RELU6", "RESHAPE", "RESIZE_BILINEAR", "RNN", "SOFTMAX", "SPACE_TO_DEPTH", "SVDF", "TANH",
            "CONCAT_EMBEDDINGS", "SKIP_GRAM", "CALL", "CUSTOM", "EMBEDDING_LOOKUP_SPARSE", "PAD",
            "UNIDIRECTIONAL_SEQUENCE_RNN", "GATHER", "BATCH_TO_SPACE_ND", "SPACE_TO_BATCH_ND", "TRANSPOSE", "MEAN", "SUB",
            "DIV", "SQUEEZE", "UNIDIRECTIONAL_SEQUENCE_LSTM", "STRIDED_SLICE", "BIDIRECTIONAL_SEQUENCE_RNN", "EXP",
            "TOPK_V2", "SPLIT", "LOG_SOFTMAX", "DELEGATE", "BIDIRECTIONAL_SEQUENCE_LSTM", "CAST", "PRELU", "MAXIMUM",
            "ARG_MAX", "MINIMUM", "LESS", "NEG", "PADV2", "GREATER", "GREATER_EQUAL", "LESS_EQUAL", "SELECT", "SLICE",
            "SIN", "TRANSPOSE_CONV", "SPARSE_TO_DENSE", "TILE", "EXPAND_DIMS", "EQUAL", "NOT_EQUAL", "LOG", "SUM",
            "SQRT", "RSQRT", "SHAPE", "POW", "ARG_MIN", "FAKE_QUANT", "REDUCE_PROD", "REDUCE_MAX", "PACK", "LOGICAL_OR",
            "ONE_HOT", "LOGICAL_AND", "LOGICAL_NOT", "UNPACK", "REDUCE_MIN", "FLOOR_DIV", "REDUCE_ANY", "SQUARE",
            "ZEROS_LIKE", "FILL", "FLOOR_MOD", "RANGE", "RESIZE_NEAREST_NEIGHBOR", "LEAKY_RELU", "SQUARED_DIFFERENCE",
            "MIRROR_PAD", "ABS", "SPLIT_V", "UNIQUE", "CEIL", "REVERSE_V2", "ADD_N", "GATHER_ND", "COS", "WHERE", "RANK",
            "ELU", "REVERSE_SEQUENCE", "MATRIX_DIAG", "QUANTIZE", "MATRIX_SET_DIAG", "ROUND", "HARD_SWISH", "IF",
            "WHILE", "NON_MAX_SUPPRESSION_V4", "NON_MAX_SUPPRESSION_V5", "SCATTER_ND", "SELECT_V2", "DENSIFY",
            "SEGMENT_SUM", "BATCH_MATMUL", "PLACEHOLDER_FOR_GREATER_OP_CODES", "CUMSUM", "CALL_ONCE", "BROADCAST_TO",
            "RFFT2D", "CONV_3D", "IMAG", "REAL", "COMPLEX_ABS", "HASHTABLE", "HASHTABLE_FIND", "HASHTABLE_IMPORT",
            "HASHTABLE_SIZE", "REDUCE_ALL", "CONV_3D_TRANSPOSE", "VAR_HANDLE", "READ_VARIABLE", "ASSIGN_VARIABLE",
            "BROADCAST_ARGS", "RANDOM_STANDARD_NORMAL", "BUCKETIZE", "RANDOM_UNIFORM", "MULTINOMIAL", "GELU",
            "DYNAMIC_UPDATE_SLICE", "RELU_0_TO_1", "UNSORTED_SEGMENT_PROD", "UNSORTED_SEGMENT_MAX",
            "UNSORTED_SEGMENT_SUM", "ATAN2", "UNSORTED_SEGMENT_MIN", "SIGN", "BITCAST", "BITWISE_XOR", "RIGHT_SHIFT",
        ]
        var table: [Int32: String] = [:]
        for (code, name) in names.enumerated() { table[Int32(code)] = name }
        return table
    }()

    static func operatorName(_ code: TFLiteFile.OperatorCode) -> String {
        if code.builtin == 32 { return "CUSTOM:" + (code.custom ?? "?") }
        if let name = operators[code.builtin] { return name }
        return code.builtin >= 162 && code.builtin <= 209 ? "STABLEHLO_\(code.builtin)" : "BUILTIN_\(code.builtin)"
    }

    /// `TensorType` names, lower case as numpy prints them.
    static let types: [Int8: String] = [
        0: "float32", 1: "float16", 2: "int32", 3: "uint8", 4: "int64", 5: "string", 6: "bool", 7: "int16",
        8: "complex64", 9: "int8", 10: "float64", 11: "complex128", 12: "uint64", 13: "resource", 14: "variant",
        15: "uint32", 16: "uint16", 17: "int4", 18: "bfloat16", 19: "int2", 20: "uint4",
    ]

    static func typeName(_ type: Int8) -> String { types[type] ?? "type \(type)" }

    /// The netviz dtype of a tensor type, when netviz models it.
    static func dtype(_ type: Int8) -> DType? {
        switch type {
        case 0: .float32
        case 1: .float16
        case 2: .int32
        case 3: .uint8
        case 4: .int64
        case 6: .bool
        case 7: .int16
        case 9: .int8
        case 10: .float64
        case 18: .bfloat16
        default: nil
        }
    }

    /// `ActivationFunctionType` as the rows show it, and as netviz's activation when it has one.
    static func fused(_ code: Int8) -> (name: String, function: ActivationFunction?)? {
        switch code {
        case 0: nil
        case 1: ("RELU", .relu)
        case 2: ("RELU_N1_TO_1", nil)
        case 3: ("RELU6", .relu6)
        case 4: ("TANH", .tanh)
        case 5: ("SIGN_BIT", nil)
        default: ("activation \(code)", nil)
        }
    }
}
