import Foundation

/// Where one weight lies in a `.tflite` file and how to turn it into the Float32 tensor netviz's kernel reads:
/// located while importing, read only by `verify`.
struct TFLiteWeightSource: Sendable, Equatable {
    /// How the file's layout becomes Keras's.
    enum Layout: Sendable, Equatable {
        /// Same element order (biases, and DEPTHWISE_CONV_2D's [1, kh, kw, C*M] read as [kh, kw, C, M]).
        case same
        /// CONV_2D's [O, kh, kw, I] to Keras's [kh, kw, I, O].
        case ohwiToHwio
        /// FULLY_CONNECTED's [units, in] to Keras's [in, units].
        case transpose2D
    }

    var stored: StoredWeight
    var path: String
    /// Byte offset and size of the buffer in the file.
    var offset: Int64
    var size: Int64
    var typeCode: Int8
    var layout: Layout
    /// The shape netviz's kernel wants.
    var shape: [Int]

    func read() throws -> Tensor {
        let elements = try Checked.product(stored.shape)
        guard let width = Self.width(typeCode) else {
            throw NetVizError.file(path: path, message: "weight '\(stored.tensor)' is \(stored.type); verify reads float32, float16, int8, uint8, int16 and int32 weights")
        }
        guard elements <= Limits.verifyElements, try Checked.multiply(elements, Int64(width)) == size else {
            throw NetVizError.file(
                path: path, message: "weight '\(stored.tensor)' has \(size) bytes for \(elements) \(stored.type) elements")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw NetVizError.file(path: path, message: "cannot be read")
        }
        defer { try? handle.close() }
        let bytes: [UInt8]
        do {
            try handle.seek(toOffset: UInt64(offset))
            bytes = [UInt8](try handle.read(upToCount: Int(size)) ?? Data())
        } catch {
            throw NetVizError.file(path: path, message: "weight '\(stored.tensor)' cannot be read: \(error.localizedDescription)")
        }
        guard bytes.count == Int(size) else {
            throw NetVizError.file(path: path, message: "weight '\(stored.tensor)' is cut short (the file ends)")
        }
        var values = decode(bytes, count: Int(elements), width: width)
        values = dequantize(values)
        return try Tensor(shape: shape, data: rearranged(values))
    }

    static func width(_ type: Int8) -> Int? {
        switch type {
        case 0, 2: 4
        case 1, 7: 2
        case 3, 9: 1
        default: nil
        }
    }

    func decode(_ bytes: [UInt8], count: Int, width: Int) -> [Float] {
        switch typeCode {
        case 0: return LittleEndian.floats(bytes, from: 0, count: count, width: 4)
        case 1: return LittleEndian.floats(bytes, from: 0, count: count, width: 2)
        case 2: return (0..<count).map { i in
                Float(Int32(bitPattern: UInt32(bytes[4 * i]) | UInt32(bytes[4 * i + 1]) << 8 | UInt32(bytes[4 * i + 2]) << 16 | UInt32(bytes[4 * i + 3]) << 24))
            }
        case 7: return (0..<count).map { i in Float(Int16(bitPattern: UInt16(bytes[2 * i]) | UInt16(bytes[2 * i + 1]) << 8)) }
        case 3: return bytes.prefix(count).map { Float($0) }
        default: return bytes.prefix(count).map { Float(Int8(bitPattern: $0)) }
        }
    }

    /// (q - zero point) x scale, per tensor or per channel; float weights pass through.
    func dequantize(_ values: [Float]) -> [Float] {
        guard typeCode != 0, typeCode != 1, !stored.scales.isEmpty else { return values }
        let scales = stored.scales, zeros = stored.zeroPoints
        guard scales.count > 1, stored.quantizedDimension >= 0, stored.quantizedDimension < stored.shape.count else {
            let zero = Float(zeros.first ?? 0)
            return values.map { ($0 - zero) * scales[0] }
        }
        let axis = stored.quantizedDimension
        let inner = stored.shape[(axis + 1)...].reduce(1, *), size = stored.shape[axis]
        guard size == scales.count else { return values.map { ($0 - Float(zeros.first ?? 0)) * scales[0] } }
        return values.enumerated().map { i, q in
            let channel = (i / max(inner, 1)) % size
            let zero = channel < zeros.count ? Float(zeros[channel]) : Float(zeros.first ?? 0)
            return (q - zero) * scales[channel]
        }
    }

    func rearranged(_ values: [Float]) -> [Float] {
        let s = stored.shape
        switch layout {
        case .same: return values
        case .transpose2D:
            guard s.count == 2 else { return values }
            let (rows, columns) = (s[0], s[1])
            var out = [Float](repeating: 0, count: values.count)
            for r in 0..<rows { for c in 0..<columns { out[c * rows + r] = values[r * columns + c] } }
            return out
        case .ohwiToHwio:
            guard s.count == 4 else { return values }
            let (o, h, w, i) = (s[0], s[1], s[2], s[3])
            var out = [Float](repeating: 0, count: values.count)
            for oo in 0..<o { for hh in 0..<h { for ww in 0..<w { for ii in 0..<i {
                out[((hh * w + ww) * i + ii) * o + oo] = values[((oo * h + hh) * w + ww) * i + ii]
            } } } }
            return out
        }
    }
}
