import Foundation

/// `keras.layers.STFTSpectrogram`: a short-time Fourier transform as Keras runs it, a strided 1D convolution of each
/// channel with its stored `real_kernel` and `imag_kernel` (frame_length x 1 x fft_length/2+1, Keras counts them as
/// params), then the `mode`'s function of the two. channels_last. MACs: the two convolutions'.
public struct STFTSpectrogram: Layer {
    public enum Mode: String, Sendable { case real, imag, magnitude, psd, log, angle, stft }
    public static let className = "STFTSpectrogram"
    public static let arity = Arity.one
    public var mode: Mode
    public var frameLength: Int
    public var frameStep: Int
    public var fftLength: Int
    public var padding: Padding
    public var expandDims: Bool
    public var name: String?
    public var activation: ActivationFunction? { nil }

    public init(
        mode: Mode = .log, frameLength: Int, frameStep: Int, fftLength: Int, padding: Padding = .valid,
        expandDims: Bool = false, name: String? = nil
    ) {
        self.mode = mode
        self.frameLength = frameLength
        self.frameStep = frameStep
        self.fftLength = fftLength
        self.padding = padding
        self.expandDims = expandDims
        self.name = name
    }

    var bins: Int { fftLength / 2 + 1 }

    /// Keras's default fft_length: the power of two at or above frame_length.
    static func nextPowerOfTwo(_ n: Int) -> Int {
        var p = 1
        while p < n && p < 1 << 20 { p <<= 1 }
        return p
    }

    var kernels: [String] { mode == .real ? ["real_kernel"] : mode == .imag ? ["imag_kernel"] : ["real_kernel", "imag_kernel"] }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        try ShapeRules.requireRank(inputs[0], 3)
        guard frameLength > 0, frameStep > 0, frameStep <= frameLength, fftLength >= frameLength, fftLength <= 1 << 16 else {
            throw LayerProblem("frame_length \(frameLength), frame_step \(frameStep), fft_length \(fftLength): need 0 < step <= length <= fft_length")
        }
        let (steps, channels) = (inputs[0].dims[0], inputs[0].dims[1])
        let frames = ShapeRules.windowOutputLength(steps, window: frameLength, stride: frameStep, dilation: 1, padding: padding)
        guard frames > 0 else { throw LayerProblem("\(steps) steps hold no frame of \(frameLength)") }
        let freq = mode == .stft ? 2 * bins : bins
        let dims = expandDims ? [frames, freq, channels] : [frames, try Int(Checked.multiply(Int64(freq), Int64(channels)))]
        let output = TensorSpec(dims, dtype: .float32)
        _ = try output.elementCount()
        return output
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] {
        kernels.map { WeightSpec($0, [frameLength, 1, bins]) }
    }

    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 {
        let frames = output.dims[0], channels = inputs[0].dims[1]
        return try Checked.product([frames, frameLength, bins, kernels.count, channels])
    }
}

extension STFTSpectrogram: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        let x = context.inputs[0]
        guard x.rank == 3 else { throw KernelError("expects (batch, steps, channels)") }
        let (n, steps, channels) = (x.shape[0], x.shape[1], x.shape[2])
        let frames = ShapeRules.windowOutputLength(steps, window: frameLength, stride: frameStep, dilation: 1, padding: padding)
        // TensorFlow's SAME padding: the extra on the right when odd.
        let total = padding == .same ? max((frames - 1) * frameStep + frameLength - steps, 0) : 0
        let left = total / 2
        let real = kernels.contains("real_kernel") ? try context.weight("real_kernel").data : []
        let imag = kernels.contains("imag_kernel") ? try context.weight("imag_kernel").data : []
        func convolve(_ kernel: [Float], _ b: Int, _ c: Int, _ t: Int, _ f: Int) -> Float {
            var sum: Float = 0
            for k in 0..<frameLength {
                let s = t * frameStep + k - left
                if s >= 0 && s < steps { sum += x.data[(b * steps + s) * channels + c] * kernel[k * bins + f] }
            }
            return sum
        }
        let freq = mode == .stft ? 2 * bins : bins
        var out = [Float](repeating: 0, count: n * frames * freq * channels)
        for b in 0..<n {
            for c in 0..<channels {
                var power = [Float](repeating: 0, count: frames * bins)
                for t in 0..<frames {
                    for f in 0..<bins {
                        let re = real.isEmpty ? 0 : convolve(real, b, c, t, f), im = imag.isEmpty ? 0 : convolve(imag, b, c, t, f)
                        context.macs += Int64(frameLength * kernels.count)
                        var values: [(Int, Float)]
                        switch mode {
                        case .real: values = [(f, re)]
                        case .imag: values = [(f, im)]
                        case .angle: values = [(f, atan2(im, re))]
                        case .stft: values = [(f, re), (bins + f, im)]
                        case .psd, .magnitude, .log:
                            power[t * bins + f] = re * re + im * im
                            values = []
                        }
                        for (slot, value) in values { out[Self.index(b, t, slot, c, frames, freq, channels, expandDims)] = value }
                    }
                }
                guard mode == .psd || mode == .magnitude || mode == .log else { continue }
                for t in 0..<frames {
                    for f in 0..<bins {
                        let p = power[t * bins + f]
                        let value: Float
                        switch mode {
                        // One-sided density: the bins between DC and Nyquist hold both halves.
                        case .psd: value = f > 0 && f < bins - 1 ? 2 * p : p
                        case .magnitude: value = max(p, 1e-7).squareRoot()
                        default: value = Foundation.log(max(max(p, 1e-7).squareRoot(), 1e-7))
                        }
                        out[Self.index(b, t, f, c, frames, freq, channels, expandDims)] = value
                    }
                }
            }
        }
        let shape = expandDims ? [n, frames, freq, channels] : [n, frames, freq * channels]
        return Tensor(unchecked: shape, data: out)
    }

    /// Keras's layout: (frames, channel-major channels x freq), or (frames, freq, channels) with expand_dims.
    static func index(_ b: Int, _ t: Int, _ f: Int, _ c: Int, _ frames: Int, _ freq: Int, _ channels: Int, _ expand: Bool) -> Int {
        expand ? ((b * frames + t) * freq + f) * channels + c : (b * frames + t) * freq * channels + c * freq + f
    }
}

