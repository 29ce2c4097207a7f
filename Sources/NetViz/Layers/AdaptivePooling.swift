/// `keras.layers.AdaptiveAveragePooling1D/2D/3D` and `AdaptiveMaxPooling1D/2D/3D`: each spatial axis of length L
/// is cut into `output_size` bins; bin i covers [floor(i·L/n), ceil((i+1)·L/n)), computed in float32 as Keras's
/// TensorFlow backend does (`_compute_static_gather_indices`: its small and big windows are exactly these bins).
/// No weights, 0 MACs (a reduction, as the other poolings).
public typealias AdaptiveAveragePooling1D = AdaptivePooling<AverageReduction, Spatial1>
public typealias AdaptiveAveragePooling2D = AdaptivePooling<AverageReduction, Spatial2>
public typealias AdaptiveAveragePooling3D = AdaptivePooling<AverageReduction, Spatial3>
public typealias AdaptiveMaxPooling1D = AdaptivePooling<MaxReduction, Spatial1>
public typealias AdaptiveMaxPooling2D = AdaptivePooling<MaxReduction, Spatial2>
public typealias AdaptiveMaxPooling3D = AdaptivePooling<MaxReduction, Spatial3>

/// How many spatial axes a layer family member has (the `1D`, `2D`, `3D` of its class name).
public protocol SpatialRank: Sendable { static var count: Int { get } }
public enum Spatial1: SpatialRank { public static let count = 1 }
public enum Spatial2: SpatialRank { public static let count = 2 }
public enum Spatial3: SpatialRank { public static let count = 3 }

public struct AdaptivePooling<Reduction: PoolReduction, Rank: SpatialRank>: Layer {
    public static var className: String {
        "Adaptive" + Reduction.windowedClassName.replacingOccurrences(of: "2D", with: "\(Rank.count)D")
    }
    public static var arity: Arity { .one }
    public var outputSize: [Int]
    public var dataFormat: DataFormat
    public var name: String?
    public var activation: ActivationFunction? { nil }

    public init(outputSize: [Int], dataFormat: DataFormat = .channelsLast, name: String? = nil) {
        self.outputSize = outputSize
        self.dataFormat = dataFormat
        self.name = name
    }

    /// Indices into `dims` of the spatial axes and of the channel axis.
    var spatialAxes: [Int] { dataFormat == .channelsLast ? Array(0..<Rank.count) : Array(1...Rank.count) }
    var channelAxis: Int { dataFormat == .channelsLast ? Rank.count : 0 }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        try ShapeRules.requireRank(inputs[0], Rank.count + 2)
        guard outputSize.count == Rank.count, outputSize.allSatisfy({ $0 > 0 && $0 <= 1 << 24 }) else {
            throw LayerProblem("output_size \(outputSize) must be \(Rank.count) positive integer(s)")
        }
        var dims = inputs[0].dims
        for (i, axis) in spatialAxes.enumerated() {
            guard dims[axis] <= 1 << 24 else { throw LayerProblem("input \(inputs[0]) is too large") }
            dims[axis] = outputSize[i]
        }
        let output = TensorSpec(dims, dtype: inputs[0].dtype)
        _ = try output.elementCount()
        return output
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] { [] }
    /// A reduction without weights: no multiply-accumulates in the paper's convention.
    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 { 0 }

    /// The bins of one axis: [start, end) for each of `count` outputs over `length` inputs, in float32 as
    /// TensorFlow computes them (exact below 2^24).
    static func bins(length: Int, count: Int) -> [Range<Int>] {
        (0..<count).map { i in
            let start = Int((Float(i) * Float(length) / Float(count)).rounded(.down))
            let end = Int((Float(i + 1) * Float(length) / Float(count)).rounded(.up))
            let s = min(max(start, 0), max(length - 1, 0))
            return s..<min(max(end, s + 1), length)
        }
    }
}

extension AdaptivePooling: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        var x = context.inputs[0]
        let n = Rank.count
        guard x.rank == n + 2, outputSize.count == n else { throw KernelError("expects a rank-\(n + 2) input, got \(x.shapeDescription)") }
        // Channels last, then as (batch, d, h, w, channels) with size-1 axes in front for fewer spatial axes.
        if dataFormat == .channelsFirst { x = Kernels.transpose(x, [0] + Array(2...(n + 1)) + [1]) }
        let (batch, c) = (x.shape[0], x.shape[n + 1])
        let input = Array(repeating: 1, count: 3 - n) + Array(x.shape[1...n])
        let output = Array(repeating: 1, count: 3 - n) + outputSize
        let bins = (0..<3).map { Self.bins(length: input[$0], count: output[$0]) }
        let inVolume = input.reduce(1, *), outVolume = output.reduce(1, *)
        var out = [Float](repeating: 0, count: batch * outVolume * c)
        for b in 0..<batch {
            for od in 0..<output[0] {
                for oh in 0..<output[1] {
                    for ow in 0..<output[2] {
                        let target = (b * outVolume + (od * output[1] + oh) * output[2] + ow) * c
                        let (rd, rh, rw) = (bins[0][od], bins[1][oh], bins[2][ow])
                        let count = Float(rd.count * rh.count * rw.count)
                        for ci in 0..<c {
                            var acc: Float = Reduction.averages ? 0 : -.infinity
                            for d in rd {
                                for h in rh {
                                    for w in rw {
                                        let v = x.data[(b * inVolume + (d * input[1] + h) * input[2] + w) * c + ci]
                                        acc = Reduction.averages ? acc + v : max(acc, v)
                                    }
                                }
                            }
                            out[target + ci] = Reduction.averages ? acc / count : acc
                        }
                    }
                }
            }
        }
        let result = Tensor(unchecked: [batch] + outputSize + [c], data: out)
        return dataFormat == .channelsFirst ? Kernels.transpose(result, [0, n + 1] + Array(1...n)) : result
    }
}
