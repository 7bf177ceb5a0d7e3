import ArgumentParser
import Models
import Output
import Privacy
import Reporting

/// `alliance pool site1.json site2.json …`: combines the summaries sites wrote with `fit … --export-summary`, without
/// any row of data: OLS exactly (the fit of all sites' rows together, from summed cross-products), other models by a
/// two-stage random-effects meta-analysis of each coefficient.
public struct PoolCommand: AllianceSubcommand {
    public static let configuration = CommandConfiguration(
        commandName: "pool",
        abstract: "Pool site summaries from `fit --export-summary`: exact OLS from cross-products, else two-stage random-effects per coefficient.",
        discussion: """
            Every site runs the same `alliance fit` (model, formula, reference levels) with --export-summary site.json.
            OLS summaries hold XᵀX, Xᵀy, yᵀy and n: the pooled fit equals the fit of all rows together (classical standard \
            errors). logit, poisson and negbin summaries hold estimates and covariances: each coefficient is pooled by a \
            REML random-effects meta-analysis with its between-site τ² and I². The output has the shape of `fit`.
            """
    )

    @Argument(help: "Site summary files (two or more).")
    public var summaries: [String]

    @OptionGroup public var output: OutputOptions

    public init() {}

    public var outputOptions: OutputOptions? { output }

    public func execute(in context: RunContext) throws -> CommandReport {
        guard summaries.count >= 2 else { throw CLIError.usage("pool needs two or more site summaries, e.g. alliance pool site-a.json site-b.json") }
        var sites: [SiteSummary] = []
        var warnings: [String] = []
        for file in summaries {
            let json = try context.readJSONSideInput(file) {
                "\(file): not JSON (\($0)); write site summaries with `alliance fit … --export-summary FILE`"
            }
            switch SiteSummary.parse(json) {
            case .success(let site):
                sites.append(site)
                // A site may set its own --min-cell, but one below the default (or a site smaller than it) should not
                // pass without a word: a 5-row site exported with --min-cell 1 was pooled silently (session 21).
                let minCell = json["min_cell"]?.intValue
                if let minCell, minCell < SmallCellSuppressor.defaultMinimum {
                    warnings.append("\(file) was exported with --min-cell \(minCell), below the default \(SmallCellSuppressor.defaultMinimum): "
                        + "its counts were checked against that lower rule; check that the site's governance allows it before "
                        + "publishing the pooled result")
                }
                if site.n < SmallCellSuppressor.defaultMinimum {
                    warnings.append("\(file) summarises only \(site.n) rows (fewer than \(SmallCellSuppressor.defaultMinimum))")
                }
            case .failure(let error): throw CLIError.data("\(file): \(error.description)")
            }
        }
        do {
            if sites[0].model == ModelKind.ols.rawValue {
                let pooled = try SitePooling.ordinaryLeastSquares(sites)
                let n = sites.reduce(0) { $0 + $1.n }
                let provenance = DataProvenance(file: summaries.joined(separator: " + "), sha256: "", rows: n)
                var report = pooled.report(exponentiate: false, standardize: false, offset: nil, data: provenance)
                if case .object(var fields) = report.json {
                    fields.insert(("pooling", .string("exact: summed cross-products of \(sites.count) sites")), at: 1)
                    fields.insert(("sites", .integer(sites.count)), at: 2)
                    report.json = .object(fields)
                }
                report.addWarnings(warnings)
                return CommandReport(report)
            }
            var report = try SitePooling.twoStage(sites).report(files: summaries)
            report.addWarnings(warnings)
            return CommandReport(report)
        } catch {
            let detail: String
            if case .mismatch(let site, _) = error, site < summaries.count {
                detail = "\(summaries[site]): \(error.description)"
            } else if case .duplicate(let site, let first) = error, site < summaries.count {
                detail = "\(summaries[site]) and \(summaries[first]): \(error.description)"
            } else {
                detail = error.description
            }
            throw CLIError.data("cannot pool: \(detail)")
        }
    }
}
