import Foundation

/// `keras.layers.RMSNormalization`: x · rsqrt(mean(x²) + epsilon) over `axis` (Keras axes, batch 0 refused), times a
/// trainable `scale` of those axes' shape. A normalisation: 0 MACs, as LayerNormalization.
public struct RMSNormalization: Layer {
    public static let className = "RMSNormalization"
    public static let arity = Arity.one
    public var axes: [Int]
    public var epsilon: Double
    public var name: String?
    public var activation: ActivationFunction? { nil }

    public init(axes: [Int] = [-1], epsilon: Double = 1e-6, name: String? = nil) {
        self.axes = axes
        self.epsilon = epsilon
        self.name = name
    }

    func scaleShape(_ input: TensorSpec) throws -> [Int] {
        guard !axes.isEmpty else { throw LayerProblem("axis must name at least one axis") }
        return try ShapeRules.dims(at: axes, of: input)
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        _ = try scaleShape(inputs[0])
        return inputs[0]
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] {
        (try? scaleShape(inputs[0])).map { [WeightSpec("scale", $0)] } ?? []
    }

    /// Normalisation: no multiply-accumulates in the paper's convention (as LayerNormalization).
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { 0 }
}

extension RMSNormalization: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        let x = context.inputs[0]
        let resolved = axes.map { $0 < 0 ? $0 + x.rank : $0 }.sorted()
        guard let first = resolved.first, resolved == Array(first..<x.rank), first >= 1 else {
            throw KernelError("normalises over axes \(axes); the executor supports the trailing axes only")
        }
        let inner = x.shape[first...].reduce(1, *)
        let scale = try context.weight("scale")
        guard scale.count == inner else { throw KernelError("scale \(scale.shapeDescription) does not fit") }
        var out = x
        let epsilon = Float(epsilon)
        for start in stride(from: 0, to: x.count, by: max(inner, 1)) {
            var squares: Float = 0
            for i in 0..<inner { squares += x.data[start + i] * x.data[start + i] }
            let factor = 1 / (squares / Float(inner) + epsilon).squareRoot()
            for i in 0..<inner { out.data[start + i] = x.data[start + i] * factor * scale.data[i] }
        }
        return out
    }
}

/// `keras.layers.SpectralNormalization`: a wrapper around a layer with a `kernel` (Dense, the convolutions) or
/// `embeddings`. Training divides the kernel by its largest singular value (power iteration with the non-trainable
/// `vector_u` [1, kernel's last dim]) and stores it; at inference (`training=False`) Keras calls the wrapped layer as
/// it is, so netviz runs it unchanged. Params: the wrapped layer's (named `<inner layer>/<weight>`, as Keras's
/// `variable.path`) plus `vector_u`, non-trainable. MACs: the wrapped layer's.
public struct SpectralNormalization: Layer {
    public static let className = "SpectralNormalization"
    public static let arity = Arity.one
    public var layer: any Executable
    public var innerName: String
    public var powerIterations: Int
    public var name: String?
    public var activation: ActivationFunction? { layer.activation }

    public init(_ layer: any Executable, innerName: String, powerIterations: Int = 1, name: String? = nil) {
        self.layer = layer
        self.innerName = innerName
        self.powerIterations = powerIterations
        self.name = name
    }

    /// The wrapped layer's weight that training normalises.
    func normalised(_ inputs: [TensorSpec]) throws -> WeightSpec {
        let weights = layer.weights(for: inputs)
        guard let kernel = weights.first(where: { $0.name == "kernel" }) ?? weights.first(where: { $0.name == "embeddings" }),
            !kernel.shape.isEmpty
        else { throw LayerProblem("wraps a \(type(of: layer).className), which has no kernel or embeddings") }
        return kernel
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        try ShapeRules.requirePositive(powerIterations, "power_iterations")
        let output = try layer.outputSpec(for: inputs)
        _ = try normalised(inputs)
        return output
    }

    /// Keras's order: the kernel, `vector_u`, then the wrapped layer's other weights.
    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] {
        guard let kernel = try? normalised(inputs), let last = kernel.shape.last else { return [] }
        let inner = layer.weights(for: inputs).map { spec -> WeightSpec in
            var renamed = spec
            renamed.name = "\(innerName)/\(spec.name)"
            return renamed
        }
        let first = inner.filter { $0.name == "\(innerName)/\(kernel.name)" }
        return first + [WeightSpec("vector_u", [1, last], trainable: false)] + inner.filter { $0.name != "\(innerName)/\(kernel.name)" }
    }

    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { try layer.macs(for: inputs, output: output) }
    public func activationProductMACs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 {
        try layer.activationProductMACs(for: inputs, output: output)
    }
    public func costGroup(for inputs: [TensorSpec]) -> String? { layer.costGroup(for: inputs) }
}

extension SpectralNormalization: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        // vector_u only steers training's power iteration; inference reads it into nothing.
        _ = try context.weight("vector_u")
        let prefix = innerName + "/"
        var weights: [String: Tensor] = [:]
        for (key, value) in context.weightsForWrapped where key.hasPrefix(prefix) { weights[String(key.dropFirst(prefix.count))] = value }
        var inner = KernelContext(layerName: context.layerName, inputs: context.inputs, weights: weights, mode: context.mode)
        let out = try layer.execute(&inner)
        context.macs += inner.macs
        context.markUsed(Set(inner.used.map { prefix + $0 }))
        return out
    }
}
