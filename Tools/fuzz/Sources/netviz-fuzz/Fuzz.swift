import Foundation
@testable import NetViz  // run.sh builds with -enable-testing, to reach readers not yet behind the seam

/// Which reader a run exercises (`NETVIZ_FUZZ_TARGET`, set by run.sh): one libFuzzer target per format reader, so
/// each gets its own corpus and coverage.
enum FuzzTarget: String, CaseIterable {
    /// The format seam's recognisers, then Keras JSON configs and `.keras` archives (by their ZIP signature).
    case keras
    /// ONNX models: the message reader, then the graph reader, counting and the summary.
    case onnx
    /// `.safetensors` weight files (verify --weights).
    case safetensors
    /// `.npy` arrays (verify --input).
    case npy
    /// TensorFlow Lite FlatBuffers (the FlatBuffers reader, the schema's tables, the graph builder, counting).
    case tflite
    /// HDF5 files through libhdf5: Keras 2 `.h5` models (model_config, then the weights under model_weights) and a
    /// `.keras` archive's `model.weights.h5` (Keras 3's layout, against the fixture models).
    case h5

    static let selected = FuzzTarget(rawValue: ProcessInfo.processInfo.environment["NETVIZ_FUZZ_TARGET"] ?? "") ?? .keras
}

/// libFuzzer entry point: any bytes through the selected reader. Reading (and, for models, counting and the
/// summary) must either succeed or throw a NetVizError — a crash, trap, hang or sanitizer report is a bug.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        switch FuzzTarget.selected {
        case .keras: try fuzzKeras(bytes)
        case .onnx:
            // Typed throws: a ProtobufReader.Failure is the only way parsing can fail.
            guard let proto = try? ONNXModelProto.parse(Data(bytes)) else { break }
            // Then what `netviz summary` does with it: shape inference, counting, the summary; and the file path
            // (the sparse read, which must give the same bytes' verdict) for a few inputs.
            let model = try ONNXGraphReader(path: "fuzz-input.onnx", proto: proto, options: ImportOptions()).model(name: "fuzz")
            let stats = try ModelStatistics(model)
            _ = try SummaryReport.text(stats)
        case .safetensors:
            let tensors = try SafeTensors.decode(Data(bytes), path: "fuzz-input")
            // What verify does next with them: re-encode and decode again, which must round-trip.
            guard try SafeTensors.decode(SafeTensors.encode(tensors), path: "again").count == tensors.count else {
                fatalError("safetensors did not round-trip")
            }
        case .tflite: try fuzzTFLite(bytes)
        case .h5: try fuzzH5(bytes)
        case .npy:
            let tensor = try NumPyFile.decode(Data(bytes), path: "fuzz-input")
            guard try NumPyFile.decode(NumPyFile.encode(tensor), path: "again").shape == tensor.shape else {
                fatalError(".npy did not round-trip")
            }
        }
    } catch is NetVizError {
    } catch {
        // Only NetVizError may escape a reader; anything else is a bug worth a crash report.
        fatalError("non-NetVizError escaped: \(error)")
    }
    return 0
}

func fuzzKeras(_ bytes: [UInt8]) throws {
    for name in ["fuzz-input", "fuzz-input.onnx", "fuzz-input.json"] {
        _ = ModelFormats.format(of: FileProbe(path: name, head: bytes))
    }
    for allowUnknown in [false, true] {
        var options = ImportOptions()
        options.allowUnknown = allowUnknown
        options.maxConfigBytes = 4 << 20
        do {
            let imported = try KerasImporter.importFile(bytes, file: "fuzz-input", options: options)
            let stats = try ModelStatistics(imported.model)
            _ = try SummaryReport.render(stats)
            _ = try ModelStatistics(imported.model.expandingNested())
        } catch is NetVizError {}
    }
}

func fuzzTFLite(_ bytes: [UInt8]) throws {
    for allowUnknown in [false, true] {
        var options = ImportOptions()
        options.allowUnknown = allowUnknown
        do {
            let imported = try TFLiteImporter.importBytes(Data(bytes), file: "fuzz-input.tflite", options: options)
            let stats = try ModelStatistics(imported.model)
            _ = try SummaryReport.render(stats)
            _ = SummaryReport.jsonText(stats)
        } catch is NetVizError {}
    }
}

/// The Keras 3 models whose `model.weights.h5` seed the h5 corpus (run.sh extracts them), read once.
let archiveModels: [Model] = ["k3_autoencoder", "k3_mix"].compactMap { name in
    let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../../Tests/NetVizTests/Fixtures/keras2/\(name).keras").standardized.path
    return try? ModelFormats.load(path: fixtures).model
}

func fuzzH5(_ bytes: [UInt8]) throws {
    var options = ImportOptions()
    options.maxConfigBytes = 4 << 20
    do {
        try HDF5File.withFile(bytes: bytes) { file in
            // Every group and dataset shape (bounded), as the weight readers walk them.
            var pending = ["/"], visited = 0
            while let group = pending.popLast(), visited < 200 {
                visited += 1
                for member in (try? file.members(of: group)) ?? [] {
                    let path = group == "/" ? member : group + "/" + member
                    if file.isGroup(path) { pending.append(path) } else { _ = try? file.datasetShape(path) }
                    _ = try? file.stringsAttribute("weight_names", of: path, limit: 1 << 16)
                }
            }
            guard let config = try? KerasH5.modelConfig(file, options: options) else {
                for model in archiveModels { _ = try? KerasH5.archiveWeights(file, for: model) }
                return
            }
            let model = try KerasImporter.importConfig(config, file: "fuzz-input.h5", options: options).model
            _ = try SummaryReport.render(try ModelStatistics(model))
            try KerasH5.weights(file, for: model).validate(for: model, source: "fuzz-input.h5")
        }
    } catch is HDF5File.Failure {}
}

/// SwiftPM links an executable's entry point as `<module>_main` (with `main` aliased to it), which would hide
/// libFuzzer's own `main`; hand control to libFuzzer's driver from there instead.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt

@_cdecl("netviz_fuzz_main")
public func fuzzMain(
    _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in fuzz(data, size) }
}