/// `keras.layers.MelSpectrogram`: a centred STFT (reflect padding, periodic Hann window), magnitude to `mag_exp`,
/// the HTK mel filterbank, then decibels clipped `top_db` below the tensor's maximum; output (num_mel_bins, frames).
/// No weights. MACs: the transform as direct products (frames x fft_length x bins x 2) plus the filterbank
/// (frames x bins x num_mel_bins), Docs/counting.md.
public struct MelSpectrogram: Layer {
    public static let className = "MelSpectrogram"
    public static let arity = Arity.one
    public var fftLength: Int
    public var sequenceStride: Int
    public var sequenceLength: Int
    public var window: String
    public var samplingRate: Double
    public var melBins: Int
    public var minFrequency: Double
    public var maxFrequency: Double
    public var powerToDB: Bool
    public var topDB: Double
    public var magnitudeExponent: Double
    public var minPower: Double
    public var referencePower: Double
    public var name: String?
    public var activation: ActivationFunction? { nil }

    public init(
        fftLength: Int = 2048, sequenceStride: Int = 512, sequenceLength: Int? = nil, window: String = "hann",
        samplingRate: Double = 16000, melBins: Int = 128, minFrequency: Double = 20, maxFrequency: Double? = nil,
        powerToDB: Bool = true, topDB: Double = 80, magnitudeExponent: Double = 2, minPower: Double = 1e-10,
        referencePower: Double = 1, name: String? = nil
    ) {
        self.fftLength = fftLength
        self.sequenceStride = sequenceStride
        self.sequenceLength = sequenceLength ?? fftLength
        self.window = window
        self.samplingRate = samplingRate
        self.melBins = melBins
        self.minFrequency = minFrequency
        self.maxFrequency = maxFrequency ?? samplingRate / 2
        self.powerToDB = powerToDB
        self.topDB = topDB
        self.magnitudeExponent = magnitudeExponent
        self.minPower = minPower
        self.referencePower = referencePower
        self.name = name
    }

    var bins: Int { fftLength / 2 + 1 }

    public func outputSpec(for inputs: [TensorSpec]) throws -> TensorSpec {
        try ShapeRules.requireRank(inputs[0], 2)
        guard sequenceStride > 0, sequenceLength > 0, fftLength >= sequenceLength, fftLength <= 1 << 16, melBins > 0,
            melBins <= 1 << 16
        else { throw LayerProblem("fft_length \(fftLength), sequence_length \(sequenceLength), sequence_stride \(sequenceStride), num_mel_bins \(melBins) are not a valid spectrogram") }
        // Keras's compute_output_shape.
        let frames = (inputs[0].dims[0] + sequenceStride + 1) / sequenceStride
        guard inputs[0].dims[0] > fftLength / 2 else { throw LayerProblem("needs more than fft_length / 2 samples (reflect padding)") }
        let output = TensorSpec([melBins, frames], dtype: .float32)
        _ = try output.elementCount()
        return output
    }

    public func weights(for inputs: [TensorSpec]) -> [WeightSpec] { [] }

