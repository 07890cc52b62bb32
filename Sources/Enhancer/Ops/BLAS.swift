import COpenBLAS
import Foundation

/// The one door to OpenBLAS: its thread count and single-precision matrix products.
enum BLAS {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var currentThreads = 0

    /// Sets OpenBLAS's thread count. It is process-wide, so every run sets it again before
    /// its first product (cheap when it does not change).
    static func useThreads(_ threads: Int) {
        lock.lock()
        defer { lock.unlock() }
        if currentThreads != threads {
            openblas_set_num_threads(Int32(threads))
            currentThreads = threads
        }
    }

    /// Row-major `C[m×n] = A·B + beta·C`, where `A` is stored `m×k` (lda ≥ k) or, with
    /// `transposeA`, `k×m` (lda ≥ m); `B` is `k×n` (ldb ≥ n); `C` is `m×n` (ldc ≥ n).
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
}
