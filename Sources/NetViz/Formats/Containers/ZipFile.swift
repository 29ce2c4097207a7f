import Foundation
import ZIPFoundation

/// Reads one small entry (a `.keras` archive's `config.json`) out of a ZIP file with ZIPFoundation, within bounds:
/// the entry's declared and actual inflated sizes, the central directory's size and entry count. Only that entry
/// is read: the weights next to it stay on disk.
///
/// ZIPFoundation is written for trusted archives. Before it sees a file, `ZipBounds` checks the few things on which
/// it would trap or run away (Docs/architecture.md, "Containers"): the end record must lie in the last 64 KiB
/// (ZIPFoundation otherwise scans the whole file backwards, byte by byte), and every 64-bit ZIP64 field must lie
/// within the file (ZIPFoundation converts them with `off_t(_:)` and `Int64(_:)`, which trap from 2^63).
struct ZipFile {
    struct Failure: Error { let message: String }

    private let archive: Archive

    /// The central directory read at most (ZIP's own format allows 4 GiB; a Keras archive has a handful of entries).
    static let maxCentralDirectory = 64 << 20

    init(path: String) throws(Failure) {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw Failure(message: "cannot open the file") }
        defer { try? handle.close() }
        let size: UInt64
        do { size = try handle.seekToEnd() } catch { throw Failure(message: "cannot read the archive") }
        try ZipBounds.check(size: size) { (offset, count) throws(Failure) -> [UInt8] in
            do {
                try handle.seek(toOffset: offset)
                let data = try handle.read(upToCount: count) ?? Data()
                guard data.count == count else { throw Failure(message: "the archive is truncated") }
                return [UInt8](data)
            } catch let failure as Failure {
                throw failure
            } catch {
                throw Failure(message: "cannot read the archive: \(error.localizedDescription)")
            }
        }
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw Failure(message: "not a ZIP archive ZIPFoundation can read (\(error))")
        }
    }

    /// An archive held in memory (tests and the fuzzer), read from a private temporary file: ZIPFoundation's
    /// in-memory archives trap on an offset past their end, its file-backed ones do not, and this way every archive
    /// takes the path the CLI takes.
    static func withArchive<T>(bytes: [UInt8], _ body: (ZipFile) throws(Failure) -> T) throws(Failure) -> T {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("netviz-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString).zip").path
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes), attributes: [.posixPermissions: 0o600])
        else { throw Failure(message: "cannot write a temporary copy of the archive") }
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try body(ZipFile(path: path))
    }

    /// The first few entry names, for messages.
    func names(limit: Int) -> [String] {
        var names: [String] = []
        for entry in archive {
            names.append(entry.path)
            if names.count == limit { break }
        }
        return names
    }

    /// The bytes of entry `name`, or nil when there is none; larger than `limit` bytes (declared or inflated),
    /// a bad CRC or a size that differs from the declared one is a failure.
    func contents(of name: String, limit: Int) throws(Failure) -> [UInt8]? {
        guard let entry = archive[name] else { return nil }
        guard entry.type == .file else { throw Failure(message: "\(name) is not a file in the archive") }
        guard entry.uncompressedSize <= UInt64(limit) else {
            throw Failure(message: "\(name) is \(entry.uncompressedSize) bytes; the limit is \(limit) bytes")
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(entry.uncompressedSize))
        let checksum: CRC32
        do {
            checksum = try archive.extract(entry, skipCRC32: false) { chunk in
                // A zip bomb declares a small size and inflates past it: stop at the limit.
                guard bytes.count + chunk.count <= limit else { throw Failure(message: "\(name) inflates past \(limit) bytes") }
                bytes.append(contentsOf: chunk)
            }
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(message: "corrupt ZIP archive: \(name) does not inflate (\(Self.describe(error)))")
        }
        guard UInt64(bytes.count) == entry.uncompressedSize, checksum == entry.checksum else {
            throw Failure(message: "corrupt ZIP archive: \(name) fails its size or CRC check")
        }
        return bytes
    }

    /// ZIPFoundation's errors, in words (its compression errors are not public: matched by name).
    private static func describe(_ error: any Error) -> String {
        if case Archive.ArchiveError.invalidCompressionMethod = error {
            return "a compression method other than stored and deflate"
        }
        switch String(describing: error) {
        case "corruptedData": return "corrupted deflate data"
        case "invalidStream": return "invalid deflate stream"
        case let other: return other
        }
    }

    /// Whether these first bytes look like a ZIP file (a local header, or the end record of an empty archive).
    static func looksLikeZip(_ prefix: some Collection<UInt8>) -> Bool {
        let bytes = Array(prefix.prefix(4))
        return bytes.count == 4 && bytes[0] == 0x50 && bytes[1] == 0x4B && (bytes[2] == 3 || bytes[2] == 5)
    }
}

