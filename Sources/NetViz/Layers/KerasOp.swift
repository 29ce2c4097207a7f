import Foundation

/// A `keras.ops` node of one input that is not element-wise arithmetic between tensors (those are `ElementwiseOp`):
/// a function applied to every element (`tanh`, `relu`, ...), a reduction (`mean`, `any`, ... over `axis`, with
/// `keepdims`), or a layout change (`reshape`, `transpose`, `expand_dims`, `squeeze`, `cast`). Keras serialises each
/// as a node whose class is the op's (`Tanh`, `Mean`), module `keras.src.ops.numpy` or `keras.src.ops.nn`; its
/// axes count the batch axis, as keras.ops does. No weights, 0 MACs.
public struct KerasOp: Layer, InstanceClassName {
    public static let className = "KerasOp"
    public static let arity = Arity.one

    public enum Kind: Sendable, Hashable {
        case elementwise(ActivationFunction?)
        case reduce(axes: [Int]?, keepdims: Bool)
        case reshape([Int])
        case transpose([Int]?)
        case expandDims(Int)
        case squeeze([Int]?)
        case cast(DType)
        /// `x[...]`: numpy's basic indexing (slices, integers, None, Ellipsis); the batch axis is kept whole.
        case getItem([IndexItem])
    }

    /// One entry of a `GetItem` key.
    public enum IndexItem: Sendable, Hashable {
        case slice(start: Int?, stop: Int?, step: Int?)
        case index(Int)
        case newAxis
        case ellipsis
    }

    public var operation: String
    public var kind: Kind
    public var name: String?
    public var activation: ActivationFunction? { if case .elementwise(let f) = kind { return f } else { return nil } }
    public var instanceClassName: String { operation }

    /// Functions of one element by op class: keras.ops names that match `keras.activations`, plus numpy's.
    static let functions: [String: ActivationFunction?] = [
        "Relu": .relu, "Relu6": .relu6, "Sigmoid": .sigmoid, "Softplus": .softplus, "Softsign": .softsign, "Silu": .silu,
        "Swish": .swish, "Gelu": .gelu, "Elu": .elu, "Selu": .selu, "LeakyRelu": .leakyRelu, "HardSigmoid": .hardSigmoid,
        "HardSilu": .hardSilu, "HardSwish": .hardSwish, "LogSigmoid": .logSigmoid, "Tanh": .tanh, "Exp": .exponential,
        "Mish": .mish, "Softmax": .softmax, "LogSoftmax": .logSoftmax,
        "Abs": nil, "Absolute": nil, "Negative": nil, "Sqrt": nil, "Square": nil, "Log": nil, "Log1p": nil, "Sin": nil,
        "Cos": nil, "Floor": nil, "Ceil": nil, "Round": nil, "Sign": nil, "Reciprocal": nil, "Expm1": nil, "Rsqrt": nil,
        "LogicalNot": nil,
    ]
    static let reductions: Set<String> = ["Mean", "Sum", "Max", "Min", "Prod", "Any", "All", "Amax", "Amin"]

    /// The op classes netviz reads besides `ElementwiseOp`'s.
    public static func reads(_ className: String) -> Bool {
        functions[className] != nil || reductions.contains(className)
            || ["Reshape", "Transpose", "ExpandDims", "Squeeze", "Cast", "GetItem"].contains(className)
    }

    public init(operation: String, kind: Kind, name: String? = nil) {
        self.operation = operation
        self.kind = kind
        self.name = name
    }

