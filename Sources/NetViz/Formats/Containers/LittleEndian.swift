/// Little-endian float data as safetensors and .npy store it.
enum LittleEndian {
    static func floats(_ bytes: [UInt8], from start: Int, count: Int, width: Int) -> [Float] {
        var out = [Float](repeating: 0, count: count)
        bytes.withUnsafeBufferPointer { raw in
            for i in 0..<count {
                let p = start + i * width
                switch width {
                case 4:
                    let bits = UInt32(raw[p]) | UInt32(raw[p + 1]) << 8 | UInt32(raw[p + 2]) << 16 | UInt32(raw[p + 3]) << 24
                    out[i] = Float(bitPattern: bits)
                case 8:
                    var bits: UInt64 = 0
                    for b in 0..<8 { bits |= UInt64(raw[p + b]) << (8 * UInt64(b)) }
                    out[i] = Float(Double(bitPattern: bits))
                default:
                    out[i] = halfToFloat(UInt16(raw[p]) | UInt16(raw[p + 1]) << 8)
                }
            }
        }
        return out
    }

    /// IEEE binary16 -> Float (exact), without relying on the platform's Float16.
    static func halfToFloat(_ h: UInt16) -> Float {
        let sign: Float = h & 0x8000 != 0 ? -1 : 1
        let exponent = Int((h >> 10) & 0x1f), fraction = Int(h & 0x3ff)
        switch exponent {
        case 0: return sign * Float(fraction) * 0x1p-24
        case 31: return fraction == 0 ? sign * .infinity : .nan
        default: return sign * Float(1024 + fraction) * Float(sign: .plus, exponent: exponent - 25, significand: 1)
        }
    }

    static func append(_ values: [Float], to out: inout [UInt8]) {
        for value in values {
            let bits = value.bitPattern
            out.append(UInt8(bits & 0xff))
            out.append(UInt8((bits >> 8) & 0xff))
            out.append(UInt8((bits >> 16) & 0xff))
            out.append(UInt8(bits >> 24))
        }
    }
}
