import DataTable
import Models
import Output
import Reporting

/// `alliance fit logit|poisson` with a random-effects term (or a cbind(successes, failures) outcome): a generalized
/// linear mixed model, as glmer. Parses the options, loads the data, fits, writes the report and the requested files.
extension FitCommand {
    func executeGLMM(_ family: MixedFamily, in context: RunContext) throws -> CommandReport {
        if exportOptions.exportSummary != nil {
            throw CLIError.usage("--export-summary is not available for GLMMs yet: export each site's fixed effects with `--format json` and pool them with `alliance meta --measure generic`")
        }
        try figure.check()
        try labelOptions.checkSyntax()
        let (result, data) = try fitGLMM(family, in: context)
        let labels = try labelOptions.resolve(for: data, in: context)
        var report = result.report(exponentiate: exponentiate, data: try data.provenance(in: context), labels: labels)
        report.json = Self.addingCall(glmmCallArguments, to: report.json)
        var figures: [String] = []
        // Caterpillar plots beside the coefficient plot, as `fit lmm`: F-ranef.svg, or F-ranef-GROUP-EFFECT.svg, ….
        figures += try figure.write(report.plots.first, companions: { result.caterpillarPlots() }, in: context)
        if let ranef {
            figures.append(try context.writeFile(result.conditionalModesTable().rendered(as: .csv), to: ranef))
        }
        return CommandReport(report, figures: figures)
    }

    func fitGLMM(_ family: MixedFamily, in context: RunContext) throws -> (GeneralizedLinearMixedModelResult, LoadedData) {
        var refused: [String] = []
        if robust != nil { refused.append("--robust") }
        if cluster != nil { refused.append("--cluster") }
        if clusterAdjust != nil { refused.append("--cluster-adjust") }
        if standardize { refused.append("--standardize") }
        if ml { refused.append("--ml") }
        if df != nil { refused.append("--df") }
        if profile || noProfile { refused.append(profile ? "--profile" : "--no-profile") }
        if boot != nil || seed != nil { refused.append(boot != nil ? "--boot" : "--seed") }
        if offset != nil { refused.append("--offset (write offset(log(exposure)) in the formula)") }
        guard refused.isEmpty else {
            throw CLIError.usage("a \(family.rawValue) model with random effects (a GLMM) takes --nagq, --exponentiate, --event, --ref, --level, "
                                 + "--ranef and --plot; not \(refused.joined(separator: ", "))")
        }
        guard level > 0 && level < 1 else { throw CLIError.usage("--level must be strictly between 0 and 1, e.g. 0.95") }
        if event != nil && family != .logit {
            throw CLIError.usage("--event applies to logit (the level of a two-level text outcome that is modelled)")
        }
        let points = nagq ?? 1
        guard points >= 1 && points <= GeneralizedLinearMixedModel.maximumQuadraturePoints else {
            throw CLIError.usage("--nagq takes 1 (the Laplace approximation, the default) to \(GeneralizedLinearMixedModel.maximumQuadraturePoints) "
                                 + "adaptive Gauss–Hermite points, as glmer's nAGQ; got \(points)")
        }
        let options = GeneralizedLinearMixedModelOptions(family: family, quadraturePoints: points, level: level,
                                                         references: try referenceLevels(), event: event)
        let data = try input.load(in: context)
        do {
            return (try GeneralizedLinearMixedModel.fit(formula: formula, table: data.table, options: options), data)
        } catch {
            throw refusal(error, data: data, in: context)
        }
    }

    /// The arguments that give this fit again (data, reading options, formula, --ref, --event, --nagq), recorded as
    /// `fit lmm` records its call.
    var glmmCallArguments: [String] {
        var arguments = ["fit", model.lowercased(), input.file] + input.readingArguments + ["--formula", formula]
        for reference in references { arguments += ["--ref", reference] }
        if let event { arguments += ["--event", event] }
        if let nagq, nagq != 1 { arguments += ["--nagq", String(nagq)] }
        return arguments
    }
}