    public func macs(for inputs: [TensorSpec], output: TensorSpec) throws -> Int64 {
        let frames = output.dims[1]
        return try Checked.add(Checked.product([frames, fftLength, bins, 2]), Checked.product([frames, bins, melBins]))
    }
}

extension MelSpectrogram: Executable {
    public func execute(_ context: inout KernelContext) throws -> Tensor {
        let x = context.inputs[0]
        guard x.rank == 2 else { throw KernelError("expects (batch, samples)") }
        guard window == "hann" || window == "hamming" else { throw KernelError("has no kernel for the window '\(window)'") }
        let (n, steps) = (x.shape[0], x.shape[1])
        let half = fftLength / 2
        guard steps > half else { throw KernelError("needs more than fft_length / 2 samples to reflect-pad") }
        let padded = steps + 2 * half
        let frames = 1 + (padded - fftLength) / sequenceStride
        // The window, centred in fft_length (TensorFlow's periodic Hann or Hamming).
        let leftPad = (fftLength - sequenceLength) / 2
        var window = [Float](repeating: 0, count: fftLength)
        for i in 0..<sequenceLength {
            let phase = 2 * Double.pi * Double(i) / Double(sequenceLength)
            window[leftPad + i] = Float(self.window == "hann" ? 0.5 - 0.5 * cos(phase) : 0.54 - 0.46 * cos(phase))
        }
        let cosines = (0..<(bins * fftLength)).map { Float(cos(2 * Double.pi * Double(($0 / fftLength) * ($0 % fftLength) % fftLength) / Double(fftLength))) }
        let sines = (0..<(bins * fftLength)).map { Float(sin(2 * Double.pi * Double(($0 / fftLength) * ($0 % fftLength) % fftLength) / Double(fftLength))) }
        let filters = melFilterbank()
        var mel = [Float](repeating: 0, count: n * frames * melBins)
        var frame = [Float](repeating: 0, count: fftLength)
        var spectrum = [Float](repeating: 0, count: bins)
        for b in 0..<n {
            for t in 0..<frames {
                for i in 0..<fftLength {
                    // Reflect padding (no edge repeat), as tf.pad's REFLECT.
                    var s = t * sequenceStride + i - half
                    if s < 0 { s = -s } else if s >= steps { s = 2 * (steps - 1) - s }
                    frame[i] = x.data[b * steps + s] * window[i]
                }
                for k in 0..<bins {
                    var (re, im): (Float, Float) = (0, 0)
                    for i in 0..<fftLength {
                        re += frame[i] * cosines[k * fftLength + i]
                        im -= frame[i] * sines[k * fftLength + i]
                    }
                    spectrum[k] = Float(pow(Double((re * re + im * im).squareRoot()), magnitudeExponent))
                }
                context.macs += Int64(fftLength * bins * 2)
                for m in 0..<melBins {
                    var sum: Float = 0
                    for k in 0..<bins { sum += spectrum[k] * filters[k * melBins + m] }
                    mel[(b * frames + t) * melBins + m] = sum
                }
                context.macs += Int64(bins * melBins)
            }
        }
        if powerToDB {
            let reference = 10 * log10(max(abs(referencePower), minPower))
            mel = mel.map { Float(10 * log10(max(Double($0), minPower)) - reference) }
            let top = mel.max() ?? 0
            mel = mel.map { max($0, top - Float(topDB)) }
        }
        // (frames, mel) to (mel, frames).
        var out = [Float](repeating: 0, count: mel.count)
        for b in 0..<n { for t in 0..<frames { for m in 0..<melBins { out[(b * melBins + m) * frames + t] = mel[(b * frames + t) * melBins + m] } } }
        return Tensor(unchecked: [n, melBins, frames], data: out)
    }

    /// Keras's `linear_to_mel_weight_matrix` (HTK mel scale, the DC bin zeroed): bins x melBins, in float32 as Keras.
    func melFilterbank() -> [Float] {
        func mel(_ hertz: Float) -> Float { 1127 * Foundation.log(1 + hertz / 700) }
        let nyquist = Float(samplingRate) / 2
        let linear = (0..<bins).map { bins == 1 ? 0 : nyquist * Float($0) / Float(bins - 1) }
        let (low, high) = (mel(Float(minFrequency)), mel(Float(maxFrequency)))
        let edges = (0..<(melBins + 2)).map { low + (high - low) * Float($0) / Float(melBins + 1) }
        var matrix = [Float](repeating: 0, count: bins * melBins)
        for k in 1..<max(bins, 1) {
            let m = mel(linear[k])
            for j in 0..<melBins {
                let lower = (m - edges[j]) / (edges[j + 1] - edges[j]), upper = (edges[j + 2] - m) / (edges[j + 2] - edges[j + 1])
                matrix[k * melBins + j] = max(0, min(lower, upper))
            }
        }
        return matrix
    }
}
