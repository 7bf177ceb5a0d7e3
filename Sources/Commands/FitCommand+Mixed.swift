import DataTable
import Models
import Output
import Reporting

/// `alliance fit lmm`: parses the options, loads the data, fits, writes the report and the requested files.
extension FitCommand {
    func executeMixed(in context: RunContext) throws -> CommandReport {
        guard event == nil, offset == nil, !exponentiate, !standardize else {
            throw CLIError.usage("`fit lmm` takes --ml, --df, --robust cr2, --cluster, --ranef, --ref, --level and --plot; --event, --offset, "
                                 + "--exponentiate and --standardize apply to the other models")
        }
        let robustChoice = try mixedRobustChoice()
        guard level > 0 && level < 1 else { throw CLIError.usage("--level must be strictly between 0 and 1, e.g. 0.95") }
        var dfMethod = MixedDegreesOfFreedom.satterthwaite
        if let df {
            guard let method = MixedDegreesOfFreedom(rawValue: df.lowercased()) else {
                throw CLIError.usage("unknown --df '\(df)'; use satterthwaite, kenward-roger or residual")
            }
            dfMethod = method
        }
        if dfMethod == .kenwardRoger && ml {
            throw CLIError.usage("Kenward–Roger degrees of freedom are defined for REML fits (as pbkrtest); drop --ml or use --df satterthwaite")
        }
        if robustChoice != nil && dfMethod != .satterthwaite {
            throw CLIError.usage("--robust cr2 reports CR2's own Satterthwaite degrees of freedom (as clubSandwich); drop --df \(dfMethod.rawValue)")
        }
        let options = LinearMixedModelOptions(reml: !ml, degreesOfFreedom: dfMethod, level: level,
                                              references: try referenceLevels(), robust: robustChoice)
        try labelOptions.checkSyntax()
        let data = try input.load(in: context)
        let labels = try labelOptions.resolve(for: data, in: context)
        let result: LinearMixedModelResult
        do {
            let parsed = try Formula(formula, dataColumns: data.table.columnNames)
            result = try LinearMixedModel.fit(formula: parsed, table: data.table, options: options)
        } catch let error as ModelError {
            throw FitCommand.cliError(error, file: data.path)
        } catch let error as FormulaError {
            throw FitCommand.cliError(.formula(error), file: data.path)
        }
        let report = result.report(data: data.provenance, labels: labels)
        var figures: [String] = []
        if let plot, let coefficients = report.plots.first {
            figures.append(try context.writeFile(coefficients.svg(), to: plot))
        }
        if let ranef {
            figures.append(try context.writeFile(result.conditionalModesTable().rendered(as: .csv), to: ranef))
        }
        return CommandReport(report, figures: figures)
    }

    /// `--robust cr2` (the top grouping level) or `--cluster COL` (CR2 by that column); nil for model-based errors.
    private func mixedRobustChoice() throws -> MixedClusterRobust? {
        if let robust, robust.lowercased() != "cr2" {
            throw CLIError.usage("`fit lmm --robust` takes cr2 (cluster-robust CR2 standard errors at the top grouping level, as clubSandwich); "
                                 + "'\(robust)' applies to the other models")
        }
        if let clusterAdjust, clusterAdjust.lowercased() != "cr2" {
            throw CLIError.usage("`fit lmm` computes cluster-robust errors by CR2 only; drop --cluster-adjust \(clusterAdjust)")
        }
        if let cluster { return .column(cluster) }
        if robust != nil || clusterAdjust != nil { return .topLevel }
        return nil
    }
}
