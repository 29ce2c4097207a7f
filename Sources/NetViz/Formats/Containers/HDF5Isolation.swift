import Foundation
import Synchronization

/// The child's standard error, filled by one reader thread and read after it signals.
private final class ChildErrors: @unchecked Sendable {
    var data = Data()
}

/// Reads HDF5 files in a child process. libhdf5 is not written for hostile files (the fuzzer found an endless loop
/// and an overlapping copy in its global-heap reader, `HDF5File`), and a loop or memory error inside C cannot be
/// caught: in a child, a crash or a hang costs the child, and the user gets one line. The CLI installs it with its own
/// executable as the helper (`netviz __hdf5-child MODE PATH` runs `childMain`); without it, HDF5 is read in-process.
///
/// The child re-reads the file with the in-process readers and hands back what they found through its standard
/// output: the `model_config` JSON, or the weights as safetensors (decoded by netviz's bounded reader). Its errors
/// come back as its one-line message.
public enum HDF5Isolation {
    /// The hidden first argument that makes the CLI a child.
    public static let childCommand = "__hdf5-child"

    public enum Mode: String, Sendable {
        /// The `.h5`'s `model_config` attribute.
        case config
        /// The weights the model file carries (an `.h5`'s, or a `.keras` archive's `model.weights.h5`).
        case weights
    }

    /// The child's status for "the file carries no weights".
    static let noWeights: Int32 = 3

    private static let settings = Mutex<(helper: String?, seconds: Double)>((nil, 20))

    /// Reads HDF5 files through `helper` (an executable that calls `childMain`), giving the child `seconds` plus one
    /// second per 50 MB of file before it is stopped.
    public static func install(helper: String, seconds: Double) {
        settings.withLock { $0 = (helper, seconds) }
    }

    static var isInstalled: Bool { settings.withLock { $0.helper != nil } }

    /// The child's side: reads `path` in-process and writes the result to standard output; an error is one line on
    /// standard error (the message after the file name) and status 1.
    public static func childMain(mode: String, path: String) -> Int32 {
        // The tests' stand-in for libhdf5 crashing on a hostile file.
        if ProcessInfo.processInfo.environment["NETVIZ_HDF5_CHILD_CRASH"] == "1" { raise(SIGSEGV) }
        do {
            let output: Data
            switch Mode(rawValue: mode) {
            case .config:
                output = Data(try KerasH5.located(path) { try HDF5File.withFile(path: path) { try KerasH5.modelConfig($0, options: ImportOptions()) } })
            case .weights:
                let model = try ModelFormats.load(path: path).model
                guard let store = try ModelFormats.weights(path: path, for: model) else { return noWeights }
                output = SafeTensors.encode(store.tensors)
            case nil:
                FileHandle.standardError.write(Data("unknown mode \(mode)\n".utf8))
                return 2
            }
            FileHandle.standardOutput.write(output)
            return 0
        } catch NetVizError.file(_, let message) {
            FileHandle.standardError.write(Data((message + "\n").utf8))
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
        }
        return 1
    }

    /// Runs the child on `path`: its standard output (nil when the file carries no weights), or its error as a
    /// `NetVizError.file` naming the file.
    static func run(_ mode: Mode, path: String) throws -> Data? {
        let (helper, seconds) = settings.withLock { ($0.helper, $0.seconds) }
        guard let helper else { throw NetVizError.file(path: path, message: "no HDF5 helper is installed") }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.doubleValue ?? 0
        let budget = seconds + size / 50e6
        let process = Process()
        process.executableURL = URL(fileURLWithPath: helper)
        process.arguments = [childCommand, mode.rawValue, path]
        // A crash in the child is reported here in one line, not by Swift's backtracer.
        process.environment = ProcessInfo.processInfo.environment.merging(["SWIFT_BACKTRACE": "enable=no"]) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do {
            try process.run()
        } catch {
            throw NetVizError.file(path: path, message: "cannot start the HDF5 reader (\(helper)): \(error.localizedDescription)")
        }
        let started = DispatchTime.now().uptimeNanoseconds
        let pid = process.processIdentifier
        let timer = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + budget, execute: timer)
        // Standard error is read beside standard output, so neither pipe can fill and stall the child.
        let errors = ChildErrors()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            errors.data = err.fileHandleForReading.readDataToEndOfFile()
            done.signal()
        }
        let output = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        done.wait()
        timer.cancel()
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let message = String(decoding: errors.data.prefix(Limits.messageCharacters * 4), as: UTF8.self)
            .split(separator: "\n").first.map(String.init) ?? ""
        if process.terminationReason == .uncaughtSignal, process.terminationStatus == SIGKILL, elapsed >= budget {
            throw NetVizError.file(
                path: path,
                message: "the HDF5 library did not finish reading it in \(Int(budget.rounded())) s; a corrupt file can make it loop forever")
        }
        switch (process.terminationReason, process.terminationStatus) {
        case (.exit, 0): return output
        case (.exit, noWeights) where mode == .weights: return nil
        case (.exit, 1) where !message.isEmpty: throw NetVizError.file(path: path, message: message)
        case (.uncaughtSignal, let signal):
            throw NetVizError.file(
                path: path, message: "the HDF5 library crashed reading it (signal \(signal)); the file is corrupt or hostile")
        case (_, let status):
            throw NetVizError.file(path: path, message: "the HDF5 reader failed (status \(status))\(message.isEmpty ? "" : ": " + message)")
        }
    }
}
