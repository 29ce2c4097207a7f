import Foundation

/// What an op's rules see of one node: its attributes, its inputs as read so far (nil for an omitted optional
/// input) and the model's opset, since some ops moved attributes to inputs between versions.
struct ONNXNodeContext {
    let node: ONNXNodeProto
    let inputs: [ONNXValue?]
    let opset: Int64

    func input(_ index: Int) throws -> ONNXValue {
        guard index < inputs.count, let value = inputs[index] else { throw LayerProblem("input \(index) is missing") }
        return value
    }

    func optionalInput(_ index: Int) -> ONNXValue? { index < inputs.count ? inputs[index] : nil }

    /// Integers from an input whose values must be known at read time (Reshape's shape, Slice's starts).
    func constantIntegers(_ index: Int, _ what: String) throws -> [Int] {
        guard let values = try input(index).integers else {
            throw LayerProblem("its \(what) (input \(index)) is computed at run time; netviz needs it from constants")
        }
        return values
    }

    /// Integers given as an attribute in older opsets and as an input in newer ones (axes, split, pads).
    func integers(attribute name: String, orInput index: Int) throws -> [Int]? {
        if let values = node.ints(name) { return values }
        guard let value = optionalInput(index) else { return nil }
        guard let values = value.integers else {
            throw LayerProblem("its \(name) (input \(index)) is computed at run time; netviz needs it from constants")
        }
        return values
    }
}

extension ONNXNodeProto {
    func attribute(_ name: String) -> ONNXAttribute.Value? { attributes.first { $0.name == name }?.value }

    func int(_ name: String, _ fallback: Int) -> Int {
        if case .int(let value) = attribute(name) { return Int(clamping: value) }
        return fallback
    }

    func ints(_ name: String) -> [Int]? {
        if case .ints(let values) = attribute(name) { return values.map { Int(clamping: $0) } }
        return nil
    }

    func float(_ name: String, _ fallback: Float) -> Float {
        if case .float(let value) = attribute(name) { return value }
        return fallback
    }

    func string(_ name: String, _ fallback: String) -> String {
        if case .string(let value) = attribute(name) { return value }
        return fallback
    }
}

/// One op type's rules (Keras's operation_utils idea: one shape function per family, reused by every op of it):
/// the outputs' shapes (and values, when every input is known), and the multiply-accumulates.
struct ONNXOpRule: Sendable {
    /// The outputs, in order. An output the rule leaves out is optional and unused (Dropout's mask).
    let infer: @Sendable (ONNXNodeContext) throws -> [ONNXValue]
    /// MACs for the node's outputs, bias excluded (Docs/counting.md); nil means the op counts 0 by the rule.
    var macs: (@Sendable (ONNXNodeContext, [ONNXValue]) throws -> Int64)? = nil
    /// The "Conv 1x1" style group for `--by-type`; nil groups by op type.
    var costGroup: (@Sendable (ONNXNodeContext) -> String?)? = nil
    /// Inputs that are settings, never parameters, even when a float initializer gives them (Resize's scales).
    var settings: Set<Int> = []
}

/// The op types netviz reads, by name, and their rules (fvcore's registry from op to handler). An op type missing
/// here is reported with its nodes, never counted as 0.
enum ONNXOps {
    static func rule(_ opType: String) -> ONNXOpRule? { rules[opType] }

