/// A weight as a model file stores it: its element type, its bytes and, for a quantized weight, its scale and zero
/// point. Keras layers hold float32 weights and never say so; a `.tflite` operator's weights are int8, float16,
/// int32 (quantized biases) or float32, which the summary's "Weight bytes" column and totals report.
public struct StoredWeight: Sendable, Equatable, CustomStringConvertible {
    /// The weight's name in its layer (`kernel`, `bias`), as `Layer.weights(for:)` names it.
    public var name: String
    /// The tensor that holds it in the file.
    public var tensor: String
    /// The stored element type: `int8`, `uint8`, `int16`, `int32`, `float16`, `float32`, ...
    public var type: String
    /// The shape as stored (TFLite's OHWI filter, say).
    public var shape: [Int]
    /// Bytes in the file.
    public var bytes: Int64
    /// Quantization: one scale and zero point per tensor, or per channel along `quantizedDimension`.
    public var scales: [Float]
    public var zeroPoints: [Int64]
    public var quantizedDimension: Int

    public init(
        name: String, tensor: String, type: String, shape: [Int], bytes: Int64, scales: [Float] = [],
        zeroPoints: [Int64] = [], quantizedDimension: Int = 0
    ) {
        self.name = name
        self.tensor = tensor
        self.type = type
        self.shape = shape
        self.bytes = bytes
        self.scales = scales
        self.zeroPoints = zeroPoints
        self.quantizedDimension = quantizedDimension
    }

    /// `kernel: int8 (8, 3, 3, 3), 216 bytes, scale 0.000539 (8 per-channel values along axis 0), zero point 0`.
    public var description: String {
        var text = "\(name): \(type) (\(shape.map(String.init).joined(separator: ", "))), \(bytes) bytes"
        if let first = scales.first {
            let per = scales.count > 1 ? " (\(scales.count) per-channel values along axis \(quantizedDimension))" : ""
            text += ", scale \(first)\(per)"
        }
        if let first = zeroPoints.first {
            text += ", zero point \(first)" + (Set(zeroPoints).count > 1 ? " (per channel)" : "")
        }
        return text
    }

    /// The details JSON of one weight: name, tensor, type, shape, bytes and, when quantized, scale and zero point.
    public var json: OrderedJSON {
        var pairs: [(String, OrderedJSON)] = [
            ("name", .string(name)), ("tensor", .string(tensor)), ("type", .string(type)),
            ("shape", .array(shape.map { .int(Int64($0)) })), ("bytes", .int(bytes)),
        ]
        if !scales.isEmpty || !zeroPoints.isEmpty {
            pairs.append(("scale", .array(scales.map { .double(Double($0)) })))
            pairs.append(("zero_point", .array(zeroPoints.map { .int($0) })))
            pairs.append(("quantized_dimension", .int(Int64(quantizedDimension))))
        }
        return .object(pairs)
    }
}

/// A layer whose weights a file stores with their own types (a TFLite operator). Only models made of such layers
/// get the "Weight bytes" column, so Keras and zoo summaries are unchanged.
public protocol StoredWeightTypes {
    var storedWeights: [StoredWeight] { get }
    /// The layer's output tensor as the file types it (an int8 activation with its scale and zero point), if known.
    var storedOutput: StoredWeight? { get }
}

/// A layer that can read its own weights from the file it came from, for `netviz verify` (a `.tflite`'s buffers):
/// keyed by weight name, in the shapes `weights(for:)` gives.
public protocol FileWeights {
    func readWeights() throws -> [String: Tensor]
}

extension WeightStore {
    /// The weights the model's file holds, read now (never while summarising), or nil when its layers hold none.
    public static func fromModelFile(_ model: Model) throws -> WeightStore? {
        guard model.nodes.contains(where: { $0.layer is any FileWeights }) else { return nil }
        var store = WeightStore()
        for node in model.nodes {
            guard let layer = node.layer as? any FileWeights else { continue }
            for (name, tensor) in try layer.readWeights() { store.tensors["\(node.name)/\(name)"] = tensor }
        }
        return store
    }
}
