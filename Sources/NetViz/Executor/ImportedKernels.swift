import Foundation

/// Kernels for the kinds that Keras import brings: normalisations, keras.ops element-wise nodes and nested models.
/// None of them is a multiply-accumulate of the paper's kind, so they count 0 MACs (a nested model counts its layers').
enum ImportedKernels {
    /// A tensor of ones but for `axes` (Keras axes, batch = 0), where it takes `values`: per-axis statistics
    /// shaped to broadcast against an input of rank `rank`.
    static func broadcastable(_ values: Tensor, axes: [Int], inputShape: [Int]) throws -> Tensor {
        let rank = inputShape.count
        let resolved = Set(axes.map { $0 < 0 ? $0 + rank : $0 })
        let shape = inputShape.indices.map { resolved.contains($0) ? inputShape[$0] : 1 }
        guard shape.reduce(1, *) == values.count else {
            throw KernelError("statistics of shape \(values.shapeDescription) do not fit axes \(axes) of \(inputShape)")
        }
        return Tensor(unchecked: shape, data: values.data)
    }

    /// Keras's `Normalization`: `(x - mean) / max(sqrt(variance), 1e-7)`, or the inverse with `invert=True`.
    static func normalization(_ layer: Normalization, _ context: inout KernelContext) throws -> Tensor {
        let x = context.inputs[0]
        let mean: Tensor
        var deviation: Tensor
        if layer.statisticsGiven {
            // Given in the config: a scalar broadcasts everywhere, a list runs along the kept axes.
            func given(_ values: [Double]?, _ what: String) throws -> Tensor {
                guard let values, !values.isEmpty else { throw KernelError("its config gives no \(what)") }
                let tensor = Tensor(unchecked: [values.count], data: values.map(Float.init))
                return values.count == 1
                    ? Tensor(unchecked: [Int](repeating: 1, count: x.rank), data: tensor.data)
                    : try broadcastable(tensor, axes: layer.axes, inputShape: x.shape)
            }
            mean = try given(layer.mean, "mean")
            deviation = try given(layer.variance, "variance")
        } else {
            mean = try broadcastable(context.weight("mean"), axes: layer.axes, inputShape: x.shape)
            deviation = try broadcastable(context.weight("variance"), axes: layer.axes, inputShape: x.shape)
            _ = try context.weight("count")  // adapt()'s sample count: held by the layer, not used at inference
        }
        for i in deviation.data.indices { deviation.data[i] = max(deviation.data[i].squareRoot(), 1e-7) }
        if layer.invert {
            return try Kernels.broadcastMerge([Kernels.broadcastMerge([x, deviation], *), mean], +)
        }
        return try Kernels.broadcastMerge([Kernels.broadcastMerge([x, mean], -), deviation], /)
    }

    /// Keras's `LayerNormalization` over trailing axes: `(x - mean) / sqrt(variance + epsilon) * gamma + beta`.
    static func layerNormalization(_ layer: LayerNormalization, _ context: inout KernelContext) throws -> Tensor {
        let x = context.inputs[0]
        let resolved = layer.axes.map { $0 < 0 ? $0 + x.rank : $0 }.sorted()
        guard let first = resolved.first, resolved == Array(first..<x.rank), first >= 1 else {
            throw KernelError("normalises over axes \(layer.axes); the executor supports the trailing axes only")
        }
        let inner = x.shape[first...].reduce(1, *)
        let gamma = try context.optionalWeight("gamma", if: layer.scale)
        let beta = try context.optionalWeight("beta", if: layer.center)
        var out = x
        let epsilon = Float(layer.epsilon)
        for start in stride(from: 0, to: x.count, by: max(inner, 1)) {
            var mean: Float = 0
            for i in 0..<inner { mean += x.data[start + i] }
            mean /= Float(inner)
            var variance: Float = 0
            for i in 0..<inner { variance += (x.data[start + i] - mean) * (x.data[start + i] - mean) }
            variance /= Float(inner)
            let scale = 1 / (variance + epsilon).squareRoot()
            for i in 0..<inner {
                var value = (x.data[start + i] - mean) * scale
                if let gamma { value *= gamma.data[i] }
                if let beta { value += beta.data[i] }
                out.data[start + i] = value
            }
        }
        return out
    }

