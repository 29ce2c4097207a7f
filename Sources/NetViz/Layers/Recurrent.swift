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
    /// `return_state=True`: the final states are further outputs (h; LSTM: h and c).
    public var returnState: Bool
    /// `zero_output_for_mask=True`: a masked step outputs zeros instead of the previous output (Bidirectional sets
    /// it for sequences itself).
    public var zeroOutputForMask = false

    public init(
        units: Int, activation: ActivationFunction? = .tanh, recurrentActivation: ActivationFunction? = .sigmoid,
        useBias: Bool = true, returnSequences: Bool = false, goBackwards: Bool = false, resetAfter: Bool = true,
        returnState: Bool = false
    ) {
        self.units = units
        self.activation = activation
        self.recurrentActivation = recurrentActivation
        self.useBias = useBias
        self.returnSequences = returnSequences
        self.goBackwards = goBackwards
        self.resetAfter = resetAfter
        self.returnState = returnState
    }
}

/// A recurrent layer kind: its gate count; everything else is shared.
public protocol RecurrentLayer: Layer, MultiOutputExecutable {
    static var gates: Int { get }
    var settings: RecurrentSettings { get set }
}

extension RecurrentLayer {
    public static var arity: Arity { .oneAndOptionalMask }
    public var activation: ActivationFunction? { nil }

    /// (steps, features) -> (steps, units) with `return_sequences`, else (units).
    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        try ShapeRules.requireRank(inputs[0], 3)
        try ShapeRules.requirePositive(settings.units, "units")
        try RecurrentKernel.checkMask(inputs)
        let steps = inputs[0].dims[0]
        return TensorSpec(settings.returnSequences ? [steps, settings.units] : [settings.units])
    }

    /// With `return_state`: the final states, (units) each: h, and c for an LSTM.
    public func extraOutputSpecs(for inputs: [TensorSpec]) throws -> [TensorSpec] {
        settings.returnState ? Array(repeating: TensorSpec([settings.units]), count: Self.stateCount) : []
    }

    /// The states the layer carries from step to step: h, and c for an LSTM.
    public static var stateCount: Int { gates == 4 ? 2 : 1 }

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

    public func executeAll(_ context: inout KernelContext) throws -> [Tensor] {
        let mask = try RecurrentKernel.mask(context)
        let (output, states) = try RecurrentKernel.run(
            self, context.inputs[0], &context, mask: mask, zeroOutputForMask: settings.zeroOutputForMask)
        return [output] + (settings.returnState ? states : [])
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
    public static let arity = Arity.oneAndOptionalMask
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

    /// With `return_state`: the forward layer's states, then the backward layer's (Keras's order).
    public func extraOutputSpecs(for inputs: [TensorSpec]) throws -> [TensorSpec] {
        guard forward.settings.returnState == backward.settings.returnState else {
            throw LayerProblem("the forward and backward layers differ in return_state")
        }
        return try forward.extraOutputSpecs(for: inputs) + backward.extraOutputSpecs(for: inputs)
    }

    public func costGroup(for inputs: [TensorSpec]) -> String? { "Bidirectional \(type(of: forward).className)" }
}

extension Bidirectional: MultiOutputExecutable {
    public func executeAll(_ context: inout KernelContext) throws -> [Tensor] {
        let x = context.inputs[0], mask = try RecurrentKernel.mask(context)
        // Keras sets zero_output_for_mask to return_sequences on both directions.
        let (a, forwardStates) = try RecurrentKernel.run(
            forward, x, &context, prefix: "forward/", mask: mask, zeroOutputForMask: forward.settings.returnSequences)
        var (b, backwardStates) = try RecurrentKernel.run(
            backward, x, &context, prefix: "backward/", mask: mask, zeroOutputForMask: backward.settings.returnSequences)
        // The backward layer's sequence comes out last step first: Keras flips it to line up with the forward one.
        if backward.settings.returnSequences { b = RecurrentKernel.reverseSteps(b) }
        guard a.shape == b.shape else { throw KernelError("the directions give \(a.shapeDescription) and \(b.shapeDescription)") }
        let merged: Tensor
        switch mergeMode {
        case .concat: merged = try Kernels.concatenate([a, b], axis: -1)
        case .sum: merged = Tensor(unchecked: a.shape, data: zip(a.data, b.data).map(+))
        case .mul: merged = Tensor(unchecked: a.shape, data: zip(a.data, b.data).map(*))
        case .ave: merged = Tensor(unchecked: a.shape, data: zip(a.data, b.data).map { ($0 + $1) / 2 })
        }
        return [merged] + (forward.settings.returnState ? forwardStates + backwardStates : [])
    }
}

