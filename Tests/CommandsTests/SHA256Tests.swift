import Foundation
import Testing
import DataTable
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
/// once or later, from several threads, while compute threads come and go or hold every core; a file that cannot be
/// opened is an error when the digest is made (exit 66), one that cannot be read after opening when it is awaited.
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

    @Test func digestComputedOnDemandEqualsTheBytesDigest() throws {
        let content = Array([[UInt8]](repeating: (0..<247).map { UInt8($0) }, count: 30_000).joined())
        for bytes in [content, []] {
            let path = try temporaryFile(bytes)
            let digest = try FileDigest(path: path, inBackground: false)
            // Opened at once: removing the file does not change what is hashed when the digest is asked for.
            try FileManager.default.removeItem(atPath: path)
            #expect(digest.byteCount == bytes.count)
            #expect(try digest.sha256() == SHA256.hex(of: bytes))
            #expect(try digest.sha256() == SHA256.hex(of: bytes))
        }
        // Every core held by compute threads: a digest computed on demand does not wait for one to leave.
        let path = try temporaryFile(content)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let held = EveryCoreHeld()
        let digest = try FileDigest(path: path, inBackground: false)
        #expect(try digest.sha256() == SHA256.hex(of: content))
        held.end()
        #expect(throws: CLIError.self) { _ = try FileDigest(path: "/nonexistent/alliance-digest-test.csv", inBackground: false) }
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

    @Test func fileHashedWhileComputeThreadsRunEqualsTheBytesDigest() throws {
        // Compute threads come and go (as the parse's halves and ParallelJobs do) while the file is hashed in
        // 256 KiB steps that pause whenever they hold every core.
        let content = Array([[UInt8]](repeating: (0..<253).map { UInt8($0) }, count: 40_000).joined())
        let path = try temporaryFile(content)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let digest = try FileDigest(path: path)
        for _ in 0..<50 {
            DispatchQueue.concurrentPerform(iterations: 2) { _ in
                ComputeThreads.working { _ = (0..<20_000).reduce(0, &+) }
            }
        }
        #expect(try digest.sha256() == SHA256.hex(of: content))
    }

    @Test func aWaiterGetsTheDigestWhileComputeThreadsHoldEveryCore() throws {
        let content = Array([[UInt8]](repeating: (0..<241).map { UInt8($0) }, count: 20_000).joined())
        let path = try temporaryFile(content)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let held = EveryCoreHeld()
        // Every core is held: the hash pauses at its first step until the wait below lets it run on.
        let digest = try FileDigest(path: path)
        #expect(try digest.sha256() == SHA256.hex(of: content))
        held.end()
    }

    @Test func aPausedHashGoesOnWhenAComputeThreadLeaves() throws {
        let content = Array([[UInt8]](repeating: (0..<239).map { UInt8($0) }, count: 5_000).joined())
        let path = try temporaryFile(content)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let held = EveryCoreHeld()
        // Hashed without a waiter (never hurried), in 4 KiB steps: it can finish only once a core is free.
        let fd = open(path, O_RDONLY)
        #expect(fd >= 0)
        defer { close(fd) }
        let box = ResultBox()
        let hashing = DispatchGroup()
        DispatchQueue.global().async(group: hashing) {
            box.value = FileDigest.hash(fd, path: path, size: content.count, pausing: ComputeThreads.Background(), step: 4096)
        }
        held.releaseOne()
        hashing.wait()
        #expect(try box.value?.get() == SHA256.hex(of: content))
        held.end()
    }

    @Test func aFileThatCannotBeReadAfterOpeningIsAnError() throws {
        // A directory opens (O_RDONLY) but cannot be mapped or read: the error comes with the digest.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("digest-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let digest = try FileDigest(path: directory)
        #expect(throws: CLIError.self) { _ = try digest.sha256() }
    }

    @Test func aFileRemovedAfterOpeningIsHashedAsOpened() throws {
        let content = Array([[UInt8]](repeating: (0..<233).map { UInt8($0) }, count: 3_000).joined())
        let path = try temporaryFile(content)
        let digest = try FileDigest(path: path)
        try FileManager.default.removeItem(atPath: path)
        #expect(try digest.sha256() == SHA256.hex(of: content))
    }

    @Test func unreadableFileIsRefusedAtOnce() {
        #expect(throws: CLIError.self) { _ = try FileDigest(path: "/nonexistent/alliance-digest-test.csv") }
    }
}

/// Compute threads (`ComputeThreads.working`) holding every core from `init` until released: one by `releaseOne`, the
/// rest by `end`, which waits for them.
private final class EveryCoreHeld: @unchecked Sendable {
    private let cores = ComputeThreads.cores
    private let started = DispatchSemaphore(value: 0)
    private let release = DispatchSemaphore(value: 0)
    private let finished = DispatchGroup()
    private var released = 0

    init() {
        for _ in 0..<cores {
            DispatchQueue.global().async(group: finished) { [started, release] in
                ComputeThreads.working {
                    started.signal()
                    release.wait()
                }
            }
        }
        for _ in 0..<cores { started.wait() }
    }

    func releaseOne() {
        released += 1
        release.signal()
    }

    func end() {
        for _ in released..<cores { release.signal() }
        finished.wait()
    }
}

private final class ResultBox: @unchecked Sendable {
    var value: Result<String, CLIError>?
}
