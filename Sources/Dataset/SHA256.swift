import CCrypto
import Foundation

/// SHA-256 digests through OpenSSL's libcrypto, as lowercase hex: what a study stores to
/// pin the model files and images its panels were made from.
public enum SHA256 {
    /// The digest of `bytes`.
    public static func hex(_ bytes: some ContiguousBytes) -> String {
        let context = Context()
        bytes.withUnsafeBytes { context.update($0) }
        return context.finish()
    }

    /// The digest of a regular file, read in 1 MiB pieces (a model file can be large).
    ///
    /// - Throws: `RegularFileError` for a missing, unreadable or non-regular file.
    public static func hex(ofFileAt path: String) throws -> String {
        let (descriptor, _) = try RegularFile.openForReading(path)
        defer { close(descriptor) }
        let context = Context()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw RegularFileError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
            }
            if count == 0 { break }
            buffer.withUnsafeBytes { context.update(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        }
        return context.finish()
    }

    private final class Context {
        let pointer: OpaquePointer

        init() {
            // Allocation fails only when memory is exhausted, where nothing else would run.
            pointer = EVP_MD_CTX_new()!
            EVP_DigestInit_ex(pointer, EVP_sha256(), nil)
        }

        deinit { EVP_MD_CTX_free(pointer) }

        func update(_ bytes: UnsafeRawBufferPointer) {
            if bytes.count > 0 { EVP_DigestUpdate(pointer, bytes.baseAddress, bytes.count) }
        }

        func finish() -> String {
            var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
            var length: UInt32 = 0
            EVP_DigestFinal_ex(pointer, &digest, &length)
            return digest.prefix(Int(length)).map { String(format: "%02x", $0) }.joined()
        }
    }
}
