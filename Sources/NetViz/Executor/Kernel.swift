/// Which implementation a kernel uses: the plain loops (written to be read against Keras's definition) or the
/// fast paths (GEMM for convolutions and Dense, channel-vectorised depthwise), always tested against the plain ones.
public enum ExecutionMode: String, Sendable, CaseIterable {
    case reference, fast
}

/// What one kernel call sees: its input tensors, its layer's weights (by weight name: `kernel`, `gamma`, ...),
/// and a counter of the multiply-accumulates it performs.
public struct KernelContext {
    public let layerName: String
    public let inputs: [Tensor]
    public let mode: ExecutionMode
    let weights: [String: Tensor]
    /// Multiply-accumulates performed so far, counted by the kernel as it works (Docs/verification.md).
    public var macs: Int64 = 0
    /// Keras's time-step mask on the first input (batch x steps, row-major; false: the step is masked), set by the
    /// executor when a Masking layer or `Embedding(mask_zero=True)` feeds a layer that reads masks (an RNN).
    public var mask: [Bool]? = nil
    /// Names of the weight tensors the kernel read; the executor checks their sizes against the layer's params.
    public private(set) var used: Set<String> = []

    public init(layerName: String, inputs: [Tensor], weights: [String: Tensor], mode: ExecutionMode) {
        self.layerName = layerName
        self.inputs = inputs
        self.weights = weights
        self.mode = mode
    }

    /// A weight the kernel needs; a missing one is an error naming the layer and weight.
    public mutating func weight(_ name: String) throws -> Tensor {
        guard let tensor = weights[name] else {
            throw KernelError("has no weight '\(name)' (expected '\(layerName)/\(name)')")
        }
        used.insert(name)
        return tensor
    }

    public mutating func optionalWeight(_ name: String, if present: Bool) throws -> Tensor? {
        present ? try weight(name) : nil
    }

    /// Every weight given, for a wrapper (TimeDistributed) that runs another layer's kernel on them.
    var weightsForWrapped: [String: Tensor] { weights }

    /// Records the weights a wrapped kernel read as read by this one.
    mutating func markUsed(_ names: Set<String>) { used.formUnion(names) }
}

/// A kernel's complaint; the executor adds the layer's name and class.
public struct KernelError: Error, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
}

/// A layer kind the executor can run. The conformance sits in the layer's own file (`extension Conv2D: Executable`),
/// so a layer's shape rule, counting rule and kernel are found together; the loops themselves are shared per family
/// (Kernels, Fast, ImportedKernels). A layer that is not `Executable` is an error naming it, never a silent identity.
public protocol Executable: Layer {
    /// The layer's output for `context.inputs` and its weights, counting the multiply-accumulates in `context.macs`.
    func execute(_ context: inout KernelContext) throws -> Tensor
}

/// A layer kind with several outputs (ONNX's Split, an RNN's states): `execute` gives the first, this gives all.
public protocol MultiOutputExecutable: Executable {
    func executeAll(_ context: inout KernelContext) throws -> [Tensor]
}

extension MultiOutputExecutable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        guard let first = try executeAll(&context).first else { throw KernelError("produced no output") }
        return first
    }
}
