import Foundation
import Testing

@testable import NetViz

/// The format seam: files are recognised by content (names only where bytes cannot tell), and a recognised but
/// unread format, or a file no format claims, is one line saying what it is and what netviz reads.
@Suite struct FormatTests {
    /// What netviz reads, as every refusal says it (the list grows with each format, so it is read, not pinned).
    static let reads = ModelFormats.readable

    /// Files from Tools/make-format-samples.py (made with onnx, h5py and flatbuffers) and the line each gets.
    static let samples: [(file: String, message: String)] = [
        // HDF5 is read now (Keras2Tests): this sample's model_config is a Sequential without an input shape.
        ("tiny.h5", "model: the Sequential model has no InputLayer and no build_input_shape: its input shape is unknown"),
        ("tiny.tflite", "has no subgraphs"),
        ("saved_model.pb",
         "a TensorFlow protobuf (SavedModel or frozen GraphDef): netviz does not read this format yet; it reads \(reads)"),
        ("random.bin", "not a model file netviz recognises (it begins 7f 45 4c 46 a5 4d ca 18); netviz reads \(reads)"),
    ]

    @Test(arguments: samples.indices)
    func recognisedFilesGetOneLine(index: Int) throws {
        let (file, message) = Self.samples[index]
        let path = Fixtures.url("formats/" + file).path
        #expect(throws: NetVizError.file(path: path, message: message)) { try ModelFormats.load(path: path) }
        let result = try CLI.run(["summary", path])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "Error: \(path): \(message)\n")
    }

    /// The ONNX samples (one Relu), named .onnx or not, are read by the ONNX folder.
    @Test func onnxSamplesAreRead() throws {
        #expect(Self.reads.hasPrefix("Keras .keras archives and model.to_json() .json configs"))
        #expect(Self.reads.contains("ONNX .onnx models"))
        for file in ["tiny.onnx", "onnx-model.bin"] {
            let model = try ModelFormats.load(path: Fixtures.url("formats/" + file).path).model
            #expect(model.nodes.map(\.className) == ["InputLayer", "Relu"], "\(file)")
            #expect(model.outputSpecs.map(\.description) == ["(1, 4)"], "\(file)")
        }
    }

    @Test func recognitionByContentBeatsTheName() throws {
        func format(_ name: String, _ head: [UInt8]) -> String? {
            ModelFormats.format(of: FileProbe(path: name, head: head))?.name
        }
        let keras = KerasFormat().name
        // A .keras archive, a config with leading white space, an empty .json: Keras.
        #expect(format("m.keras", [0x50, 0x4B, 3, 4]) == keras)
        #expect(format("model.txt", Array("  \n{\"class_name\"".utf8)) == keras)
        #expect(format("empty.json", []) == keras)
        // An HDF5 file named .json is HDF5; a ZIP named .onnx is a (Keras) archive.
        #expect(format("m.json", [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]) == KerasH5Format().name)
        #expect(format("m.onnx", [0x50, 0x4B, 3, 4]) == keras)
        // Unknown bytes fall back to the name; no name, no format.
        #expect(format("m.tflite", [1, 2, 3]) == TFLiteFormat().name)
        #expect(format("m.bin", [1, 2, 3]) == nil)
        // Protobuf heads: ONNX's ir_version then producer fields; SavedModel's version 1 then meta graphs.
        #expect(format("x", [0x08, 0x07, 0x12, 0x07] + Array("pytorch".utf8)) == ONNXFormat().name)
        #expect(format("x", [0x08, 0x01, 0x12, 0x04, 0x0A, 0x02, 0x08, 0x01]) == RecognisedFormat.tensorFlowProtobuf.name)
        // Bytes that only look like protobuf at first (field 0, wire type 7) are not claimed.
        #expect(format("x", [0x08, 0x07, 0x07]) == nil)
    }

    @Test func sourcesAreZooNamesOrPaths() {
        #expect(ModelSource("mobilenet") == .zoo("mobilenet"))
        #expect(ModelSource("resnet") == .zoo("resnet"))  // a typo gets the zoo's list
        #expect(ModelSource("m.onnx") == .file("m.onnx"))
        #expect(ModelSource("models/m") == .file("models/m"))
        #expect(ModelSource("models/m.keras").label == "m.keras")
    }

    /// A zoo option is refused for a file even at its default value, and --allow-unknown for a zoo model.
    @Test func zooOptionsApplyToZooModelsOnly() throws {
        let path = Fixtures.url("keras/configs/VGG16.json").path
        try CLI.expectOneLineError(["summary", path, "--alpha", "1.0"], "option --alpha: applies only to zoo models, not to the file \(path)")
        try CLI.expectOneLineError(["summary", path, "--include-top"], "option --no-include-top: applies only to zoo models")
        try CLI.expectOneLineError(["summary", "mobilenet", "--allow-unknown"], "option --allow-unknown: applies only to model files")
        try CLI.expectOneLineError(["summary", "mobilenet-article", "--resolution", "224", "--alpha", "1"], "option --alpha: model 'mobilenet-article' does not take this option")
        var options = ZooOptions()
        options.alpha = 1.0
        #expect(options.given == [.alpha])
        #expect(throws: NetVizError.invalidSetting(name: "alpha", message: "applies only to zoo models, not to the file m.json")) {
            try ModelSource.file("m.json").load(zoo: options)
        }
    }

    /// `compare models` takes the same zoo options as every other command, and --allow-unknown.
    @Test func compareTakesTheSharedOptions() throws {
        let pooled = try CLI.run(["compare", "models", "mobilenet", "--no-include-top", "--pooling", "max", "--format", "csv"])
        #expect(pooled.status == 0, "\(pooled.stderr)")
        // keras.applications.MobileNet(include_top=False, pooling="max"): 3,228,864 params (Keras), and the reference
        // 568,740,352 MACs (mobilenet_macs.json) less conv_preds' 1024 x 1000.
        #expect(pooled.stdout.contains("mobilenet,567716352,3228864,3206976,"), "\(pooled.stdout)")
        let unknown = Fixtures.url("bad-input/unknown-classes.json").path
        let allowed = try CLI.run(["compare", "models", unknown, "--allow-unknown", "--format", "csv"])
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(allowed.stderr.hasPrefix("warning: unknown Keras class"))
        try CLI.expectOneLineError(["compare", "models", "mobilenet", "--dropout", "2"], "option --dropout: must be in [0, 1], got 2.0")
    }

    /// Errors found after reading, while counting, name the file as every other error from it does.
    @Test func countingErrorsNameTheFile() throws {
        let path = Fixtures.url("bad-input/valid-tiny.json").path
        #expect(throws: NetVizError.file(path: path, message: "count overflow: 1 x 2 does not fit in 64 bits")) {
            try ModelSource.file(path).located { throw NetVizError.overflow("1 x 2") }
        }
    }
}

