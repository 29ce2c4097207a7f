import Synchronization

/// A tensor while a model is being built: its spec and the layer call that produced it.
/// Calling a layer on symbolic tensors infers the output shape at once, so an invalid graph never exists.
public struct SymbolicTensor {
    let producer: LayerCall
    /// Which output of the producing call this is (Keras's tensor index): 0 for the first, as for most layers.
    let port: Int
    init(producer: LayerCall, port: Int = 0) {
        self.producer = producer
        self.port = port
    }
    public var spec: TensorSpec { port == 0 ? producer.output : producer.extraOutputs[port - 1] }
    /// How many outputs the producing call has (an LSTM with `return_state`: 3).
    public var outputCount: Int { 1 + producer.extraOutputs.count }

    /// The `port`-th output of the call that made this tensor (Keras's `[layer, node, tensor]`'s tensor index).
    public func output(_ port: Int) throws -> SymbolicTensor {
        guard port >= 0, port < outputCount else {
            throw NetVizError.layer(
                name: producer.name, className: type(of: producer.layer).className,
                message: "has \(outputCount) output(s); output \(port) does not exist")
        }
        return SymbolicTensor(producer: producer, port: port)
    }

    /// Every output of the call that made this tensor, the first one first.
    public var outputs: [SymbolicTensor] { (0..<outputCount).map { SymbolicTensor(producer: producer, port: $0) } }
    public var shape: [Int?] { (spec.batched ? [nil] : []) + spec.dims.map(Optional.some) }
    /// The (Keras-style) name of the layer that produced this tensor.
    public var layerName: String { producer.name }
}

/// `keras.Input`: a symbolic tensor for a model's input (the batch dimension is implicit).
public func Input(shape: [Int], dtype: DType = .float32, name: String? = nil) throws -> SymbolicTensor {
    try InputLayer(shape: shape, dtype: dtype, name: name).call([], scope: NameScope())
}

extension Layer {
    /// Adds this layer to the graph of `input` (Keras's `layer(x)`).
    public func callAsFunction(_ input: SymbolicTensor) throws -> SymbolicTensor {
        try call([input], scope: input.producer.scope)
    }

    /// Adds this merge layer to the graph of `inputs` (Keras's `Add()([a, b])`).
    public func callAsFunction(_ inputs: [SymbolicTensor]) throws -> SymbolicTensor {
        guard let first = inputs.first else {
            throw NetVizError.layer(name: name ?? Self.defaultNameStem, className: Self.className, message: "called on no inputs")
        }
        let scope = first.producer.scope
        for other in inputs.dropFirst() { scope.absorb(other.producer.scope) }
        return try call(inputs, scope: scope)
    }

    func call(_ inputs: [SymbolicTensor], scope: NameScope) throws -> SymbolicTensor {
        let name = try scope.claim(name, stem: Self.defaultNameStem)
        let specs = inputs.map(\.spec)
        let arityOK: Bool = switch Self.arity {
        case .none: inputs.isEmpty
        case .one: inputs.count == 1
        case .atLeastTwo: inputs.count >= 2
        case .oneAndOptionalMask: inputs.count == 1 || inputs.count == 2
        }
        guard arityOK else {
            throw NetVizError.layer(name: name, className: Self.className, message: "called on \(inputs.count) inputs")
        }
        let output: TensorSpec, extra: [TensorSpec]
        do {
            output = try outputSpec(for: specs)
            extra = try extraOutputSpecs(for: specs)
        } catch let problem as LayerProblem {
            throw NetVizError.layer(name: name, className: Self.className, message: problem.message)
        } catch NetVizError.overflow(let what) {
            throw NetVizError.layer(name: name, className: Self.className, message: "\(what) overflows 64 bits")
        }
        return SymbolicTensor(
            producer: LayerCall(name: name, layer: self, inputs: inputs, output: output, extraOutputs: extra, scope: scope))
    }
}

