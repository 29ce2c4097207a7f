/// `keras.layers.EinsumDense`: `einsum(equation, inputs, kernel)` (+ bias, activation), the equation in one of
/// Keras's three forms `X,Y->Z`, `...X,Y->...Z` or `X...,Y->Z...` (X the input's letters, Y the kernel's, Z the
/// output's; the first of X, or the ellipsis, spans the batch axis). The kernel's shape is read as Keras's
/// `_analyze_split_string` builds it: a kernel letter takes the output's size if the output has it, else the
/// input's; `output_shape` gives the sizes of output letters the input lacks (None where the input has them).
/// The bias has the output's shape from the first `bias_axes` letter on, 1 on letters not in `bias_axes` (and on
/// a right ellipsis).
///
/// MACs: one multiply-accumulate per combination of every distinct index (per example: the batch index counts 1),
/// so "abc,cd->abd" on (T, C) costs T x C x D, as Dense does.
public struct EinsumDense: Layer {
    public static let className = "EinsumDense"
    public static let arity = Arity.one
    /// The longest equation read (Keras's equations are short; a config's is hostile until checked).
    static let maxEquationLength = 64
    public var equation: String
    /// Keras's `output_shape` without the batch axis; nil entries are Keras's None.
    public var outputShape: [Int?]
    public var biasAxes: String?
    public var activation: ActivationFunction?
    public var name: String?

    public init(equation: String, outputShape: [Int?], biasAxes: String? = nil, activation: ActivationFunction? = nil, name: String? = nil) {
        self.equation = equation
        self.outputShape = outputShape
        self.biasAxes = biasAxes
        self.activation = activation
        self.name = name
    }

    enum Ellipsis { case none, left, right }

    /// The equation's three operands as letters, and where its ellipsis is.
    struct Parsed: Equatable {
        var input: [UInt8], kernel: [UInt8], output: [UInt8]
        var ellipsis: Ellipsis
    }

    /// One index of the contraction: its size, and its axis in each operand (nil where it is absent).
    struct Index {
        var size: Int
        var input: Int?, kernel: Int?, output: Int?
    }

    /// The equation resolved against an input: every index, the kernel, bias and full output shapes (batch first).
    struct Plan {
        var indices: [Index]
        var batchIndex: Int
        var kernelShape: [Int]
        var biasShape: [Int]?
        var outputShape: [Int]
    }

    static func parse(_ equation: String) throws -> Parsed {
        let bytes = Array(equation.utf8)
        guard !bytes.isEmpty, bytes.count <= maxEquationLength else {
            throw LayerProblem("equation has \(bytes.count) characters; netviz reads at most \(maxEquationLength)")
        }
        let form = "equation '\(equation)' must be X,Y->Z, ...X,Y->...Z or X...,Y->Z... with letters a-z, A-Z"
        let text = String(decoding: bytes, as: UTF8.self)
        let sides = text.components(separatedBy: "->")
        guard sides.count == 2 else { throw LayerProblem(form) }
        let operands = sides[0].components(separatedBy: ",")
        guard operands.count == 2 else { throw LayerProblem(form) }
        func isLetter(_ b: UInt8) -> Bool { (b >= 65 && b <= 90) || (b >= 97 && b <= 122) }
        func letters(_ s: Substring) throws -> [UInt8] {
            let out = Array(s.utf8)
            guard !out.isEmpty, out.allSatisfy(isLetter) else { throw LayerProblem(form) }
            guard Set(out).count == out.count else { throw LayerProblem("equation '\(equation)' repeats a letter in one operand") }
            return out
        }
        var (x, z) = (Substring(operands[0]), Substring(sides[1]))
        let ellipsis: Ellipsis
        if x.hasPrefix("...") && z.hasPrefix("...") {
            ellipsis = .left
            x = x.dropFirst(3)
            z = z.dropFirst(3)
        } else if x.hasSuffix("...") && z.hasSuffix("...") {
            ellipsis = .right
            x = x.dropLast(3)
            z = z.dropLast(3)
            // Keras's pattern for this form wants at least two input letters.
            guard x.count >= 2 else { throw LayerProblem(form) }
        } else {
            ellipsis = .none
        }
        return Parsed(input: try letters(x), kernel: try letters(Substring(operands[1])), output: try letters(z), ellipsis: ellipsis)
    }