    /// A keras.ops node: its tensors and constants combined left to right in call order.
    static func elementwise<Inputs>(_ layer: ElementwiseOp<Inputs>, _ context: inout KernelContext) throws -> Tensor {
        let op: (Float, Float) -> Float
        let commutative: Bool
        switch layer.operation {
        case "Add": (op, commutative) = (+, true)
        case "Multiply": (op, commutative) = (*, true)
        case "Maximum": (op, commutative) = ({ max($0, $1) }, true)
        case "Minimum": (op, commutative) = ({ min($0, $1) }, true)
        case "Subtract": (op, commutative) = (-, false)
        case "Divide", "TrueDivide": (op, commutative) = (/, false)
        case "Power": (op, commutative) = ({ Float(pow(Double($0), Double($1))) }, false)
        case "Equal": (op, commutative) = ({ $0 == $1 ? 1 : 0 }, true)
        case "NotEqual": (op, commutative) = ({ $0 != $1 ? 1 : 0 }, true)
        case "Greater": (op, commutative) = ({ $0 > $1 ? 1 : 0 }, false)
        case "GreaterEqual": (op, commutative) = ({ $0 >= $1 ? 1 : 0 }, false)
        case "Less": (op, commutative) = ({ $0 < $1 ? 1 : 0 }, false)
        case "LessEqual": (op, commutative) = ({ $0 <= $1 ? 1 : 0 }, false)
        case "LogicalAnd": (op, commutative) = ({ $0 != 0 && $1 != 0 ? 1 : 0 }, true)
        case "LogicalOr": (op, commutative) = ({ $0 != 0 || $1 != 0 ? 1 : 0 }, true)
        default: throw KernelError("has no kernel for the operation \(layer.operation)")
        }
        let rank = context.inputs.first?.rank ?? 1
        func constant(_ value: Double) -> Tensor {
            Tensor(unchecked: [Int](repeating: 1, count: rank), data: [Float(value)])
        }
        let operands: [ElementwiseOperand]
        if let known = layer.operands, !known.isEmpty {
            operands = known
        } else if commutative || layer.constants.isEmpty {
            operands = context.inputs.indices.map { .input($0) } + layer.constants.map { .constant($0) }
        } else {
            throw KernelError("the order of its constant and tensor arguments is unknown, and \(layer.operation) depends on it")
        }
        let tensors = try operands.map { operand -> Tensor in
            switch operand {
            case let .input(i):
                guard context.inputs.indices.contains(i) else { throw KernelError("has no input \(i)") }
                return context.inputs[i]
            case let .constant(value): return constant(value)
            }
        }
        guard var result = tensors.first else { throw KernelError("has no operands") }
        for next in tensors.dropFirst() { result = try Kernels.broadcastMerge([result, next], op) }
        // A constant-first result (3 - x) has the constant's rank-1 shape broadcast to the input's already.
        return result
    }

    /// A nested model: its layers run with their own kernels on its own weights (named `inner layer/weight`).
    static func nested(_ layer: NestedModel, _ context: inout KernelContext) throws -> Tensor {
        var store = WeightStore()
        for node in layer.model.nodes {
            for spec in node.layer.weights(for: node.inputSpecs) {
                let key = "\(node.weightOwner)/\(spec.name)"
                store.tensors[key] = try context.weight(key)
            }
        }
        var macs: Int64 = 0
        let executor = Executor(mode: context.mode)
        let result = try executor.run(layer.model, weights: store, inputs: [context.inputs[0]]) { macs += $0.countedMACs }
        context.macs += macs
        guard let output = result.outputs.first else { throw KernelError("its model has no output") }
        return output
    }
}
