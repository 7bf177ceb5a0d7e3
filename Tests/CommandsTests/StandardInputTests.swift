import Foundation
import Testing

/// `-` and pipe paths (/dev/stdin) are read once into memory, then hashed and parsed: through the real binary,
/// since standard input belongs to the process.
@Suite struct StandardInputTests {
    static let binary = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/debug/alliance").path

    func run(_ arguments: [String], input: String) throws -> (status: Int32, out: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self))
    }

    @Test(arguments: ["-", "/dev/stdin"])
    func describeReadsAPipe(path: String) throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the package first (swift build)")
        let result = try run(["describe", path, "--format", "json"], input: "x,y\n1,2\n3,5\n")
        #expect(result.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
        #expect(json["rows"] as? Int == 2)
        let data = try #require(json["data"] as? [String: Any])
        // SHA-256 of the exact bytes sent.
        #expect(data["sha256"] as? String == "cb6f7fdf2fe7edcdbba83863997b170e9080078ef8ef409da0f88a13668797ab")
    }
}