    static let rules: [String: ONNXOpRule] = {
        var table: [String: ONNXOpRule] = [:]
        // Shape-preserving ops, evaluated at read time when their input is known.
        for (op, function) in unaryFunctions {
            table[op] = ONNXOpRule { context in
                var value = try context.input(0)
                value.constant = value.constant.map { $0.map { function($0, context.node) } }
                if op != "Identity" { value.constantSymbols = [:] }
                return [value]
            }
        }
        for op in ["Softmax", "LogSoftmax", "Mish", "Selu", "Celu", "ThresholdedRelu", "Shrink", "Softsign", "IsNaN", "IsInf"] {
            table[op] = ONNXOpRule { context in
                var value = try context.input(0)
                value.constant = nil
                if op.hasPrefix("Is") { value.elementType = ONNXDataType.bool.rawValue }
                return [value]
            }
        }
        table["Clip"] = ONNXOpRule { context in
            var value = try context.input(0)
            if let values = value.constant {
                let low = context.optionalInput(1)?.constant?.first ?? Double(context.node.float("min", -.greatestFiniteMagnitude))
                let high = context.optionalInput(2)?.constant?.first ?? Double(context.node.float("max", .greatestFiniteMagnitude))
                value.constant = values.map { min(max($0, low), high) }
            }
            return [value]
        }
        table["Cast"] = ONNXOpRule { context in
            var value = try context.input(0)
            value.elementType = Int32(clamping: context.node.int("to", Int(value.elementType)))
            if let values = value.constant, !(ONNXDataType(rawValue: value.elementType)?.isFloatingPoint ?? false) {
                value.constant = values.map { $0.rounded(.towardZero) }
            }
            return [value]
        }
        table["Dropout"] = ONNXOpRule { context in
            var mask = try context.input(0)
            mask.elementType = ONNXDataType.bool.rawValue
            mask.constant = nil
            return [try context.input(0), mask]
        }
        // Element-wise ops of several inputs, broadcast as numpy does.
        let symbolOperator = ["Add": "+", "Sub": "-", "Mul": "*", "Div": "/"]
        let comparisons: Set<String> = ["Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "And", "Or"]
        for (op, function) in binaryFunctions {
            table[op] = ONNXOpRule { context in
                let operands = context.inputs.compactMap { $0 }
                guard var result = operands.first else { throw LayerProblem("has no inputs") }
                if op == "Mod", context.node.int("fmod", 0) == 1 { throw LayerProblem("fmod=1 is not read") }
                for (position, other) in operands.dropFirst().enumerated() {
                    result = try broadcast(result, other, symbolOperator[op]) { a, b in
                        // Integer division truncates in ONNX's integer Div; shape arithmetic relies on it.
                        if op == "Div", !result.isFloat, b != 0 { return (a / b).rounded(.towardZero) }
                        return function(a, b)
                    }
                    if op == "Mean", position == operands.count - 2 {
                        result.constant = result.constant.map { $0.map { $0 / Double(operands.count) } }
                    }
                }
                if comparisons.contains(op) { result.elementType = ONNXDataType.bool.rawValue }
                return [result]
            }
        }
        table["Where"] = ONNXOpRule { context in
            let condition = try context.input(0), a = try context.input(1), b = try context.input(2)
            var out = try broadcast(try broadcast(condition, a, nil) { c, _ in c }, b, nil) { c, _ in c }
            out.elementType = a.elementType
            out.constant = nil
            out.constantSymbols = [:]
            if let c = condition.constant, let x = a.constant, let y = b.constant, out.elementCount <= onnxFoldLimit {
                func aligned(_ v: ONNXValue) -> [Int] { Array(repeating: 1, count: out.rank - v.rank) + v.dims }
                out.constant = (0..<out.elementCount).map { flat in
                    c[index(flat, out.dims, aligned(condition))] != 0 ? x[index(flat, out.dims, aligned(a))] : y[index(flat, out.dims, aligned(b))]
                }
            }
            return [out]
        }

        table["Constant"] = ONNXOpRule { context in
            guard let attribute = context.node.attributes.first else { throw LayerProblem("has no value") }
            switch attribute.value {
            case .tensor(let tensor): return [try constantValue(tensor)]
            case .float(let v): return [ONNXValue(dims: [], elementType: ONNXDataType.float.rawValue, constant: [Double(v)])]
            case .int(let v): return [ONNXValue(dims: [], elementType: ONNXDataType.int64.rawValue, constant: [Double(v)])]
            case .floats(let v): return [ONNXValue(dims: [v.count], elementType: ONNXDataType.float.rawValue, constant: v.map(Double.init))]
            case .ints(let v): return [ONNXValue(dims: [v.count], elementType: ONNXDataType.int64.rawValue, constant: v.map(Double.init))]
            default: throw LayerProblem("has a value of a kind netviz does not read (\(attribute.name))")
            }
        }
        table["Shape"] = ONNXOpRule { context in
            let input = try context.input(0)
            let rank = input.rank
            var start = context.node.int("start", 0), end = context.node.int("end", rank)
            start = min(max(start < 0 ? start + rank : start, 0), rank)
            end = min(max(end < 0 ? end + rank : end, 0), rank)
            let picked = start < end ? Array(start..<end) : []
            var symbols: [Int: String] = [:]
            for (i, axis) in picked.enumerated() { symbols[i] = input.symbols[axis] }
            return [ONNXValue(
                dims: [picked.count], elementType: ONNXDataType.int64.rawValue, constant: picked.map { Double(input.dims[$0]) },
                constantSymbols: symbols)]
        }
        table["Size"] = ONNXOpRule { context in
            [ONNXValue(dims: [], elementType: ONNXDataType.int64.rawValue, constant: [Double(try context.input(0).elementCount)])]
        }
        table["ConstantOfShape"] = ONNXOpRule { context in
            let dims = try context.constantIntegers(0, "shape")
            guard dims.allSatisfy({ $0 >= 0 }) else { throw LayerProblem("shape \(dims) has a negative size") }
            var fill = 0.0, type = ONNXDataType.float.rawValue
            if case .tensor(let tensor) = context.node.attribute("value") {
                fill = tensor.floats.map { Double($0.first ?? 0) } ?? tensor.integers.map { Double($0.first ?? 0) } ?? 0
                type = tensor.dataType
            }
            var value = ONNXValue(dims: dims, symbols: try context.input(0).constantSymbols, elementType: type)
            let count = try Checked.product(dims)
            if count <= Int64(onnxFoldLimit) { value.constant = Array(repeating: fill, count: Int(count)) }
            return [value]
        }
        table["Range"] = ONNXOpRule { context in
            let start = try context.input(0), limit = try context.input(1), delta = try context.input(2)
            guard let s = start.constant?.first, let l = limit.constant?.first, let d = delta.constant?.first, d != 0 else {
                throw LayerProblem("its start, limit and delta must be known constants, delta not 0")
            }
            let count = try SizeMath.size(max(((l - s) / d).rounded(.up), 0))
            var value = ONNXValue(dims: [count], elementType: start.elementType)
            if count <= onnxFoldLimit { value.constant = (0..<count).map { s + Double($0) * d } }
            return [value]
        }

        // Layout ops.
        table["Reshape"] = ONNXOpRule { context in
            let data = try context.input(0)
            let shapeInput = try context.input(1)
            let target = try context.constantIntegers(1, "shape")
            let allowZero = context.node.int("allowzero", 0) == 1
            var dims: [Int] = [], symbols: [Int: String] = [:], inferred: Int? = nil
            for (i, size) in target.enumerated() {
                if size == 0, !allowZero {
                    guard i < data.rank else { throw LayerProblem("shape \(target) copies dim \(i) of rank-\(data.rank) input") }
                    dims.append(data.dims[i])
                    symbols[i] = data.symbols[i]
                } else if size == -1 {
                    guard inferred == nil else { throw LayerProblem("shape \(target) has two -1 sizes") }
                    inferred = i
                    dims.append(1)
                } else {
                    guard size >= 0 else { throw LayerProblem("shape \(target) has a negative size") }
                    dims.append(size)
                    symbols[i] = shapeInput.constantSymbols[i]
                }
            }
            let total = data.elementCount
            if let inferred {
                let known = try SizeMath.product(dims)
                guard known > 0, total % known == 0 else { throw LayerProblem("cannot reshape \(data.dims) to \(target)") }
                dims[inferred] = total / known
            }
            guard try SizeMath.product(dims) == total else { throw LayerProblem("cannot reshape \(data.dims) (\(total) elements) to \(target)") }
            return [ONNXValue(dims: dims, symbols: symbols, elementType: data.elementType, constant: data.constant,
                              constantSymbols: data.constantSymbols)]
        }
        table["Flatten"] = ONNXOpRule { context in
            let data = try context.input(0)
            let axis = context.node.int("axis", 1)
            let resolved = axis < 0 ? axis + data.rank : axis
            guard resolved >= 0, resolved <= data.rank else { throw LayerProblem("axis \(axis) is out of range for rank \(data.rank)") }
            let outer = data.dims[..<resolved].reduce(1, *), inner = data.dims[resolved...].reduce(1, *)
            var symbols: [Int: String] = [:]
            if resolved == 1, let batch = data.symbols[0] { symbols[0] = batch }
            return [ONNXValue(dims: [outer, inner], symbols: symbols, elementType: data.elementType, constant: data.constant)]
        }
        table["Transpose"] = ONNXOpRule { context in
            let data = try context.input(0)
            let perm = context.node.ints("perm") ?? Array((0..<data.rank).reversed())
            guard perm.count == data.rank, Set(perm) == Set(0..<data.rank) else {
                throw LayerProblem("perm \(perm) is not a permutation of \(data.rank) axes")
            }
            var out = ONNXValue(dims: perm.map { data.dims[$0] }, elementType: data.elementType)
            for (i, axis) in perm.enumerated() { out.symbols[i] = data.symbols[axis] }
            if let values = data.constant { out.constant = transpose(values, dims: data.dims, perm: perm) }
            return [out]
        }
        table["Squeeze"] = ONNXOpRule { context in
            let data = try context.input(0)
            let axes = try context.integers(attribute: "axes", orInput: 1).map { try $0.map { try ONNXValue.axis($0, rank: data.rank) } }
            let removed = Set(axes ?? data.dims.indices.filter { data.dims[$0] == 1 })
            for axis in removed where data.dims[axis] != 1 { throw LayerProblem("cannot squeeze axis \(axis) of size \(data.dims[axis])") }
            return [keeping(data, axes: data.dims.indices.filter { !removed.contains($0) })]
        }
        table["Unsqueeze"] = ONNXOpRule { context in
            let data = try context.input(0)
            guard let axes = try context.integers(attribute: "axes", orInput: 1) else { throw LayerProblem("has no axes") }
            let rank = data.rank + axes.count
            let inserted = Set(try axes.map { try ONNXValue.axis($0, rank: rank) })
            guard inserted.count == axes.count else { throw LayerProblem("axes \(axes) repeat an axis") }
            var out = ONNXValue(dims: [], elementType: data.elementType, constant: data.constant, constantSymbols: data.constantSymbols)
            var source = 0
            for axis in 0..<rank {
                if inserted.contains(axis) { out.dims.append(1) } else {
                    out.symbols[axis] = data.symbols[source]
                    out.dims.append(data.dims[source])
                    source += 1
                }
            }
            return [out]
        }
        table["Concat"] = ONNXOpRule { context in
            let parts = context.inputs.compactMap { $0 }
            guard let first = parts.first else { throw LayerProblem("has no inputs") }
            let axis = try ONNXValue.axis(context.node.int("axis", 0), rank: first.rank)
            var out = first
            out.dims[axis] = 0
            out.symbols[axis] = nil
            for part in parts {
                guard part.rank == first.rank,
                    part.dims.indices.allSatisfy({ $0 == axis || part.dims[$0] == first.dims[$0] })
                else { throw LayerProblem("cannot concatenate \(first.dims) and \(part.dims) on axis \(axis)") }
                out.dims[axis] = try SizeMath.add(out.dims[axis], part.dims[axis])
            }
            out.constant = nil
            out.constantSymbols = [:]
            if first.rank == 1, parts.allSatisfy({ $0.constant != nil }) {
                var values: [Double] = []
                for part in parts {
                    for (i, v) in (part.constant ?? []).enumerated() {
                        if let symbol = part.constantSymbols[i] { out.constantSymbols[values.count] = symbol }
                        values.append(v)
                    }
                }
                out.constant = values
            }
            return [out]
        }
        table["Split"] = ONNXOpRule { context in
            let data = try context.input(0)
            let axis = try ONNXValue.axis(context.node.int("axis", 0), rank: data.rank)
            var sizes = try context.integers(attribute: "split", orInput: 1)
            let count = context.node.outputs.count
            if sizes == nil {
                let parts = context.node.int("num_outputs", count)
                guard parts > 0 else { throw LayerProblem("splits into no outputs") }
                guard parts <= max(data.dims[axis], 1) else { throw LayerProblem("splits \(data.dims[axis]) into \(parts) outputs") }
                let chunk = (data.dims[axis] + parts - 1) / parts
                sizes = (0..<parts).map { min(chunk, max(data.dims[axis] - $0 * chunk, 0)) }
            }
            guard let sizes, sizes.count == count, sizes.allSatisfy({ $0 >= 0 && $0 <= data.dims[axis] }),
                sizes.reduce(0, { $0 &+ $1 }) == data.dims[axis]
            else {
                throw LayerProblem("split sizes do not add up to \(data.dims[axis]) over \(count) outputs")
            }
            return sizes.map { size in
                var out = data
                out.dims[axis] = size
                out.symbols[axis] = nil
                out.constant = nil
                return out
            }
        }
        table["Gather"] = ONNXOpRule { context in
            let data = try context.input(0), indices = try context.input(1)
            let axis = try ONNXValue.axis(context.node.int("axis", 0), rank: data.rank)
            var out = ONNXValue(dims: Array(data.dims[..<axis]) + indices.dims + Array(data.dims[(axis + 1)...]), elementType: data.elementType)
            for i in 0..<axis { out.symbols[i] = data.symbols[i] }
            for (i, symbol) in indices.symbols { out.symbols[axis + i] = symbol }
            for i in (axis + 1)..<max(data.rank, axis + 1) { out.symbols[i - 1 + indices.rank] = data.symbols[i] }
            if let values = data.constant, let picks = indices.integers, data.rank == 1 {
                var gathered: [Double] = []
                for (i, pick) in picks.enumerated() {
                    let at = pick < 0 ? pick &+ data.dims[0] : pick
                    guard at >= 0, at < data.dims[0] else { throw LayerProblem("index \(pick) is out of range for \(data.dims[0])") }
                    gathered.append(values[at])
                    if let symbol = data.constantSymbols[at] { out.constantSymbols[i] = symbol }
                }
                out.constant = gathered
            }
            return [out]
        }
        table["Slice"] = ONNXOpRule { context in
            let data = try context.input(0)
            let starts: [Int], ends: [Int], axes: [Int], steps: [Int]
            if context.opset < 10 {
                starts = context.node.ints("starts") ?? []
                ends = context.node.ints("ends") ?? []
                axes = context.node.ints("axes") ?? Array(0..<starts.count)
                steps = Array(repeating: 1, count: starts.count)
            } else {
                starts = try context.constantIntegers(1, "starts")
                ends = try context.constantIntegers(2, "ends")
                axes = try context.optionalInput(3).map { _ in try context.constantIntegers(3, "axes") } ?? Array(0..<starts.count)
                steps = try context.optionalInput(4).map { _ in try context.constantIntegers(4, "steps") }
                    ?? Array(repeating: 1, count: starts.count)
            }
            let ranges = try sliceRanges(dims: data.dims, starts: starts, ends: ends, axes: axes, steps: steps)
            var out = ONNXValue(dims: ranges.map(\.count), elementType: data.elementType)
            for (axis, symbol) in data.symbols where ranges[axis].count == data.dims[axis] { out.symbols[axis] = symbol }
            if let values = data.constant, data.rank == 1 {
                let r = ranges[0]
                var picked: [Double] = []
                for i in 0..<r.count {
                    let at = r.start + i * r.step
                    if let symbol = data.constantSymbols[at] { out.constantSymbols[picked.count] = symbol }
                    picked.append(values[at])
                }
                out.constant = picked
            }
            return [out]
        }
        table["Expand"] = ONNXOpRule { context in
            let data = try context.input(0)
            let target = try context.constantIntegers(1, "shape")
            let shape = ONNXValue(dims: target, symbols: try context.input(1).constantSymbols, elementType: data.elementType)
            var out = try broadcast(data, shape, nil) { a, _ in a }
            out.elementType = data.elementType
            if data.constant == nil { out.constant = nil }
            return [out]
        }
        table["Tile"] = ONNXOpRule { context in
            let data = try context.input(0)
            let repeats = try context.constantIntegers(1, "repeats")
            guard repeats.count == data.rank, repeats.allSatisfy({ $0 >= 0 }) else { throw LayerProblem("repeats \(repeats) do not fit rank \(data.rank)") }
            return [ONNXValue(dims: try zip(data.dims, repeats).map { try SizeMath.multiply($0, $1) }, elementType: data.elementType)]
        }
        table["Pad"] = ONNXOpRule { context in
            let data = try context.input(0)
            guard let pads = try context.integers(attribute: "pads", orInput: 1) else { throw LayerProblem("has no pads") }
            var axes = Array(0..<data.rank)
            if let given = context.optionalInput(3) {
                guard let values = given.integers else { throw LayerProblem("its axes are computed at run time") }
                axes = try values.map { try ONNXValue.axis($0, rank: data.rank) }
            }
            guard pads.count == 2 * axes.count else { throw LayerProblem("pads \(pads) do not fit \(axes.count) axes") }
            var out = data
            out.constant = nil
            for (i, axis) in axes.enumerated() {
                out.dims[axis] = try SizeMath.add(data.dims[axis], pads[i], pads[i + axes.count])
                guard out.dims[axis] >= 0 else { throw LayerProblem("pads \(pads) leave a negative size") }
                if pads[i] != 0 || pads[i + axes.count] != 0 { out.symbols[axis] = nil }
            }
            return [out]
        }
        table["Resize"] = ONNXOpRule { context in
            let data = try context.input(0)
            var out = data
            out.constant = nil
            if let sizes = context.optionalInput(3), sizes.elementCount > 0 {
                let values = try context.constantIntegers(3, "sizes")
                guard values.count == data.rank else { throw LayerProblem("sizes \(values) do not fit rank \(data.rank)") }
                out.dims = values
            } else if let scales = context.optionalInput(2)?.constant ?? (context.opset < 11 ? context.optionalInput(1)?.constant : nil),
                scales.count == data.rank
            {
                out.dims = try zip(data.dims, scales).map { try SizeMath.size((Double($0) * $1).rounded(.down)) }
            } else {
                throw LayerProblem("has neither constant scales nor sizes")
            }
            for axis in out.dims.indices where out.dims[axis] != data.dims[axis] { out.symbols[axis] = nil }
            return [out]
        }
        table["Resize"]?.settings = [1, 2, 3]
        table["Upsample"] = table["Resize"]
        table["Upsample"]?.settings = [1]

        // Reductions.
        for op in ["ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL2", "ReduceL1", "ReduceSumSquare",
                   "ReduceLogSumExp", "ArgMax", "ArgMin"]
        {
            table[op] = ONNXOpRule { context in
                let data = try context.input(0)
                let keep = context.node.int("keepdims", 1) == 1
                var axes: [Int]
                if op.hasPrefix("Arg") {
                    axes = [try ONNXValue.axis(context.node.int("axis", 0), rank: data.rank)]
                } else {
                    let movedToInput = op == "ReduceSum" ? context.opset >= 13 : context.opset >= 18
                    let given = movedToInput ? try context.optionalInput(1).map { _ in try context.constantIntegers(1, "axes") } : context.node.ints("axes")
                    if let given, !given.isEmpty {
                        axes = try given.map { try ONNXValue.axis($0, rank: data.rank) }
                    } else {
                        axes = context.node.int("noop_with_empty_axes", 0) == 1 ? [] : Array(0..<data.rank)
                    }
                }
                let reduced = Set(axes)
                var out = keep ? data : keeping(data, axes: data.dims.indices.filter { !reduced.contains($0) })
                if keep { for axis in reduced { out.dims[axis] = 1; out.symbols[axis] = nil } }
                out.constant = nil
                out.constantSymbols = [:]
                if op == "ReduceProd", let values = data.constant, data.rank == 1, !keep { out.constant = [values.reduce(1, *)] }
                if op.hasPrefix("Arg") { out.elementType = ONNXDataType.int64.rawValue }
                return [out]
            }
        }

        // Normalisations: the output is the input's shape; weights are counted from the initializers.
        for op in ["BatchNormalization", "InstanceNormalization", "LayerNormalization", "GroupNormalization",
                   "LpNormalization", "MeanVarianceNormalization", "LRN"]
        {
            table[op] = ONNXOpRule { context in
                var value = try context.input(0)
                value.constant = nil
                return [value]
            }
        }

        // Windowed ops.
        table["Conv"] = ONNXOpRule(
            infer: { context in
                let x = try context.input(0), w = try context.input(1)
                guard x.rank >= 3, w.rank == x.rank else { throw LayerProblem("input \(x.dims) and weight \(w.dims) do not fit") }
                let groups = context.node.int("group", 1)
                guard groups >= 1, groups <= max(x.dims[1], 1), x.dims[1] % groups == 0, w.dims[1] * groups == x.dims[1],
                    w.dims[0] % groups == 0
                else {
                    throw LayerProblem("weight \(w.dims) does not fit \(x.dims[1]) input channels in \(groups) groups")
                }
                let window = try ONNXWindow(context.node, input: Array(x.dims[2...]), kernel: Array(w.dims[2...]))
                var out = ONNXValue(dims: [x.dims[0], w.dims[0]] + window.output, elementType: x.elementType)
                out.symbols[0] = x.symbols[0]
                return [out]
            },
            macs: { context, outputs in
                // Output elements x (input channels / groups) x kernel area: the paper's rule for conv and depthwise.
                let w = try context.input(1)
                return try Checked.multiply(try Checked.product(outputs[0].dims), try Checked.product(Array(w.dims[1...])))
            },
            costGroup: { context in
                guard let w = try? context.input(1), let x = try? context.input(0), w.rank == 4 else { return nil }
                let kernel = "\(w.dims[2])x\(w.dims[3])"
                let groups = context.node.int("group", 1)
                return groups > 1 && groups == x.dims[1] ? "Conv DW \(kernel)" : "Conv \(kernel)"
            })
        table["ConvTranspose"] = ONNXOpRule(
            infer: { context in
                let x = try context.input(0), w = try context.input(1)
                guard x.rank >= 3, w.rank == x.rank, w.dims[0] == x.dims[1] else {
                    throw LayerProblem("input \(x.dims) and weight \(w.dims) do not fit")
                }
                let groups = max(context.node.int("group", 1), 1)
                guard groups <= max(x.dims[1], 1) else { throw LayerProblem("group \(groups) exceeds \(x.dims[1]) input channels") }
                let spatial = x.rank - 2
                let strides = context.node.ints("strides") ?? Array(repeating: 1, count: spatial)
                let dilations = context.node.ints("dilations") ?? Array(repeating: 1, count: spatial)
                let pads = context.node.ints("pads") ?? Array(repeating: 0, count: 2 * spatial)
                let extra = context.node.ints("output_padding") ?? Array(repeating: 0, count: spatial)
                guard strides.count == spatial, dilations.count == spatial, pads.count == 2 * spatial, extra.count == spatial else {
                    throw LayerProblem("strides, dilations, pads or output_padding do not fit \(spatial) spatial axes")
                }
                var dims: [Int]
                if let given = context.node.ints("output_shape") {
                    dims = Array(given.suffix(spatial))
                } else {
                    dims = try (0..<spatial).map { i in
                        let span = try SizeMath.add(try SizeMath.multiply(w.dims[i + 2] - 1, dilations[i]), 1)
                        let grown = try SizeMath.add(try SizeMath.multiply(strides[i], x.dims[i + 2] - 1), extra[i], span)
                        return try SizeMath.add(grown, -pads[i], -pads[i + spatial])
                    }
                    let autoPad = context.node.string("auto_pad", "NOTSET")
                    if autoPad.hasPrefix("SAME") { dims = try (0..<spatial).map { try SizeMath.multiply(x.dims[$0 + 2], strides[$0]) } }
                }
                guard dims.allSatisfy({ $0 > 0 }) else { throw LayerProblem("output size \(dims) is not positive") }
                var out = ONNXValue(dims: [x.dims[0], try SizeMath.multiply(w.dims[1], groups)] + dims, elementType: x.elementType)
                out.symbols[0] = x.symbols[0]
                return [out]
            },
            macs: { context, _ in
                // Every input element meets (output channels / groups) x kernel area weights.
                let x = try context.input(0), w = try context.input(1)
                return try Checked.multiply(try Checked.product(x.dims), try Checked.product(Array(w.dims[1...])))
            })
        for op in ["MaxPool", "AveragePool", "LpPool"] {
            table[op] = ONNXOpRule { context in
                let x = try context.input(0)
                guard x.rank >= 3, let kernel = context.node.ints("kernel_shape"), kernel.count == x.rank - 2 else {
                    throw LayerProblem("kernel_shape does not fit input \(x.dims)")
                }
                let window = try ONNXWindow(context.node, input: Array(x.dims[2...]), kernel: kernel)
                var out = ONNXValue(dims: Array(x.dims[..<2]) + window.output, elementType: x.elementType)
                out.symbols[0] = x.symbols[0]
                var indices = out
                indices.elementType = ONNXDataType.int64.rawValue
                return op == "MaxPool" ? [out, indices] : [out]
            }
        }
        for op in ["GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool"] {
            table[op] = ONNXOpRule { context in
                let x = try context.input(0)
                guard x.rank >= 3 else { throw LayerProblem("input \(x.dims) has no spatial axes") }
                var out = ONNXValue(dims: Array(x.dims[..<2]) + Array(repeating: 1, count: x.rank - 2), elementType: x.elementType)
                out.symbols[0] = x.symbols[0]
                return [out]
            }
        }

        // Products.
        table["Gemm"] = ONNXOpRule(
            infer: { context in
                let a = try context.input(0), b = try context.input(1)
                guard a.rank == 2, b.rank == 2 else { throw LayerProblem("takes 2-D inputs, got \(a.dims) and \(b.dims)") }
                let transA = context.node.int("transA", 0) == 1, transB = context.node.int("transB", 0) == 1
                let (m, k) = transA ? (a.dims[1], a.dims[0]) : (a.dims[0], a.dims[1])
                let (k2, n) = transB ? (b.dims[1], b.dims[0]) : (b.dims[0], b.dims[1])
                guard k == k2 else { throw LayerProblem("cannot multiply \(a.dims) by \(b.dims) (transA \(transA), transB \(transB))") }
                var out = ONNXValue(dims: [m, n], elementType: a.elementType)
                if !transA { out.symbols[0] = a.symbols[0] }
                return [out]
            },
            macs: { context, outputs in
                let a = try context.input(0)
                let k = context.node.int("transA", 0) == 1 ? a.dims[0] : a.dims[1]
                return try Checked.multiply(try Checked.product(outputs[0].dims), Int64(k))
            },
            costGroup: { _ in "Fully Connected" })
        table["MatMul"] = ONNXOpRule(
            infer: { context in
                let a = try context.input(0), b = try context.input(1)
                guard a.rank >= 1, b.rank >= 1 else { throw LayerProblem("cannot multiply scalars") }
                let aDims = a.rank == 1 ? [1] + a.dims : a.dims, bDims = b.rank == 1 ? b.dims + [1] : b.dims
                guard aDims[aDims.count - 1] == bDims[bDims.count - 2] else {
                    throw LayerProblem("cannot multiply \(a.dims) by \(b.dims)")
                }
                let aBatch = ONNXValue(dims: Array(aDims.dropLast(2)), elementType: a.elementType)
                let bBatch = ONNXValue(dims: Array(bDims.dropLast(2)), elementType: b.elementType)
                var batch = try broadcast(aBatch, bBatch, nil) { x, _ in x }
                var dims = batch.dims
                if a.rank > 1 { dims.append(aDims[aDims.count - 2]) }
                if b.rank > 1 { dims.append(bDims[bDims.count - 1]) }
                batch.dims = dims
                batch.symbols = [:]
                // Leading axes keep their names where they pass straight through from the first operand.
                for (axis, symbol) in a.symbols where a.rank == dims.count && axis < dims.count - 1 { batch.symbols[axis] = symbol }
                batch.constant = nil
                return [batch]
            },
            macs: { context, outputs in
                let a = try context.input(0)
                guard let k = a.dims.last else { return 0 }
                return try Checked.multiply(try Checked.product(outputs[0].dims), Int64(k))
            })
        return table
    }()

    /// Element-wise functions of one input (attributes at hand), shared by read-time folding and the kernels.
    static let unaryFunctions: [String: @Sendable (Double, ONNXNodeProto) -> Double] = [
        "Relu": { x, _ in max(x, 0) }, "Neg": { x, _ in -x }, "Exp": { x, _ in Foundation.exp(x) },
        "Sqrt": { x, _ in x.squareRoot() }, "Identity": { x, _ in x }, "Abs": { x, _ in Swift.abs(x) },
        "Floor": { x, _ in x.rounded(.down) }, "Ceil": { x, _ in x.rounded(.up) }, "Reciprocal": { x, _ in 1 / x },
        "Sigmoid": { x, _ in 1 / (1 + Foundation.exp(-x)) }, "Tanh": { x, _ in Foundation.tanh(x) },
        "Erf": { x, _ in Foundation.erf(x) }, "Log": { x, _ in Foundation.log(x) }, "Not": { x, _ in x == 0 ? 1 : 0 },
        "Sin": { x, _ in Foundation.sin(x) }, "Cos": { x, _ in Foundation.cos(x) },
        "Round": { x, _ in x.rounded(.toNearestOrEven) }, "Sign": { x, _ in x > 0 ? 1 : (x < 0 ? -1 : 0) },
        "HardSigmoid": { x, n in max(0, min(1, Double(n.float("alpha", 0.2)) * x + Double(n.float("beta", 0.5)))) },
        "HardSwish": { x, _ in x * max(0, min(1, x / 6 + 0.5)) },
        "LeakyRelu": { x, n in x >= 0 ? x : Double(n.float("alpha", 0.01)) * x },
        "Elu": { x, n in x >= 0 ? x : Double(n.float("alpha", 1)) * (Foundation.exp(x) - 1) },
        "Softplus": { x, _ in Foundation.log(1 + Foundation.exp(x)) },
        "Gelu": { x, _ in 0.5 * x * (1 + Foundation.erf(x / 2.0.squareRoot())) },
    ]

    /// Element-wise functions of two inputs, shared by read-time folding and the kernels.
    static let binaryFunctions: [String: @Sendable (Double, Double) -> Double] = {
        var binary: [String: @Sendable (Double, Double) -> Double] = [:]
        binary["Add"] = { $0 + $1 }
        binary["Sub"] = { $0 - $1 }
        binary["Mul"] = { $0 * $1 }
        binary["Div"] = { $1 == 0 ? .nan : $0 / $1 }
        binary["Pow"] = { Foundation.pow($0, $1) }
        binary["Mod"] = { $1 == 0 ? .nan : $0 - ($0 / $1).rounded(.down) * $1 }
        binary["Max"] = { max($0, $1) }
        binary["Min"] = { min($0, $1) }
        binary["Equal"] = { $0 == $1 ? 1 : 0 }
        binary["Less"] = { $0 < $1 ? 1 : 0 }
        binary["Greater"] = { $0 > $1 ? 1 : 0 }
        binary["LessOrEqual"] = { $0 <= $1 ? 1 : 0 }
        binary["GreaterOrEqual"] = { $0 >= $1 ? 1 : 0 }
        binary["And"] = { ($0 != 0 && $1 != 0) ? 1 : 0 }
        binary["Or"] = { ($0 != 0 || $1 != 0) ? 1 : 0 }
        binary["PRelu"] = { $0 >= 0 ? $0 : $0 * $1 }
        binary["Sum"] = { $0 + $1 }
        binary["Mean"] = { $0 + $1 }
        return binary
    }()

    /// Slice's start, step and length per axis, clamped as the ONNX spec says.
    static func sliceRanges(dims: [Int], starts: [Int], ends: [Int], axes: [Int], steps: [Int]) throws
        -> [(start: Int, step: Int, count: Int)]
    {
        guard starts.count == ends.count, axes.count == starts.count, steps.count == starts.count else {
            throw LayerProblem("starts, ends, axes and steps differ in length")
        }
        var ranges = dims.map { (start: 0, step: 1, count: $0) }
        for i in starts.indices {
            let axis = try ONNXValue.axis(axes[i], rank: dims.count)
            let size = dims[axis], step = steps[i]
            guard step != 0, step != Int.min else { throw LayerProblem("step \(step) is not valid") }
            func clamp(_ v: Int, _ low: Int, _ high: Int) -> Int { min(max(v, low), high) }
            var start = starts[i] < 0 ? starts[i] &+ size : starts[i]
            var end = ends[i] < 0 ? ends[i] &+ size : ends[i]
            if step > 0 {
                start = clamp(start, 0, size)
                end = clamp(end, 0, size)
                ranges[axis] = (start, step, end > start ? (end - start - 1) / step + 1 : 0)
            } else {
                start = clamp(start, 0, size - 1)
                end = clamp(end, -1, size - 1)
                ranges[axis] = (start, step, start > end ? (start - end - 1) / -step + 1 : 0)
            }
        }
        return ranges
    }

    /// Numpy broadcasting of two values; `combine` computes the values when both are known and small.
    static func broadcast(
        _ a: ONNXValue, _ b: ONNXValue, _ symbolOperator: String?, _ combine: (Double, Double) -> Double
    ) throws -> ONNXValue {
        let rank = max(a.rank, b.rank)
        let aDims = Array(repeating: 1, count: rank - a.rank) + a.dims
        let bDims = Array(repeating: 1, count: rank - b.rank) + b.dims
        var out = ONNXValue(dims: [], elementType: a.elementType)
        for axis in 0..<rank {
            let x = aDims[axis], y = bDims[axis]
            guard x == y || x == 1 || y == 1 else { throw LayerProblem("cannot broadcast \(a.dims) with \(b.dims)") }
            out.dims.append(x == 1 ? y : x)
            let aSymbol = a.symbols[axis - (rank - a.rank)], bSymbol = b.symbols[axis - (rank - b.rank)]
            out.symbols[axis] = (x != 1 || y == 1) ? (aSymbol ?? (x == y ? bSymbol : nil)) : bSymbol
        }
        if let x = a.constant, let y = b.constant, out.elementCount <= onnxFoldLimit {
            var values: [Double] = []
            values.reserveCapacity(out.elementCount)
            for flat in 0..<out.elementCount {
                values.append(combine(x[index(flat, out.dims, aDims)], y[index(flat, out.dims, bDims)]))
                // A shape value computed from a symbolic size keeps an expression of it ("batch*8").
                if let op = symbolOperator, rank == 1 {
                    let left = a.constantSymbols[aDims[0] == 1 ? 0 : flat], right = b.constantSymbols[bDims[0] == 1 ? 0 : flat]
                    if left != nil || right != nil {
                        let l = left ?? format(x[index(flat, out.dims, aDims)]), r = right ?? format(y[index(flat, out.dims, bDims)])
                        out.constantSymbols[flat] = "\(l)\(op)\(r)"
                    }
                }
            }
            out.constant = values
        }
        return out
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    /// The element of a broadcast operand of shape `source` (right-aligned, size-1 axes repeated) at output `flat`.
    private static func index(_ flat: Int, _ out: [Int], _ source: [Int]) -> Int {
        var remaining = flat, index = 0, step = 1
        for axis in stride(from: out.count - 1, through: 0, by: -1) {
            let coordinate = remaining % out[axis]
            remaining /= out[axis]
            if source[axis] != 1 { index += coordinate * step }
            step *= source[axis]
        }
        return index
    }

    static func transpose(_ values: [Double], dims: [Int], perm: [Int]) -> [Double] {
        let outDims = perm.map { dims[$0] }
        var strides = Array(repeating: 1, count: dims.count)
        for axis in stride(from: dims.count - 2, through: 0, by: -1) { strides[axis] = strides[axis + 1] * dims[axis + 1] }
        var out: [Double] = []
        out.reserveCapacity(values.count)
        for flat in 0..<values.count {
            var remaining = flat, source = 0
            for axis in stride(from: outDims.count - 1, through: 0, by: -1) {
                source += (remaining % outDims[axis]) * strides[perm[axis]]
                remaining /= outDims[axis]
            }
            out.append(values[source])
        }
        return out
    }

    /// The value with only `axes` kept (Squeeze, reductions without keepdims).
    static func keeping(_ value: ONNXValue, axes: [Int]) -> ONNXValue {
        var out = ONNXValue(dims: axes.map { value.dims[$0] }, elementType: value.elementType, constant: value.constant,
                            constantSymbols: value.constantSymbols)
        for (i, axis) in axes.enumerated() { out.symbols[i] = value.symbols[axis] }
        return out
    }

    /// A Constant node's or small initializer's value.
    static func constantValue(_ tensor: ONNXTensorProto) throws -> ONNXValue {
        guard tensor.dims.allSatisfy({ $0 >= 0 && $0 <= Int64(Int32.max) }) else { throw LayerProblem("has a tensor of shape \(tensor.dims)") }
        var value = ONNXValue(dims: tensor.dims.map { Int($0) }, elementType: tensor.dataType)
        value.constant = tensor.floats.map { $0.map(Double.init) } ?? tensor.integers.map { $0.map(Double.init) }
        if tensor.dims.isEmpty, value.constant?.count != 1 { value.constant = nil }
        return value
    }
}

/// The output size and padding of a sliding window (Conv, pooling), as ONNX defines them for each auto_pad.
struct ONNXWindow {
    var output: [Int] = []
    var padsBegin: [Int] = []
    var padsEnd: [Int] = []
    var strides: [Int]
    var dilations: [Int]
    var kernel: [Int]

    init(_ node: ONNXNodeProto, input: [Int], kernel: [Int]) throws {
        let n = input.count
        strides = node.ints("strides") ?? Array(repeating: 1, count: n)
        dilations = node.ints("dilations") ?? Array(repeating: 1, count: n)
        self.kernel = kernel
        let pads = node.ints("pads") ?? Array(repeating: 0, count: 2 * n)
        let ceil = node.int("ceil_mode", 0) == 1
        let autoPad = node.string("auto_pad", "NOTSET")
        guard strides.count == n, dilations.count == n, pads.count == 2 * n, kernel.count == n,
            strides.allSatisfy({ $0 > 0 }), dilations.allSatisfy({ $0 > 0 }), kernel.allSatisfy({ $0 > 0 }), pads.allSatisfy({ $0 >= 0 })
        else { throw LayerProblem("kernel \(kernel), strides, dilations or pads do not fit \(n) spatial axes") }
        for i in 0..<n {
            let span = try SizeMath.add(try SizeMath.multiply(kernel[i] - 1, dilations[i]), 1)
            var begin = pads[i], end = pads[i + n], size: Int
            switch autoPad {
            case "SAME_UPPER", "SAME_LOWER":
                size = input[i] / strides[i] + (input[i] % strides[i] == 0 ? 0 : 1)
                let total = max(0, try SizeMath.add(try SizeMath.multiply(size - 1, strides[i]), span, -input[i]))
                begin = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2
                end = total - begin
            case "VALID":
                begin = 0
                end = 0
                guard input[i] >= span else { throw LayerProblem("window \(kernel) is larger than the input \(input)") }
                size = (input[i] - span) / strides[i] + 1
            default:
                let room = try SizeMath.add(input[i], begin, end, -span)
                guard room >= 0 else { throw LayerProblem("window \(kernel) is larger than the padded input \(input)") }
                size = room / strides[i] + 1 + (ceil && room % strides[i] != 0 ? 1 : 0)
                // ONNX (as PyTorch) drops a last window that would start in the end padding.
                if ceil, try SizeMath.multiply(size - 1, strides[i]) >= SizeMath.add(input[i], begin) { size -= 1 }
            }
            guard size > 0 else { throw LayerProblem("window \(kernel) leaves no output for input \(input)") }
            output.append(size)
            padsBegin.append(begin)
            padsEnd.append(end)
        }
    }
}
