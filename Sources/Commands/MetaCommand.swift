import ArgumentParser
import DataTable
import Models
import Output
import Reporting

/// `alliance meta <studies.csv> --measure cor --r COL --n COL …`: random-effects, fixed-effect and three-level
/// meta-analysis and meta-regression of study summaries, as metafor's escalc, rma.uni and rma.mv.
public struct MetaCommand: AllianceSubcommand {
    public static let configuration = CommandConfiguration(
        commandName: "meta",
        abstract: "Meta-analysis of study results: random effects (REML, DL, PM, ML, HE, SJ) or fixed effect, meta-regression, three-level models, forest and funnel plots.",
        discussion: """
            One row per study (or per effect size with --cluster). Measures as metafor's escalc: cor (r and n; Fisher's z,
            results back-transformed to r), smd (means, SDs and ns of two groups; Hedges' g with the exact correction), or/rr
            (2×2 counts; a study with a zero cell gets 0.5 added to all four cells, escalc's default), generic (yi with vi or sei).
            τ² by REML (default), dl, pm, ml, he, sj, or fe for a fixed-effect model; --knha for Knapp–Hartung t tests.
            Q, I², H², the Q-profile interval of τ² and the prediction interval are always reported. --mods "x + z" fits a
            meta-regression (QM test, R²). --cluster study fits rma.mv(random = ~ 1 | study/es) by REML.
            --egger gives both of regtest's forms; --trimfill trim-and-fill (L0). Rows with a missing value in any column
            used are dropped and counted.
            """
    )

    @OptionGroup public var input: DataInput

    @Option(name: .long, help: "cor (Fisher's z of r, escalc's ZCOR; zcor is accepted too), smd, or, rr or generic.")
    public var measure: String

    @Option(name: .customLong("r"), help: "cor: the correlation column.") public var rColumn: String?
    @Option(name: .customLong("n"), help: "cor: the sample-size column.") public var nColumn: String?
    @Option(name: .long, help: "smd: mean of group 1.") public var m1: String?
    @Option(name: .long, help: "smd: SD of group 1.") public var sd1: String?
    @Option(name: .long, help: "smd: size of group 1.") public var n1: String?
    @Option(name: .long, help: "smd: mean of group 2.") public var m2: String?
    @Option(name: .long, help: "smd: SD of group 2.") public var sd2: String?
    @Option(name: .long, help: "smd: size of group 2.") public var n2: String?
    @Option(name: .long, help: "or/rr: events in group 1.") public var ai: String?
    @Option(name: .long, help: "or/rr: non-events in group 1.") public var bi: String?
    @Option(name: .long, help: "or/rr: events in group 2.") public var ci: String?
    @Option(name: .long, help: "or/rr: non-events in group 2.") public var di: String?
    @Option(name: .long, help: "generic: the effect-size column.") public var yi: String?
    @Option(name: .long, help: "generic: the sampling-variance column.") public var vi: String?
    @Option(name: .long, help: "generic: the standard-error column (instead of --vi).") public var sei: String?

    @Option(name: .long, help: "A column naming the studies (labels in tables and the forest plot).")
    public var study: String?

    @Option(name: .long, help: "τ² estimator: reml, dl, pm, ml, he, sj, or fe (fixed effect).")
    public var method: String = "reml"

    @Flag(name: .long, help: "Knapp–Hartung t tests (and F for moderators) on k − p df.")
    public var knha = false

    @Option(name: .long, help: "Moderators for a meta-regression in formula syntax, e.g. \"year + design\".")
    public var mods: String?

    @Option(name: .long, help: "Several effects per value of this column: a three-level model (rma.mv, random = ~ 1 | COL/es).")
    public var cluster: String?

    @Flag(name: .long, help: "Egger's regression test in both of metafor's forms (regtest model = \"rma\" and \"lm\").")
    public var egger = false

    @Flag(name: .long, help: "Trim-and-fill (L0; the side chosen as metafor does).")
    public var trimfill = false

    @Option(name: .long, help: "Write a forest plot (.svg, .pdf or .png).")
    public var forest: String?

    @Option(name: .long, help: "Write a funnel plot (.svg, .pdf or .png); adds Egger's test.")
    public var funnel: String?

    @OptionGroup public var resolution: FigureResolution

