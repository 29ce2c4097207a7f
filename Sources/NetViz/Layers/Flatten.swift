/// `keras.layers.Flatten`: every non-batch dim into one.
public struct Flatten: Layer {
    public static let className = "Flatten"
    public static let arity = Arity.one
    public var dataFormat: DataFormat
    public var name: String?
    public var activation: ActivationFunction? { nil }

    public init(dataFormat: DataFormat = .channelsLast, name: String? = nil) {
        self.dataFormat = dataFormat
        self.name = name
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        let count = try inputs[0].elementCount()
        guard let flat = Int(exactly: count) else { throw NetVizError.overflow("flattened size") }
        return TensorSpec([flat], dtype: inputs[0].dtype)
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] { [] }
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { 0 }
}

extension Flatten: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        try Kernels.flatten(self, &context)
    }
}
