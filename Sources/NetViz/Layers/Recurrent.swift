import Foundation

/// The recurrent family (`SimpleRNN`, `GRU`, `LSTM`, and `Bidirectional` around one of them): one shape rule, one
/// weight rule and one MAC rule, differing only in the number of gates (1, 3, 4).
///
/// MACs (Docs/counting.md): every step multiplies the input by `kernel` and the previous state by
/// `recurrent_kernel`, for every gate: gates x (features + units) x units x steps. Bias adds and the element-wise
/// gate arithmetic count 0, as for convolutions.
public struct RecurrentSettings: Sendable, Hashable {
    public var units: Int
    public var activation: ActivationFunction?
    public var recurrentActivation: ActivationFunction?
    public var useBias: Bool
    public var returnSequences: Bool
    public var goBackwards: Bool
    /// GRU only: the reset gate applies after the recurrent product (Keras 3's default), with a second bias.
    public var resetAfter: Bool

    public init(
        units: Int, activation: ActivationFunction? = .tanh, recurrentActivation: ActivationFunction? = .sigmoid,
        useBias: Bool = true, returnSequences: Bool = false, goBackwards: Bool = false, resetAfter: Bool = true
    ) {
        self.units = units
        self.activation = activation
        self.recurrentActivation = recurrentActivation
        self.useBias = useBias
        self.returnSequences = returnSequences
        self.goBackwards = goBackwards
        self.resetAfter = resetAfter
    }
}

/// A recurrent layer kind: its gate count; everything else is shared.
public protocol RecurrentLayer: Layer, Executable {
    static var gates: Int { get }
    var settings: RecurrentSettings { get set }
}

extension RecurrentLayer {
    public static var arity: Arity { .one }
    public var activation: ActivationFunction? { nil }

    /// (steps, features) -> (steps, units) with `return_sequences`, else (units).
    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        try ShapeRules.requireRank(inputs[0], 3)
        try ShapeRules.requirePositive(settings.units, "units")
        let steps = inputs[0].dims[0]
        return TensorSpec(settings.returnSequences ? [steps, settings.units] : [settings.units])
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] {
        let features = inputs[0].dims.last ?? 0, width = Self.gates * settings.units
        var weights = [WeightSpec("kernel", [features, width]), WeightSpec("recurrent_kernel", [settings.units, width])]
        if settings.useBias {
            weights.append(WeightSpec("bias", Self.gates == 3 && settings.resetAfter ? [2, width] : [width]))
        }
        return weights
    }

    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 {
        let steps = inputs[0].dims[0], features = inputs[0].dims.last ?? 0
        return try Checked.product([Self.gates, features + settings.units, settings.units, steps])
    }

    public func costGroup(for inputs: [TensorSpec]) -> String? { Self.className }

    public func execute(_ context: inout KernelContext) throws -> Tensor {
        try RecurrentKernel.run(self, context.inputs[0], &context)
    }
}

/// `keras.layers.SimpleRNN`: h = activation(x W + h U + b).
public struct SimpleRNN: RecurrentLayer {
    public static let className = "SimpleRNN"
    public static let gates = 1
    public var settings: RecurrentSettings
    public var name: String?
    public init(_ settings: RecurrentSettings, name: String? = nil) {
        self.settings = settings
        self.name = name
    }
}

/// `keras.layers.GRU`: update, reset and candidate gates (Keras's order z, r, h).
public struct GRU: RecurrentLayer {
    public static let className = "GRU"
    public static let gates = 3
    public var settings: RecurrentSettings
    public var name: String?
    public init(_ settings: RecurrentSettings, name: String? = nil) {
        self.settings = settings
        self.name = name
    }
}

/// `keras.layers.LSTM`: input, forget, cell and output gates (Keras's order i, f, c, o).
public struct LSTM: RecurrentLayer {
    public static let className = "LSTM"
    public static let gates = 4
    public var settings: RecurrentSettings
    public var name: String?
    public init(_ settings: RecurrentSettings, name: String? = nil) {
        self.settings = settings
        self.name = name
    }
}