    @Option(name: .long, help: "Confidence level.")
    public var level: Double = 0.95

    @OptionGroup public var output: OutputOptions

    public init() {}

    public var outputOptions: OutputOptions? { output }

    /// The effect-size inputs the measure needs, as (option, column) pairs.
    func effectColumns(_ measure: EffectMeasure) throws -> [(String, String)] {
        func need(_ pairs: [(String, String?)]) throws -> [(String, String)] {
            let missing = pairs.filter { $0.1 == nil }.map { "--\($0.0) COL" }
            guard missing.isEmpty else {
                throw CLIError.usage("--measure \(measure.rawValue) needs \(missing.joined(separator: ", "))")
            }
            return pairs.map { ($0.0, $0.1 ?? "") }
        }
        let given: [(String, String?)] = [("r", rColumn), ("n", nColumn), ("m1", m1), ("sd1", sd1), ("n1", n1), ("m2", m2), ("sd2", sd2),
                                          ("n2", n2), ("ai", ai), ("bi", bi), ("ci", ci), ("di", di), ("yi", yi), ("vi", vi), ("sei", sei)]
        let wanted: [String]
        switch measure {
        case .cor: wanted = ["r", "n"]
        case .smd: wanted = ["m1", "sd1", "n1", "m2", "sd2", "n2"]
        case .or, .rr: wanted = ["ai", "bi", "ci", "di"]
        case .generic:
            guard (vi == nil) != (sei == nil) else { throw CLIError.usage("--measure generic needs --yi COL and one of --vi COL or --sei COL") }
            wanted = ["yi", vi != nil ? "vi" : "sei"]
        }
        if let stray = given.first(where: { $0.1 != nil && !wanted.contains($0.0) }) {
            throw CLIError.usage("--\(stray.0) does not apply to --measure \(measure.rawValue) (it takes \(wanted.map { "--\($0)" }.joined(separator: ", ")))")
        }
        return try need(given.filter { wanted.contains($0.0) })
    }

