import Foundation
import Testing
import Output

/// A fresh directory under the system temporary directory, removed by the caller.
private func makeTemporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "alliance-output-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

private func contents(_ path: String) throws -> String {
    try String(contentsOfFile: path, encoding: .utf8)
}

@Suite struct FileOutputTests {
    @Test func writesTheBytesAndLeavesNoTemporaryFile() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/result.csv"
        try FileOutput.writeAtomically("a,b\r\n1,2\r\n", to: path, refusing: [])
        #expect(try contents(path) == "a,b\r\n1,2\r\n")
        try FileOutput.writeAtomically([0xC3, 0xA9], to: path, refusing: [])
        #expect(try contents(path) == "é")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["result.csv"])
    }

    @Test func replacingAFileKeepsItsPermissions() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/shared.txt"
        try FileOutput.writeAtomically("old", to: path, refusing: [])
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: path)
        try FileOutput.writeAtomically("new", to: path, refusing: [])
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o640)
        #expect(try contents(path) == "new")
    }

    @Test func refusesEverySpellingOfAnInputFile() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let input = directory + "/clinic.csv"
        try "client,phq\n1,12\n".write(toFile: input, atomically: false, encoding: .utf8)
        let symbolicLink = directory + "/link.csv"
        try FileManager.default.createSymbolicLink(atPath: symbolicLink, withDestinationPath: input)
        let hardLink = directory + "/hard.csv"
        try FileManager.default.linkItem(atPath: input, toPath: hardLink)
        let spellings = [input, directory + "/./clinic.csv", directory + "/../" + (directory as NSString).lastPathComponent
                         + "/clinic.csv", symbolicLink, hardLink]
        for destination in spellings {
            #expect(throws: OutputError.wouldOverwriteInput(destination: destination, input: input)) {
                try FileOutput.writeAtomically("oops", to: destination, refusing: [input])
            }
            // The input given through a link is caught too.
            #expect(throws: OutputError.self) {
                try FileOutput.writeAtomically("oops", to: input, refusing: ["-", destination])
            }
        }
        #expect(try contents(input) == "client,phq\n1,12\n")
    }

    @Test func refusalMessageSaysWhatToDo() {
        let error = OutputError.wouldOverwriteInput(destination: "data.csv", input: "./data.csv")
        #expect(error.description == "refusing to write 'data.csv': it is the input file './data.csv'; choose a different output path")
        #expect(error.exitCode == 73)
    }

    @Test func missingDirectoryAndDirectoryDestinationAreTypedErrors() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let missing = directory + "/no/such/dir/out.json"
        #expect(throws: OutputError.directoryMissing(directory: directory + "/no/such/dir", destination: missing)) {
            try FileOutput.writeAtomically("{}", to: missing, refusing: [])
        }
        #expect(throws: OutputError.destinationIsDirectory(directory)) {
            try FileOutput.writeAtomically("{}", to: directory, refusing: [])
        }
        let error = OutputError.directoryMissing(directory: "out", destination: "out/a.svg")
        #expect(error.description.contains("mkdir -p 'out'"))
    }

    @Test(.enabled(if: getuid() != 0, "root can write into read-only directories"))
    func unwritableDirectoryIsReportedAsCannotCreate() throws {
        let directory = try makeTemporaryDirectory()
        defer {
            try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory)
            try? FileManager.default.removeItem(atPath: directory)
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: directory)
        do {
            try FileOutput.writeAtomically("x", to: directory + "/out.txt", refusing: [])
            Issue.record("expected a cannotCreate error")
        } catch {
            guard case .cannotCreate = error else { Issue.record("unexpected \(error)"); return }
            #expect(error.exitCode == 73)
        }
    }
}
