import Foundation

/// Fast paths, each tested against its plain kernel (Tests/NetVizTests/Executor). Convolutions become one matrix
/// multiply per group (im2col; a 1x1 stride-1 convolution on NHWC data is already a [positions x C] matrix), the
/// multiply is a register-tiled GEMM over SIMD8 panels, and depthwise convolutions vectorise over channels. MACs are
/// counted as the loops run: each GEMM tile adds rows x K x columns, each depthwise tap adds its channels (taps on
/// zero padding included, as the symbolic rule counts them).
enum Fast {
    /// Work (MACs) above which a GEMM is split over the machine's cores.
    static let parallelThreshold = 4_000_000

    /// `C[i, j] = sum_k A[i, k] * B[k, j] + bias[j]` for i < m, j < n, with row strides lda, ldb, ldc.
    /// Returns the multiply-accumulates performed.
    static func gemm(
        m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int, bias: [Float]?, biasOffset: Int = 0
    ) -> Int64 {
        let panels = (n + 7) / 8
        // The bias slice for these n columns (zeros without a bias), so the store adds it unconditionally.
        let biasBuffer = UnsafeMutablePointer<Float>.allocate(capacity: panels * 8)
        defer { biasBuffer.deallocate() }
        for j in 0..<(panels * 8) {
            biasBuffer[j] = j < n ? (bias.map { $0[biasOffset + j] } ?? 0) : 0
        }
        // Pack B into 8-column panels [panel][k][8], zero-filled past n.
        let packed = UnsafeMutablePointer<Float>.allocate(capacity: max(panels * k * 8, 1))
        defer { packed.deallocate() }
        for p in 0..<panels {
            for kk in 0..<k {
                for j in 0..<8 {
                    let col = p * 8 + j
                    packed[(p * k + kk) * 8 + j] = col < n ? b[kk * ldb + col] : 0
                }
            }
        }
        let rowBlocks = (m + 3) / 4
        let work = m * n * k
        let threads = work >= parallelThreshold ? min(ProcessInfo.processInfo.activeProcessorCount, 8, rowBlocks) : 1
        let counts = UnsafeMutablePointer<Int64>.allocate(capacity: max(threads, 1))
        defer { counts.deallocate() }
        let job = GemmJob(
            m: m, n: n, k: k, a: a, lda: lda, packed: packed, c: c, ldc: ldc, bias: biasBuffer, counts: counts,
            rowBlocks: rowBlocks, threads: threads)
        let body: @Sendable (Int) -> Void = { t in
            let first = job.rowBlocks * t / job.threads * 4, last = min(job.rowBlocks * (t + 1) / job.threads * 4, job.m)
            job.counts[t] = tile(
                rows: first..<last, n: job.n, k: job.k, a: job.a, lda: job.lda, packed: job.packed, c: job.c,
                ldc: job.ldc, bias: job.bias)
        }
        if threads > 1 {
            DispatchQueue.concurrentPerform(iterations: threads, execute: body)
        } else {
            body(0)
        }
        var total: Int64 = 0
        for t in 0..<threads { total += counts[t] }
        return total
    }

    /// One GEMM's pointers, shared by its threads; each thread writes disjoint rows of C and its own count.
    private struct GemmJob: @unchecked Sendable {
        let m: Int, n: Int, k: Int
        let a: UnsafePointer<Float>, lda: Int
        let packed: UnsafeMutablePointer<Float>
        let c: UnsafeMutablePointer<Float>, ldc: Int
        let bias: UnsafeMutablePointer<Float>
        let counts: UnsafeMutablePointer<Int64>
        let rowBlocks: Int, threads: Int
    }

    /// Rows `rows` of C, 4 rows x 8 columns at a time.
    private static func tile(
        rows: Range<Int>, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, packed: UnsafePointer<Float>,
        c: UnsafeMutablePointer<Float>, ldc: Int, bias: UnsafePointer<Float>
    ) -> Int64 {
        var performed: Int64 = 0
        let panels = (n + 7) / 8
        var i = rows.lowerBound
        while i < rows.upperBound {
            let height = min(4, rows.upperBound - i)
            let a0 = a + i * lda
            let a1 = a0 + (height > 1 ? lda : 0), a2 = a0 + (height > 2 ? 2 * lda : 0), a3 = a0 + (height > 3 ? 3 * lda : 0)
            for p in 0..<panels {
                let bp = UnsafeRawPointer(packed + p * k * 8)
                var c0 = SIMD8<Float>(), c1 = SIMD8<Float>(), c2 = SIMD8<Float>(), c3 = SIMD8<Float>()
                for kk in 0..<k {
                    let bv = bp.loadUnaligned(fromByteOffset: kk * 32, as: SIMD8<Float>.self)
                    c0 += bv * a0[kk]
                    c1 += bv * a1[kk]
                    c2 += bv * a2[kk]
                    c3 += bv * a3[kk]
                }
                let width = min(8, n - p * 8)
                performed += Int64(height * k * width)
                let biasVector = UnsafeRawPointer(bias + p * 8).loadUnaligned(as: SIMD8<Float>.self)
                store(c0 + biasVector, to: c + i * ldc + p * 8, width: width)
                if height > 1 { store(c1 + biasVector, to: c + (i + 1) * ldc + p * 8, width: width) }
                if height > 2 { store(c2 + biasVector, to: c + (i + 2) * ldc + p * 8, width: width) }
                if height > 3 { store(c3 + biasVector, to: c + (i + 3) * ldc + p * 8, width: width) }
            }
            i += height
        }
        return performed
    }

