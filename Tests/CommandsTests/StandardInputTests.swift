import AllianceTestSupport
import Foundation
import Testing

/// `-` and pipe paths (/dev/stdin) are read once into memory, then hashed and parsed: through the real binary,
/// since standard input belongs to the process.
@Suite struct StandardInputTests {
    func run(_ arguments: [String], input: String) throws -> (status: Int32, out: String) {
        let binary = try #require(AllianceExecutable.path(), "build the package first (swift build)")
        let run = try AllianceExecutable.run(binary, arguments, input: Array(input.utf8))
        return (run.status, run.stdout)
    }

    @Test(arguments: ["-", "/dev/stdin"])
    func describeReadsAPipe(path: String) throws {
        let result = try run(["describe", path, "--format", "json"], input: "x,y\n1,2\n3,5\n")
        #expect(result.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
        #expect(json["rows"] as? Int == 2)
        let data = try #require(json["data"] as? [String: Any])
        // SHA-256 of the exact bytes sent.
        #expect(data["sha256"] as? String == "cb6f7fdf2fe7edcdbba83863997b170e9080078ef8ef409da0f88a13668797ab")
    }
}
