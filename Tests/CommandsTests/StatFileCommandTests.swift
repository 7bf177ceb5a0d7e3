import AllianceTestSupport
import Foundation
import Testing
import DataTable
import StatFiles
@testable import Commands

/// SPSS/Stata files through the commands: chosen by extension, labels shown by `describe`, the reference level of
/// a labelled factor is its lowest code, the identifier guard runs as on CSVs, and `score --out` writes the file
/// back with its labels. Fixtures: Tests/StatFilesTests/Fixtures (made by haven, make_statfiles.R).
@Suite struct StatFileCommandTests {
    /// The StatFilesTests fixtures, read from the source tree (another target's bundle is not this one's).
    static func statFixture(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("StatFilesTests/Fixtures/\(name)").path
    }

    @Test func describeShowsLabelsLevelsInCodeOrderAndDeclaredMissing() throws {
        let run = try runCommand(["describe", Self.statFixture("labelled.sav"), "--format", "json", "--min-cell", "1"])
        #expect(run.error == nil)
        let columns = try #require(try parseJSON(run.stdout)["columns"] as? [[String: Any]])
        let phq = try #require(columns.first { $0["name"] as? String == "phq_1" })
        #expect(phq["label"] as? String == "Little interest or pleasure")
        #expect(phq["declared_missing"] as? Int == 1)
        #expect(phq["missing"] as? Int == 2)
        let levels = try #require(phq["levels"] as? [[String: Any]]).map { $0["level"] as? String ?? "" }
        #expect(levels == ["Not at all", "Several days", "More than half the days", "Nearly every day"])
        let site = try #require(columns.first { $0["name"] as? String == "site" })
        #expect(site["label"] == nil && site["declared_missing"] == nil)
        let text = try runCommand(["describe", Self.statFixture("labelled.sav")]).stdout
        #expect(text.contains("Variable labels") && text.contains("Bond with therapist"))
    }

    @Test func codesKeepsNumbers() throws {
        // --min-cell 1: the fixture has a handful of rows, which describe otherwise withholds (too few values).
        let run = try runCommand(["describe", Self.statFixture("labelled.dta"), "--codes", "--format", "json",
                                  "--min-cell", "1"])
        let columns = try #require(try parseJSON(run.stdout)["columns"] as? [[String: Any]])
        let phq = try #require(columns.first { $0["name"] as? String == "phq_1" })
        #expect(phq["type"] as? String == "numeric")
        #expect(phq["max"] as? Double == 3)
    }

    /// wai_total ~ bond on labelled.sav: rows with both present are bond Strong (4) ×3, Weak (1) ×2, 5 ×1 (level
    /// 2's only row has no wai_total). Reference: Weak, the lowest code (sorted order would pick "5").
    /// Hand computation: Weak mean (4.5 + 3.75)/2 = 4.125; Strong (3.25 + 2.125 + 1.5)/3 = 2.291666…; 5: 5.
    @Test func labelledFactorsUseTheLowestCodeAsReference() throws {
        let run = try runCommand(["fit", "ols", Self.statFixture("labelled.sav"), "--formula", "wai_total ~ bond", "--format", "json"])
        #expect(run.error == nil, "\(String(describing: run.error))")
        let coefficients = try #require(try parseJSON(run.stdout)["coefficients"] as? [[String: Any]])
        #expect(coefficients.map { $0["term"] as? String ?? "" } == ["(Intercept)", "bond[Strong]", "bond[5]"])
        let estimates = coefficients.map { $0["estimate"] as? Double ?? .nan }
        for (e, reference) in zip(estimates, [4.125, (3.25 + 2.125 + 1.5) / 3 - 4.125, 5 - 4.125]) {
            #expect(abs(e - reference) <= 1e-12 * max(1, abs(reference)))
        }
    }

    @Test func identifierGuardRefusesDatesInAnSPSSFile() throws {
        let run = try runCommand(["check", Self.statFixture("dates.sav")])
        #expect(run.error?.kind == .data || run.report?.exitStatus == 65)
        let all = run.stdout + run.stderr + (run.error?.message ?? "")
        #expect(all.contains("visit"))
        #expect(!all.contains("2024-03-15") && !all.contains("1999-12-31"))
    }

    /// A short SPSS name hides what its variable label says: `v1` labelled "Client email address" is refused by
    /// header, naming the column and never its label or values.
    @Test func variableLabelsAreClassifiedLikeHeaders() throws {
        let dir = try temporaryDirectory("label-guard")
        let column = Column(name: "v1", data: .numeric(NumericColumn([1, 2, 3])),
                            metadata: ColumnMetadata(label: "Client email address"))
        let bytes = try StatFileWriter.data(try Table(columns: [column]), format: .sav, file: "v.sav")
        let path = (dir as NSString).appendingPathComponent("v.sav")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let run = try runCommand(["describe", path])
        #expect(run.error?.kind == .data)
        #expect(run.error?.message.contains("column 'v1'") == true)
        #expect(run.error?.message.contains("Client email address") == false)
    }

