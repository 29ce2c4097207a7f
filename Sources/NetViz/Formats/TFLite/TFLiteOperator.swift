import Foundation

/// How a TFLite operator's MACs are counted.
public enum TFLiteCounting: Sendable, Equatable {
    /// By the netviz layer it maps to (Conv2D, DepthwiseConv2D, Dense, ...): the Keras and paper convention.
    case rule
    /// No multiply-accumulates in the convention (data movement, element-wise, reductions, quantize, shape math).
    case zero
    /// Output elements x `perOutput` (a dot product of that length per output: BATCH_MATMUL, CONV_3D, a convolution
    /// whose filter is computed).
    case perOutput(Int64)
    /// Input elements x `perInput` (TRANSPOSE_CONV scatters every input element over kernel x output channels).
    case perInput(Int64)
    /// An operator netviz has no rule for, imported under `--allow-unknown`: reported, never a silent 0.
    case uncounted
}

/// One TFLite operator as a row. Where netviz has a layer kind for it (`rule`: CONV_2D is a Conv2D with the
/// file's padding, strides, dilation and fused activation), that layer's shape, weight and MAC rules count it, and
/// the importer compares the rule's shape with the file's. Otherwise the row carries the file's output shape and
/// the counting named in `counting`. The row is named by the operator's output tensor, typed by the operator.
public struct TFLiteOperator<Inputs: InputCount>: Layer, InstanceClassName, StoredWeightTypes, ImportNotes, FileWeights {
    public static var className: String { "TFLiteOperator" }
    public static var arity: Arity { Inputs.arity }

    /// `CONV_2D`, `CUSTOM:MyOp`.
    public let operatorName: String
    /// The netviz layer that counts it; its config (padding, strides, ...) is what the file says.
    public let rule: (any Layer)?
    public let counting: TFLiteCounting
    /// The output as the file gives it (whole, or batched when its first axis is the batch).
    public let fileOutput: TensorSpec
    /// The fused activation (`RELU6`), as the file's options name it.
    public let fusedActivation: String?
    /// The converter folded a BatchNormalization into this operator's filter and bias (its tensor names say so).
    public let batchNormFolded: Bool
    public let storedWeights: [StoredWeight]
    /// The output tensor's stored type, shape and quantization (for details: an int8 activation's scale).
    public let storedOutput: StoredWeight?
    public let importWarnings: [String]
    /// False when the file's output shape is a placeholder netviz could not compute: the rule's shape is used.
    public let fileShapeKnown: Bool
    public var name: String?
    let weightSources: [TFLiteWeightSource]
    /// For kernels of operators without a netviz layer: each operator input, a graph input or a small constant.
    let inputSlots: [TFLiteInputSlot]
    let options: TFLiteOptions

    init(
        operatorName: String, rule: (any Layer)?, counting: TFLiteCounting, fileOutput: TensorSpec,
        fusedActivation: String?, batchNormFolded: Bool, weightSources: [TFLiteWeightSource], importWarnings: [String],
        inputSlots: [TFLiteInputSlot], options: TFLiteOptions, storedOutput: StoredWeight?, fileShapeKnown: Bool,
        name: String
    ) {
        self.fileShapeKnown = fileShapeKnown
        self.storedOutput = storedOutput
        self.operatorName = operatorName
        self.rule = rule
        self.counting = counting
        self.fileOutput = fileOutput
        self.fusedActivation = fusedActivation
        self.batchNormFolded = batchNormFolded
        self.weightSources = weightSources
        storedWeights = weightSources.map(\.stored)
        self.importWarnings = importWarnings
        self.inputSlots = inputSlots
        self.options = options
        self.name = name
    }

    /// `CONV_2D + RELU6, BN folded`.
    public var instanceClassName: String {
        operatorName + (fusedActivation.map { " + " + $0 } ?? "") + (batchNormFolded ? ", BN folded" : "")
    }

    public var uncountedOperator: String? { counting == .uncounted ? "TFLite operator \(operatorName)" : nil }

    public var activation: ActivationFunction? {
        rule?.activation ?? fusedActivation.flatMap { name in TFLiteNames.fused(fusedCode(name))?.function }
    }

    private func fusedCode(_ name: String) -> Int8 {
        switch name {
        case "RELU": 1
        case "RELU_N1_TO_1": 2
        case "RELU6": 3
        case "TANH": 4
        default: 5
        }
    }

    /// The inputs the rule takes: one for single-input kinds (RESHAPE's computed shape is not data).
    func ruleInputs(_ inputs: [TensorSpec]) -> [TensorSpec] {
        guard let rule else { return inputs }
        return type(of: rule).arity == .one ? Array(inputs.prefix(1)) : inputs
    }

