import Foundation
import Synchronization


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
        /// The shapes of a `.keras` archive's variables (`KerasH5.variableShapes`), for layers read without their code.
        case variables
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
            case .variables:
                guard let shapes = try KerasArchive.variableShapes(at: path) else { return noWeights }
                output = Data(KerasH5.encode(shapes).utf8)
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
        let child: Child
        do {
            child = try Child.run(helper, [childCommand, mode.rawValue, path], seconds: budget, maxOutput: Limits.weightsFileBytes)
        } catch let failure as Child.Failure {
            throw NetVizError.file(path: path, message: failure.message)
        }
        let message = String(decoding: child.errors.prefix(Limits.messageCharacters * 4), as: UTF8.self)
            .split(separator: "\n").first.map(String.init) ?? ""
        if child.timedOut {
            throw NetVizError.file(
                path: path,
                message: "the HDF5 library did not finish reading it in \(Int(budget.rounded())) s; a corrupt file can make it loop forever")
        }
        switch (child.signal, child.status) {
        case (nil, 0): return child.output
        case (nil, noWeights) where mode != .config: return nil
        case (nil, 1) where !message.isEmpty: throw NetVizError.file(path: path, message: message)
        case (let signal?, _):
            throw NetVizError.file(
                path: path, message: "the HDF5 library crashed reading it (signal \(signal)); the file is corrupt or hostile")
        case (nil, let status):
            throw NetVizError.file(path: path, message: "the HDF5 reader failed (status \(status))\(message.isEmpty ? "" : ": " + message)")
        }
    }
}

/// A child process run to completion with posix_spawn: its standard output and error read together by `poll` (so
/// neither pipe fills and stalls it), killed when it runs past its time. Foundation's `Process` was measured at
/// ~150 ms a run here (its run loop), posix_spawn at a few.
private struct Child {
    struct Failure: Error { let message: String }

    var output = Data()
    var errors = Data()
    var status: Int32 = 0
    var signal: Int32? = nil
    var timedOut = false

    static func run(_ executable: String, _ arguments: [String], seconds: Double, maxOutput: Int) throws -> Child {
        var outPipe: [Int32] = [-1, -1], errPipe: [Int32] = [-1, -1]
        guard pipe(&outPipe) == 0 else { throw Failure(message: "cannot make a pipe for the HDF5 reader") }
        guard pipe(&errPipe) == 0 else {
            close(outPipe[0]); close(outPipe[1])
            throw Failure(message: "cannot make a pipe for the HDF5 reader")
        }
        // The child keeps only its dup2'd copies on 1 and 2.
        for fd in outPipe + errPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        // A crash in the child is reported by the parent in one line, not by Swift's backtracer.
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFT_BACKTRACE"] = "enable=no"
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        close(outPipe[1])
        close(errPipe[1])
        guard spawned == 0 else {
            close(outPipe[0]); close(errPipe[0])
            throw Failure(message: "cannot start the HDF5 reader (\(executable)): \(String(cString: strerror(spawned)))")
        }
        var child = Child()
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(max(seconds, 0) * 1e9)
        var fds = [pollfd(fd: outPipe[0], events: Int16(POLLIN), revents: 0), pollfd(fd: errPipe[0], events: Int16(POLLIN), revents: 0)]
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while fds.contains(where: { $0.fd >= 0 }) {
            let now = DispatchTime.now().uptimeNanoseconds
            guard now < deadline else {
                child.timedOut = true
                kill(pid, SIGKILL)
                break
            }
            let ready = poll(&fds, nfds_t(fds.count), Int32(min((deadline - now) / 1_000_000 + 1, 1_000)))
            if ready < 0 && errno != EINTR { kill(pid, SIGKILL); break }
            for index in fds.indices where fds[index].fd >= 0 && fds[index].revents != 0 {
                let count = read(fds[index].fd, &buffer, buffer.count)
                if count > 0 {
                    if index == 0 { child.output.append(contentsOf: buffer[0..<count]) } else if child.errors.count < 1 << 16 {
                        child.errors.append(contentsOf: buffer[0..<count])
                    }
                } else if count == 0 || errno != EINTR {
                    close(fds[index].fd)
                    fds[index].fd = -1
                }
            }
            if child.output.count > maxOutput {
                kill(pid, SIGKILL)
                for fd in fds where fd.fd >= 0 { close(fd.fd) }
                var raw: Int32 = 0
                while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
                throw Failure(message: "the HDF5 reader wrote more than \(maxOutput) bytes")
            }
        }
        for fd in fds where fd.fd >= 0 { close(fd.fd) }
        var raw: Int32 = 0
        while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
        // waitpid's status word: the low 7 bits are the signal that ended it (0: it exited), the next byte its status.
        let signal = raw & 0x7F
        if signal == 0 { child.status = (raw >> 8) & 0xFF } else { child.signal = signal }
        return child
    }
}
