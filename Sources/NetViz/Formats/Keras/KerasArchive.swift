import Foundation

/// Reads `config.json` out of a `.keras` archive (a ZIP file) without reading the weights: the end-of-central-directory
/// record, the central directory, then the one entry. Every offset and size is checked against the file before use.
enum KerasArchive {
    struct Failure: Error { let message: String }

    /// The largest central directory read (a Keras archive has a handful of entries).
    static let maxCentralDirectory = 16 << 20

    static func configJSON(at path: String, limit: Int) throws(Failure) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw Failure(message: "cannot open the file") }
        defer { try? handle.close() }
        let size: UInt64
        do { size = try handle.seekToEnd() } catch { throw Failure(message: "cannot read the archive") }
        return try configJSON(size: size, limit: limit) { (offset, count) throws(Failure) -> [UInt8] in
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
    }

    /// The same, from an archive in memory (tests and the fuzzer).
    static func configJSON(bytes: [UInt8], limit: Int) throws(Failure) -> [UInt8] {
        try configJSON(size: UInt64(bytes.count), limit: limit) { (offset, count) throws(Failure) -> [UInt8] in
            guard offset <= UInt64(bytes.count), UInt64(count) <= UInt64(bytes.count) - offset else {
                throw Failure(message: "the archive is truncated")
            }
            return Array(bytes[Int(offset)..<Int(offset) + count])
        }
    }

    static func configJSON(
        size: UInt64, limit: Int, read: (UInt64, Int) throws(Failure) -> [UInt8]
    ) throws(Failure) -> [UInt8] {
        guard size >= 22 else { throw Failure(message: "not a Keras archive (too short to be a ZIP file)") }

        // End of central directory: in the last 22 + 65535 bytes.
        let tailLength = Int(min(size, 22 + 65_535))
        let tailStart = size - UInt64(tailLength)
        let tail = try read(tailStart, tailLength)
        guard let eocd = stride(from: tail.count - 22, through: 0, by: -1).first(where: { le32(tail, $0) == 0x0605_4B50 })
        else { throw Failure(message: "not a Keras archive (not a ZIP file: no end-of-central-directory record)") }
        var entryCount = UInt64(le16(tail, eocd + 10))
        var directorySize = UInt64(le32(tail, eocd + 12))
        var directoryOffset = UInt64(le32(tail, eocd + 16))
        if directoryOffset == 0xFFFF_FFFF || directorySize == 0xFFFF_FFFF || entryCount == 0xFFFF {
            // ZIP64: the locator sits just before the end record.
            guard eocd >= 20, le32(tail, eocd - 20) == 0x0706_4B50 else {
                throw Failure(message: "not a Keras archive (a ZIP64 archive without its locator)")
            }
            let recordOffset = le64(tail, eocd - 20 + 8)
            guard recordOffset <= size &- 56, size >= 56 else { throw Failure(message: "the archive is truncated") }
            let record = try read(recordOffset, 56)
            guard le32(record, 0) == 0x0606_4B50 else { throw Failure(message: "corrupt ZIP64 end record") }
            entryCount = le64(record, 32)
            directorySize = le64(record, 40)
            directoryOffset = le64(record, 48)
        }
        guard directorySize <= UInt64(maxCentralDirectory), directoryOffset <= size,
            directorySize <= size - directoryOffset
        else { throw Failure(message: "corrupt ZIP archive: the central directory lies outside the file") }
        let directory = try read(directoryOffset, Int(directorySize))

        var names: [String] = []
        var position = 0
        var entry: (method: Int, compressed: UInt64, uncompressed: UInt64, offset: UInt64, crc: UInt32)?
        for _ in 0..<min(entryCount, 100_000) {
            guard position + 46 <= directory.count, le32(directory, position) == 0x0201_4B50 else {
                throw Failure(message: "corrupt ZIP archive: bad central directory entry")
            }
            let method = Int(le16(directory, position + 10))
            let crc = le32(directory, position + 16)
            var compressed = UInt64(le32(directory, position + 20))
            var uncompressed = UInt64(le32(directory, position + 24))
            let nameLength = Int(le16(directory, position + 28))
            let extraLength = Int(le16(directory, position + 30))
            let commentLength = Int(le16(directory, position + 32))
            var offset = UInt64(le32(directory, position + 42))
            let nameStart = position + 46
            let end = nameStart + nameLength + extraLength + commentLength
            guard end <= directory.count else { throw Failure(message: "corrupt ZIP archive: bad central directory entry") }
            let name = String(decoding: directory[nameStart..<nameStart + nameLength], as: UTF8.self)
            names.append(name)
            if name == "config.json" {
                // ZIP64 extra field: the 0xFFFFFFFF fields, in order.
                var extra = nameStart + nameLength
                let extraEnd = extra + extraLength
                while extra + 4 <= extraEnd {
                    let id = le16(directory, extra), length = Int(le16(directory, extra + 2))
                    var field = extra + 4
                    let fieldEnd = min(field + length, extraEnd)
                    if id == 0x0001 {
                        if uncompressed == 0xFFFF_FFFF, field + 8 <= fieldEnd { uncompressed = le64(directory, field); field += 8 }
                        if compressed == 0xFFFF_FFFF, field + 8 <= fieldEnd { compressed = le64(directory, field); field += 8 }
                        if offset == 0xFFFF_FFFF, field + 8 <= fieldEnd { offset = le64(directory, field) }
                    }
                    extra = fieldEnd
                }
                entry = (method, compressed, uncompressed, offset, crc)
            }
            position = end
        }
        guard let entry else {
            let listed = names.prefix(5).joined(separator: ", ") + (names.count > 5 ? ", ..." : "")
            throw Failure(
                message: "not a Keras archive: a ZIP file without config.json (it holds \(names.isEmpty ? "nothing" : listed))")
        }
        guard entry.uncompressed <= UInt64(limit) else {
            throw Failure(message: "config.json is \(entry.uncompressed) bytes; the limit is \(limit) bytes")
        }
        guard entry.offset <= size, size - entry.offset >= 30 else {
            throw Failure(message: "corrupt ZIP archive: config.json's local header lies outside the file")
        }
        let header = try read(entry.offset, 30)
        guard le32(header, 0) == 0x0403_4B50 else { throw Failure(message: "corrupt ZIP archive: bad local header") }
        let dataOffset = entry.offset + 30 + UInt64(le16(header, 26)) + UInt64(le16(header, 28))
        guard dataOffset <= size, entry.compressed <= size - dataOffset, entry.compressed <= UInt64(limit) * 2 + 1024 else {
            throw Failure(message: "corrupt ZIP archive: config.json's data lies outside the file")
        }
        let compressed = try read(dataOffset, Int(entry.compressed))
        let bytes: [UInt8]
        switch entry.method {
        case 0:
            bytes = compressed
        case 8:
            do {
                bytes = try Inflate.decompress(compressed[...], expectedSize: Int(entry.uncompressed), limit: limit)
            } catch {
                throw Failure(message: "corrupt ZIP archive: config.json does not inflate (\(error.message))")
            }
        default:
            throw Failure(message: "config.json uses ZIP compression method \(entry.method); only stored and deflate are read")
        }
        guard UInt64(bytes.count) == entry.uncompressed, CRC32.checksum(bytes) == entry.crc else {
            throw Failure(message: "corrupt ZIP archive: config.json fails its size or CRC check")
        }
        return bytes
    }

    static func le16(_ b: [UInt8], _ i: Int) -> UInt16 { UInt16(b[i]) | UInt16(b[i + 1]) << 8 }
    static func le32(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
    }
    static func le64(_ b: [UInt8], _ i: Int) -> UInt64 { UInt64(le32(b, i)) | UInt64(le32(b, i + 4)) << 32 }

    /// Whether these first bytes look like a ZIP file.
    static func looksLikeZip(_ prefix: [UInt8]) -> Bool {
        prefix.count >= 4 && prefix[0] == 0x50 && prefix[1] == 0x4B && (prefix[2] == 3 || prefix[2] == 5)
    }
}
