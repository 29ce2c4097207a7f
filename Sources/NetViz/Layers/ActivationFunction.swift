/// Keras activation names (`keras.activations`), as used by `Activation(...)` and the `activation=` argument.
public enum ActivationFunction: String, Sendable, Hashable, CaseIterable {
    case linear, relu, relu6, sigmoid, softmax, silu, swish, gelu, tanh, elu, selu, softplus, softsign
    case exponential, mish, celu, glu
    case hardSilu = "hard_silu"
    case hardSwish = "hard_swish"
    case hardSigmoid = "hard_sigmoid"
    case hardTanh = "hard_tanh"
    case leakyRelu = "leaky_relu"
    case logSoftmax = "log_softmax"
    case logSigmoid = "log_sigmoid"

    /// Softmax-like activations normalise over the last axis, which lint checks.
    var normalisesLastAxis: Bool { self == .softmax || self == .logSoftmax }
}