    /// The plan for an input of `dims` (batch excluded). The batch counts as `batch`.
    func plan(_ dims: [Int], batch: Int = 1) throws -> Plan {
        let p = try Self.parse(equation)
        let full = [batch] + dims
        let elided = full.count - p.input.count
        guard elided >= 0 else { throw LayerProblem("equation '\(equation)' names \(p.input.count) input axes; the input \(TensorSpec(dims)) has \(full.count)") }
        if p.ellipsis == .none, elided != 0 {
            throw LayerProblem("equation '\(equation)' names \(p.input.count) input axes; the input \(TensorSpec(dims)) has \(full.count)")
        }
        if p.ellipsis == .left, elided == 0 {
            throw LayerProblem("equation '\(equation)' names every input axis besides its ellipsis; the ellipsis must hold the batch axis")
        }
        // Index ids: letters by their byte, the ellipsis's axes as 256 + i.
        let dotted = (0..<elided).map { 256 + $0 }
        let inputIds: [Int], outputIds: [Int]
        switch p.ellipsis {
        case .left: (inputIds, outputIds) = (dotted + p.input.map(Int.init), dotted + p.output.map(Int.init))
        case .right: (inputIds, outputIds) = (p.input.map(Int.init) + dotted, p.output.map(Int.init) + dotted)
        case .none: (inputIds, outputIds) = (p.input.map(Int.init), p.output.map(Int.init))
        }
        let kernelIds = p.kernel.map(Int.init)
        // Keras's output_shape: the batch, then the given sizes, with the ellipsis's axes where it stands.
        let expected = p.ellipsis == .right ? p.output.count - 1 : p.output.count - (p.ellipsis == .left ? 0 : 1)
        guard outputShape.count == expected else {
            throw LayerProblem("output_shape has \(outputShape.count) entries; equation '\(equation)' needs \(expected)")
        }
        let given: [Int?]
        switch p.ellipsis {
        case .left: given = [nil] + dims.prefix(max(elided - 1, 0)).map { Optional($0) } + outputShape
        case .right: given = [nil] + outputShape + dims.suffix(elided).map { Optional($0) }
        case .none: given = [nil] + outputShape
        }
        guard given.count == outputIds.count else { throw LayerProblem("output_shape does not fit equation '\(equation)'") }
        var sizes: [Int: Int] = [:]
        for (axis, id) in inputIds.enumerated() { sizes[id] = full[axis] }
        func letter(_ id: Int) -> String { id < 256 ? String(UnicodeScalar(UInt8(id))) : "..." }
        var outputFull: [Int] = []
        for (axis, id) in outputIds.enumerated() {
            if let size = sizes[id] {
                if axis > 0, let stated = given[axis], stated != size {
                    throw LayerProblem("output_shape gives \(stated) for '\(letter(id))', which the input has as \(size)")
                }
                outputFull.append(size)
            } else {
                guard kernelIds.contains(id) else {
                    throw LayerProblem("output letter '\(letter(id))' is in neither the input nor the kernel of '\(equation)'")
                }
                guard let stated = given[axis], stated > 0 else {
                    throw LayerProblem("output_shape leaves the size of '\(letter(id))' unknown")
                }
                sizes[id] = stated
                outputFull.append(stated)
            }
        }
        guard outputIds.first == inputIds.first else {
            throw LayerProblem("equation '\(equation)' does not keep the batch axis first in the output")
        }
        let batchId = inputIds[0]
        var kernelShape: [Int] = []
        for id in kernelIds {
            guard id != batchId else { throw LayerProblem("equation '\(equation)' puts the batch axis in the kernel") }
            if let axis = outputIds.firstIndex(of: id) { kernelShape.append(outputFull[axis]) } else if let size = sizes[id] {
                kernelShape.append(size)
            } else {
                throw LayerProblem("kernel letter '\(letter(id))' is in neither the input nor the output of '\(equation)'")
            }
        }
        var biasShape: [Int]? = nil
        if let biasAxes {
            let chosen = Array(biasAxes.utf8)
            guard !chosen.isEmpty, chosen.count <= Self.maxEquationLength, chosen.allSatisfy({ p.output.contains($0) }) else {
                throw LayerProblem("bias_axes '\(biasAxes)' must be letters of the output '\(String(decoding: p.output, as: UTF8.self))'")
            }
            let offset = p.ellipsis == .left ? elided : 0
            let first = p.output.firstIndex { chosen.contains($0) } ?? 0
            var shape: [Int] = []
            for i in first..<p.output.count { shape.append(chosen.contains(p.output[i]) ? outputFull[i + offset] : 1) }
            if p.ellipsis != .left { shape += Array(repeating: 1, count: elided) }
            biasShape = shape
        }
        let ids = Array(Set(inputIds + kernelIds + outputIds)).sorted()
        let indices = ids.map { id in
            Index(
                size: sizes[id] ?? 1, input: inputIds.firstIndex(of: id), kernel: kernelIds.firstIndex(of: id),
                output: outputIds.firstIndex(of: id))
        }
        guard let batchIndex = ids.firstIndex(of: batchId) else { throw LayerProblem("equation '\(equation)' has no batch axis") }
        return Plan(indices: indices, batchIndex: batchIndex, kernelShape: kernelShape, biasShape: biasShape, outputShape: outputFull)
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        let plan = try plan(inputs[0].dims)
        _ = try Checked.product(plan.kernelShape)
        let output = TensorSpec(Array(plan.outputShape.dropFirst()), dtype: inputs[0].dtype)
        _ = try output.elementCount()
        return output
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] {
        guard let plan = try? plan(inputs[0].dims) else { return [] }
        var specs = [WeightSpec("kernel", plan.kernelShape)]
        if let bias = plan.biasShape { specs.append(WeightSpec("bias", bias)) }
        return specs
    }

