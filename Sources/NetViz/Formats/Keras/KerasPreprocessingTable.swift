/// The import rows of Keras's preprocessing layers (image resizing and cropping, categorical encodings, lookups,
/// text): the part of the class table (`KerasLayerTable.swift`) whose configs carry vocabularies and ranges.
extension KerasGraphReader {
    /// The most vocabulary entries, bins or idf weights netviz reads from one config.
    static let maxVocabulary = 1 << 20

    static let preprocessingRows: [String: Builder] = [
        "Resizing": { c in
            let text = try c.string("interpolation", "bilinear")
            guard let interpolation = ResizeInterpolation(rawValue: text) else { throw LayerProblem("interpolation '\(text)' is not Keras's") }
            guard try c.string("fill_mode", "constant") == "constant" else { throw LayerProblem("fill_mode must be 'constant'") }
            return Resizing(
                height: try c.int("height"), width: try c.int("width"), interpolation: interpolation,
                cropToAspectRatio: try c.bool("crop_to_aspect_ratio", false), padToAspectRatio: try c.bool("pad_to_aspect_ratio", false),
                fillValue: Float(try c.double("fill_value", 0)), antialias: try c.bool("antialias", false),
                dataFormat: try c.dataFormat(), name: c.name)
        },
        "CenterCrop": { c in
            ImageCrop(.center, height: try c.int("height"), width: try c.int("width"), dataFormat: try c.dataFormat(), name: c.name)
        },
        "RandomCrop": { c in
            ImageCrop(.random, height: try c.int("height"), width: try c.int("width"), dataFormat: try c.dataFormat(), name: c.name)
        },
        "AutoContrast": { c in
            let range = try c.numbers("value_range") ?? [0, 255]
            guard range.count == 2, range[0] < range[1] else { throw LayerProblem("value_range must be (low, high) with low < high") }
            return AutoContrast(valueRange: (range[0], range[1]), dataFormat: try c.dataFormat(), name: c.name)
        },
        "CategoryEncoding": { c in
            CategoryEncoding(numTokens: try c.int("num_tokens"), outputMode: try c.categoricalOutput("multi_hot"), name: c.name)
        },
        "Discretization": { c in
            let bounds = try c.numbers("bin_boundaries")
            if let bounds, zip(bounds, bounds.dropFirst()).contains(where: { $0 > $1 }) {
                throw LayerProblem("bin_boundaries must be sorted")
            }
            let bins = bounds == nil ? try c.int("num_bins") : nil
            return Discretization(binBoundaries: bounds, numBins: bins, outputMode: try c.categoricalOutput("int"), name: c.name)
        },
        "IntegerLookup": { c in try c.lookup() },
        "StringLookup": { c in try c.lookup() },
        "TextVectorization": { c in
            let mode = try c.categoricalOutput("int")
            if mode == .int {
                guard let length = c.value("output_sequence_length") else {
                    throw LayerProblem("output_sequence_length is None: the output's length depends on the text (netviz needs it fixed)")
                }
                let steps = try KerasLayerConfig.integer(length, "output_sequence_length")
                guard steps > 0 else { throw LayerProblem("output_sequence_length must be positive") }
                return TextVectorization(outputMode: .int, length: steps, name: c.name)
            }
            // The lookup behind it has an OOV index and, only in int mode, the mask "".
            return TextVectorization(outputMode: mode, length: try c.vocabularyDepth(mask: false), splits: c.value("split") != nil, name: c.name)
        },
        "Hashing": { c in
            let bins = try c.int("num_bins")
            return Hashing<OneInput>(
                kerasClassName: c.className, outputMode: try c.categoricalOutput("int"), bins: bins,
                maskValue: c.value("mask_value")?.doubleValue, salted: c.value("salt") != nil, name: c.name)
        },
        "STFTSpectrogram": { c in
            let modeText = try c.string("mode", "log")
            guard let mode = STFTSpectrogram.Mode(rawValue: modeText) else { throw LayerProblem("mode '\(modeText)' is not Keras's") }
            guard try c.dataFormat() == .channelsLast else { throw LayerProblem("data_format channels_first is not read") }
            let length = try c.int("frame_length")
            let text = try c.string("padding", "valid")
            guard let padding = Padding(rawValue: text) else { throw LayerProblem("padding '\(text)' is not Keras's") }
            return STFTSpectrogram(
                mode: mode, frameLength: length, frameStep: c.value("frame_step") == nil ? length / 2 : try c.int("frame_step"),
                fftLength: c.value("fft_length") == nil ? STFTSpectrogram.nextPowerOfTwo(length) : try c.int("fft_length"),
                padding: padding, expandDims: try c.bool("expand_dims", false), name: c.name)
        },
        "MelSpectrogram": { c in
            MelSpectrogram(
                fftLength: try c.int("fft_length", 2048), sequenceStride: try c.int("sequence_stride", 512),
                sequenceLength: c.value("sequence_length") == nil ? nil : try c.int("sequence_length"),
                window: try c.string("window", "hann"), samplingRate: try c.double("sampling_rate", 16000),
                melBins: try c.int("num_mel_bins", 128), minFrequency: try c.double("min_freq", 20),
                maxFrequency: c.value("max_freq") == nil ? nil : try c.double("max_freq", 0),
                powerToDB: try c.bool("power_to_db", true), topDB: try c.double("top_db", 80),
                magnitudeExponent: try c.double("mag_exp", 2), minPower: try c.double("min_power", 1e-10),
                referencePower: try c.double("ref_power", 1), name: c.name)
        },
        "ContrastLimitedAdaptiveHistogramEqualization": { c in ContrastLimitedAdaptiveHistogramEqualization(name: c.name) },
        "Pipeline": { c in
            guard let entries = c.value("layers")?.arrayValue, entries.count <= 1_000 else {
                throw LayerProblem("layers must be a list of at most 1,000 layer configs")
            }
            return Pipeline(try entries.enumerated().map { i, json in
                guard let className = json["class_name"]?.stringValue, let config = json["config"]?.objectValue else {
                    throw LayerProblem("its layer #\(i) is not a Keras layer config")
                }
                let inner = KerasLayerConfig(
                    name: config["name"]?.stringValue ?? "\(c.name)/\(i)", className: className,
                    module: json["module"]?.stringValue ?? "", registeredName: nil, config: config, entry: json.objectValue ?? [:])
                guard let build = KerasGraphReader.builders[className], className != "Pipeline" else {
                    throw LayerProblem("its layer '\(inner.name)' is a \(className), which netviz does not read inside a Pipeline")
                }
                return try build(inner)
            }, name: c.name)
        },
        "HashedCrossing": { c in
            let bins = try c.int("num_bins")
            return Hashing<SeveralInputs>(kerasClassName: c.className, outputMode: try c.categoricalOutput("int"), bins: bins, name: c.name)
        },
    ]
}

