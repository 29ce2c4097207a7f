/// `keras.layers.Cropping2D`.
public struct Cropping2D: Layer {
    public static let className = "Cropping2D"
    public static let arity = Arity.one
    public var cropping: Margins2D
    public var dataFormat: DataFormat
    public var name: String?
    public var activation: ActivationFunction? { nil }

    public init(cropping: Margins2D = Margins2D(0), dataFormat: DataFormat = .channelsLast, name: String? = nil) {
        self.cropping = cropping
        self.dataFormat = dataFormat
        self.name = name
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        try cropping.apply(to: inputs[0], format: dataFormat, sign: -1)
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] { [] }
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { 0 }
}

extension Cropping2D: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        try Kernels.margins(context.inputs[0], cropping, format: dataFormat, sign: -1)
    }
}