/// `keras.layers.Bidirectional`: the wrapped layer forward and a copy running backwards (`go_backwards`), their
/// outputs merged (`concat` by default). Weights `forward/...` and `backward/...`; params and MACs twice the layer's.
public struct Bidirectional: Layer {
    public static let className = "Bidirectional"
    public static let arity = Arity.one
    public enum MergeMode: String, Sendable { case concat, sum, mul, ave }
    public var forward: any RecurrentLayer
    public var backward: any RecurrentLayer
    public var mergeMode: MergeMode
    public var name: String?
    public var activation: ActivationFunction? { nil }

    public init(_ layer: any RecurrentLayer, backward: (any RecurrentLayer)? = nil, mergeMode: MergeMode = .concat, name: String? = nil) {
        forward = layer
        var reversed = backward ?? layer
        if backward == nil { reversed.settings.goBackwards.toggle() }
        self.backward = reversed
        self.mergeMode = mergeMode
        self.name = name
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        let a = try forward.outputSpec(for: inputs), b = try backward.outputSpec(for: inputs)
        guard a == b else { throw LayerProblem("the forward and backward layers give \(a) and \(b)") }
        guard mergeMode == .concat else { return a }
        var dims = a.dims
        dims[dims.count - 1] *= 2
        return TensorSpec(dims)
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] {
        func prefixed(_ prefix: String, _ specs: [WeightSpec]) -> [WeightSpec] {
            specs.map { spec in
                var named = spec
                named.name = prefix + "/" + spec.name
                return named
            }
        }
        return prefixed("forward", forward.weights(for: inputs)) + prefixed("backward", backward.weights(for: inputs))
    }

    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 {
        let a = try forward.outputSpec(for: inputs)
        return try Checked.add(forward.macs(for: inputs, output: a), backward.macs(for: inputs, output: a))
    }

    public func costGroup(for inputs: [TensorSpec]) -> String? { "Bidirectional \(type(of: forward).className)" }
}

extension Bidirectional: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        let x = context.inputs[0]
        let a = try RecurrentKernel.run(forward, x, &context, prefix: "forward/")
        var b = try RecurrentKernel.run(backward, x, &context, prefix: "backward/")
        // The backward layer's sequence comes out last step first: Keras flips it to line up with the forward one.
        if backward.settings.returnSequences { b = RecurrentKernel.reverseSteps(b) }
        switch mergeMode {
        case .concat: return try Kernels.concatenate([a, b], axis: -1)
        case .sum: return Tensor(unchecked: a.shape, data: zip(a.data, b.data).map(+))
        case .mul: return Tensor(unchecked: a.shape, data: zip(a.data, b.data).map(*))
        case .ave: return Tensor(unchecked: a.shape, data: zip(a.data, b.data).map { ($0 + $1) / 2 })
        }
    }
}