extension KerasLayerConfig {
    /// A number or a (nested) list of numbers, flattened; nil when absent.
    func numbers(_ key: String) throws -> [Double]? {
        guard let value = value(key) else { return nil }
        var out: [Double] = []
        var stack = [value]
        while let item = stack.popLast() {
            guard out.count <= KerasGraphReader.maxVocabulary else { throw LayerProblem("\(key) has more than \(KerasGraphReader.maxVocabulary) entries") }
            if let number = item.doubleValue { out.append(number) } else if let list = item.arrayValue {
                stack.append(contentsOf: list.reversed())
            } else {
                throw LayerProblem("\(key) holds \(item.kind), not numbers")
            }
        }
        return out
    }

    func categoricalOutput(_ fallback: String) throws -> CategoricalOutput {
        let text = try string("output_mode", fallback)
        guard let mode = CategoricalOutput(rawValue: text) else { throw LayerProblem("output_mode '\(text)' is not Keras's") }
        guard try !bool("sparse", false) else { throw LayerProblem("sparse=True outputs are not read") }
        return mode
    }

    /// A lookup's encoding depth: `vocabulary_size` as Keras records it (mask and OOV indices included), else the
    /// vocabulary's length plus those; `max_tokens` when padded to it.
    func vocabularyDepth(mask: Bool) throws -> Int {
        if try bool("pad_to_max_tokens", false), let limit = value("max_tokens") { return try KerasLayerConfig.integer(limit, "max_tokens") }
        if let size = value("vocabulary_size") { return try KerasLayerConfig.integer(size, "vocabulary_size") }
        guard let vocabulary = value("vocabulary")?.arrayValue else {
            throw LayerProblem("its vocabulary is not in the config (a file, or to be adapted): the output's size is unknown")
        }
        return vocabulary.count + (try int("num_oov_indices", 1)) + (mask ? 1 : 0)
    }

    /// IntegerLookup and StringLookup.
    func lookup() throws -> any Layer {
        let mode = try categoricalOutput("int")
        let strings = className == "StringLookup"
        let oov = try int("num_oov_indices", 1)
        guard oov >= 0 else { throw LayerProblem("num_oov_indices must be at least 0") }
        let hasMask = value("mask_token") != nil
        var vocabulary: [Double]? = nil
        var size = 0
        if let list = value("vocabulary")?.arrayValue {
            guard list.count <= KerasGraphReader.maxVocabulary else { throw LayerProblem("the vocabulary has \(list.count) entries") }
            size = list.count
            if !strings { vocabulary = try numbers("vocabulary") }
        }
        let padded = try bool("pad_to_max_tokens", false) ? try int("max_tokens") : nil
        let idf = try numbers("idf_weights")?.map { Float($0) }
        if mode == .tfIDF, idf == nil { throw LayerProblem("output_mode tf_idf needs idf_weights in the config") }
        return Lookup(
            kerasClassName: className, vocabulary: vocabulary, vocabularySize: size, numOOVIndices: oov, hasMask: hasMask,
            maskToken: strings ? nil : value("mask_token")?.doubleValue, invert: try bool("invert", false), outputMode: mode,
            paddedDepth: padded, idfWeights: idf, name: name)
    }
}
