import CCrypto

/// SHA-256 (FIPS 180-4) for data provenance in results and manifests, by OpenSSL's libcrypto (hardware SHA
/// extensions where the CPU has them: hashing a 100 MB input costs a fraction of parsing it).
public struct SHA256 {
    private final class Context {
        /// libcrypto initialised without its exit-time clean-up: a file's digest is hashed on a thread of its own
        /// (`FileDigest`) that may still be running when a command ends (a CSV report never asks for it, an error
        /// exits early), and OpenSSL's `atexit` handler freed the digest's state under it (a double free or a
        /// segmentation fault in about one exit in four). The first initialisation decides, so this runs first.
        private static let initialized: Bool = OPENSSL_init_crypto(UInt64(OPENSSL_INIT_NO_ATEXIT), nil) == 1

        let pointer: OpaquePointer?
        init() {
            _ = Context.initialized
            pointer = EVP_MD_CTX_new()
            if let pointer { EVP_DigestInit_ex(pointer, EVP_sha256(), nil) }
        }
        deinit { EVP_MD_CTX_free(pointer) }
    }

    private let context = Context()
    private var finished = false

    public init() {}

    public mutating func update<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        let array = Array(bytes)
        array.withUnsafeBytes { update(raw: $0) }
    }

    public mutating func update(raw: UnsafeRawBufferPointer) {
        guard !finished, let base = raw.baseAddress, raw.count > 0 else { return }
        EVP_DigestUpdate(context.pointer, base, raw.count)
    }

    /// The 32-byte digest; the hasher is spent afterwards.
    public mutating func finalize() -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        if !finished {
            _ = digest.withUnsafeMutableBufferPointer { EVP_DigestFinal_ex(context.pointer, $0.baseAddress, &length) }
        }
        finished = true
        return digest
    }

    public static func hex<C: Collection>(of bytes: C) -> String where C.Element == UInt8 {
        var h = SHA256()
        h.update(bytes)
        return hexString(h.finalize())
    }

    static func hexString(_ digest: [UInt8]) -> String {
        digest.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