    /// A keras.ops axis (0 is the batch) as an index into `dims`; the batch axis is refused.
    static func index(_ axis: Int, rank: Int) throws -> Int { try ShapeRules.dimIndex(axis: axis, rank: rank) }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        let input = inputs[0]
        switch kind {
        case .elementwise:
            if (operation == "Softmax" || operation == "LogSoftmax") { return input }
            return operation == "LogicalNot" ? TensorSpec(input.dims, dtype: .bool) : input
        case .reduce(let axes, let keepdims):
            let reduced = try Set((axes ?? Array(1..<input.rank)).map { try Self.index($0, rank: input.rank) })
            var dims: [Int] = []
            for (i, d) in input.dims.enumerated() {
                if reduced.contains(i) { if keepdims { dims.append(1) } } else { dims.append(d) }
            }
            let dtype: DType = ["Any", "All"].contains(operation) ? .bool : input.dtype
            return TensorSpec(dims, dtype: dtype)
        case .reshape(let shape):
            guard let batch = shape.first, batch == -1 || batch == 0 || batch == 1 || shape.isEmpty == false else {
                throw LayerProblem("newshape \(shape) must keep the batch axis first")
            }
            let rest = Array(shape.dropFirst())
            let total = try input.elementCount()
            let known = try Checked.product(rest.filter { $0 != -1 })
            var dims = rest
            if let unknown = rest.firstIndex(of: -1) {
                guard rest.filter({ $0 == -1 }).count == 1, known > 0, total % known == 0 else {
                    throw LayerProblem("cannot reshape \(input) to \(shape)")
                }
                dims[unknown] = Int(total / known)
            }
            guard dims.allSatisfy({ $0 > 0 }), try Checked.product(dims) == total else { throw LayerProblem("cannot reshape \(input) to \(shape)") }
            return TensorSpec(dims, dtype: input.dtype)
        case .transpose(let axes):
            let perm = axes ?? Array((0..<input.rank).reversed())
            guard perm.count == input.rank, Set(perm) == Set(0..<input.rank), perm.first == 0 else {
                throw LayerProblem("axes \(perm) must permute the \(input.rank) axes and keep the batch first")
            }
            return TensorSpec(perm.dropFirst().map { input.dims[$0 - 1] }, dtype: input.dtype)
        case .expandDims(let axis):
            let rank = input.rank + 1
            let resolved = axis < 0 ? axis + rank : axis
            guard resolved >= 1, resolved < rank else { throw LayerProblem("axis \(axis) is out of range") }
            var dims = input.dims
            dims.insert(1, at: resolved - 1)
            return TensorSpec(dims, dtype: input.dtype)
        case .squeeze(let axes):
            let removed = try Set((axes ?? input.dims.indices.filter { input.dims[$0] == 1 }.map { $0 + 1 }).map { try Self.index($0, rank: input.rank) })
            for i in removed where input.dims[i] != 1 { throw LayerProblem("cannot squeeze axis \(i + 1) of size \(input.dims[i])") }
            return TensorSpec(input.dims.indices.filter { !removed.contains($0) }.map { input.dims[$0] }, dtype: input.dtype)
        case .cast(let dtype):
            return TensorSpec(input.dims, dtype: dtype)
        case .getItem(let items):
            let (selections, newAxes) = try Self.select(items, shape: [1] + input.dims)
            var dims: [Int] = []
            for (axis, selection) in selections.enumerated() where axis > 0 {
                dims += Array(repeating: 1, count: newAxes[axis])
                if let kept = selection.kept { dims.append(kept.count) }
            }
            dims += Array(repeating: 1, count: newAxes[selections.count])
            return TensorSpec(dims, dtype: input.dtype)
        }
    }

    /// For each axis of `shape` (batch first), the indices a key selects and whether the axis stays (an integer
    /// drops it); and how many new axes come before each axis (the last entry: after all of them).
    static func select(_ items: [IndexItem], shape: [Int]) throws -> (selections: [(kept: [Int]?, index: Int)], newAxes: [Int]) {
        let consuming = items.filter { if case .slice = $0 { return true }; if case .index = $0 { return true }; return false }.count
        guard items.filter({ $0 == .ellipsis }).count <= 1 else { throw LayerProblem("an index can have one Ellipsis") }
        guard consuming <= shape.count else { throw LayerProblem("the index has \(consuming) entries for \(shape.count) axes") }
        var expanded: [IndexItem] = []
        for item in items {
            if item == .ellipsis {
                expanded += Array(repeating: .slice(start: nil, stop: nil, step: nil), count: shape.count - consuming)
            } else {
                expanded.append(item)
            }
        }
        if !items.contains(.ellipsis) { expanded += Array(repeating: .slice(start: nil, stop: nil, step: nil), count: shape.count - consuming) }
        var selections: [(kept: [Int]?, index: Int)] = []
        var newAxes = [Int](repeating: 0, count: shape.count + 1)
        for item in expanded {
            let axis = selections.count
            switch item {
            case .newAxis:
                guard axis > 0 else { throw LayerProblem("a new axis before the batch axis is not read") }
                newAxes[axis] += 1
            case .index(let i):
                guard axis > 0 else { throw LayerProblem("indexing the batch axis is not read") }
                let n = shape[axis]
                guard i >= -n, i < n else { throw LayerProblem("index \(i) is out of range for axis \(axis) of size \(n)") }
                selections.append((nil, i < 0 ? i + n : i))
            case .slice(let start, let stop, let step):
                let n = shape[axis]
                let step = step ?? 1
                guard step != 0, abs(step) <= 1 << 30 else { throw LayerProblem("slice step cannot be zero") }
                if axis == 0 {
                    guard start == nil, stop == nil, step == 1 else { throw LayerProblem("slicing the batch axis is not read") }
                    selections.append((Array(0..<1), 0))
                    continue
                }
                // Python's slice.indices(n).
                func clamp(_ v: Int?, _ fallback: Int, _ low: Int, _ high: Int) -> Int {
                    guard let v else { return fallback }
                    let w = v < 0 ? max(v, -(1 << 40)) + n : min(v, 1 << 40)
                    return min(max(w, low), high)
                }
                let first = step > 0 ? clamp(start, 0, 0, n) : clamp(start, n - 1, -1, n - 1)
                let end = step > 0 ? clamp(stop, n, 0, n) : clamp(stop, -1, -1, n - 1)
                selections.append((Array(stride(from: first, to: end, by: step)), 0))
            case .ellipsis:
                break
            }
        }
        return (selections, newAxes)
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] { [] }
    /// No weights: no multiply-accumulates in the paper's convention.
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { 0 }
}

