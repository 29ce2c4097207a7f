import Foundation

/// Builds a netviz `Model` from one subgraph of a read `.tflite` file, operator by operator in file order, through
/// the DSL (so every shape is netviz's own and checked against the file's).
struct TFLiteGraphBuilder {
    let file: TFLiteFile
    let bytes: UnsafeRawBufferPointer
    let path: String
    let options: ImportOptions
    let subgraph: TFLiteFile.Subgraph

    /// Tensors computed by the graph (model inputs and operator outputs), by tensor index.
    var values: [Int: SymbolicTensor] = [:]
    /// Constant tensors by index, each with the tensor that stores it: itself, or the input of a DEQUANTIZE (or any
    /// operator of constants only) the converter left for the runtime to fold.
    var constants: [Int: Int] = [:]
    var names = Set<String>()
    /// Values of small integer tensors computed from shapes (TFLiteShapeValues), by tensor index.
    var shapeValues: [Int: [Int]] = [:]
    /// The batch the file's inputs hold (their first axis; 1 in converted models).
    var batch = 1
    /// The model's name scope that most operator outputs start with (`mobilenet_0.25_128_1/`), left out of row names.
    let scope: String?

    init(file: TFLiteFile, bytes: UnsafeRawBufferPointer, path: String, options: ImportOptions) {
        self.file = file
        self.bytes = bytes
        self.path = path
        self.options = options
        // The serving signature's subgraph when there is one, else the first (the others are WHILE/IF bodies).
        let chosen = Int(file.signatureDefs.first?.subgraph ?? 0)
        let subgraph = file.subgraphs[chosen < file.subgraphs.count ? chosen : 0]
        self.subgraph = subgraph
        var counts: [Substring: Int] = [:]
        for op in subgraph.operators {
            guard let first = op.outputs.first, first >= 0, Int(first) < subgraph.tensors.count else { continue }
            let name = subgraph.tensors[Int(first)].name
            if let slash = name.firstIndex(of: "/") { counts[name[..<slash], default: 0] += 1 }
        }
        let top = counts.max { ($0.value, $1.key) < ($1.value, $0.key) }
        scope = top.flatMap { 2 * $0.value >= subgraph.operators.count ? String($0.key) + "/" : nil }
    }

    var modelName: String {
        let base = (path as NSString).lastPathComponent
        return base.hasSuffix(".tflite") ? String(base.dropLast(7)) : base
    }

    func tensor(_ index: Int32, _ what: @autoclosure () -> String) throws -> TFLiteFile.Tensor {
        guard index >= 0, Int(index) < subgraph.tensors.count else {
            throw NetVizError.graph("\(what()) names tensor \(index); the subgraph has \(subgraph.tensors.count)")
        }
        return subgraph.tensors[Int(index)]
    }

    /// The buffer holding a tensor's data, or nil when it has none (an activation).
    func buffer(of tensor: TFLiteFile.Tensor) throws -> TFLiteFile.Buffer? {
        guard tensor.buffer > 0 else { return nil }
        guard Int(tensor.buffer) < file.buffers.count else {
            throw NetVizError.graph("tensor '\(tensor.name)' names buffer \(tensor.buffer); the file has \(file.buffers.count)")
        }
        let buffer = file.buffers[Int(tensor.buffer)]
        return buffer.size > 0 ? buffer : nil
    }

    func dims(_ tensor: TFLiteFile.Tensor) throws -> [Int] {
        guard tensor.shape.allSatisfy({ $0 >= 0 }) else {
            throw NetVizError.graph("tensor '\(tensor.name)' has shape \(tensor.shape) with a negative dimension")
        }
        return tensor.shape.map(Int.init)
    }

    func dtype(_ tensor: TFLiteFile.Tensor) throws -> DType {
        guard let dtype = TFLiteNames.dtype(tensor.type) else {
            throw NetVizError.graph(
                "tensor '\(tensor.name)' is \(TFLiteNames.typeName(tensor.type)); netviz reads numeric tensors of types it models")
        }
        return dtype
    }