    /// The rule's shape where it agrees with the file's (the importer warned where it does not); the file's
    /// shape otherwise, so a disagreement never changes the rows after it. The element type is the file's.
    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        guard let rule, let ruled = try? rule.outputSpec(for: ruleInputs(inputs)) else { return fileOutput }
        guard !fileShapeKnown || (ruled.dims == fileOutput.dims && ruled.batched == fileOutput.batched) else {
            return fileOutput
        }
        var out = ruled
        out.dtype = fileOutput.dtype
        return out
    }

    /// The rule's weights (Keras's names and shapes) or the file's constant operands; all non-trainable: a
    /// `.tflite` holds constants.
    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] {
        if let rule, counting == .rule {
            return rule.weights(for: ruleInputs(inputs)).map { WeightSpec($0.name, $0.shape, trainable: false) }
        }
        return weightSources.map { WeightSpec($0.stored.name, $0.stored.shape, trainable: false) }
    }

    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 {
        switch counting {
        case .rule: return try rule?.macs(for: ruleInputs(inputs), output: output) ?? 0
        case .zero, .uncounted: return 0
        case .perOutput(let length): return try Checked.multiply(output.elementCount(), length)
        case .perInput(let length): return try Checked.multiply(inputs.first?.elementCount() ?? 0, length)
        }
    }

    public var spatial: Spatial2D? { rule?.spatial }

    public func costGroup(for inputs: [TensorSpec]) -> String? {
        if let rule { return rule.costGroup(for: ruleInputs(inputs)) ?? type(of: rule).className }
        switch operatorName {
        case "TRANSPOSE_CONV": return "Transpose Conv"
        case "BATCH_MATMUL": return "MatMul"
        case "CONV_3D": return "Conv 3D"
        case "FULLY_CONNECTED": return "Fully Connected"
        default: return operatorName
        }
    }

    public func readWeights() throws -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        for source in weightSources { out[source.stored.name] = try source.read() }
        return out
    }
}

/// What every TFLite row tells, whatever its arity (tests and tools read rows through it).
public protocol TFLiteRow {
    var operatorName: String { get }
    var fileOutput: TensorSpec { get }
}

extension TFLiteOperator: TFLiteRow {}

/// One operator input, for kernels that read constants (STRIDED_SLICE's begin and end, PACK's scalars).
enum TFLiteInputSlot: Sendable, Equatable {
    /// The i-th graph input of the row.
    case graph(Int)
    case constant(shape: [Int], values: [Double])
    case absent
}

extension TFLiteOperator: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        if operatorName == "RESHAPE" {
            // The target as counted (the rule's, or the file's whole shape); the batch is what the input holds.
            guard let x = context.inputs.first else { throw KernelError("got no input") }
            let target = (rule as? Reshape)?.targetShape ?? fileOutput.dims
            let per = target.reduce(1) { $0.multipliedReportingOverflow(by: $1).overflow ? 0 : $0 * $1 }
            guard per > 0, x.count % per == 0 else { throw KernelError("cannot reshape \(x.shapeDescription) to \(target)") }
            let shape = rule is Reshape || fileOutput.batched ? [x.count / per] + target : target
            guard shape.reduce(1, *) == x.count else { throw KernelError("cannot reshape \(x.shapeDescription) to \(shape)") }
            return try Tensor(shape: shape, data: x.data)
        }
        if let rule = rule as? any Executable, counting == .rule {
            let output = try rule.execute(&context)
            // The rule's own activation ran in its kernel; a fused one on a kind without one runs here.
            guard rule.activation == nil, let fused = fusedActivation else { return output }
            guard let function = TFLiteNames.fused(fusedCode(fused))?.function else {
                throw KernelError("has no kernel for the fused activation \(fused)")
            }
            return try Activations.apply(function, to: output)
        }
        return try TFLiteKernels.run(self, &context)
    }
}

/// What the report's details panel lists for a row: the operator, its fused activation and folding, the config of
/// the netviz layer that counts it, how it is counted, and each stored weight with its type and quantization.
extension TFLiteOperator: CustomReflectable {
    public var customMirror: Mirror {
        var children: [(label: String?, value: Any)] = [("operator", operatorName)]
        if let fusedActivation { children.append(("fused_activation", fusedActivation)) }
        if batchNormFolded { children.append(("batch_normalization", "folded into the filter and bias by the converter")) }
        if let rule {
            children.append(("counted_as", type(of: rule).className))
            for child in Mirror(reflecting: rule).children where child.label != "name" { children.append(child) }
        }
        let counting: String = switch self.counting {
        case .rule: "by the \(rule.map { type(of: $0).className } ?? "layer")'s rule"
        case .zero: "0 MACs (no multiply-accumulates in the convention)"
        case .perOutput(let length): "output elements x \(length)"
        case .perInput(let length): "input elements x \(length)"
        case .uncounted: "not counted (--allow-unknown)"
        }
        children.append(("counting", counting))
        for weight in storedWeights { children.append(("weight", weight.description)) }
        if let storedOutput { children.append(("output", storedOutput.description)) }
        if !fileShapeKnown { children.append(("file_shape", "a placeholder in the file; netviz's rule gives the shape")) }
        return Mirror(self, children: children)
    }
}
