/// One layer kind: its Keras class name and configuration, its shape rule, its weights and its MAC rule.
///
/// Every requirement is mandatory (no defaults for the rules), so a kind without a counting rule does not
/// compile: the fvcore idea of "no silent zero", checked by the compiler instead of at run time.
/// Adding a layer kind: Docs/architecture.md, "Adding a layer".
public protocol Layer: Sendable {
    /// The Keras class name, as `model.summary()` prints it and `model.to_json()` stores it.
    static var className: String { get }
    /// How many input tensors a call takes.
    static var arity: Arity { get }
    /// A name given by the user; nil means "name it like Keras does" (`conv2d`, `conv2d_1`, ...).
    var name: String? { get }
    /// The shape rule: the output for these inputs, or a `LayerProblem` saying why they cannot work.
    func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec
    /// The weight tensors the layer would create for these inputs; params are the sum of their sizes, as in Keras.
    func weights(for inputs: [TensorSpec]) -> [WeightSpec]
    /// Multiply-accumulates for one sample (Docs/counting.md): conv, depthwise, separable and dense
    /// products only; bias adds, normalisation, activations and pooling count zero.
    func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64
    /// The activation the layer applies, if any (drawn in plots and checked by lint).
    var activation: ActivationFunction? { get }
    /// For a layer that slides over a 2D map (convolutions, pooling): its data format and whether it pools; lint
    /// reads it. Nil (the default) for every other layer.
    var spatial: Spatial2D? { get }
    /// The group of the paper's Table 2 that the layer's cost belongs to ("Conv 1x1", "Conv DW 3x3",
    /// "Fully Connected"), for the by-type breakdown; nil (the default) groups it by class.
    func costGroup(for inputs: [TensorSpec]) -> String?
    /// The part of `macs` that multiplies two activations rather than an activation by weights (attention's Q·Kᵀ
    /// and A·V), reported as a figure of its own; 0 (the default) for layers with weights only.
    func activationProductMACs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64
    /// The outputs after the first for a layer with several (an RNN's states with `return_state`, attention
    /// scores); empty (the default) for most layers. Called after `outputSpec(for:)` succeeded.
    func extraOutputSpecs(for inputs: [TensorSpec]) throws -> [TensorSpec]
}

extension Layer {
    public var spatial: Spatial2D? { nil }
    public func costGroup(for inputs: [TensorSpec]) -> String? { nil }
    public func activationProductMACs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { 0 }
    public func extraOutputSpecs(for inputs: [TensorSpec]) throws -> [TensorSpec] { [] }
}

/// What a 2D windowed layer tells lint: how it reads its input (pooling) or makes its output (convolution).
public struct Spatial2D: Sendable, Equatable {
    public var dataFormat: DataFormat
    public var pools: Bool

    public init(_ dataFormat: DataFormat, pools: Bool) {
        self.dataFormat = dataFormat
        self.pools = pools
    }
}

/// A layer that stands for another one, such as a frozen (`trainable: false`) layer: readers that look for a
/// layer's kind look through it (`Node.baseLayer`).
public protocol WrappingLayer { var base: any Layer { get } }

public enum Arity: Sendable, Equatable {
    case none, one, atLeastTwo
    /// One input, and optionally a second: Keras's time-step mask, which Keras 3 saves as the call's `mask=` tensor
    /// (the recurrent layers).
    case oneAndOptionalMask
}

/// One weight tensor: `kernel`, `bias`, `gamma`, `moving_mean`, ...
public struct WeightSpec: Hashable, Sendable {
    public var name: String
    public var shape: [Int]
    public var trainable: Bool
    /// The node that holds and counts this weight when another node holds it too (a shared layer, an ONNX
    /// initializer read by two nodes): it is counted once, at its holder.
    public var heldBy: String?

    public init(_ name: String, _ shape: [Int], trainable: Bool = true, heldBy: String? = nil) {
        self.name = name
        self.shape = shape
        self.trainable = trainable
        self.heldBy = heldBy
    }

    public func count() throws -> Int64 { try Checked.product(shape) }
}

