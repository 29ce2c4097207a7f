import Foundation
@testable import NetViz  // run.sh builds with -enable-testing, to reach readers not yet behind the seam

/// libFuzzer entry point: any bytes through the format seam's recognisers, then as a Keras file (a `.keras` archive
/// through ZIPFoundation when they start with a ZIP signature, config JSON otherwise). Importing, counting and
/// rendering must either succeed or throw a NetVizError — a crash, trap, hang or sanitizer report is a bug.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    for name in ["fuzz-input", "fuzz-input.onnx", "fuzz-input.json"] {
        _ = ModelFormats.format(of: FileProbe(path: name, head: bytes))
    }
    // The ONNX message reader (issue 12's first part): any bytes parse or give a ProtobufReader.Failure.
    _ = try? ONNXModelProto.parse(Data(bytes))
    for allowUnknown in [false, true] {
        var options = ImportOptions()
        options.allowUnknown = allowUnknown
        options.maxConfigBytes = 4 << 20
        do {
            let imported = try KerasImporter.importFile(bytes, file: "fuzz-input", options: options)
            let stats = try ModelStatistics(imported.model)
            _ = try SummaryReport.render(stats)
            _ = try ModelStatistics(imported.model.expandingNested())
        } catch is NetVizError {
        } catch {
            // Only NetVizError may escape the importer; anything else is a bug worth a crash report.
            fatalError("non-NetVizError escaped: \(error)")
        }
    }
    return 0
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