extension KerasOp: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        let x = context.inputs[0]
        let outputShape = [x.shape[0]] + (try outputSpec(for: [TensorSpec(Array(x.shape.dropFirst()))]).dims)
        switch kind {
        case .elementwise(let function?):
            return try Activations.apply(function, to: x)
        case .elementwise(nil):
            let f: (Float) -> Float
            switch operation {
            case "Abs", "Absolute": f = { abs($0) }
            case "Negative": f = { -$0 }
            case "Sqrt": f = { $0.squareRoot() }
            case "Square": f = { $0 * $0 }
            case "Log": f = { Foundation.log($0) }
            case "Log1p": f = { Foundation.log1p($0) }
            case "Sin": f = { Foundation.sin($0) }
            case "Cos": f = { Foundation.cos($0) }
            case "Floor": f = { $0.rounded(.down) }
            case "Ceil": f = { $0.rounded(.up) }
            case "Round": f = { $0.rounded(.toNearestOrEven) }
            case "Sign": f = { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }
            case "Reciprocal": f = { 1 / $0 }
            case "Expm1": f = { Foundation.expm1($0) }
            case "Rsqrt": f = { 1 / $0.squareRoot() }
            case "LogicalNot": f = { $0 == 0 ? 1 : 0 }
            default: throw KernelError("has no kernel for \(operation)")
            }
            return Tensor(unchecked: x.shape, data: x.data.map(f))
        case .reduce(let axes, _):
            let reduced = Set((axes ?? Array(1..<x.rank)).map { $0 < 0 ? $0 + x.rank : $0 })
            var out: Tensor
            switch operation {
            case "Max", "Amax": out = Kernels.reduce(x, axes: reduced, start: -.infinity) { max($0, $1) }
            case "Min", "Amin": out = Kernels.reduce(x, axes: reduced, start: .infinity) { min($0, $1) }
            case "Prod": out = Kernels.reduce(x, axes: reduced, start: 1) { $0 * $1 }
            case "Any": out = Kernels.reduce(x, axes: reduced, start: 0) { ($0 != 0 || $1 != 0) ? 1 : 0 }
            case "All": out = Kernels.reduce(x, axes: reduced, start: 1) { ($0 != 0 && $1 != 0) ? 1 : 0 }
            default: out = Kernels.reduce(x, axes: reduced, start: 0) { $0 + $1 }
            }
            if operation == "Mean" {
                let count = Float(reduced.map { x.shape[$0] }.reduce(1, *))
                out.data = out.data.map { $0 / count }
            }
            return Tensor(unchecked: outputShape, data: out.data)
        case .transpose(let axes):
            return Kernels.transpose(x, axes ?? Array((0..<x.rank).reversed()))
        case .reshape, .expandDims, .squeeze, .cast:
            return Tensor(unchecked: outputShape, data: x.data)
        case .getItem(let items):
            let (selections, _) = try Self.select(items, shape: [1] + Array(x.shape.dropFirst()))
            // Every axis's chosen indices (the batch whole), gathered in order; new axes do not move data.
            let lists = [Array(0..<x.shape[0])] + selections.dropFirst().map { $0.kept ?? [$0.index] }
            var strides = [Int](repeating: 1, count: x.rank)
            for axis in stride(from: x.rank - 2, through: 0, by: -1) { strides[axis] = strides[axis + 1] * x.shape[axis + 1] }
            var offsets = [0]
            for (axis, list) in lists.enumerated() {
                offsets = offsets.flatMap { base in list.map { base + $0 * strides[axis] } }
            }
            return Tensor(unchecked: outputShape, data: offsets.map { x.data[$0] })
        }
    }
}
