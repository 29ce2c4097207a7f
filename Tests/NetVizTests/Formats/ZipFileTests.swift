import Foundation
import Testing
import ZIPFoundation

@testable import NetViz

/// `.keras` archives through ZIPFoundation and netviz's bounds: big directories are read whole, zip bombs and
/// ZIP64 fields that would trap ZIPFoundation are refused with one line.
@Suite struct ZipFileTests {
    static let config: [UInt8] = (try? Data(contentsOf: Fixtures.url("bad-input/valid-tiny.json"))).map(Array.init) ?? []

    /// A ZIP of stored entries, written by hand so a test can set any field (ZIP64 end records when asked).
    static func storedZip(_ entries: [(name: String, bytes: [UInt8])], zip64: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        var directory: [UInt8] = []
        func le16(_ v: Int, _ into: inout [UInt8]) { into += [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
        func le32(_ v: UInt32, _ into: inout [UInt8]) { for i in 0..<4 { into.append(UInt8(v >> (8 * UInt32(i)) & 0xFF)) } }
        func le64(_ v: UInt64, _ into: inout [UInt8]) { for i in 0..<8 { into.append(UInt8(v >> (8 * UInt64(i)) & 0xFF)) } }
        for (name, bytes) in entries {
            let offset = UInt32(out.count)
            let crc = Data(bytes).crc32(checksum: 0)
            let nameBytes = Array(name.utf8)
            le32(0x0403_4B50, &out); le16(20, &out); le16(0, &out); le16(0, &out); le16(0, &out); le16(0, &out)
            le32(crc, &out); le32(UInt32(bytes.count), &out); le32(UInt32(bytes.count), &out)
            le16(nameBytes.count, &out); le16(0, &out); out += nameBytes; out += bytes
            le32(0x0201_4B50, &directory); le16(20, &directory); le16(20, &directory); le16(0, &directory)
            le16(0, &directory); le16(0, &directory); le16(0, &directory)
            le32(crc, &directory); le32(UInt32(bytes.count), &directory); le32(UInt32(bytes.count), &directory)
            le16(nameBytes.count, &directory); le16(0, &directory); le16(0, &directory); le16(0, &directory)
            le16(0, &directory); le32(0, &directory); le32(offset, &directory); directory += nameBytes
        }
        let directoryOffset = out.count
        out += directory
        if zip64 {
            let recordOffset = out.count
            le32(0x0606_4B50, &out); le64(44, &out); le16(45, &out); le16(45, &out); le32(0, &out); le32(0, &out)
            le64(UInt64(entries.count), &out); le64(UInt64(entries.count), &out)
            le64(UInt64(directory.count), &out); le64(UInt64(directoryOffset), &out)
            le32(0x0706_4B50, &out); le32(0, &out); le64(UInt64(recordOffset), &out); le32(1, &out)
        }
        let count = zip64 ? 0xFFFF : entries.count
        le32(0x0605_4B50, &out); le16(0, &out); le16(0, &out); le16(count, &out); le16(count, &out)
        le32(UInt32(directory.count), &out); le32(zip64 ? 0xFFFF_FFFF : UInt32(directoryOffset), &out); le16(0, &out)
        return out
    }

    @Test func configAfterManyEntriesIsFound() throws {
        #expect(Self.config.count > 100)
        var entries = (0..<150_000).map { (name: "assets/\($0)", bytes: [UInt8]()) }
        entries.append((name: "config.json", bytes: Self.config))
        let archive = Self.storedZip(entries, zip64: true)
        let imported = try KerasImporter.importFile(archive, file: "many.keras")
        #expect(try ModelStatistics(imported.model).totalParams == 224 + 90)
    }

    @Test func storedAndDeflatedArchivesRead() throws {
        let stored = Self.storedZip([("metadata.json", Array("{}".utf8)), ("config.json", Self.config)])
        #expect(try KerasImporter.importFile(stored, file: "s.keras").model.nodes.count > 0)
        let archive = try Archive(accessMode: .create)
        let data = Data(Self.config)
        try archive.addEntry(with: "config.json", type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) {
            position, size in data.subdata(in: Int(position)..<Int(position) + size)
        }
        let deflated = try #require(archive.data)
        #expect(try KerasImporter.importFile(Array(deflated), file: "d.keras").model.nodes.count > 0)
    }

    @Test func boundsAreRefused() throws {
        var options = ImportOptions()
        options.maxConfigBytes = 100
        let stored = Self.storedZip([("config.json", Self.config)])
        #expect(throws: NetVizError.file(path: "big.keras", message: "config.json is \(Self.config.count) bytes; the limit is 100 bytes")) {
            try KerasImporter.importFile(stored, file: "big.keras", options: options)
        }
        // A declared size smaller than the data (a zip bomb's trick) fails the size check after reading.
        var lying = stored
        let directory = lying.count - 22 - (46 + "config.json".utf8.count)
        lying[directory + 24] = 10
        lying[directory + 25] = 0
        #expect {
            try KerasImporter.importFile(lying, file: "lying.keras")
        } throws: { error in
            (error as? NetVizError)?.description.contains("lying.keras: corrupt ZIP archive: config.json") == true
        }
        // ZIP64 offsets past the file (ZIPFoundation would trap on them) and a truncated end record.
        var hostile = Self.storedZip([("config.json", Self.config)], zip64: true)
        let locator = hostile.count - 22 - 20
        for i in 0..<8 { hostile[locator + 8 + i] = 0xFF }
        #expect(throws: NetVizError.file(path: "z64.keras", message: "the archive is truncated")) {
            try KerasImporter.importFile(hostile, file: "z64.keras")
        }
        #expect(throws: NetVizError.file(path: "cut.keras", message: "not a Keras archive (not a ZIP file: no end-of-central-directory record)")) {
            try KerasImporter.importFile(Array(stored.dropLast(10)), file: "cut.keras")
        }
    }
}

/// Inputs the fuzzer found (Tools/fuzz): each is one clear line, never a trap.
@Suite struct FuzzRegressionTests {
    @Test(arguments: ["zip-local-header-past-end-1.keras", "zip-local-header-past-end-2.keras"])
    func fuzzFindingIsAnError(file: String) throws {
        let path = Fixtures.url("fuzz-regressions/" + file).path
        #expect(throws: NetVizError.self) { try ModelFormats.load(path: path) }
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(throws: NetVizError.self) { try KerasImporter.importFile(bytes, file: file) }
    }
}