/// One call of a layer while building. Long chains are released iteratively (see `deinit`).
final class LayerCall {
    private static let counter = Atomic<Int>(0)

    /// Creation order: a call is always created after its inputs, so sorting by it is a topological order.
    let sequence: Int
    let name: String
    let layer: any Layer
    private(set) var inputs: [SymbolicTensor]
    let output: TensorSpec
    /// Outputs after the first (an RNN's states); empty for most layers.
    let extraOutputs: [TensorSpec]
    let scope: NameScope

    init(name: String, layer: any Layer, inputs: [SymbolicTensor], output: TensorSpec, extraOutputs: [TensorSpec] = [], scope: NameScope) {
        sequence = Self.counter.add(1, ordering: .relaxed).newValue
        self.name = name
        self.layer = layer
        self.inputs = inputs
        self.output = output
        self.extraOutputs = extraOutputs
        self.scope = scope
    }

    /// Releasing a 1M-layer chain recursively would overflow the stack; unlink it in a loop instead.
    deinit {
        var pending = inputs.map(\.producer)
        inputs = []
        while var call = pending.popLast() {
            if isKnownUniquelyReferenced(&call) {
                pending.append(contentsOf: call.inputs.map(\.producer))
                call.inputs = []
            }
        }
    }
}

/// Keras-style unique names: given names are reserved; defaults are `stem`, `stem_1`, ... skipping taken ones.
struct NameAllocator {
    private var taken: Set<String> = []
    private var nextSuffix: [String: Int] = [:]

    init(capacity: Int = 0) { taken.reserveCapacity(capacity) }

    mutating func reserve(_ name: String) throws {
        guard !name.isEmpty else { throw NetVizError.graph("a layer name must not be empty") }
        guard taken.insert(name).inserted else {
            throw NetVizError.graph("layer name '\(name)' is used twice; layer names must be unique")
        }
    }

    mutating func next(stem: String) -> String {
        var suffix = nextSuffix[stem, default: 0]
        var candidate = suffix == 0 ? stem : "\(stem)_\(suffix)"
        while taken.contains(candidate) {
            suffix += 1
            candidate = "\(stem)_\(suffix)"
        }
        nextSuffix[stem] = suffix + 1
        taken.insert(candidate)
        return candidate
    }

    mutating func merge(_ other: NameAllocator) {
        taken.formUnion(other.taken)
        nextSuffix.merge(other.nextSuffix, uniquingKeysWith: max)
    }
}

/// The names of one graph while it is being built, so errors can name the layer at once.
/// Merging two graphs (a layer called on tensors of both) merges their scopes; `Model` settles final names.
final class NameScope {
    private var names = NameAllocator()
    private var forward: NameScope?
    /// Names this scope holds, and how many were ever copied into it by merges (tests check the latter stays
    /// near n log n: merging the smaller scope into the larger one keeps 10,000 merged inputs linear-ish).
    private(set) var size = 0
    private(set) var copied = 0
    /// Whether another scope was merged into this one (its names may then differ from `Model.uniqueNames`).
    private(set) var merged = false

    var root: NameScope {
        var scope = self
        while let next = scope.forward { scope = next }
        // Path compression: a later lookup from here takes one step.
        if scope !== self { forward = scope }
        return scope
    }

    func absorb(_ other: NameScope) {
        let (mine, theirs) = (root, other.root)
        guard mine !== theirs else { return }
        let (large, small) = mine.size >= theirs.size ? (mine, theirs) : (theirs, mine)
        large.names.merge(small.names)
        large.size += small.size
        large.copied += small.copied + small.size
        large.merged = true
        small.names = NameAllocator()
        small.forward = large
    }

    func claim(_ given: String?, stem: String) throws -> String {
        let scope = root
        scope.size += 1
        guard let given else { return scope.names.next(stem: stem) }
        try scope.names.reserve(given)
        return given
    }
}