/// Real files from the formats' own tools (Tools/make-onnx-fixtures.py, Tools/make-tflite-fixtures.py) are recognised.
@Suite struct RealFormatFileTests {
    static func files(_ folder: String, _ suffix: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: Fixtures.url(folder).path)) ?? [])
            .filter { $0.hasSuffix(suffix) }.sorted().map { folder + "/" + $0 }
    }

    @Test func exportsAreRecognisedByContent() throws {
        let onnx = Self.files("onnx", ".onnx"), tflite = Self.files("tflite", ".tflite")
        #expect(onnx.count == 10 && tflite.count == 12)
        for file in onnx + tflite {
            let probe = try FileProbe(path: Fixtures.url(file).path)
            // Renamed to say nothing, the bytes alone tell the format.
            let anonymous = FileProbe(path: "model.bin", head: probe.head)
            let expected = file.hasSuffix(".onnx") ? ONNXFormat().name : TFLiteFormat().name
            #expect(ModelFormats.format(of: anonymous)?.name == expected, "\(file)")
        }
    }

    /// The Keras models the TFLite files were converted from: netviz's import gives Keras's own params.
    @Test func sourceKerasModelsMatchKeras() throws {
        struct Model: Decodable { let keras_params: Int64; let keras_trainable_params: Int64 }
        struct Expected: Decodable { let models: [String: Model] }
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: Fixtures.url("tflite/expected.json")))
        #expect(expected.models.count == 3)
        for (name, keras) in expected.models {
            let stats = try ModelStatistics(ModelFormats.load(path: Fixtures.url("tflite/\(name).keras.json").path).model)
            #expect(stats.totalParams == keras.keras_params, "\(name)")
            #expect(stats.trainableParams == keras.keras_trainable_params, "\(name)")
        }
    }
}