/// The bounds checks ZIPFoundation needs before it reads an untrusted file (see `ZipFile`). Not a ZIP reader:
/// it reads the end record and walks the central directory only to check sizes and offsets against the file.
enum ZipBounds {
    typealias Read = (UInt64, Int) throws(ZipFile.Failure) -> [UInt8]

    static func check(size: UInt64, read: Read) throws(ZipFile.Failure) {
        typealias Failure = ZipFile.Failure
        guard size >= 22 else { throw Failure(message: "not a Keras archive (too short to be a ZIP file)") }
        let tailLength = Int(min(size, 22 + 65_535))
        let tailStart = size - UInt64(tailLength)
        let tail = try read(tailStart, tailLength)
        guard let eocd = stride(from: tail.count - 22, through: 0, by: -1).first(where: { le32(tail, $0) == 0x0605_4B50 })
        else { throw Failure(message: "not a Keras archive (not a ZIP file: no end-of-central-directory record)") }
        // ZIPFoundation takes the same (last) end record and fails when its comment runs past the file.
        guard eocd + 22 + Int(le16(tail, eocd + 20)) <= tail.count else {
            throw Failure(message: "corrupt ZIP archive: the end record's comment runs past the end of the file")
        }
        var directorySize = UInt64(le32(tail, eocd + 12))
        var directoryOffset = UInt64(le32(tail, eocd + 16))
        if eocd >= 20, le32(tail, eocd - 20) == 0x0706_4B50 {
            // ZIP64: the locator just before the end record points at the ZIP64 end record.
            let recordOffset = le64(tail, eocd - 20 + 8)
            guard size >= 56, recordOffset <= size - 56 else { throw Failure(message: "the archive is truncated") }
            let record = try read(recordOffset, 56)
            guard le32(record, 0) == 0x0606_4B50 else { throw Failure(message: "corrupt ZIP64 end record") }
            directorySize = le64(record, 40)
            directoryOffset = le64(record, 48)
        }
        guard directoryOffset <= size, directorySize <= size - directoryOffset else {
            throw Failure(message: "corrupt ZIP archive: the central directory lies outside the file")
        }
        guard directorySize <= UInt64(ZipFile.maxCentralDirectory) else {
            throw Failure(
                message: "the ZIP central directory is \(directorySize) bytes; netviz reads at most \(ZipFile.maxCentralDirectory)")
        }
        let directory = try read(directoryOffset, Int(directorySize))
        var position = 0
        while position + 46 <= directory.count, le32(directory, position) == 0x0201_4B50 {
            let flags = le16(directory, position + 8)
            // Uncompressed size, compressed size, local header offset: the order of the ZIP64 extra field.
            let thirtyTwoBit = [le32(directory, position + 24), le32(directory, position + 20), le32(directory, position + 42)]
            let nameLength = Int(le16(directory, position + 28))
            let extraLength = Int(le16(directory, position + 30))
            let commentLength = Int(le16(directory, position + 32))
            let extraStart = position + 46 + nameLength
            let end = extraStart + extraLength + commentLength
            guard end <= directory.count else { throw Failure(message: "corrupt ZIP archive: bad central directory entry") }
            let usesZIP64 = thirtyTwoBit.contains(0xFFFF_FFFF)
            if usesZIP64, flags & 0x8 != 0 {
                throw Failure(message: "a ZIP64 entry with a data descriptor; netviz does not read such archives")
            }
            // The ZIP64 extra field holds, in this order, the 64-bit values of the fields marked 0xFFFFFFFF.
            var extra = extraStart
            while extra + 4 <= extraStart + extraLength {
                let id = le16(directory, extra), length = Int(le16(directory, extra + 2))
                let fieldEnd = min(extra + 4 + length, extraStart + extraLength)
                if id == 0x0001 {
                    var field = extra + 4
                    // Uncompressed size (may exceed the file, but not 2^62), compressed size and offset (within it).
                    for (value, bound) in zip(thirtyTwoBit, [UInt64(1) << 62, size, size])
                    where value == 0xFFFF_FFFF && field + 8 <= fieldEnd {
                        guard le64(directory, field) <= bound else {
                            throw Failure(message: "corrupt ZIP archive: a ZIP64 size or offset lies outside the file")
                        }
                        field += 8
                    }
                }
                extra = fieldEnd
            }
            position = end
        }
    }

    static func le16(_ b: [UInt8], _ i: Int) -> UInt16 { UInt16(b[i]) | UInt16(b[i + 1]) << 8 }
    static func le32(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
    }
    static func le64(_ b: [UInt8], _ i: Int) -> UInt64 { UInt64(le32(b, i)) | UInt64(le32(b, i + 4)) << 32 }
}
