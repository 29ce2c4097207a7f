import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Wall time and peak memory of whole processes, run repeatedly after warm-ups.
struct ProcessTiming {
    var runs: Int
    var medianMs: Double
    var minMs: Double
    var maxMs: Double
    /// The largest peak RSS of any run, in MiB (from wait4's rusage).
    var peakMiB: Double

    enum Failure: Error, CustomStringConvertible {
        case spawn(String, Int32)
        case exit(String, Int32)
        var description: String {
            switch self {
            case let .spawn(command, code): "cannot start \(command): \(String(cString: strerror(code)))"
            case let .exit(command, status): "\(command) failed (status \(status))"
            }
        }
    }

    /// Runs `command` once with output discarded; returns (wall ms, peak RSS KiB).
    static func runOnce(_ command: [String]) throws -> (Double, Int) {
        var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var argv: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let clock = ContinuousClock()
        let start = clock.now
        let code = posix_spawnp(&pid, command[0], &actions, nil, &argv, environ)
        guard code == 0 else { throw Failure.spawn(command[0], code) }
        var status: Int32 = 0
        var usage = rusage()
        _ = wait4(pid, &status, 0, &usage)
        let elapsed = clock.now - start
        let exited = (status & 0x7f) == 0
        let exitCode = (status >> 8) & 0xff
        guard exited, exitCode == 0 else { throw Failure.exit(command.joined(separator: " "), status) }
        let ms = Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) / 1e15
        return (ms, usage.ru_maxrss)
    }

    /// Standard output of one run (for figures a program reports itself).
    static func output(_ command: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw Failure.exit(command.joined(separator: " "), process.terminationStatus) }
        return String(decoding: data, as: UTF8.self)
    }

    /// Two commands measured in alternation (a, b, a, b, ...), so drift in the machine's load hits both alike.
    static func measurePair(_ a: [String], _ b: [String], runs: Int, warmups: Int) throws -> (ProcessTiming, ProcessTiming) {
        for _ in 0..<warmups {
            _ = try runOnce(a)
            _ = try runOnce(b)
        }
        var results: [[(Double, Int)]] = [[], []]
        for _ in 0..<runs {
            results[0].append(try runOnce(a))
            results[1].append(try runOnce(b))
        }
        let timings = results.map { runs -> ProcessTiming in
            let times = runs.map(\.0).sorted()
            return ProcessTiming(
                runs: times.count, medianMs: times[times.count / 2], minMs: times[0], maxMs: times[times.count - 1],
                peakMiB: Double(runs.map(\.1).max() ?? 0) / 1024)
        }
        return (timings[0], timings[1])
    }

    static func measure(_ command: [String], runs: Int, warmups: Int) throws -> ProcessTiming {
        for _ in 0..<warmups { _ = try runOnce(command) }
        var times: [Double] = []
        var peak = 0
        for _ in 0..<runs {
            let (ms, rss) = try runOnce(command)
            times.append(ms)
            peak = max(peak, rss)
        }
        times.sort()
        return ProcessTiming(
            runs: runs, medianMs: times[times.count / 2], minMs: times[0], maxMs: times[times.count - 1],
            peakMiB: Double(peak) / 1024)
    }
}

/// Median, min and max of in-process timings of `body`, in milliseconds.
func measureInProcess(runs: Int, _ body: () throws -> Void) rethrows -> (median: Double, min: Double, max: Double) {
    let clock = ContinuousClock()
    var times: [Double] = []
    for _ in 0..<runs {
        let elapsed = try clock.measure(body)
        times.append(Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) / 1e15)
    }
    times.sort()
    return (times[times.count / 2], times[0], times[times.count - 1])
}

func ms(_ value: Double) -> String { String(format: value >= 100 ? "%.0f" : "%.1f", value) }
