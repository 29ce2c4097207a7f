import Foundation
import Testing

@testable import NetViz

/// Output paths the way Unix tools treat them: whole files or nothing, special files written in place, links
/// followed, inputs and read-only files kept, every output checked before any is written.
@Suite struct OutputFileTests {
    static func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("netviz-out-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func contents(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func regularFileIsReplacedWholeAndNoTemporaryIsLeft() throws {
        let dir = try Self.folder()
        let path = dir + "/out.txt"
        try OutputFile.write("first", to: path)
        try OutputFile.write("second", to: path)
        #expect(Self.contents(path) == "second")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["out.txt"])
    }

    /// Output handed over in pieces: a failure halfway leaves neither the file nor a temporary.
    @Test func failureWhileProducingLeavesNothing() throws {
        let dir = try Self.folder()
        #expect(throws: NetVizError.graph("stopped")) {
            try OutputFile.write(to: dir + "/half.json") { emit in
                try Data("{\"layers\": [".utf8).withUnsafeBytes { try emit($0) }
                throw NetVizError.graph("stopped")
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == [])
        try OutputFile.write(to: dir + "/whole.json") { emit in
            for piece in ["[", "1", "]"] { try Data(piece.utf8).withUnsafeBytes { try emit($0) } }
        }
        #expect(Self.contents(dir + "/whole.json") == "[1]")
    }

    /// While the bytes are being written the temporary has no name (O_TMPFILE), so `kill -9` at that moment leaves
    /// nothing beside the output (it left `*.tmp` files).
    @Test func nothingIsNamedWhileWriting() throws {
        let dir = try Self.folder()
        try OutputFile.write("old", to: dir + "/out.txt")
        var seen: [String] = []
        try OutputFile.write(to: dir + "/out.txt") { emit in
            try Data("new".utf8).withUnsafeBytes { try emit($0) }
            seen = try FileManager.default.contentsOfDirectory(atPath: dir)
        }
        #expect(seen == ["out.txt"])
        #expect(Self.contents(dir + "/out.txt") == "new")
    }

    /// A killed run of the pid-named fallback leaves `.out.txt.netviz-<pid>.tmp`; the next write removes it.
    @Test func staleTemporaryOfADeadProcessIsRemoved() throws {
        let dir = try Self.folder()
        let path = dir + "/out.txt"
        let stale = OutputFile.temporaryName(for: path, pid: 999_999_999)
        #expect(FileManager.default.createFile(atPath: stale, contents: Data("half".utf8)))
        let live = OutputFile.temporaryName(for: path, pid: getpid())
        #expect(FileManager.default.createFile(atPath: live, contents: Data("mine".utf8)))
        OutputFile.removeStaleTemporaries(of: path)
        #expect(!FileManager.default.fileExists(atPath: stale))
        #expect(FileManager.default.fileExists(atPath: live))
    }