    @inline(__always)
    private static func store(_ v: SIMD8<Float>, to row: UnsafeMutablePointer<Float>, width: Int) {
        if width == 8 {
            UnsafeMutableRawPointer(row).storeBytes(of: v, as: SIMD8<Float>.self)
        } else {
            for j in 0..<width { row[j] = v[j] }
        }
    }

    /// Conv2D (NHWC) as GEMM per group; im2col unless the convolution is 1x1, stride 1, unpadded.
    static func convolution(
        _ x: Tensor, kernel: Tensor, bias: Tensor?, window g: Kernels.Window, groups: Int, macs: inout Int64
    ) -> Tensor {
        let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let filters = kernel.shape[3], cpg = c / groups, fpg = filters / groups
        let positions = n * g.oh * g.ow, depth = g.kh * g.kw * cpg
        var out = Tensor(zeros: [n, g.oh, g.ow, filters])
        let direct = g.kh == 1 && g.kw == 1 && g.sh == 1 && g.sw == 1 && g.padTop == 0 && g.padLeft == 0 && groups == 1
        let columns = UnsafeMutablePointer<Float>.allocate(capacity: direct ? 1 : positions * depth)
        defer { columns.deallocate() }
        x.data.withUnsafeBufferPointer { xp in
            kernel.data.withUnsafeBufferPointer { kp in
                out.data.withUnsafeMutableBufferPointer { op in
                    guard let xb = xp.baseAddress, let kb = kp.baseAddress, let ob = op.baseAddress else { return }
                    for group in 0..<groups {
                        if !direct {
                            im2col(xb, n: n, h: h, w: w, c: c, c0: group * cpg, cpg: cpg, window: g, into: columns)
                        }
                        macs += gemm(
                            m: positions, n: fpg, k: depth, a: direct ? xb : UnsafePointer(columns), lda: direct ? c : depth,
                            b: kb + group * fpg, ldb: filters, c: ob + group * fpg, ldc: filters, bias: bias?.data,
                            biasOffset: group * fpg)
                    }
                }
            }
        }
        return out
    }

    /// Rows (b, oy, ox) x columns (ky, kx, ci) of one group's input windows, zeros where a tap falls on padding.
    private static func im2col(
        _ x: UnsafePointer<Float>, n: Int, h: Int, w: Int, c: Int, c0: Int, cpg: Int, window g: Kernels.Window,
        into cols: UnsafeMutablePointer<Float>
    ) {
        var row = cols
        for b in 0..<n {
            for oy in 0..<g.oh {
                for ox in 0..<g.ow {
                    for ky in 0..<g.kh {
                        let iy = oy * g.sh - g.padTop + ky * g.dh
                        for kx in 0..<g.kw {
                            let ix = ox * g.sw - g.padLeft + kx * g.dw
                            if iy >= 0, iy < h, ix >= 0, ix < w {
                                row.update(from: x + ((b * h + iy) * w + ix) * c + c0, count: cpg)
                            } else {
                                row.update(repeating: 0, count: cpg)
                            }
                            row += cpg
                        }
                    }
                }
            }
        }
    }

    /// DepthwiseConv2D (NHWC), vectorised over channels; every tap counts its channels, padded or not.
    static func depthwise(_ x: Tensor, kernel: Tensor, bias: Tensor?, window g: Kernels.Window, macs: inout Int64) -> Tensor {
        let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let dm = kernel.shape[3], oc = c * dm
        var out = Tensor(zeros: [n, g.oh, g.ow, oc])
        var performed: Int64 = 0
        x.data.withUnsafeBufferPointer { xp in
            kernel.data.withUnsafeBufferPointer { kp in
                out.data.withUnsafeMutableBufferPointer { op in
                    guard let xb = xp.baseAddress, let kb = kp.baseAddress, let ob = op.baseAddress else { return }
                    for b in 0..<n {
                        for oy in 0..<g.oh {
                            for ox in 0..<g.ow {
                                let o = ob + ((b * g.oh + oy) * g.ow + ox) * oc
                                if let bias { for j in 0..<oc { o[j] = bias.data[j] } }
                                for ky in 0..<g.kh {
                                    let iy = oy * g.sh - g.padTop + ky * g.dh
                                    for kx in 0..<g.kw {
                                        let ix = ox * g.sw - g.padLeft + kx * g.dw
                                        performed += Int64(oc)
                                        guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
                                        let xs = xb + ((b * h + iy) * w + ix) * c
                                        let ws = kb + (ky * g.kw + kx) * oc
                                        if dm == 1 {
                                            for j in 0..<c { o[j] += xs[j] * ws[j] }
                                        } else {
                                            for ci in 0..<c {
                                                for m in 0..<dm { o[ci * dm + m] += xs[ci] * ws[ci * dm + m] }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        macs += performed
        return out
    }

    /// Dense on the last axis: [positions x features] x [features x units].
    static func dense(_ x: Tensor, kernel: Tensor, bias: Tensor?, positions: Int, macs: inout Int64) -> Tensor {
        let features = kernel.shape[0], units = kernel.shape[1]
        var out = Tensor(zeros: Array(x.shape.dropLast()) + [units])
        x.data.withUnsafeBufferPointer { xp in
            kernel.data.withUnsafeBufferPointer { kp in
                out.data.withUnsafeMutableBufferPointer { op in
                    guard let xb = xp.baseAddress, let kb = kp.baseAddress, let ob = op.baseAddress else { return }
                    macs += gemm(
                        m: positions, n: units, k: features, a: xb, lda: features, b: kb, ldb: units, c: ob, ldc: units,
                        bias: bias?.data)
                }
            }
        }
        return out
    }
}