    /// A clinic's export can carry an identifier in its metadata alone: a variable label that holds a contact
    /// address, or a value label that is a client's name or telephone number (with `--codes` the column stays
    /// numeric, so its labels are never levels). Both are refused, naming the column and never the text.
    @Test func identifiersInVariableAndValueLabelsAreRefused() throws {
        let dir = try temporaryDirectory("label-content-guard")
        let cases: [(String, ColumnMetadata)] = [
            ("email", ColumnMetadata(label: "Score (queries to J.SMITH+audit@NHS.NET)")),
            ("phone", ColumnMetadata(label: "Rated by clinician, ring 07700 900123")),
            ("name", ColumnMetadata(valueLabels: [ValueLabel(value: 1, label: "Mrs Patel"),
                                                  ValueLabel(value: 2, label: "other")])),
            ("nhs", ColumnMetadata(valueLabels: [ValueLabel(value: 9, label: "943 476 5919")])),
        ]
        for (tag, metadata) in cases {
            let column = Column(name: "v1", data: .numeric(NumericColumn([1, 2, 2, 1])), metadata: metadata)
            let bytes = try StatFileWriter.data(try Table(columns: [column]), format: .sav, file: "v.sav")
            let path = (dir as NSString).appendingPathComponent("\(tag).sav")
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            for arguments in [["describe", path], ["describe", path, "--codes"]] {
                let run = try runCommand(arguments)
                let all = run.stdout + run.stderr + (run.error?.message ?? "")
                #expect(run.error?.kind == .data, "\(tag) \(arguments)")
                #expect(run.error?.message.contains("column 'v1'") == true, "\(tag) \(arguments)")
                #expect(!all.contains("NHS.NET") && !all.contains("07700") && !all.contains("Patel")
                        && !all.contains("5919"), "\(tag) \(arguments)")
            }
        }
    }

    /// `score --out scored.sav` keeps the items' value labels, variable labels and missing-value definitions;
    /// the bytes are those of the committed `alliance-scored.sav`, which haven read as
    /// `expected-alliance-scored.sav.json` (StatFileReaderTests checks alliance reads it the same).
    @Test(arguments: ["sav", "dta"])
    func scoreWritesTheFileBackWithLabels(ext: String) throws {
        let dir = try temporaryDirectory("score-\(ext)")
        let run = try runCommand(["score", Self.statFixture("labelled.sav"), "--key", try fixtureFiles.path("statfiles/two_item_key.json"),
                                  "--items", "phq_1,phq_2", "--out", "scored.\(ext)"], outputDirectory: dir)
        #expect(run.error == nil, "\(String(describing: run.error))")
        let path = (dir as NSString).appendingPathComponent("scored.\(ext)")
        let written = try Data(contentsOf: URL(fileURLWithPath: path))
        let committed = try Data(contentsOf: URL(fileURLWithPath: Self.statFixture("alliance-scored.\(ext)")))
        #expect(written == committed, "alliance-scored.\(ext) changed; rerun make_statfiles.R on the new file")
        let table = try StatFileReader.read(contentsOf: path, format: try #require(StatFileFormat(path: path)))
        let total = try #require(table.column(named: "two_item_total")?.numeric)
        #expect((0..<8).map { total[$0] } == [0, 2, 3, 5, nil, nil, 3, 1])
        let phq = try #require(table.column(named: "phq_1"))
        #expect(phq.categorical?.levels == ["Not at all", "Several days", "More than half the days", "Nearly every day"])
        #expect(phq.label == "Little interest or pleasure")
        // The input's 9 (Refused, declared missing) in the 5th case: written back as 9 under the declaration in a
        // .sav (haven reads it as user-missing 9), system-missing in a .dta, which cannot declare it.
        #expect(phq.metadata.declaredMissingCount == (ext == "sav" ? 1 : 0))
        #expect(phq.metadata.declaredMissingCodes == (ext == "sav" ? [4: 9] : [:]))
    }

    @Test func scoreRefusesAnUnwritableExtension() throws {
        let run = try runCommand(["score", Self.statFixture("labelled.sav"), "--key", try fixtureFiles.path("statfiles/two_item_key.json"),
                                  "--items", "phq_1,phq_2", "--out", "scored.xpt"])
        #expect(run.error?.kind == .usage)
    }

    /// Truncated, corrupt and mislabelled files: exit 65 naming the file, never a crash.
    @Test(arguments: ["truncated.sav", "truncated.dta", "corrupt.dta", "random_bytes.sav", "csv_named.sav"])
    func hostileStatFilesAreRefused(file: String) throws {
        let outcome = Hostile.run(["describe", file], in: try Hostile.corpusDirectory())
        #expect(outcome.status == 65, "\(file): \(outcome.message)")
        #expect(outcome.message.contains(file))
        #expect(outcome.message.contains("extension matches its contents"))
    }

    @Test func missingStatFileIs66() throws {
        let outcome = Hostile.run(["describe", "no_such_file.sav"], in: try Hostile.corpusDirectory())
        #expect(outcome.status == 66)
        #expect(outcome.message.contains("no_such_file.sav"))
    }
}
