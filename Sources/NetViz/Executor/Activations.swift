import Foundation

/// Keras 3's activation functions (`keras.activations`, default arguments), computed in Double and rounded to
/// Float. Softmax-like ones work along the last axis; `glu` halves it (`a * sigmoid(b)` of its two halves).
enum Activations {
    static func apply(_ function: ActivationFunction, to input: Tensor) throws -> Tensor {
        switch function {
        case .linear: return input
        case .softmax, .logSoftmax: return lastAxis(input, log: function == .logSoftmax)
        case .glu: return try glu(input)
        default:
            var out = input
            for i in out.data.indices { out.data[i] = Float(scalar(function, Double(out.data[i]))) }
            return out
        }
    }

    static func sigmoid(_ x: Double) -> Double { x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x)) }
    /// log(1 + e^x) without overflow.
    static func softplus(_ x: Double) -> Double { max(x, 0) + log1p(exp(-abs(x))) }
    static func hardSigmoid(_ x: Double) -> Double { min(max(x + 3, 0), 6) / 6 }

    static func scalar(_ function: ActivationFunction, _ x: Double) -> Double {
        switch function {
        case .linear, .softmax, .logSoftmax, .glu: return x  // handled on whole tensors
        case .relu: return max(x, 0)
        case .relu6: return min(max(x, 0), 6)
        case .sigmoid: return sigmoid(x)
        case .silu, .swish: return x * sigmoid(x)
        case .gelu: return 0.5 * x * (1 + erf(x / 2.0.squareRoot()))
        case .tanh: return tanh(x)
        case .elu: return x > 0 ? x : expm1(x)
        case .selu: return 1.0507009873554805 * (x > 0 ? x : 1.6732632423543772 * expm1(x))
        case .softplus: return softplus(x)
        case .softsign: return x / (1 + abs(x))
        case .exponential: return exp(x)
        case .mish: return x * tanh(softplus(x))
        case .celu: return max(x, 0) + min(0, expm1(x))
        case .hardSilu, .hardSwish: return x * hardSigmoid(x)
        case .hardSigmoid: return hardSigmoid(x)
        case .hardTanh: return min(max(x, -1), 1)
        case .leakyRelu: return x >= 0 ? x : 0.2 * x
        case .logSigmoid: return -softplus(-x)
        }
    }

    /// Softmax (or log-softmax) over the last axis, shifted by the row's max for stability.
    static func lastAxis(_ input: Tensor, log: Bool) -> Tensor {
        var out = input
        guard let width = input.shape.last, width > 0 else { return out }
        for row in 0..<(input.count / width) {
            let base = row * width
            var top = -Double.infinity
            for i in 0..<width { top = max(top, Double(input.data[base + i])) }
            var sum = 0.0
            for i in 0..<width { sum += exp(Double(input.data[base + i]) - top) }
            for i in 0..<width {
                let shifted = Double(input.data[base + i]) - top
                out.data[base + i] = Float(log ? shifted - Foundation.log(sum) : exp(shifted) / sum)
            }
        }
        return out
    }

    static func glu(_ input: Tensor) throws -> Tensor {
        guard let width = input.shape.last, width % 2 == 0 else {
            throw KernelError("glu needs an even last axis, got \(input.shapeDescription)")
        }
        let half = width / 2
        var out = Tensor(zeros: Array(input.shape.dropLast()) + [half])
        for row in 0..<(input.count / max(width, 1)) {
            for i in 0..<half {
                let a = Double(input.data[row * width + i]), b = Double(input.data[row * width + half + i])
                out.data[row * half + i] = Float(a * sigmoid(b))
            }
        }
        return out
    }
}
