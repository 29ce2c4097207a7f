import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A protobuf file read into a buffer of its own size, every byte at its own offset, except the payloads of the
/// fields a plan leaves out (ONNX's `raw_data`): those pages are never written, so they take no memory, and
/// `ProtobufReader` walks the buffer as if it were the file. Mapping the file instead kept ~90 MB of a ViT's
/// weights resident (the kernel maps whole runs of cached pages around each header it faults in).
enum SparseProtobufFile {
    /// What to do with a length-delimited field, by field number; fields not named are read whole.
    indirect enum Plan: Sendable {
        /// Leave the payload out when it is longer than this many bytes (small values are read as usual).
        case skip(above: Int)
        case descend([Int: Plan])
    }

    static func read(path: String, plan: [Int: Plan]) throws -> Data {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw NetVizError.file(path: path, message: "cannot be read") }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            throw NetVizError.file(path: path, message: "is not a regular file")
        }
        let length = Int(status.st_size)
        guard length > 0 else { return Data() }
        // Anonymous pages cost memory only once written.
        guard let base = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), base != MAP_FAILED else {
            throw NetVizError.file(path: path, message: "is too large to read (\(length) bytes)")
        }
        let buffer = UnsafeMutableRawBufferPointer(start: base, count: length)
        var copier = Copier(descriptor: descriptor, buffer: buffer)
        guard copier.walk(0..<length, plan: plan, depth: 0) else {
            _ = munmap(base, length)
            throw NetVizError.file(path: path, message: "cannot be read")
        }
        return Data(bytesNoCopy: base, count: length, deallocator: .custom { pointer, count in _ = munmap(pointer, count) })
    }

    private struct Copier {
        let descriptor: Int32
        let buffer: UnsafeMutableRawBufferPointer

        /// Copies `range` of the file into the buffer; false when the file cannot be read.
        func copy(_ range: Range<Int>) -> Bool {
            var offset = range.lowerBound
            while offset < range.upperBound {
                let count = pread(descriptor, buffer.baseAddress.map { $0 + offset }, range.upperBound - offset, off_t(offset))
                guard count > 0 else { return count == 0 }
                offset += count
            }
            return true
        }

        /// A varint at `offset` (already copied), or nil when it runs past `end` or is longer than 10 bytes.
        func varint(at offset: inout Int, end: Int) -> UInt64? {
            var value: UInt64 = 0
            for shift in stride(from: UInt64(0), to: 70, by: 7) {
                guard offset < end else { return nil }
                let byte = buffer[offset]
                offset += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { return value }
            }
            return nil
        }

        /// Walks the fields of the message in `range`: headers copied, planned fields descended into or left out,
        /// the rest copied whole. Malformed bytes stop the walk and are copied as they are, for
        /// `ProtobufReader` to report.
        mutating func walk(_ range: Range<Int>, plan: [Int: Plan], depth: Int) -> Bool {
            var offset = range.lowerBound
            while offset < range.upperBound {
                let start = offset
                // A tag and a length take at most 20 bytes.
                guard copy(start..<min(start + 20, range.upperBound)) else { return false }
                guard let tag = varint(at: &offset, end: range.upperBound) else { return copy(start..<range.upperBound) }
                let fieldEnd: Int
                switch tag & 7 {
                case 0:
                    guard varint(at: &offset, end: range.upperBound) != nil else { return copy(start..<range.upperBound) }
                    fieldEnd = offset
                case 1: fieldEnd = offset + 8
                case 5: fieldEnd = offset + 4
                case 2:
                    guard let size = varint(at: &offset, end: range.upperBound), size <= UInt64(range.upperBound - offset) else {
                        return copy(start..<range.upperBound)
                    }
                    fieldEnd = offset + Int(size)
                    switch plan[Int(tag >> 3)] {
                    case .skip(let above)? where Int(size) > above:
                        offset = fieldEnd
                        continue
                    case .descend(let inner)? where depth < 8:
                        guard walk(offset..<fieldEnd, plan: inner, depth: depth + 1) else { return false }
                        offset = fieldEnd
                        continue
                    default: break
                    }
                default: return copy(start..<range.upperBound)
                }
                guard fieldEnd <= range.upperBound else { return copy(start..<range.upperBound) }
                guard copy(offset..<fieldEnd) else { return false }
                offset = fieldEnd
            }
            return true
        }
    }
}