/// The recurrent loops, written against Keras's cells (keras/src/layers/rnn/{simple_rnn,gru,lstm}.py).
enum RecurrentKernel {
    /// A mask input (Keras 3's `mask=`) must be one flag per step: (steps).
    static func checkMask(_ inputs: [TensorSpec]) throws {
        guard inputs.count == 2 else { return }
        guard inputs[1].dims == [inputs[0].dims[0]] else {
            throw LayerProblem("its mask \(inputs[1]) does not have one flag per step of \(inputs[0])")
        }
    }

    /// The input's time-step mask (batch x steps, true where a step is read): the mask input (Keras 3's saved
    /// `mask=`), else the one MaskFlow carried to the layer; checked.
    static func mask(_ context: KernelContext) throws -> [Bool]? {
        let explicit = context.inputs.count > 1 ? context.inputs[1].data.map { $0 != 0 } : nil
        guard let mask = explicit ?? context.mask else { return nil }
        let x = context.inputs[0]
        guard x.rank >= 2, mask.count == x.shape[0] * x.shape[1] else {
            throw KernelError("its mask has \(mask.count) entries for an input of \(x.shapeDescription)")
        }
        return mask
    }

    /// One recurrent layer over `x` (batch, steps, features): its output (the sequence in processing order with
    /// `return_sequences`, else the last output) and final states (h; LSTM: h, c).
    /// `mask` (batch x steps, indexed by the step of `x`, as Keras's `backend.rnn`): a masked step keeps the states
    /// and repeats the previous output (zeros with `zeroOutputForMask`, as Bidirectional asks for sequences).
    static func run(
        _ layer: any RecurrentLayer, _ x: Tensor, _ context: inout KernelContext, prefix: String = "", mask: [Bool]? = nil,
        zeroOutputForMask: Bool = false
    ) throws -> (output: Tensor, states: [Tensor]) {
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
        var finalH = [Float](repeating: 0, count: batch * units), finalC = finalH
        for b in 0..<batch {
            var h = [Float](repeating: 0, count: units), c = [Float](repeating: 0, count: units)
            var previousOutput = [Float](repeating: 0, count: units)
            for t in 0..<steps {
                let step = s.goBackwards ? steps - 1 - t : t
                let (keptH, keptC) = (h, c)
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
                var output = h
                if let mask, !mask[b * steps + step] {
                    h = keptH
                    c = keptC
                    output = zeroOutputForMask ? [Float](repeating: 0, count: units) : previousOutput
                }
                previousOutput = output
                if s.returnSequences {
                    for j in 0..<units { outputs[(b * steps + t) * units + j] = output[j] }
                }
            }
            if !s.returnSequences { for j in 0..<units { outputs[b * units + j] = previousOutput[j] } }
            for j in 0..<units {
                finalH[b * units + j] = h[j]
                finalC[b * units + j] = c[j]
            }
        }
        let output = Tensor(unchecked: s.returnSequences ? [batch, steps, units] : [batch, units], data: outputs)
        let states = [Tensor(unchecked: [batch, units], data: finalH)]
            + (gates == 4 ? [Tensor(unchecked: [batch, units], data: finalC)] : [])
        return (output, states)
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