    /// The spec of a computed tensor: batched (Keras's `None` first) when the operator works on batched data and
    /// the first axis holds the inputs' batch; whole otherwise. A signature of -1 alone does not make a batch axis:
    /// a RESHAPE that folds the batch into rows ([7, 1018] for Dense on a rank-4 tensor) has one too.
    func spec(_ tensor: TFLiteFile.Tensor, batched: Bool) throws -> TensorSpec {
        let shape = try dims(tensor), type = try dtype(tensor)
        if batched, let first = shape.first, first == batch {
            return TensorSpec(Array(shape.dropFirst()), dtype: type)
        }
        return TensorSpec(whole: shape, dtype: type)
    }

    /// A row name from a tensor name: its first part (the converter joins the names of fused ops with `;`),
    /// made unique with the tensor's index.
    mutating func rowName(_ tensor: TFLiteFile.Tensor, index: Int32) -> String {
        var name = String(tensor.name.split(separator: ";", omittingEmptySubsequences: true).first ?? "")
        if let scope, name.hasPrefix(scope), name.count > scope.count { name.removeFirst(scope.count) }
        if name.isEmpty { name = "tensor_\(index)" }
        if names.contains(name) { name += "#\(index)" }
        while names.contains(name) { name += "_" }
        names.insert(name)
        return name
    }

    /// The values of a small integer constant (axes, paddings, shapes: at most 64), or nil when it is not one. Kept
    /// small because every operator reading it holds a copy (for its kernel), and a file may share one constant.
    func integers(_ index: Int) -> [Int]? {
        guard let stored = constants[index], stored == index, let t = try? tensor(Int32(index), ""),
            let buffer = try? buffer(of: t), t.type == 2 || t.type == 4,
            buffer.size <= Int64(TFLiteShapeValues.maxElements * (t.type == 2 ? 4 : 8))
        else { return nil }
        let width = t.type == 2 ? 4 : 8
        let count = Int(buffer.size) / width, start = Int(buffer.offset)
        guard start >= 0, start + Int(buffer.size) <= bytes.count else { return nil }
        return (0..<count).map { i in
            width == 4
                ? Int(Int32(bitPattern: bytes.loadUnaligned(fromByteOffset: start + 4 * i, as: UInt32.self).littleEndian))
                : Int(truncatingIfNeeded: Int64(bitPattern: bytes.loadUnaligned(fromByteOffset: start + 8 * i, as: UInt64.self).littleEndian))
        }
    }

    /// A small integer tensor's values: a stored constant's, or computed from shapes.
    func values(of index: Int32) -> [Int]? {
        guard index >= 0 else { return nil }
        return shapeValues[Int(index)] ?? integers(Int(index))
    }

    /// Where the constant at tensor `index` is stored, as a weight named `name`.
    func weightSource(
        _ index: Int, name: String, layout: TFLiteWeightSource.Layout, shape: [Int]? = nil
    ) throws -> TFLiteWeightSource? {
        guard let storedIndex = constants[index] else { return nil }
        let stored = try tensor(Int32(storedIndex), "a weight")
        guard let buffer = try buffer(of: stored) else { return nil }
        let storedShape = try dims(stored)
        // A dense tensor of a fixed-width type fills its buffer exactly; anything else would misstate its bytes.
        if !stored.sparse, let width = TFLiteWeightSource.width(stored.type),
            try Checked.multiply(Checked.product(storedShape), Int64(width)) != buffer.size
        {
            throw NetVizError.graph(
                "tensor '\(stored.name)' of shape \(storedShape) (\(TFLiteNames.typeName(stored.type))) has a buffer of \(buffer.size) bytes")
        }
        let q = stored.quantization
        return TFLiteWeightSource(
            stored: StoredWeight(
                name: name, tensor: stored.name, type: TFLiteNames.typeName(stored.type), shape: storedShape,
                bytes: buffer.size, scales: q?.scales ?? [], zeroPoints: q?.zeroPoints ?? [],
                quantizedDimension: Int(q?.dimension ?? 0)),
            path: path, offset: buffer.offset, size: buffer.size, typeCode: stored.type, layout: layout,
            shape: shape ?? storedShape)
    }