    @Test func symlinkIsFollowedAndKept() throws {
        let dir = try Self.folder()
        try OutputFile.write("old", to: dir + "/real.txt")
        try FileManager.default.createSymbolicLink(atPath: dir + "/link.txt", withDestinationPath: "real.txt")
        try OutputFile.write("new", to: dir + "/link.txt")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir + "/link.txt") == "real.txt")
        #expect(Self.contents(dir + "/real.txt") == "new")
    }

    @Test func fifoIsWrittenInPlace() async throws {
        let dir = try Self.folder()
        let fifo = dir + "/pipe"
        #expect(mkfifo(fifo, 0o600) == 0)
        let reader = Task.detached { () -> String? in
            let fd = open(fifo, O_RDONLY)
            guard fd >= 0 else { return nil }
            defer { close(fd) }
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = read(fd, &buffer, buffer.count)
                if n <= 0 { break }
                bytes += buffer[0..<n]
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        try OutputFile.write("through the pipe", to: fifo)
        #expect(await reader.value == "through the pipe")
        var info = stat()
        #expect(lstat(fifo, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO)
    }

    @Test func characterDeviceIsWrittenInPlace() throws {
        try OutputFile.write("discarded", to: "/dev/null")
        var info = stat()
        #expect(stat("/dev/null", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR)
        #expect(throws: NetVizError.file(path: "/dev/full", message: "cannot write: No space left on device")) {
            try OutputFile.write("x", to: "/dev/full")
        }
        #expect(stat("/dev/full", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR)
    }

    @Test func readOnlyFileIsAnErrorAndKept() throws {
        let dir = try Self.folder()
        let path = dir + "/locked.txt"
        try OutputFile.write("keep me", to: path)
        #expect(chmod(path, 0o444) == 0)
        #expect(throws: NetVizError.file(path: path, message: "cannot write: the file is read-only")) {
            try OutputFile.write("replaced", to: path)
        }
        #expect(Self.contents(path) == "keep me")
    }

    @Test func existingModeIsKept() throws {
        let dir = try Self.folder()
        let path = dir + "/script.txt"
        try OutputFile.write("a", to: path)
        #expect(chmod(path, 0o640) == 0)
        try OutputFile.write("b", to: path)
        var info = stat()
        #expect(stat(path, &info) == 0 && info.st_mode & 0o777 == 0o640)
    }

    @Test func inputIsNeverTheOutput() throws {
        let dir = try Self.folder()
        let model = dir + "/m.json"
        try OutputFile.write("{}", to: model)
        try FileManager.default.createSymbolicLink(atPath: dir + "/alias.json", withDestinationPath: model)
        for path in [model, dir + "/alias.json", dir + "/./m.json"] {
            #expect(throws: NetVizError.file(path: path, message: "cannot write: it is the input file \(model)")) {
                try OutputFile.write("summary", to: path, inputs: [model])
            }
        }
        #expect(Self.contents(model) == "{}")
    }

    // MARK: Through the command

    @Test func cliRefusesToOverwriteItsInputModel() throws {
        let dir = try Self.folder()
        let model = dir + "/m.json"
        try Data(contentsOf: Fixtures.url("bad-input/valid-tiny.json")).write(to: URL(fileURLWithPath: model))
        let before = Self.contents(model)
        try CLI.expectOneLineError(["summary", model, "-o", model], "\(model): cannot write: it is the input file \(model)")
        try CLI.expectOneLineError(["plot", model, "-o", model, "--format", "dot"], "cannot write: it is the input file")
        #expect(Self.contents(model) == before)
    }

    /// `compare --chart c.svg -o missing/x.txt`: both are checked first, so the old chart is not replaced.
    @Test func everyOutputIsCheckedBeforeAnyIsWritten() throws {
        let dir = try Self.folder()
        let chart = dir + "/c.svg"
        try OutputFile.write("old chart", to: chart)
        try CLI.expectOneLineError(
            ["compare", "mobilenet", "conv-mobilenet", "--chart", chart, "-o", dir + "/missing/x.txt"],
            "cannot write: directory \(dir)/missing does not exist")
        #expect(Self.contents(chart) == "old chart")
        try CLI.expectOneLineError(
            ["summary", "--by-type", "--chart", chart, "-o", dir + "/missing/x.txt"], "does not exist")
        #expect(Self.contents(chart) == "old chart")
    }

    /// `/dev/stdout` is checked through the library only: a build without this rule, run as root, would replace
    /// the machine's /dev/stdout link with a regular file.
    @Test func dashAndDevStdoutAreStandardOutput() throws {
        #expect(try OutputFile.target("/dev/stdout", inputs: []) == .standardOutput)
        #expect(try OutputFile.target("-", inputs: []) == .standardOutput)
        let result = try CLI.run(["summary", "mobilenet", "--format", "csv", "-o", "-"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("name,type,output_shape,"))
    }

    /// `netviz summary > /dev/full`: the failed write is an error with exit status 1.
    @Test func failedStandardOutputIsAnError() throws {
        let process = Process()
        process.executableURL = CLI.executable
        process.arguments = ["summary", "mobilenet"]
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/full")
        let err = Pipe()
        process.standardError = err
        try process.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 1)
        #expect(stderr == "Error: standard output: cannot write: No space left on device\n")
    }
}
