/// `keras.layers.Reshape`: `target_shape` excludes the batch dim; one entry may be -1 (inferred).
public struct Reshape: Layer {
    public static let className = "Reshape"
    public static let arity = Arity.one
    public var targetShape: [Int]
    public var name: String?
    public var activation: ActivationFunction? { nil }

    public init(targetShape: [Int], name: String? = nil) {
        self.targetShape = targetShape
        self.name = name
    }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        let input = inputs[0]
        let total = try input.elementCount()
        let unknown = targetShape.indices.filter { targetShape[$0] == -1 }
        guard unknown.count <= 1, targetShape.allSatisfy({ $0 > 0 || $0 == -1 }), !targetShape.isEmpty else {
            throw LayerProblem("target_shape \(targetShape) must hold positive sizes and at most one -1")
        }
        let known = try Checked.product(targetShape.filter { $0 != -1 })
        var dims = targetShape
        if let index = unknown.first {
            guard total % known == 0, let inferred = Int(exactly: total / known) else {
                throw LayerProblem("cannot reshape \(input) (\(total) elements) to \(targetShape)")
            }
            dims[index] = inferred
        } else if known != total {
            throw LayerProblem("cannot reshape \(input) (\(total) elements) to \(TensorSpec(dims)) (\(known) elements)")
        }
        return TensorSpec(dims, dtype: input.dtype)
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] { [] }
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { 0 }
}

extension Reshape: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        try Kernels.reshape(self, &context)
    }
}