/// The recurrent loops, written against Keras's cells (keras/src/layers/rnn/{simple_rnn,gru,lstm}.py).
enum RecurrentKernel {
    static func run(_ layer: any RecurrentLayer, _ x: Tensor, _ context: inout KernelContext, prefix: String = "") throws -> Tensor {
        guard x.rank == 3 else { throw KernelError("expects a rank-3 input, got \(x.shapeDescription)") }
        let s = layer.settings, gates = type(of: layer).gates
        let (batch, steps, features) = (x.shape[0], x.shape[1], x.shape[2])
        let units = s.units, width = gates * units
        let kernel = try context.weight(prefix + "kernel"), recurrent = try context.weight(prefix + "recurrent_kernel")
        let bias = s.useBias ? try context.weight(prefix + "bias").data : [Float](repeating: 0, count: gates == 3 && s.resetAfter ? 2 * width : width)
        guard kernel.shape == [features, width], recurrent.shape == [units, width] else {
            throw KernelError("weights \(kernel.shapeDescription), \(recurrent.shapeDescription) do not fit \(features) features, \(units) units")
        }
        func act(_ function: ActivationFunction?, _ v: Float) -> Float {
            function.map { Float(Activations.scalar($0, Double(v))) } ?? v
        }
        var outputs = [Float](repeating: 0, count: batch * (s.returnSequences ? steps : 1) * units)
        for b in 0..<batch {
            var h = [Float](repeating: 0, count: units), c = [Float](repeating: 0, count: units)
            for t in 0..<steps {
                let step = s.goBackwards ? steps - 1 - t : t
                let input = x.data[((b * steps + step) * features)..<((b * steps + step + 1) * features)]
                // x W (+ input bias) and h U (+ recurrent bias for GRU reset_after).
                var xw = [Float](repeating: 0, count: width), hu = [Float](repeating: 0, count: width)
                for (i, v) in input.enumerated() where v != 0 {
                    for j in 0..<width { xw[j] += v * kernel.data[i * width + j] }
                }
                context.macs += Int64(features * width)
                let resetBefore = gates == 3 && !s.resetAfter
                if !resetBefore {
                    for (i, v) in h.enumerated() where v != 0 {
                        for j in 0..<width { hu[j] += v * recurrent.data[i * width + j] }
                    }
                    context.macs += Int64(units * width)
                }
                for j in 0..<width { xw[j] += bias[j] }
                if gates == 3, s.resetAfter { for j in 0..<width { hu[j] += bias[width + j] } }
                switch gates {
                case 1:
                    for j in 0..<units { h[j] = act(s.activation, xw[j] + hu[j]) }
                case 3:
                    var z = [Float](repeating: 0, count: units), r = z
                    if resetBefore {
                        // z and r from h U on their columns, then the candidate from (r * h) U_h.
                        for (i, v) in h.enumerated() where v != 0 {
                            for j in 0..<(2 * units) { hu[j] += v * recurrent.data[i * width + j] }
                        }
                        context.macs += Int64(units * 2 * units)
                    }
                    for j in 0..<units {
                        z[j] = act(s.recurrentActivation, xw[j] + hu[j])
                        r[j] = act(s.recurrentActivation, xw[units + j] + hu[units + j])
                    }
                    var candidate = [Float](repeating: 0, count: units)
                    if resetBefore {
                        for i in 0..<units where h[i] != 0 {
                            let rh = r[i] * h[i]
                            for j in 0..<units { candidate[j] += rh * recurrent.data[i * width + 2 * units + j] }
                        }
                        context.macs += Int64(units * units)
                        for j in 0..<units { candidate[j] = act(s.activation, xw[2 * units + j] + candidate[j]) }
                    } else {
                        for j in 0..<units { candidate[j] = act(s.activation, xw[2 * units + j] + r[j] * hu[2 * units + j]) }
                    }
                    for j in 0..<units { h[j] = z[j] * h[j] + (1 - z[j]) * candidate[j] }
                default:
                    for j in 0..<units {
                        let i = act(s.recurrentActivation, xw[j] + hu[j])
                        let f = act(s.recurrentActivation, xw[units + j] + hu[units + j])
                        let g = act(s.activation, xw[2 * units + j] + hu[2 * units + j])
                        let o = act(s.recurrentActivation, xw[3 * units + j] + hu[3 * units + j])
                        c[j] = f * c[j] + i * g
                        h[j] = o * act(s.activation, c[j])
                    }
                }
                if s.returnSequences {
                    for j in 0..<units { outputs[(b * steps + t) * units + j] = h[j] }
                }
            }
            if !s.returnSequences { for j in 0..<units { outputs[b * units + j] = h[j] } }
        }
        return Tensor(unchecked: s.returnSequences ? [batch, steps, units] : [batch, units], data: outputs)
    }

    /// The time axis (1) reversed.
    static func reverseSteps(_ x: Tensor) -> Tensor {
        let (batch, steps) = (x.shape[0], x.shape[1]), inner = x.shape[2...].reduce(1, *)
        var out = x.data
        for b in 0..<batch {
            for t in 0..<steps {
                for i in 0..<inner { out[(b * steps + t) * inner + i] = x.data[(b * steps + (steps - 1 - t)) * inner + i] }
            }
        }
        return Tensor(unchecked: x.shape, data: out)
    }
}