    /// The product of every distinct index's size, the batch's counted as 1: one MAC per term of the sum.
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 {
        try Checked.product(plan(inputs[0].dims).indices.map(\.size))
    }

    public func costGroup(for inputs: [TensorSpec]) -> String? { "EinsumDense" }
}

extension EinsumDense: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        let x = context.inputs[0]
        guard x.rank >= 1 else { throw KernelError("expects a batched input") }
        let plan: Plan = try LayerProblem.asKernelError { try self.plan(Array(x.shape.dropFirst()), batch: x.shape[0]) }
        let kernel = try context.weight("kernel")
        let bias = try context.optionalWeight("bias", if: plan.biasShape != nil)
        guard kernel.shape == plan.kernelShape else { throw KernelError("kernel \(kernel.shapeDescription) is not \(plan.kernelShape)") }
        if let bias, bias.shape != plan.biasShape { throw KernelError("bias \(bias.shapeDescription) is not \(plan.biasShape ?? [])") }
        let inStrides = Tensor.strides(x.shape), kStrides = Tensor.strides(plan.kernelShape), oStrides = Tensor.strides(plan.outputShape)
        let n = plan.indices.count
        let sizes = plan.indices.map(\.size)
        let si = plan.indices.map { $0.input.map { inStrides[$0] } ?? 0 }
        let sk = plan.indices.map { $0.kernel.map { kStrides[$0] } ?? 0 }
        let so = plan.indices.map { $0.output.map { oStrides[$0] } ?? 0 }
        let total = try Checked.product(sizes)
        var out = [Float](repeating: 0, count: plan.outputShape.reduce(1, *))
        var index = [Int](repeating: 0, count: n)
        var (oi, ok, oo) = (0, 0, 0)
        if total > 0 {
            for _ in 0..<total {
                out[oo] += x.data[oi] * kernel.data[ok]
                // The odometer: the last index turns fastest; offsets follow it.
                var a = n - 1
                while a >= 0 {
                    index[a] += 1
                    oi += si[a]
                    ok += sk[a]
                    oo += so[a]
                    if index[a] < sizes[a] { break }
                    oi -= si[a] * sizes[a]
                    ok -= sk[a] * sizes[a]
                    oo -= so[a] * sizes[a]
                    index[a] = 0
                    a -= 1
                }
            }
        }
        context.macs += total
        if let bias {
            // Broadcast over the output's trailing axes, as numpy adds it.
            let count = bias.count
            if count > 0 {
                let trailing = plan.outputShape.suffix(bias.shape.count)
                let biasStrides = Tensor.strides(bias.shape)
                let block = trailing.reduce(1, *)
                for start in stride(from: 0, to: out.count, by: max(block, 1)) {
                    for j in 0..<block {
                        var rest = j, offset = 0
                        for (axis, size) in trailing.enumerated().reversed() {
                            let position = rest % size
                            rest /= size
                            if bias.shape[axis] != 1 { offset += position * biasStrides[axis] }
                        }
                        out[start + j] += bias.data[offset]
                    }
                }
            }
        }
        var result = Tensor(unchecked: plan.outputShape, data: out)
        if let activation { result = try Activations.apply(activation, to: result) }
        return result
    }
}