/// Every layer kind netviz builds from the DSL, keyed by Keras class name; each must be `Executable`
/// (KernelTests), and Docs/architecture.md lists them.
public enum LayerCatalog {
    public static let kinds: [any Layer.Type] = [
        InputLayer.self, Conv2D.self, DepthwiseConv2D.self, SeparableConv2D.self, Dense.self,
        BatchNormalization.self, ReLU.self, Activation.self, AveragePooling2D.self, MaxPooling2D.self,
        GlobalAveragePooling2D.self, GlobalMaxPooling2D.self, Flatten.self, Reshape.self, Dropout.self,
        ZeroPadding2D.self, Cropping2D.self, Add.self, Multiply.self, Concatenate.self, Rescaling.self,
        LayerNormalization.self, Normalization.self, LayerScale.self, Conv1D.self, MaxPooling1D.self,
        AveragePooling1D.self, GlobalAveragePooling1D.self, GlobalMaxPooling1D.self, Embedding.self, SimpleRNN.self,
        GRU.self, LSTM.self, Bidirectional.self, Subtract.self, Average.self, Maximum.self, Minimum.self,
        LeakyReLU.self, ELU.self, Softmax.self, PReLU.self, InferenceIdentity.self, Conv2DTranspose.self,
        UpSampling2D.self, Permute.self, RepeatVector.self, Margins1DLayer.self, UpSampling1D.self,
        GroupNormalization.self, UnitNormalization.self, TimeDistributed.self, MultiHeadAttention.self,
        Conv3D.self, MaxPooling3D.self, AveragePooling3D.self, GlobalAveragePooling3D.self, GlobalMaxPooling3D.self,
        Resample3D.self, KerasOp.self,
        // convolution variants, adaptive pooling, attention, EinsumDense, normalizations
        Conv1DTranspose.self, Conv3DTranspose.self, DepthwiseConv1D.self, SeparableConv1D.self,
        AdaptiveAveragePooling1D.self, AdaptiveAveragePooling2D.self, AdaptiveAveragePooling3D.self,
        AdaptiveMaxPooling1D.self, AdaptiveMaxPooling2D.self, AdaptiveMaxPooling3D.self,
        Dot.self, EinsumDense.self, Attention.self, AdditiveAttention.self, GroupQueryAttention.self,
        RMSNormalization.self, SpectralNormalization.self, ReversibleEmbedding.self,
        Masking.self, RNN.self, ConvLSTM1D.self, ConvLSTM2D.self, ConvLSTM3D.self,
    ]

    public static func kind(named className: String) -> (any Layer.Type)? {
        kinds.first { $0.className == className }
    }
}

extension Layer {
    /// Keras's default name stem for this class: `Conv2D` -> `conv2d`, `ReLU` -> `re_lu`.
    public static var defaultNameStem: String { snakeCase(className) }
}

/// Keras's `to_snake_case` ("(.)([A-Z][a-z]+)" then "([a-z])([A-Z])" get an underscore), on ASCII bytes:
/// it runs once per layer call, so it must be cheap.
func snakeCase(_ name: String) -> String {
    let bytes = Array(name.utf8)
    func isUpper(_ b: UInt8) -> Bool { b >= 65 && b <= 90 }
    func isLower(_ b: UInt8) -> Bool { b >= 97 && b <= 122 }
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count + 4)
    for (i, b) in bytes.enumerated() {
        if isUpper(b), i > 0 {
            let nextIsLower = i + 1 < bytes.count && isLower(bytes[i + 1])
            if isLower(bytes[i - 1]) || nextIsLower { out.append(95) }
        }
        out.append(isUpper(b) ? b + 32 : b)
    }
    return String(decoding: out, as: UTF8.self)
}

/// A height x width pair (kernel size, strides, pool size); an integer means the same in both directions.
public struct Size2: Hashable, Sendable, CustomStringConvertible, ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral {
    /// `3x3`, as the paper's tables name kernels.
    public var kernelName: String { "\(height)x\(width)" }

    public var height: Int
    public var width: Int

    public init(_ height: Int, _ width: Int) {
        self.height = height
        self.width = width
    }

    public init(integerLiteral value: Int) { self.init(value, value) }

    /// `[3]` or `[3, 3]`; any other length is kept as invalid (-1) and rejected by the layer's rule.
    public init(arrayLiteral elements: Int...) {
        switch elements.count {
        case 1: self.init(elements[0], elements[0])
        case 2: self.init(elements[0], elements[1])
        default: self.init(-1, -1)
        }
    }

    public var description: String { "(\(height), \(width))" }
    var isPositive: Bool { height > 0 && width > 0 }
    var area: Int { height * width }
}

public enum Padding: String, Sendable, Hashable {
    case valid, same
}

public enum DataFormat: String, Sendable, Hashable {
    case channelsLast = "channels_last"
    case channelsFirst = "channels_first"
}
