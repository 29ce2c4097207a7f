/// The values of small integer tensors computed from shapes (SHAPE, then GATHER, STRIDED_SLICE, PACK,
/// CONCATENATION, REDUCE_PROD, arithmetic), worked out while importing: Keras's Dense on a rank-4 tensor becomes
/// RESHAPEs whose target is computed this way, and the file stores those tensors' shapes only as placeholders
/// (`shape_signature` -1). netviz computes them, so the RESHAPE's target and the operators after it get real shapes.
enum TFLiteShapeValues {
    /// The most elements a computed value holds (shape vectors are short).
    static let maxElements = 64

    /// The values of `name`'s output, given its inputs' values (nil where unknown) and, for SHAPE, its input's
    /// whole shape; nil when netviz does not compute it.
    static func evaluate(
        _ name: String, options: TFLiteOptions, inputs: [[Int]?], shapeOfInput: [Int]?
    ) -> [Int]? {
        let out: [Int]?
        switch name {
        case "SHAPE":
            out = shapeOfInput
        case "CAST":
            out = inputs.first ?? nil
        case "GATHER":
            guard inputs.count >= 2, let params = inputs[0], let indices = inputs[1], options.axis == 0 else { return nil }
            var gathered: [Int] = []
            for i in indices {
                let j = i < 0 ? i + params.count : i
                guard j >= 0, j < params.count else { return nil }
                gathered.append(params[j])
            }
            out = gathered
        case "PACK", "CONCATENATION":
            guard options.axis == 0 || options.axis == -1 else { return nil }
            var joined: [Int] = []
            for input in inputs {
                guard let input else { return nil }
                joined += input
            }
            out = joined
        case "REDUCE_PROD":
            guard let values = inputs.first ?? nil else { return nil }
            var product = 1
            for v in values {
                let (p, overflow) = product.multipliedReportingOverflow(by: v)
                if overflow { return nil }
                product = p
            }
            out = [product]
        case "MUL", "ADD", "SUB", "FLOOR_DIV":
            guard inputs.count == 2, let a = inputs[0], let b = inputs[1], a.count == b.count || a.count == 1 || b.count == 1
            else { return nil }
            var result: [Int] = []
            for i in 0..<max(a.count, b.count) {
                let x = a[a.count == 1 ? 0 : i], y = b[b.count == 1 ? 0 : i]
                let (value, overflow): (Int, Bool) = switch name {
                case "MUL": x.multipliedReportingOverflow(by: y)
                case "ADD": x.addingReportingOverflow(y)
                case "SUB": x.subtractingReportingOverflow(y)
                default: y == 0 ? (0, true) : x.dividedReportingOverflow(by: y)
                }
                if overflow { return nil }
                result.append(value)
            }
            out = result
        case "STRIDED_SLICE":
            guard inputs.count >= 4, let x = inputs[0], let begin = inputs[1], let end = inputs[2], let strides = inputs[3],
                begin.count == 1, end.count == 1, strides.count == 1, strides[0] != 0, options.ellipsisMask == 0,
                options.newAxisMask == 0
            else { return nil }
            let n = x.count, stride = strides[0]
            func clamp(_ v: Int) -> Int { min(max(v < 0 ? v + n : v, 0), n) }
            if options.shrinkAxisMask & 1 != 0 {
                let i = clamp(begin[0])
                return i < n ? [x[i]] : nil
            }
            var i = options.beginMask & 1 != 0 ? (stride > 0 ? 0 : n - 1) : clamp(begin[0])
            let upper = options.endMask & 1 != 0 ? (stride > 0 ? n : -1) : clamp(end[0])
            var sliced: [Int] = []
            while stride > 0 ? i < upper : i > upper, i >= 0, i < n, sliced.count <= maxElements {
                sliced.append(x[i])
                i += stride
            }
            out = sliced
        default:
            out = nil
        }
        guard let out, out.count <= maxElements else { return nil }
        return out
    }

    /// A RESHAPE's whole target shape with its -1 worked out from `elements`, or nil when it does not fit.
    static func resolve(_ target: [Int], elements: Int64) -> [Int]? {
        guard target.count <= TFLiteFile.maxRank, target.allSatisfy({ $0 >= -1 }), target.filter({ $0 == -1 }).count <= 1,
            let known = try? Checked.product(target.filter { $0 != -1 })
        else { return nil }
        guard let unknown = target.firstIndex(of: -1) else { return known == elements ? target : nil }
        guard known > 0, elements % known == 0, let inferred = Int(exactly: elements / known) else { return nil }
        var resolved = target
        resolved[unknown] = inferred
        return resolved
    }
}
