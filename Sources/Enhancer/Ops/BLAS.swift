import COpenBLAS
import Foundation

/// The one door to OpenBLAS: single-precision matrix products.
///
/// OpenBLAS runs single-threaded here, and the engine splits its products over its own
/// threads (`ParallelLoop`), the same ones that run every other loop. Measured on this
/// project's 2-core machine, OpenBLAS's own threads do worse: after each product they spin
/// for tens of milliseconds, competing for the cores with the loops that follow, and
/// concurrent single-threaded calls made while they spin are serialised.
enum BLAS {
    /// OpenBLAS's process-wide thread count, set to 1 once, before the first product.
    private static let singleThreaded: Void = { openblas_set_num_threads(1) }()

    /// Row-major `C[m×n] = A·B + beta·C`, where `A` is stored `m×k` (lda ≥ k) or, with
    /// `transposeA`, `k×m` (lda ≥ m); `B` is `k×n` (ldb ≥ n); `C` is `m×n` (ldc ≥ n).
    /// Runs on the calling thread.
    @inline(__always)
    static func gemm(m: Int, n: Int, k: Int,
                     a: UnsafePointer<Float>, lda: Int, transposeA: Bool = false,
                     b: UnsafePointer<Float>, ldb: Int,
                     c: UnsafeMutablePointer<Float>, ldc: Int, beta: Float = 0) {
        guard m > 0, n > 0 else { return }
        guard k > 0 else {
            // An empty sum: C = beta·C.
            for row in 0..<m {
                for column in 0..<n { c[row * ldc + column] = beta == 0 ? 0 : beta * c[row * ldc + column] }
            }
            return
        }
        _ = singleThreaded
        if n == 1 {
            // A matrix-vector product: no packing, which matters for the weight-heavy 1×1 layers.
            cblas_sgemv(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans,
                        Int32(transposeA ? k : m), Int32(transposeA ? m : k), 1, a, Int32(lda), b, Int32(ldb),
                        beta, c, Int32(ldc))
            return
        }
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), 1, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// `gemm`, split over `loop`'s threads: by rows of C when B is the smaller operand
    /// (each part then packs all of B, the cheap one, and its share of A), else by columns.
    static func gemm(m: Int, n: Int, k: Int,
                     a: UnsafePointer<Float>, lda: Int, transposeA: Bool = false,
                     b: UnsafePointer<Float>, ldb: Int,
                     c: UnsafeMutablePointer<Float>, ldc: Int, beta: Float = 0, loop: ParallelLoop) {
        let parts = loop.threads
        let splitRows = n <= m
        // Below ~0.5 M multiply-adds a part, or with parts too thin for the kernels, one call is faster.
        guard parts > 1, m * n * k >= parts << 19, (splitRows ? m : n) >= 16 * parts else {
            gemm(m: m, n: n, k: k, a: a, lda: lda, transposeA: transposeA, b: b, ldb: ldb, c: c, ldc: ldc, beta: beta)
            return
        }
        loop.forEachPart(parts) { part in
            if splitRows {
                let (first, end) = (m * part / parts, m * (part + 1) / parts)
                gemm(m: end - first, n: n, k: k, a: a + (transposeA ? first : first * lda), lda: lda,
                     transposeA: transposeA, b: b, ldb: ldb, c: c + first * ldc, ldc: ldc, beta: beta)
            } else {
                let (first, end) = (n * part / parts, n * (part + 1) / parts)
                gemm(m: m, n: end - first, k: k, a: a, lda: lda, transposeA: transposeA, b: b + first, ldb: ldb,
                     c: c + first, ldc: ldc, beta: beta)
            }
        }
    }
}
