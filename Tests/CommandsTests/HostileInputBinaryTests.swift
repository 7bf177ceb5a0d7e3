import AllianceTestSupport
import Foundation
import Testing

/// A handful of hostile inputs through the real `alliance` executable, to prove what the in-process tests
/// cannot: the process exits with a sysexits status (64–74), prints no trap message or backtrace, and
/// finishes in well under 10 seconds.
@Suite("Hostile input: the alliance binary")
struct HostileInputBinaryTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let arguments: [String]
        let status: Int32
        /// Expected in standard error or standard output (`check` reports its findings as a table).
        let outputContains: String
        var standardInput: [UInt8]? = nil

        var testDescription: String { String(arguments.joined(separator: " ").prefix(80)) }
    }

    static let cases: [Case] = [
        Case(arguments: ["describe", "ragged_short.csv"], status: 65, outputContains: "ragged_short.csv:3:"),
        Case(arguments: ["describe", "nul_byte.csv"], status: 65, outputContains: "nul_byte.csv:3:2"),
        Case(arguments: ["describe", "invalid_utf8_field.csv"], status: 65, outputContains: "invalid_utf8_field.csv:3:2"),
        Case(arguments: ["describe", "empty.csv"], status: 65, outputContains: "the file is empty"),
        Case(arguments: ["check", "identifier_email.csv"], status: 65, outputContains: "email addresses"),
        Case(arguments: ["describe", "no_such_file.csv"], status: 66, outputContains: "no_such_file.csv"),
        Case(arguments: ["describe", "truncated.sav"], status: 65, outputContains: "truncated.sav: not a readable SPSS .sav file"),
        Case(arguments: ["describe", "models.csv", "--by", "stie"], status: 64, outputContains: "did you mean 'site'"),
        Case(arguments: ["describe", "models.csv", "--bogus"], status: 64, outputContains: "--bogus"),
        Case(arguments: ["describe", "header_only.csv", "--out", "/nonexistent-directory/out.txt"], status: 73,
             outputContains: "/nonexistent-directory/out.txt"),
        Case(arguments: ["fit", "logit", "models.csv", "--formula", "sep_y ~ x1"], status: 65, outputContains: "separation"),
        Case(arguments: ["fit", "ols", "models.csv", "--formula", "y ~ (x1 + z"], status: 64, outputContains: "expected ')'"),
        // 30,000 parentheses: 60 KB, under Linux's 128 KB limit for one argument.
        Case(arguments: ["fit", "ols", "models.csv", "--formula",
                         "y ~ " + String(repeating: "(", count: 30_000) + "x1" + String(repeating: ")", count: 30_000)],
             status: 64, outputContains: "nested more than 64 levels"),
        Case(arguments: ["fit", "ols", "models.csv", "--formula", "y ~ factor(client)"], status: 65,
             outputContains: "30 parameters but only 30 complete rows"),
        Case(arguments: ["describe", "-"], status: 65, outputContains: "<stdin>:2:2",
             standardInput: Array("a,b\n1,\"open\n2,3\n".utf8)),
    ]

    @Test("hostile input through the executable", arguments: cases)
    func executable(_ c: Case) throws {
        let path = try #require(AllianceExecutable.path(), "alliance executable not found; build it (swift build) or set ALLIANCE_BINARY")
        let run = try AllianceExecutable.run(path, c.arguments, input: c.standardInput ?? [], directory: try Hostile.corpusDirectory())
        let message = run.stderr

        #expect(run.exited, "terminated by a signal: \(message)")
        #expect(run.status == c.status, "\(c.testDescription): \(message)")
        #expect((64...74).contains(run.status))
        let output = run.stdout
        #expect((message + output).contains(c.outputContains), "\(c.testDescription): \(message)\(output)")
        for trap in ["Fatal error", "Stack dump", "backtrace", "Current stack trace", "Illegal instruction", "Segmentation fault"] {
            #expect(!message.contains(trap), "\(c.testDescription) printed '\(trap)': \(message)")
        }
        #expect(run.seconds < 10, "\(c.testDescription) took \(run.seconds) s")
    }

    /// A command that fails on its input exits while the input's digest may still be hashing on its own thread;
    /// OpenSSL's exit-time clean-up then freed the digest's state under it (a double free or a segmentation fault in
    /// about one exit in four, seen in session 11). Twenty such exits must all be the clean data error.
    @Test func earlyExitsWhileHashingAreClean() throws {
        let path = try #require(AllianceExecutable.path(), "alliance executable not found; build it (swift build) or set ALLIANCE_BINARY")
        for _ in 0..<20 {
            let run = try AllianceExecutable.run(path, ["describe", "nul_byte.csv"], directory: try Hostile.corpusDirectory())
            #expect(run.exited && run.status == 65, "exit \(run.status): \(run.stderr)")
        }
    }
}