    public func execute(in context: RunContext) throws -> CommandReport {
        // escalc's name for the same measure (ZCOR: Fisher's z of r) is accepted; its COR (raw r) is not offered.
        let named = measure.lowercased() == "zcor" ? "cor" : measure.lowercased()
        guard let measure = EffectMeasure(rawValue: named) else {
            throw CLIError.usage("unknown --measure '\(self.measure)'; use cor (Fisher's z, escalc's ZCOR), smd, or, rr or generic")
        }
        guard let estimator = TauEstimator(rawValue: method.lowercased()) else {
            throw CLIError.usage("unknown --method '\(method)'; use reml, dl, pm, ml, he, sj or fe")
        }
        guard level > 0 && level < 1 else { throw CLIError.usage("--level must be strictly between 0 and 1, e.g. 0.95") }
        let inputs = try effectColumns(measure)
        if cluster != nil {
            if estimator != .reml || knha { throw CLIError.usage("--cluster fits the three-level model by REML with z tests; drop --method and --knha") }
            if egger || trimfill || funnel != nil { throw CLIError.usage("--egger, --trimfill and --funnel apply to models without --cluster") }
            if mods != nil { throw CLIError.usage("--cluster with --mods is not supported; fit the three-level model without moderators") }
        }
        if trimfill && mods != nil { throw CLIError.usage("--trimfill applies to models without --mods (as metafor's trimfill)") }

        try resolution.check(forest, option: "--forest")
        try resolution.check(funnel, option: "--funnel")
        let data = try input.load(in: context)
        // The moderators' and the cluster's columns too: a -99 year entered the meta-regression as a value.
        let moderatorColumns = mods.flatMap { try? Formula("yi ~ \($0)", dataColumns: data.table.columnNames) }?
            .predictorVariables.flatMap(\.columnNames) ?? []
        data.warnSuspectedMissingCodes(inputs.map(\.1) + moderatorColumns + [cluster], in: context)
        let table = data.table
        var columns: [[Double?]] = []
        for (option, name) in inputs {
            let column: Column
            do { column = try table.requireColumn(name) } catch { throw CLIError.usage("\(data.path): --\(option): \(error)") }
            guard let numeric = column.numeric else {
                throw CLIError.data("\(data.path): " + column.notNumeric("column '\(name)' (--\(option))", "it must hold numbers"))
            }
            columns.append((0..<numeric.count).map { numeric[$0] })
        }
        var factor: GroupingFactor? = nil
        if let cluster {
            do { factor = GroupingFactor(try table.requireColumn(cluster)) } catch { throw CLIError.usage("\(data.path): --cluster: \(error)") }
        }
        var rows = (0..<table.rowCount).filter { i in columns.allSatisfy { $0[i] != nil } && (factor.map { $0.codes[i] >= 0 } ?? true) }
        var design: MetaDesign? = nil
        if let mods {
            do {
                let (d, kept) = try MetaDesign.moderators(mods, table: table, rows: rows)
                design = d
                rows = kept.map { rows[$0] }
            } catch {
                throw FitCommand.cliError(error, file: data.path, action: "build the moderators", quoting: data.levelQuoting)
            }
        }
        let values = columns.map { column in rows.map { column[$0] ?? .nan } }
        let labels = try studyLabels(table, rows: rows, path: data.path)
        var result: MetaAnalysisResult
        do {
            let effects: EffectSizes
            switch measure {
            case .cor: effects = try EffectSizes.correlations(r: values[0], n: values[1])
            case .smd: effects = try EffectSizes.standardizedMeanDifferences(m1: values[0], sd1: values[1], n1: values[2],
                                                                             m2: values[3], sd2: values[4], n2: values[5])
            case .or, .rr: effects = try EffectSizes.twoByTwo(measure, ai: values[0], bi: values[1], ci: values[2], di: values[3])
            case .generic:
                effects = vi != nil ? try EffectSizes.generic(yi: values[0], vi: values[1]) : try EffectSizes.generic(yi: values[0], sei: values[1])
            }
            if let factor, let cluster {
                result = try ThreeLevelMetaAnalysis.fit(effects, clusters: rows.map { Int(factor.codes[$0]) }, clusterName: cluster,
                                                        level: level)
            } else {
                result = try MetaAnalysis.fit(effects, design: design, options: MetaOptions(method: estimator, knapphartung: knha, level: level))
                if egger || trimfill || funnel != nil {
                    let tests = egger || funnel != nil ? try SmallStudyEffects.egger(result, design: design) : []
                    let fill = trimfill ? try SmallStudyEffects.trimAndFill(result) : nil
                    result = result.with(egger: tests, trimfill: fill)
                }
            }
        } catch {
            throw Self.cliError(error, file: data.path, rows: rows, labels: labels)
        }
        var warnings: [String] = []
        let dropped = table.rowCount - rows.count
        if dropped > 0 { warnings.append("\(data.path): \(dropped) row\(dropped == 1 ? "" : "s") with a missing value in a column used were dropped.") }
        var report = result.report(studies: labels, data: try data.provenance, forest: forest != nil, funnel: funnel != nil)
        report.warnings = warnings + report.warnings
        var figures: [String] = []
        var plots = report.plots[...]
        if let forest, let plot = plots.popFirst() { figures.append(try resolution.write(plot, to: forest, option: "--forest", in: context)) }
        if let funnel, let plot = plots.popFirst() { figures.append(try resolution.write(plot, to: funnel, option: "--funnel", in: context)) }
        return CommandReport(report, figures: figures)
    }

    private func studyLabels(_ table: Table, rows: [Int], path: String) throws -> [String] {
        guard let study else { return rows.map { "Study \($0 + 1)" } }
        let column: Column
        do { column = try table.requireColumn(study) } catch { throw CLIError.usage("\(path): --study: \(error)") }
        let factor = GroupingFactor(column)
        return rows.map { factor.codes[$0] >= 0 ? factor.levels[Int(factor.codes[$0])] : "Study \($0 + 1)" }
    }

    /// A study that cannot give an effect size is named by its data line and label; other refusals are data errors (65).
    static func cliError(_ error: MetaError, file: String, rows: [Int], labels: [String]) -> CLIError {
        if case .invalidStudy(let index, let reason) = error, index < rows.count {
            return CLIError.data("\(file): line \(rows[index] + 2) (\(labels[index])): \(reason); correct or remove that study")
        }
        return CLIError.data("\(file): cannot fit the meta-analysis: \(error.description)")
    }
}
