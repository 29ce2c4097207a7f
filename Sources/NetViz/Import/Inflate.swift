/// Raw DEFLATE (RFC 1951) decompression in plain Swift, after zlib's `puff.c`: small, bounds-checked at every
/// read, and limited in output size, so a hostile archive gives an error rather than a crash or a memory blow-up.
enum Inflate {
    struct Failure: Error { let message: String }

    static func decompress(_ input: ArraySlice<UInt8>, expectedSize: Int, limit: Int) throws(Failure) -> [UInt8] {
        var state = State(input: input, limit: limit)
        state.output.reserveCapacity(min(max(expectedSize, 0), limit))
        var last = false
        repeat {
            last = try state.bits(1) == 1
            switch try state.bits(2) {
            case 0: try state.stored()
            case 1: try state.codes(State.fixedTables.0, State.fixedTables.1)
            case 2: try state.dynamic()
            default: throw Failure(message: "invalid deflate block type")
            }
        } while !last
        return state.output
    }

    /// Canonical Huffman decoding table: counts per length and symbols in code order.
    struct Huffman {
        var count = [Int](repeating: 0, count: 16)
        var symbol: [Int]

        /// False for an over-subscribed code (incomplete codes are allowed, as puff does).
        var isValid = true

        init(lengths: ArraySlice<Int>) {
            symbol = [Int](repeating: 0, count: lengths.count)
            for length in lengths { count[length] += 1 }
            var left = 1
            for len in 1..<16 {
                left <<= 1
                left -= count[len]
                if left < 0 { isValid = false; return }
            }
            var offsets = [Int](repeating: 0, count: 16)
            for len in 1..<15 { offsets[len + 1] = offsets[len] + count[len] }
            for (index, length) in zip(lengths.indices, lengths) where length != 0 {
                symbol[offsets[length]] = index - lengths.startIndex
                offsets[length] += 1
            }
        }
    }

    struct State {
        let input: ArraySlice<UInt8>
        var position: Int
        var bitBuffer = 0
        var bitCount = 0
        var output: [UInt8] = []
        let limit: Int

        init(input: ArraySlice<UInt8>, limit: Int) {
            self.input = input
            self.position = input.startIndex
            self.limit = limit
        }

        static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
        static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
        static let distanceBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
        static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

        static let fixedTables: (Huffman, Huffman) = {
            var lengths = [Int](repeating: 8, count: 288)
            for i in 144..<256 { lengths[i] = 9 }
            for i in 256..<280 { lengths[i] = 7 }
            // The fixed codes are complete by construction.
            return (Huffman(lengths: lengths[...]), Huffman(lengths: [Int](repeating: 5, count: 30)[...]))
        }()

        mutating func bits(_ need: Int) throws(Failure) -> Int {
            var value = bitBuffer
            while bitCount < need {
                guard position < input.endIndex else { throw Failure(message: "compressed data ends early") }
                value |= Int(input[position]) << bitCount
                position += 1
                bitCount += 8
            }
            bitBuffer = value >> need
            bitCount -= need
            return value & ((1 << need) - 1)
        }

        mutating func append(_ byte: UInt8) throws(Failure) {
            guard output.count < limit else { throw Failure(message: "decompressed data exceeds \(limit) bytes") }
            output.append(byte)
        }

        mutating func stored() throws(Failure) {
            bitBuffer = 0
            bitCount = 0
            guard position + 4 <= input.endIndex else { throw Failure(message: "compressed data ends early") }
            let length = Int(input[position]) | Int(input[position + 1]) << 8
            let complement = Int(input[position + 2]) | Int(input[position + 3]) << 8
            position += 4
            guard length == (~complement & 0xFFFF) else { throw Failure(message: "stored block length check failed") }
            guard position + length <= input.endIndex else { throw Failure(message: "compressed data ends early") }
            guard output.count + length <= limit else {
                throw Failure(message: "decompressed data exceeds \(limit) bytes")
            }
            output.append(contentsOf: input[position..<position + length])
            position += length
        }

        mutating func decode(_ h: Huffman) throws(Failure) -> Int {
            var code = 0, first = 0, index = 0
            for len in 1..<16 {
                code |= try bits(1)
                let count = h.count[len]
                if code - count < first { return h.symbol[index + (code - first)] }
                index += count
                first += count
                first <<= 1
                code <<= 1
            }
            throw Failure(message: "invalid Huffman code")
        }

        mutating func codes(_ lengthCode: Huffman, _ distanceCode: Huffman) throws(Failure) {
            while true {
                var symbol = try decode(lengthCode)
                if symbol < 256 {
                    try append(UInt8(symbol))
                } else if symbol == 256 {
                    return
                } else {
                    symbol -= 257
                    guard symbol < 29 else { throw Failure(message: "invalid length symbol") }
                    let length = Self.lengthBase[symbol] + (try bits(Self.lengthExtra[symbol]))
                    let dsym = try decode(distanceCode)
                    guard dsym < 30 else { throw Failure(message: "invalid distance symbol") }
                    let distance = Self.distanceBase[dsym] + (try bits(Self.distanceExtra[dsym]))
                    guard distance <= output.count else { throw Failure(message: "distance too far back") }
                    guard output.count + length <= limit else {
                        throw Failure(message: "decompressed data exceeds \(limit) bytes")
                    }
                    let start = output.count - distance
                    for k in 0..<length { output.append(output[start + k]) }
                }
            }
        }

        func checked(_ h: Huffman) throws(Failure) -> Huffman {
            guard h.isValid else { throw Failure(message: "over-subscribed Huffman code") }
            return h
        }

        mutating func dynamic() throws(Failure) {
            let nlen = try bits(5) + 257
            let ndist = try bits(5) + 1
            let ncode = try bits(4) + 4
            guard nlen <= 286, ndist <= 30 else { throw Failure(message: "bad dynamic block counts") }
            let order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
            var lengths = [Int](repeating: 0, count: 320)
            for index in 0..<ncode { lengths[order[index]] = try bits(3) }
            let lencode = try checked(Huffman(lengths: lengths[0..<19]))
            var index = 0
            while index < nlen + ndist {
                var symbol = try decode(lencode)
                if symbol < 16 {
                    lengths[index] = symbol
                    index += 1
                } else {
                    var length = 0
                    if symbol == 16 {
                        guard index > 0 else { throw Failure(message: "repeat with no first length") }
                        length = lengths[index - 1]
                        symbol = 3 + (try bits(2))
                    } else if symbol == 17 {
                        symbol = 3 + (try bits(3))
                    } else {
                        symbol = 11 + (try bits(7))
                    }
                    guard index + symbol <= nlen + ndist else { throw Failure(message: "too many lengths") }
                    for _ in 0..<symbol {
                        lengths[index] = length
                        index += 1
                    }
                }
            }
            guard lengths[256] != 0 else { throw Failure(message: "no end-of-block code") }
            let literal = try checked(Huffman(lengths: lengths[0..<nlen]))
            let distance = try checked(Huffman(lengths: lengths[nlen..<nlen + ndist]))
            try codes(literal, distance)
        }
    }
}

/// CRC-32 (IEEE), as ZIP stores it.
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for b in bytes { crc = table[Int((crc ^ UInt32(b)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}