    mutating func build() throws -> Model {
        let codes = file.operatorCodes
        guard subgraph.operators.count <= options.maxLayers else {
            throw NetVizError.graph("more than \(options.maxLayers) operators; netviz refuses files this large")
        }
        for (index, t) in subgraph.tensors.enumerated() where try buffer(of: t) != nil || t.isVariable {
            constants[index] = index
        }
        // Operators netviz cannot count, all named in one line unless --allow-unknown lets them through.
        var unknown: [String: Int] = [:]
        for op in subgraph.operators {
            guard Int(op.opcodeIndex) < codes.count else {
                throw NetVizError.graph("an operator names operator code \(op.opcodeIndex); the file has \(codes.count)")
            }
            let name = TFLiteNames.operatorName(codes[Int(op.opcodeIndex)])
            if TFLiteOperatorTable.isUncounted(name) { unknown[name, default: 0] += 1 }
        }
        if !unknown.isEmpty, !options.allowUnknown {
            let list = unknown.keys.sorted().map { "\($0) (\(unknown[$0] ?? 0))" }
            throw NetVizError.graph(
                "operators netviz cannot count: \(Limits.list(list)); --allow-unknown imports them with the file's "
                    + "shapes and 0 MACs, reported as missing from the totals")
        }

        var inputs: [SymbolicTensor] = []
        for index in subgraph.inputs {
            let t = try tensor(index, "the subgraph's inputs")
            guard constants[Int(index)] == nil else { continue }
            let shape = try dims(t)
            guard shape.count >= 2, shape.dropFirst().allSatisfy({ $0 > 0 }) else {
                throw NetVizError.graph(
                    "input '\(t.name)' has shape \(shape); netviz reads inputs with a batch axis first and positive sizes")
            }
            batch = shape[0]
            let input = try Input(shape: Array(shape.dropFirst()), dtype: try dtype(t), name: rowName(t, index: index))
            values[Int(index)] = input
            inputs.append(input)
        }
        guard !inputs.isEmpty else { throw NetVizError.graph("the subgraph has no inputs") }

        for (position, op) in subgraph.operators.enumerated() {
            try add(op, position: position, name: TFLiteNames.operatorName(codes[Int(op.opcodeIndex)]))
        }

        var outputs: [SymbolicTensor] = []
        for index in subgraph.outputs {
            let t = try tensor(index, "the subgraph's outputs")
            guard let value = values[Int(index)] else {
                throw NetVizError.graph("output '\(t.name)' is not computed by any operator")
            }
            outputs.append(value)
        }
        return try Model(inputs: inputs, outputs: outputs, name: modelName)
    }

    /// The stored shape of tensor `index` ([] when absent or out of range).
    func storedShape(of index: Int32) -> [Int] {
        guard index >= 0, Int(index) < subgraph.tensors.count else { return [] }
        return subgraph.tensors[Int(index)].shape.map(Int.init)
    }

    /// What netviz computes of an operator's whole output shape where the file may hold a placeholder: a RESHAPE's
    /// target (also returned as such) and a FULLY_CONNECTED's rows x units.
    func computedShape(
        _ op: TFLiteFile.Operator, name: String, dataShape: [Int]?, inputValues: [[Int]?]
    ) -> (target: [Int]?, expected: [Int]?) {
        guard let dataShape, let elements = try? Checked.product(dataShape) else { return (nil, nil) }
        if name == "RESHAPE",
            let given = (inputValues.count > 1 ? inputValues[1] : nil) ?? op.options.newShape.map({ $0.map(Int.init) })
        {
            let target = TFLiteShapeValues.resolve(given, elements: elements)
            return (target, target)
        }
        let weights = storedShape(of: op.inputs.count > 1 ? op.inputs[1] : -1)
        if name == "FULLY_CONNECTED", let last = dataShape.last, last > 0, weights.count == 2, weights.allSatisfy({ $0 > 0 }) {
            let rows = op.options.keepNumDims ? Array(dataShape.dropLast()) : [Int(elements / Int64(last))]
            return (nil, rows + [weights[0]])
        }
        return (nil, nil)
    }

