import Foundation
import Testing

/// Test fixtures live in Tests/NetVizTests/Fixtures (copied from the shared reference data, so the project
/// stands on its own). Paths come from #filePath so re-recording writes into the source tree.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func url(_ relative: String) -> URL { root.appendingPathComponent(relative) }

    static func text(_ relative: String) throws -> String { try String(contentsOf: url(relative), encoding: .utf8) }

    static func json(_ relative: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(contentsOf: url(relative)))
    }

    static func object(_ relative: String) throws -> [String: Any] {
        guard let object = try json(relative) as? [String: Any] else { throw FixtureError("\(relative) is not an object") }
        return object
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Golden-file checks in the style of torchinfo's `.out` files and swift-argument-parser's snapshots:
/// `RECORD=1 make test` rewrites the files; otherwise a mismatch fails with a diff of the first differences.
enum Golden {
    static var recording: Bool { ProcessInfo.processInfo.environment["RECORD"].map { !$0.isEmpty && $0 != "0" } ?? false }

    static func check(_ actual: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = Fixtures.url("golden/" + name)
        if recording {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try actual.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            Issue.record("golden file \(name) is missing; run RECORD=1 make test to create it", sourceLocation: sourceLocation)
            return
        }
        if expected != actual {
            Issue.record("output differs from golden file \(name):\n\(diff(expected: expected, actual: actual))", sourceLocation: sourceLocation)
        }
    }

    /// A short line diff: the first differing lines with a little context.
    static func diff(expected: String, actual: String, limit: Int = 12) -> String {
        let a = expected.components(separatedBy: "\n"), b = actual.components(separatedBy: "\n")
        var out: [String] = []
        var shown = 0
        for i in 0..<max(a.count, b.count) where shown < limit {
            let left = i < a.count ? a[i] : nil, right = i < b.count ? b[i] : nil
            if left != right {
                if let left { out.append("  line \(i + 1) - \(left)") }
                if let right { out.append("  line \(i + 1) + \(right)") }
                shown += 1
            }
        }
        if a.count != b.count { out.append("  (\(a.count) lines expected, \(b.count) lines actual)") }
        return out.joined(separator: "\n")
    }
}

/// Runs the built `netviz` executable, as a user would.
struct CLIResult {
    let status: Int32
    let stdout: String
    let stderr: String
}

enum CLI {
    /// Runs `arguments` and checks standard output against the golden file `name` (stderr must stay empty).
    static func expectGolden(_ arguments: [String], _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try run(arguments)
        #expect(result.status == 0, "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.isEmpty, "\(result.stderr)", sourceLocation: sourceLocation)
        try Golden.check(result.stdout, name, sourceLocation: sourceLocation)
    }

    /// Bad input: a non-zero exit without a crash, nothing on stdout, one line on stderr containing `message`.
    static func expectOneLineError(
        _ arguments: [String], _ message: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let result = try run(arguments)
        #expect(result.status != 0, sourceLocation: sourceLocation)
        #expect(result.status < 128, "crashed with a signal", sourceLocation: sourceLocation)
        #expect(result.stdout.isEmpty, sourceLocation: sourceLocation)
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains(message), "\(result.stderr)", sourceLocation: sourceLocation)
    }

    /// The test bundle sits beside the products it was built with. `NETVIZ_CLI=/path/to/netviz` runs the CLI tests
    /// against another build (an older one, to see a new test fail before its fix).
    static var executable: URL {
        if let other = ProcessInfo.processInfo.environment["NETVIZ_CLI"], !other.isEmpty { return URL(fileURLWithPath: other) }
        return URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("netviz")
    }

    static func run(_ arguments: [String]) throws -> CLIResult { try run(executable, arguments) }

    /// Runs any program (`/usr/bin/env` finds one on PATH) and collects its output.
    static func run(_ program: URL, _ arguments: [String], environment: [String: String] = [:]) throws -> CLIResult {
        let process = Process()
        process.executableURL = program
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CLIResult(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }
}

/// Reads a table printed by Keras's `model.summary()` (or netviz's text report, which draws the same boxes):
/// one array of cells per row, with cells that wrapped over several lines joined by a space.
enum SummaryTable {
    static func rows(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var current: [[String]] = []
        func flush() {
            guard !current.isEmpty else { return }
            rows.append(current.map { $0.filter { !$0.isEmpty }.joined(separator: " ") })
            current = []
        }
        var inBody = false
        for line in text.components(separatedBy: "\n") {
            if line.hasPrefix("┡") || line.hasPrefix("+=") { inBody = true; continue }
            guard inBody else { continue }
            if line.hasPrefix("├") || line.hasPrefix("└") || line.hasPrefix("+-") { flush(); continue }
            guard line.hasPrefix("│") || line.hasPrefix("|") else { continue }
            let separator: Character = line.hasPrefix("│") ? "│" : "|"
            let cells = line.split(separator: separator, omittingEmptySubsequences: false).dropFirst().dropLast()
                .map { $0.trimmingCharacters(in: .whitespaces) }
            if current.isEmpty { current = cells.map { [$0] } } else {
                for (i, cell) in cells.enumerated() where i < current.count { current[i].append(cell) }
            }
        }
        flush()
        return rows
    }

    /// "4,253,864" -> 4253864
    static func integer(_ cell: String) -> Int64? { Int64(cell.replacingOccurrences(of: ",", with: "")) }

    /// A footer line's count: " Total params: 4,253,864 (16.23 MB)" -> 4253864.
    static func footerCount(_ text: String, _ label: String) -> Int64? {
        guard let line = text.components(separatedBy: "\n").first(where: { $0.hasPrefix(" \(label): ") }) else { return nil }
        let value = line.dropFirst(label.count + 3).split(separator: " ").first.map(String.init) ?? ""
        return integer(value)
    }
}
