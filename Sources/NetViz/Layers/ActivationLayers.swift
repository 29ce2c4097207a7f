import Foundation

/// Keras's activation layers with arguments (`LeakyReLU`, `ELU`, `Softmax`) and `PReLU`, whose slope is learned.
/// Element-wise: 0 MACs.
public struct LeakyReLU: Layer {
    public static let className = "LeakyReLU"
    public static let arity = Arity.one
    public var negativeSlope: Double
    public var name: String?
    public var activation: ActivationFunction? { .leakyRelu }

    public init(negativeSlope: Double = 0.3, name: String? = nil) {
        self.negativeSlope = negativeSlope
        self.name = name
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        guard negativeSlope >= 0 else { throw LayerProblem("negative_slope must be >= 0, got \(negativeSlope)") }
        return inputs[0]
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] { [] }
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { 0 }
}

extension LeakyReLU: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        let x = context.inputs[0], slope = Float(negativeSlope)
        return Tensor(unchecked: x.shape, data: x.data.map { $0 >= 0 ? $0 : slope * $0 })
    }
}

/// `keras.layers.ELU`: x for x > 0, alpha (e^x - 1) otherwise.
public struct ELU: Layer {
    public static let className = "ELU"
    public static let arity = Arity.one
    public var alpha: Double
    public var name: String?
    public var activation: ActivationFunction? { .elu }

    public init(alpha: Double = 1, name: String? = nil) {
        self.alpha = alpha
        self.name = name
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec { inputs[0] }
    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] { [] }
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { 0 }
}

extension ELU: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        let x = context.inputs[0], a = Float(alpha)
        return Tensor(unchecked: x.shape, data: x.data.map { $0 > 0 ? $0 : a * (Foundation.exp($0) - 1) })
    }
}

/// `keras.layers.Softmax` over the last axis (Keras's default; other axes are refused by name).
public struct Softmax: Layer {
    public static let className = "Softmax"
    public static let arity = Arity.one
    public var axis: Int
    public var name: String?
    public var activation: ActivationFunction? { .softmax }

    public init(axis: Int = -1, name: String? = nil) {
        self.axis = axis
        self.name = name
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        let index = try ShapeRules.dimIndex(axis: axis, rank: inputs[0].rank)
        guard index == inputs[0].dims.count - 1 else { throw LayerProblem("axis \(axis): netviz reads Softmax over the last axis") }
        return inputs[0]
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] { [] }
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { 0 }
}

extension Softmax: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        try Activations.apply(.softmax, to: context.inputs[0])
    }
}

/// `keras.layers.PReLU`: x for x >= 0, alpha x otherwise, with a learned `alpha` of the input's shape (size 1 on
/// `shared_axes`).
public struct PReLU: Layer {
    public static let className = "PReLU"
    public static let arity = Arity.one
    /// Axes (1-based, as Keras counts them after the batch) where one alpha is shared.
    public var sharedAxes: [Int]
    public var name: String?
    public var activation: ActivationFunction? { .leakyRelu }

    public init(sharedAxes: [Int] = [], name: String? = nil) {
        self.sharedAxes = sharedAxes
        self.name = name
    }

    func alphaShape(_ input: TensorSpec) -> [Int] {
        input.dims.indices.map { sharedAxes.contains($0 + 1) ? 1 : input.dims[$0] }
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        for axis in sharedAxes where axis < 1 || axis > inputs[0].dims.count {
            throw LayerProblem("shared_axes \(sharedAxes) do not fit \(inputs[0])")
        }
        return inputs[0]
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] { [WeightSpec("alpha", alphaShape(inputs[0]))] }
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { 0 }
}

extension PReLU: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        let x = context.inputs[0]
        let alpha = try context.weight("alpha")
        let slopes = try Kernels.broadcastMerge([Tensor(unchecked: [1] + alpha.shape, data: alpha.data), Tensor(zeros: x.shape)]) { a, _ in a }
        return Tensor(unchecked: x.shape, data: zip(x.data, slopes.data).map { $0 >= 0 ? $0 : $1 * $0 })
    }
}

/// Layers that are the identity at inference, as Keras runs them in `model.predict`: noise, dropout variants,
/// activity regularisation, `Identity`, and the random augmentation layers. One kind, named by its Keras class.
public struct InferenceIdentity: Layer, InstanceClassName {
    public static let className = "Identity"
    public static let arity = Arity.one
    /// Every Keras class this kind stands for.
    public static let kerasClasses: Set<String> = [
        "Identity", "GaussianNoise", "GaussianDropout", "AlphaDropout", "SpatialDropout1D", "SpatialDropout2D",
        "SpatialDropout3D", "ActivityRegularization", "RandomFlip", "RandomRotation", "RandomZoom", "RandomTranslation",
        "RandomContrast", "RandomBrightness",
        // Keras 3's image augmentation layers, each checked to return its input at inference (training=False).
        "AugMix", "CutMix", "MixUp", "RandAugment", "RandomColorDegeneration", "RandomColorJitter",
        "RandomElasticTransform", "RandomErasing", "RandomGaussianBlur", "RandomGrayscale", "RandomHue", "RandomInvert",
        "RandomPerspective", "RandomPosterization", "RandomSaturation", "RandomSharpness", "RandomShear", "Solarization",
        "Equalization", "MaxNumBoundingBoxes",
    ]
    public var kerasClassName: String
    public var name: String?
    public var activation: ActivationFunction? { nil }
    public var instanceClassName: String { kerasClassName }

    public init(kerasClassName: String = "Identity", name: String? = nil) {
        self.kerasClassName = kerasClassName
        self.name = name
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec { inputs[0] }
    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] { [] }
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { 0 }
}

extension InferenceIdentity: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor { context.inputs[0] }
}