    mutating func add(_ op: TFLiteFile.Operator, position: Int, name operatorName: String) throws {
        let what = "operator \(position) (\(operatorName))"
        var slots: [TFLiteInputSlot] = []
        var graphInputs: [SymbolicTensor] = []
        var inputTensors: [TFLiteFile.Tensor?] = []
        for index in op.inputs {
            guard index != -1 else {
                slots.append(.absent)
                inputTensors.append(nil)
                continue
            }
            let t = try tensor(index, what)
            inputTensors.append(t)
            if let value = values[Int(index)] {
                slots.append(.graph(graphInputs.count))
                graphInputs.append(value)
            } else if constants[Int(index)] != nil {
                let small = integers(Int(index))
                slots.append(.constant(shape: try dims(t), values: (small ?? []).map(Double.init)))
            } else {
                throw NetVizError.graph(
                    "\(what) reads tensor \(index) ('\(t.name)') before any operator writes it (operators out of order, or a cycle)")
            }
        }
        guard !op.outputs.isEmpty else { throw NetVizError.graph("\(what) has no outputs") }
        for index in op.outputs {
            _ = try tensor(index, what)
            guard values[Int(index)] == nil, constants[Int(index)] == nil else {
                throw NetVizError.graph("\(what) writes tensor \(index), which is already written (a cycle, or two writers)")
            }
        }
        // Constants only in: the runtime folds it (DEQUANTIZE of float16 weights); its output is a constant
        // stored where its first input is.
        let inputValues = op.inputs.map { values(of: $0) }
        if graphInputs.isEmpty {
            let source = op.inputs.first(where: { $0 >= 0 }).flatMap { constants[Int($0)] }
            for index in op.outputs { constants[Int(index)] = source ?? Int(index) }
            if let computed = TFLiteShapeValues.evaluate(operatorName, options: op.options, inputs: inputValues, shapeOfInput: nil) {
                shapeValues[Int(op.outputs[0])] = computed
            }
            if source == nil {
                throw NetVizError.graph("\(what) has no inputs; netviz reads operators that compute from tensors")
            }
            return
        }

        let batched = graphInputs.contains { $0.spec.batched }
        let outputTensor = try tensor(op.outputs[0], what)
        // A -1 after the first axis of the signature: the stored shape is a placeholder the runtime resolves.
        let dynamic = (outputTensor.shapeSignature ?? []).dropFirst().contains(-1)
        let firstIsData: Bool = if case .graph(0)? = slots.first { true } else { false }
        let dataShape = firstIsData ? graphInputs[0].spec.shape(batch: batch) : nil
        let (target, expected) = computedShape(op, name: operatorName, dataShape: dataShape, inputValues: inputValues)
        // A RESHAPE whose target starts with the batch restores it (after Dense's rows, say).
        let stored = try spec(outputTensor, batched: batched || (target?.first == batch && batch == 1))
        // The computed shape replaces the stored one where they differ only at the signature's -1s (placeholders).
        let storedShape = try dims(outputTensor), signature = outputTensor.shapeSignature ?? []
        let placeholder = expected.map { expected in
            expected != storedShape && signature.count == storedShape.count
                && (expected.count != storedShape.count
                    || storedShape.indices.allSatisfy { expected[$0] == storedShape[$0] || signature[$0] == -1 })
        } ?? false
        var fileOutput = stored
        if dynamic || placeholder, let expected {
            fileOutput = (batched || target != nil) && expected.first == batch
                ? TensorSpec(Array(expected.dropFirst()), dtype: stored.dtype) : TensorSpec(whole: expected, dtype: stored.dtype)
        }
        let context = TFLiteOperatorTable.Context(
            name: operatorName, options: op.options, inputs: inputTensors, slots: slots,
            graphSpecs: graphInputs.map(\.spec), output: fileOutput, inputValues: inputValues,
            batch: batch, reshapeTarget: target, fileShapeKnown: !dynamic || expected != nil || placeholder)
        let mapping = try TFLiteOperatorTable.map(context)

        var sources: [TFLiteWeightSource] = []
        for weight in mapping.weights {
            guard weight.position < op.inputs.count, op.inputs[weight.position] >= 0,
                let source = try weightSource(
                    Int(op.inputs[weight.position]), name: weight.name, layout: weight.layout, shape: weight.shape)
            else { continue }
            sources.append(source)
        }
        let fused = TFLiteNames.fused(op.options.fusedActivation)?.name
        let names = ([outputTensor.name] + inputTensors.compactMap { $0?.name }).joined(separator: ";").lowercased()
        let folded = ["CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "TRANSPOSE_CONV", "CONV_3D"].contains(operatorName)
            && (names.contains("batchnorm") || names.contains("batch_norm") || names.contains("fusedbatchnorm"))
        let row = rowName(outputTensor, index: op.outputs[0])
        let warnings = try TFLiteOperatorTable.disagreements(mapping, context, sources: sources)
        let q = outputTensor.quantization
        let outputShape = try dims(outputTensor)
        let outputInfo = StoredWeight(
            name: "output", tensor: outputTensor.name, type: TFLiteNames.typeName(outputTensor.type), shape: outputShape,
            bytes: (try? Checked.multiply(Checked.product(outputShape), Int64(fileOutput.dtype.byteSize))) ?? 0,
            scales: q?.scales ?? [], zeroPoints: q?.zeroPoints ?? [], quantizedDimension: Int(q?.dimension ?? 0))
        func make<Inputs: InputCount>(_ inputs: Inputs.Type, _ name: String, _ output: TensorSpec, _ mapping: TFLiteOperatorTable.Mapping, _ sources: [TFLiteWeightSource], _ warnings: [String], _ opName: String) -> TFLiteOperator<Inputs> {
            TFLiteOperator<Inputs>(
                operatorName: opName, rule: mapping.rule, counting: mapping.counting, fileOutput: output,
                fusedActivation: fused, batchNormFolded: folded, weightSources: sources, importWarnings: warnings,
                inputSlots: slots, options: op.options, storedOutput: output == fileOutput ? outputInfo : nil,
                fileShapeKnown: context.fileShapeKnown, name: name)
        }
        func call(_ name: String, _ output: TensorSpec, _ mapping: TFLiteOperatorTable.Mapping, _ sources: [TFLiteWeightSource], _ warnings: [String], _ opName: String) throws -> SymbolicTensor {
            if graphInputs.count == 1 {
                return try make(OneInput.self, name, output, mapping, sources, warnings, opName)(graphInputs[0])
            }
            return try make(SeveralInputs.self, name, output, mapping, sources, warnings, opName)(graphInputs)
        }
        values[Int(op.outputs[0])] = try call(row, fileOutput, mapping, sources, warnings, operatorName)
        if let computed = TFLiteShapeValues.evaluate(
            operatorName, options: op.options, inputs: inputValues, shapeOfInput: dataShape)
        {
            shapeValues[Int(op.outputs[0])] = computed
        }
        // Further outputs (SPLIT, UNPACK): one row each, the file's shape, nothing counted twice.
        for (k, index) in op.outputs.enumerated().dropFirst() {
            let t = try tensor(index, what)
            let extra = TFLiteOperatorTable.Mapping(rule: nil, counting: mapping.counting == .uncounted ? .uncounted : .zero, weights: [])
            values[Int(index)] = try call(
                rowName(t, index: index), try spec(t, batched: batched), extra, [], [], "\(operatorName) (output \(k))")
        }
    }
}
