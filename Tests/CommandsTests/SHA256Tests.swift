import Foundation
import Testing
@testable import Commands

/// FIPS 180-4 test vectors (NIST CSRC examples).
@Suite struct SHA256Tests {
    @Test func emptyString() {
        #expect(SHA256.hex(of: Array("".utf8)) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func abc() {
        #expect(SHA256.hex(of: Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func twoBlockMessage() {
        let m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
        #expect(SHA256.hex(of: Array(m.utf8)) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func millionAsFedInUnevenPieces() {
        var h = SHA256()
        var remaining = 1_000_000
        var piece = 1
        while remaining > 0 {
            let n = min(piece, remaining)
            h.update([UInt8](repeating: UInt8(ascii: "a"), count: n))
            remaining -= n
            piece = piece * 3 + 1
        }
        let hex = h.finalize().map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        #expect(hex == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}

/// The background file digest: the same hex as hashing the bytes, for files hashed at idle priority and awaited at
/// once or later, from several threads; an unreadable file is an error when the digest is made (exit 66).
@Suite struct FileDigestTests {
    private func temporaryFile(_ bytes: [UInt8]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("digest-\(UUID().uuidString).bin").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func fileDigestEqualsTheBytesDigest() throws {
        // 4 MiB and a bit: more than one of the hasher's 4 MiB chunks, and an empty file.
        let pattern = (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }
        let bytes = Array([[UInt8]](repeating: pattern, count: 1024).joined()) + [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]
        for content in [bytes, []] {
            let path = try temporaryFile(content)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let digest = try FileDigest(path: path)
            #expect(digest.byteCount == content.count)
            #expect(try digest.sha256() == SHA256.hex(of: content))
            #expect(try digest.sha256() == SHA256.hex(of: content))  // a second wait returns the same
        }
    }

    @Test func awaitedFromSeveralThreads() async throws {
        let content = Array([[UInt8]](repeating: (0..<251).map { UInt8($0) }, count: 4_000).joined())
        let path = try temporaryFile(content)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let digest = try FileDigest(path: path)
        let expected = SHA256.hex(of: content)
        try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<4 { group.addTask { try digest.sha256() } }
            for try await hex in group { #expect(hex == expected) }
        }
    }

    @Test func unreadableFileIsRefusedAtOnce() {
        #expect(throws: CLIError.self) { _ = try FileDigest(path: "/nonexistent/alliance-digest-test.csv") }
    }
}
