import DataTable
import Models
import Output
import Reporting

/// `alliance fit cox <data> --formula "Surv(weeks, dropout) ~ wai + strata(site)" [--ties efron|breslow]
/// [--cluster COL] [--zph]`: Cox proportional-hazards regression, as R's coxph (and cox.zph).
extension FitCommand {
    func executeCox(in context: RunContext) throws -> CommandReport {
        if ml || df != nil || ranef != nil || profile || noProfile || boot != nil || seed != nil || robust != nil || clusterAdjust != nil
            || event != nil || offset != nil || standardize {
            throw CLIError.usage("`fit cox` takes --ties, --cluster, --zph, --ref, --level, --plot and --dpi; the other options apply to other models")
        }
        if exportOptions.exportSummary != nil {
            throw CLIError.usage("--export-summary is not available for `fit cox`: pool sites' log hazard ratios with `alliance meta --measure generic --yi COL --sei COL` instead")
        }
        guard level > 0 && level < 1 else { throw CLIError.usage("--level must be strictly between 0 and 1, e.g. 0.95") }
        guard let tieMethod = CoxTies(rawValue: (ties ?? "efron").lowercased()) else {
            throw CLIError.usage("unknown --ties '\(ties ?? "")'; use efron (the default, as coxph) or breslow")
        }
        try figure.check()
        try labelOptions.checkSyntax()
        let data = try input.load(in: context)
        let labels = try labelOptions.resolve(for: data, in: context)
        let options = CoxOptions(ties: tieMethod, level: level, cluster: cluster, references: try referenceLevels(),
                                 proportionalHazardsTest: zph, concordance: context.rendersTableNotes)
        let result: CoxResult
        do {
            let parsed = try Formula(formula, dataColumns: data.table.columnNames)
            result = try CoxModel.fit(formula: parsed, table: data.table, options: options)
        } catch let error as SurvivalError {
            // The model frame's missing-code warnings come only with a fit: a -99 time or event was refused ("cannot
            // be negative", "holds -99 besides 0/1") with no word of --na -99.
            if let parsed = try? Formula(formula, dataColumns: data.table.columnNames) {
                data.warnSuspectedMissingCodes(parsed.columnNames, in: context)
            }
            throw SurvivalCommand.cliError(error, file: data.path, action: "fit the Cox model", quoting: data.levelQuoting)
        } catch let error as FormulaError {
            throw FitCommand.cliError(.formula(error), file: data.path, quoting: data.levelQuoting)
        }
        let report = result.report(data: try data.provenance(in: context), labels: labels)
        // The hazard ratios, with the scaled Schoenfeld residual plots (--zph) beside them: F-zph-TERM.svg, ….
        let figures = try figure.write(report.plots.first, companions: { result.schoenfeldPlots(labels: labels) }, in: context)
        return CommandReport(report, figures: figures)
    }
}
