import DataTable
import Models
import Output
import Reporting

/// `alliance fit lmm`: parses the options, loads the data, fits, writes the report and the requested files.
extension FitCommand {
    func executeMixed(in context: RunContext) throws -> CommandReport {
        try labelOptions.checkSyntax()
        try figure.check()
        // The conditional modes and their SDs feed only --ranef and the caterpillar plots: not computed otherwise (on
        // 20,000 clients with a random slope they were an eighth of the fit's time).
        let (result, data) = try fitMixed(in: context, conditionalModes: ranef != nil || figure.plot != nil)
        let labels = try labelOptions.resolve(for: data, in: context)
        var report = result.report(data: try data.provenance(in: context), labels: labels)
        report.json = Self.addingCall(callArguments, to: report.json)
        var figures = try exportOptions.write(result, data: data, in: context)
        // Caterpillar plots beside the coefficient plot, as fit's diagnostic plots: F-ranef.svg, or F-ranef-GROUP.svg, ….
        figures += try figure.write(report.plots.first, companions: { result.caterpillarPlots() }, in: context)
        if let ranef {
            figures.append(try context.writeFile(result.conditionalModesTable().rendered(as: .csv), to: ranef))
        }
        return CommandReport(report, figures: figures)
    }

    /// Checks the options, loads the data and fits. `conditionalModes: false` skips the BLUPs (a refit for `compare`).
    func fitMixed(in context: RunContext, conditionalModes: Bool = true) throws -> (LinearMixedModelResult, LoadedData) {
        guard event == nil, offset == nil, !exponentiate, !standardize else {
            throw CLIError.usage("`fit lmm` takes --ml, --df, --robust cr2, --cluster, --ranef, --ref, --level, --plot, --profile, --no-profile, --boot and --seed; --event, --offset, "
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
        if profile && noProfile { throw CLIError.usage("--profile and --no-profile contradict each other; give one") }
        let profileChoice: ProfileIntervalChoice = profile ? .always : (noProfile ? .never : .automatic)
        var bootstrap: MixedBootstrapOptions?
        if let boot {
            guard boot >= 2 else { throw CLIError.usage("--boot needs at least 2 resamples (1000 or more for a 95% interval), got \(boot)") }
            guard let seed else { throw CLIError.usage("--boot needs --seed S, so that the interval can be reproduced") }
            bootstrap = MixedBootstrapOptions(resamples: boot, seed: seed)
            context.recordSeed(seed)
        } else if seed != nil {
            throw CLIError.usage("--seed applies to the bootstrap; add --boot N")
        }
        if robustChoice != nil && dfMethod != .satterthwaite {
            throw CLIError.usage("--robust cr2 reports CR2's own Satterthwaite degrees of freedom (as clubSandwich); drop --df \(dfMethod.rawValue)")
        }
        let options = LinearMixedModelOptions(reml: !ml, degreesOfFreedom: dfMethod, level: level,
                                              references: try referenceLevels(), conditionalModes: conditionalModes,
                                              profileIntervals: profileChoice, bootstrap: bootstrap, robust: robustChoice)
        let data = try input.load(in: context)
        do {
            let parsed = try Formula(formula, dataColumns: data.table.columnNames)
            return (try LinearMixedModel.fit(formula: parsed, table: data.table, options: options), data)
        } catch let error as ModelError {
            throw refusal(error, data: data, in: context)
        } catch let error as FormulaError {
            throw FitCommand.cliError(.formula(error), file: data.path, quoting: data.levelQuoting)
        }
    }

    /// The arguments that give this fit's likelihood again (data, reading options, formula, --ref, --ml), without
    /// output and inference options: `compare` re-runs them with --ml to refit a REML fit by ML.
    var callArguments: [String] {
        var arguments = ["fit", "lmm", input.file] + input.readingArguments + ["--formula", formula]
        for reference in references { arguments += ["--ref", reference] }
        if ml { arguments.append("--ml") }
        return arguments
    }

    /// The fit's JSON with `call` after `data`.
    static func addingCall(_ call: [String], to json: JSONValue) -> JSONValue {
        guard case .object(var fields) = json else { return json }
        let at = (fields.firstIndex { $0.0 == "data" }).map { $0 + 1 } ?? fields.count
        fields.insert(("call", .array(call.map { .string($0) })), at: at)
        return .object(fields)
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
