/// `keras.layers.InputLayer`, made by `Input(shape:)`: where a model's data comes in.
public struct InputLayer: Layer {
    public static let className = "InputLayer"
    public static let arity = Arity.none
    public var spec: TensorSpec
    public var name: String?
    public var activation: ActivationFunction? { nil }

    public init(shape: [Int], dtype: DType = .float32, name: String? = nil) {
        spec = TensorSpec(shape, dtype: dtype)
        self.name = name
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        guard !spec.dims.isEmpty else { throw LayerProblem("shape must have at least one dimension") }
        guard spec.dims.allSatisfy({ $0 > 0 }) else {
            throw LayerProblem("every dimension must be positive, got \(spec)")
        }
        _ = try spec.elementCount()
        return spec
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] { [] }
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { 0 }
}

extension InputLayer: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        guard let input = context.inputs.first else { throw KernelError("got no input tensor") }
        return input
    }
}
