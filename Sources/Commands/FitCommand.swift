import ArgumentParser
import DataTable
import Models
import Output
import Reporting

/// `alliance fit <ols|logit|poisson|negbin> <data.csv> --formula "y ~ x + z"`: a regression through the one
/// formula → design path, with classical, heteroskedasticity-robust or cluster-robust standard errors.
public struct FitCommand: AllianceSubcommand {
    public static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Fit a regression (ols, logit, poisson, negbin), a linear mixed model (lmm) or a Cox model (cox) from an R-style formula.",
        discussion: """
            Formulas follow R: y ~ a + b, a:b, a*b, - 1 (no intercept), I(x^2), log(x), factor(x), `odd name`,
            y ~ . (all other columns), poly(x, 2), within(x, g) and between(x, g) (group-mean centring and group means),
            lag(x, g, order) (previous row of the group in order), offset(log(exposure)).
            Categorical predictors use treatment contrasts with the first level in sorted order as reference (--ref col=level).
            Rows with a missing value in any variable the model uses (and the --cluster column) are dropped and counted.
            lmm: random-effects terms as lme4 writes them: (1 | therapist), (session | client), (session || client),
            (1 | site/therapist) (nested), (1 | therapist) + (1 | rater) (crossed); REML by default (--ml for maximum
            likelihood), Satterthwaite df (--df kenward-roger or residual), conditional modes with --ranef FILE.csv.
            cox: Surv(time, event) ~ x, or Surv(start, stop, event) ~ x for (start, stop] intervals with time-varying covariates,
            strata(site) for separate baseline hazards; Efron ties (--ties breslow), --cluster COL robust errors as coxph's
            cluster(), --zph for the proportional-hazards test (cox.zph).
            logit and poisson with random-effects terms are GLMMs (as glmer), with one grouping factor or several nested or
            crossed: the Laplace approximation, or adaptive Gauss–Hermite quadrature with --nagq N for one random intercept; binomial outcomes
            with trials as cbind(successes, failures) ~ …; conditional modes with --ranef FILE.csv.

            Example: alliance fit ols scored.csv --formula "phq_post ~ wai_sr_total + phq_pre + site" --robust hc3
            """
    )

    /// The kinds `fit` takes, in the order its help lists them (also the guidance for `alliance fit` alone).
    static let modelKinds = ModelKind.allCases.map(\.rawValue) + ["lmm", "cox"]
    static var modelKindList: String { modelKinds.dropLast().joined(separator: ", ") + " or " + (modelKinds.last ?? "") }

    @Argument(help: "The model: ols, logit, poisson, negbin, lmm or cox.")
    public var model: String

    @OptionGroup public var input: DataInput

    @Option(name: .long, help: "The model formula, e.g. \"phq_post ~ wai_sr_total + phq_pre + site\" (after `score --instrument wai-sr`).")
    public var formula: String

    @Option(name: .long, help: "Heteroskedasticity-robust standard errors: hc0, hc1, hc2 or hc3 (as R's sandwich::vcovHC).")
    public var robust: String?

    @Option(name: .long, help: "Cluster-robust standard errors by this column (as sandwich::vcovCL, HC1, cluster-adjusted).")
    public var cluster: String?

    @Option(name: .customLong("cluster-adjust"), help: "Small-sample adjustment of --cluster: cr1s (default, as sandwich::vcovCL HC1) or cr2 (bias-reduced CR2 with Satterthwaite df per coefficient, as clubSandwich).")
    public var clusterAdjust: String?

    @Option(name: .long, help: "logit with a two-level text outcome: the level modelled as the event (default: the second in sorted order, as R).")
    public var event: String?

    @Option(name: .long, help: "Confidence level of the intervals.")
    public var level: Double = 0.95

    @Flag(name: .long, help: "Also report exponentiated estimates and limits (odds or rate ratios).")
    public var exponentiate: Bool = false

    @Flag(name: .long, help: "Also report standardized coefficients (numeric predictors per SD; OLS also per SD of the outcome).")
    public var standardize: Bool = false

    @Option(name: .long, help: ArgumentHelp("An offset on the linear-predictor scale, in formula syntax, e.g. \"log(sessions_offered)\" (as R's offset = argument).", valueName: "expr"))
    public var offset: String?

    @Option(name: .customLong("ref"), help: "Reference level of a categorical predictor, as column=level (repeatable).")
    public var references: [String] = []

    @OptionGroup public var figure: FigureOptions<CoefficientFigure>

    @Flag(name: .long, help: "lmm: fit by maximum likelihood instead of REML.")
    public var ml: Bool = false

    @Option(name: .long, help: "lmm: degrees of freedom of the fixed-effects t tests: satterthwaite (default, as lmerTest), kenward-roger (as pbkrtest) or residual.")
    public var df: String?

    @Option(name: .long, help: "logit/poisson with random effects (GLMM): adaptive Gauss–Hermite quadrature points for one random intercept (glmer's nAGQ; default 1, the Laplace approximation).")
    public var nagq: Int?

    @Option(name: .long, help: "lmm and GLMMs: write the conditional modes (BLUPs) with their conditional SDs to this CSV file.")
    public var ranef: String?

    @OptionGroup public var labelOptions: LabelOptions

    @Flag(name: .long, help: "lmm: compute the profile-likelihood intervals even for models where they are slow (many crossed or nesting levels), which skip them by default.")
    public var profile: Bool = false

    @Flag(name: .customLong("no-profile"), help: "lmm: skip the profile-likelihood intervals of the variance components and the ICC (as lme4's confint(method = \"profile\")).")
    public var noProfile: Bool = false

    @Option(name: .long, help: "lmm: ICC intervals by a parametric bootstrap with this many resamples (as lme4's bootMer), e.g. 1000.")
    public var boot: Int?

    @Option(name: .long, parsing: .unconditional, help: "lmm: seed of the bootstrap's generator (with --boot); the same seed gives the same numbers on any machine.", transform: SeedArgument.parse)
    public var seed: UInt64?

    @Option(name: .long, help: "cox: how tied event times are handled: efron (default, as coxph) or breslow.")
    public var ties: String?

    @Flag(name: .long, help: "cox: also test proportional hazards (as survival's cox.zph, KM time scale), per term and globally; with --plot also the scaled Schoenfeld residual plots, named from its stem (F-zph-TERM).")
    public var zph: Bool = false

    @OptionGroup public var exportOptions: ExportSummaryOptions

    @OptionGroup public var output: OutputOptions

    public init() {}

    public var outputOptions: OutputOptions? { output }

    public func execute(in context: RunContext) throws -> CommandReport {
        // The input's digest appears only in the JSON document (`LoadedData.provenance(in:)`).
        if !context.rendersReportJSON { context.hashesInputsOnDemand = true }
        if model.lowercased() == "lmm" { return try executeMixed(in: context) }
        if model.lowercased() == "cox" { return try executeCox(in: context) }
        if ties != nil || zph { throw CLIError.usage("--ties and --zph apply to `fit cox` (Cox proportional-hazards regression)") }
        if GeneralizedLinearMixedModel.isMixed(formula: formula) {
            if let family = MixedFamily(rawValue: model.lowercased()) { return try executeGLMM(family, in: context) }
            if model.lowercased() == ModelKind.negbin.rawValue {
                throw CLIError.usage("negative binomial models with random effects (glmer.nb) are not available (docs/mixed-models.md says why); "
                                     + "fit `poisson` with the random effects (and a random effect per row for overdispersion), or `negbin` without them")
            }
        }
        if nagq != nil { throw CLIError.usage("--nagq applies to logit and poisson models with a random-effects term such as (1 | therapist)") }
        if ml || df != nil || ranef != nil || profile || noProfile || boot != nil || seed != nil {
            throw CLIError.usage("--ml, --df, --ranef, --profile, --no-profile, --boot and --seed apply to `fit lmm` (a linear mixed model); "
                                 + "--ranef also to logit and poisson models with a random-effects term")
        }
        guard let kind = ModelKind(rawValue: model.lowercased()) else {
            throw CLIError.usage("unknown model '\(model)'; use \(Self.modelKindList)")
        }
        try figure.check()
        var options = try regressionOptions()
        options.diagnostics = figure.plot != nil && kind == .ols
        try labelOptions.checkSyntax()
        let data = try input.load(in: context)
        let labels = try labelOptions.resolve(for: data, in: context)
        let result: RegressionResult
        do {
            result = try Regression.fit(kind, formula: formula, data: data.table, options: options)
        } catch {
            throw refusal(error, data: data, in: context)
        }
        let report = result.report(exponentiate: exponentiate, standardize: standardize, offset: offset, data: try data.provenance(in: context),
                                   labels: labels)
        var figures = try exportOptions.write(result, data: data, in: context)
        // Diagnostics beside the coefficient plot: F.svg, F-residuals.svg, F-qq.svg, …
        figures += try figure.write(report.plots.first, companions: { result.diagnosticPlots(dataFile: data.path) }, in: context)
        return CommandReport(report, figures: figures)
    }

    func regressionOptions() throws -> RegressionOptions {
        guard level > 0 && level < 1 else { throw CLIError.usage("--level must be strictly between 0 and 1, e.g. 0.95") }
        var covariance = CovarianceKind.classical
        if let robust {
            guard let type = CovarianceKind.RobustType(rawValue: robust.lowercased()) else {
                throw CLIError.usage("unknown --robust '\(robust)'; use hc0, hc1, hc2 or hc3")
            }
            covariance = .robust(type)
        }
        if let cluster {
            guard robust == nil else {
                throw CLIError.usage("--robust and --cluster are alternatives; cluster-robust errors are already heteroskedasticity-robust (HC1)")
            }
            switch clusterAdjust?.lowercased() {
            case nil, "cr1s": covariance = .cluster(column: cluster)
            case "cr2": covariance = .clusterCR2(column: cluster)
            default: throw CLIError.usage("unknown --cluster-adjust '\(clusterAdjust ?? "")'; use cr1s (the default) or cr2")
            }
        } else if clusterAdjust != nil {
            throw CLIError.usage("--cluster-adjust needs --cluster COL (the column that defines the clusters)")
        }
        if event != nil && model.lowercased() != ModelKind.logit.rawValue {
            throw CLIError.usage("--event applies to logit (the level of a two-level text outcome that is modelled)")
        }
        return RegressionOptions(level: level, covariance: covariance, references: try referenceLevels(), standardize: standardize,
                                 offset: offset, event: event)
    }

    /// `--ref column=level` options as a map.
    func referenceLevels() throws -> [String: String] {
        var refs: [String: String] = [:]
        for spec in references {
            guard let eq = spec.firstIndex(of: "="), eq != spec.startIndex, spec.index(after: eq) != spec.endIndex else {
                throw CLIError.usage("--ref takes column=level, e.g. --ref site=north (got '\(spec)')")
            }
            let column = String(spec[..<eq]), level = String(spec[spec.index(after: eq)...])
            // Two references for one column: the last one silently won (session 21).
            if let earlier = refs[column], earlier != level {
                throw CLIError.usage("--ref gives '\(column)' two reference levels ('\(earlier)' and '\(level)'); give one")
            }
            refs[column] = level
        }
        return refs
    }

    /// A fit the data refuses (65) is preceded by the model frame's warnings (a -99 left in a column, a number column
    /// read as text): they are printed only with a fit that succeeds, so a -99 in a 0/1 outcome was refused as "must
    /// be binary" with no word of `--na -99`, and a GLMM on decimal commas read as text failed to converge with no word
    /// of the 206-level factor. Where the frame itself cannot be built, the missing-code scan of the formula's columns.
    func refusal(_ error: ModelError, data: LoadedData, in context: RunContext) -> CLIError {
        var refused = FitCommand.cliError(error, file: data.path, quoting: data.levelQuoting)
        if case .nonNumericOutcome(let y) = error, let column = data.table.column(named: y) {
            if let hint = column.valueLabelHint() {
                refused = CLIError(refused.kind, "\(refused.message); \(hint)")
            } else {
                refused = FitCommand.pointingAtText(refused, in: column)
            }
        }
        // log(x), within(x, g), poly(x, 2) of a number column that a cell made text: the same pointer.
        if case .nonNumericVariable(_, let name) = error, let column = data.table.column(named: name) {
            refused = FitCommand.pointingAtText(refused, in: column)
        }
        guard refused.kind == .data, let parsed = try? Formula(formula, dataColumns: data.table.columnNames) else { return refused }
        if let frame = try? ModelFrame(formula: parsed, table: data.table, references: (try? referenceLevels()) ?? [:]) {
            for warning in frame.warnings { context.warn(warning) }
        } else {
            data.warnSuspectedMissingCodes(parsed.columnNames, in: context)
        }
        return refused
    }

    /// A refusal of a column that should hold numbers, with where the column stops being numbers (which the researcher
    /// otherwise had to search the file for) when most of it reads as numbers; unchanged for a column of words, whose
    /// first value says nothing new.
    static func pointingAtText(_ refused: CLIError, in column: Column) -> CLIError {
        guard column.readsMostlyAsNumbers else { return refused }
        return CLIError(refused.kind, "\(refused.message)\(column.nonNumericClause()); fix that value or declare it "
                        + "missing with --na, and look for others like it (decimal commas, text codes)")
    }

    /// Formula and naming mistakes are usage errors (64); data a model cannot be fitted to is 65. `quoting`: the loaded
    /// data's (`LoadedData.levelQuoting`), so that no level of a column let through the identifier guard is printed.
    static func cliError(_ error: ModelError, file: String, action: String = "fit the model", quoting: LevelQuoting) -> CLIError {
        switch error {
        case .formula, .unknownColumn, .unknownReferenceLevel, .referenceForNonCategorical, .invalidLevel,
             .unknownEventLevel, .eventForNumericOutcome:
            return CLIError.usage("\(file): \(error.message(quoting: quoting))")
        default:
            return CLIError.data("\(file): cannot \(action): \(error.message(quoting: quoting))")
        }
    }
}

/// `fit --plot`: the coefficient plot, with its diagnostics beside it.
public enum CoefficientFigure: FigureKind {
    public static var help: ArgumentHelp {
        "Also write a coefficient plot to this file (.svg, .pdf or .png), and diagnostics beside it named from its stem (F-residuals and F-qq for ols, F-binned for logit, F-observed for counts; for lmm the caterpillar plot F-ranef)."
    }
}
