import Foundation
import Testing

@testable import NetViz

/// Untrusted input: every file in Fixtures/bad-input gives its one-line error from errors.txt (no crash, no hang).
@Suite struct BadInputTests {
    static let cases: [(file: String, message: String)] = {
        guard let text = try? Fixtures.text("bad-input/errors.txt") else { return [] }
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { line in
            let parts = line.split(separator: "\t", maxSplits: 1)
            return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
        }
    }()

    @Test func folderIsCovered() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Fixtures.url("bad-input").path)
            .filter { $0 != "errors.txt" && !$0.hasPrefix("valid-") }
        #expect(Set(files) == Set(Self.cases.map(\.file)))
        #expect(Self.cases.count >= 20)
    }

    @Test(arguments: cases.map(\.file))
    func badInputGivesItsError(file: String) throws {
        let message = try #require(Self.cases.first { $0.file == file }?.message)
        let path = Fixtures.url("bad-input/" + file).path
        #expect(throws: NetVizError.file(path: path, message: message)) {
            try KerasImporter.load(path: path)
        }
    }

    @Test func validControlsImport() throws {
        for file in ["valid-tiny.json", "valid-tiny.keras"] {
            let stats = try ModelStatistics(KerasImporter.load(path: Fixtures.url("bad-input/" + file).path).model)
            #expect(stats.totalParams == 224 + 90, "\(file)")
        }
    }

    /// A 50 MB config is refused by size before it is read.
    @Test func hugeConfigIsRefused() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("netviz-huge-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let big = Data(count: 50 << 20)
        #expect(FileManager.default.createFile(atPath: path, contents: big))
        #expect(throws: NetVizError.file(path: path, message: "the config is 52428800 bytes; netviz reads configs of at most 16777216 bytes")) {
            try KerasImporter.load(path: path)
        }
    }

    @Test func missingFileAndDirectory() throws {
        #expect(throws: NetVizError.file(path: "/nonexistent/m.json", message: "no such file")) {
            try KerasImporter.load(path: "/nonexistent/m.json")
        }
        let directory = Fixtures.url("bad-input").path
        #expect(throws: NetVizError.file(path: directory, message: "is a directory")) {
            try KerasImporter.load(path: directory)
        }
    }

    /// Mutations of a real config (truncations and byte flips) never crash: each imports or throws a NetVizError.
    @Test func mutatedConfigsNeverCrash() throws {
        let bytes = [UInt8](try Data(contentsOf: Fixtures.url("keras/extra/Mix.json")))
        var generator = SystemRandomNumberGenerator()
        var errors = 0
        for trial in 0..<300 {
            var mutated = bytes
            if trial % 3 == 0 {
                mutated = Array(mutated.prefix(Int.random(in: 0..<bytes.count, using: &generator)))
            } else {
                for _ in 0..<4 {
                    let i = Int.random(in: 0..<mutated.count, using: &generator)
                    mutated[i] = UInt8.random(in: 0...255, using: &generator)
                }
            }
            do {
                _ = try ModelStatistics(KerasImporter.importConfig(mutated, file: "mutated.json").model)
            } catch is NetVizError {
                errors += 1
            }
        }
        #expect(errors > 0)
    }
}
