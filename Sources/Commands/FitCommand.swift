import ArgumentParser
import DataTable
import Models
import Output

/// `alliance fit <ols|logit|poisson|negbin> <data.csv> --formula "y ~ x + z"`: a regression through the one
/// formula → design path, with classical, heteroskedasticity-robust or cluster-robust standard errors.
public struct FitCommand: AllianceSubcommand {
    public static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Fit a regression (ols, logit, poisson, negbin) from an R-style formula.",
        discussion: """
            Formulas follow R: y ~ a + b, a:b, a*b, - 1 (no intercept), I(x^2), log(x), factor(x), `odd name`,
            y ~ . (all other columns), poly(x, 2), within(x, g) and between(x, g) (group-mean centring and group means),
            lag(x, g, order) (previous row of the group in order), offset(log(exposure)).
            Categorical predictors use treatment contrasts with the first level in sorted order as reference (--ref col=level).
            Rows with a missing value in any variable the model uses (and the --cluster column) are dropped and counted.
            """
    )

    @Argument(help: "The model: ols, logit, poisson or negbin.")
    public var model: String

    @OptionGroup public var input: DataInput

    @Option(name: .long, help: "The model formula, e.g. \"phq_post ~ wai_total + phq_pre + site\".")
    public var formula: String

    @Option(name: .long, help: "Heteroskedasticity-robust standard errors: hc0, hc1, hc2 or hc3 (as R's sandwich::vcovHC).")
    public var robust: String?

    @Option(name: .long, help: "Cluster-robust standard errors by this column (as sandwich::vcovCL, HC1, cluster-adjusted).")
    public var cluster: String?

    @Option(name: .customLong("cluster-adjust"), help: "Small-sample adjustment of --cluster: cr1s (default, as sandwich::vcovCL HC1) or cr2 (bias-reduced CR2 with Satterthwaite df per coefficient, as clubSandwich).")
    public var clusterAdjust: String?

    @Option(name: .long, help: "logit with a two-level text outcome: the level modelled as the event (default: the second in sorted order, as R).")
    public var event: String?

    @Option(name: .long, help: "Confidence level of the intervals (default 0.95).")
    public var level: Double = 0.95

    @Flag(name: .long, help: "Also report exponentiated estimates and limits (odds or rate ratios).")
    public var exponentiate: Bool = false

    @Flag(name: .long, help: "Also report standardized coefficients (numeric predictors per SD; OLS also per SD of the outcome).")
    public var standardize: Bool = false

    @Option(name: .long, help: ArgumentHelp("An offset on the linear-predictor scale, in formula syntax, e.g. \"log(sessions_offered)\" (as R's offset = argument).", valueName: "expr"))
    public var offset: String?

    @Option(name: .customLong("ref"), help: "Reference level of a categorical predictor, as column=level (repeatable).")
    public var references: [String] = []

    @Option(name: .long, help: "Also write a coefficient plot to this SVG file, and diagnostics beside it (F-residuals.svg and F-qq.svg for ols, F-binned.svg for logit, F-observed.svg for counts).")
    public var plot: String?

    @OptionGroup public var output: OutputOptions

    public init() {}

    public var outputOptions: OutputOptions? { output }

    public func execute(in context: RunContext) throws -> CommandReport {
        guard let kind = ModelKind(rawValue: model.lowercased()) else {
            throw CLIError.usage("unknown model '\(model)'; use ols, logit, poisson or negbin")
        }
        var options = try regressionOptions()
        options.diagnostics = plot != nil && kind == .ols
        let data = try input.load(in: context)
        let result: RegressionResult
        do {
            result = try Regression.fit(kind, formula: formula, data: data.table, options: options)
        } catch {
            throw FitCommand.cliError(error, file: data.path)
        }
        var figures: [String] = []
        if let plot {
            figures.append(try context.writeFile(coefficientPlot(result).svg(), to: plot))
            figures += try FitPlots.write(result, data: data, options: options, beside: plot, in: context)
        }
        return CommandReport(json: json(result, data: data), tables: tables(result, data: data), figures: figures,
                             warnings: result.warnings)
    }

    /// Forest-style plot of the estimable non-intercept coefficients with their intervals; on the ratio
    /// scale (log axis, reference 1) with --exponentiate, else on the coefficient scale (reference 0).
    func coefficientPlot(_ r: RegressionResult) -> Plot {
        let shown = r.coefficients.filter { !$0.aliased && $0.term != "(Intercept)" && $0.estimate != nil }
        let ratio = exponentiate && r.model != .ols
        let estimates = shown.map { ratio ? ($0.expEstimate ?? .nan) : ($0.estimate ?? .nan) }
        let low = shown.map { ratio ? ($0.expConfLow ?? .nan) : ($0.confLow ?? .nan) }
        let high = shown.map { ratio ? ($0.expConfHigh ?? .nan) : ($0.confHigh ?? .nan) }
        let positions = shown.indices.map(Double.init)
        let percent = FitCommand.percentLabel(r.level)
        let name = ratio ? (r.model == .logit ? "Odds ratio" : "Rate ratio") : "Estimate"
        let x: Axis = ratio ? .log10("\(name) (\(percent) CI)", including: [1]) : .linear("\(name) (\(percent) CI)", including: [0])
        let summary = shown.map { c -> String in
            let e = ratio ? c.expEstimate : c.estimate
            return "\(c.term) \(e.map { NumberFormat.fixed($0, places: 3) } ?? "—")"
        }.joined(separator: "; ")
        return Plot(title: "\(r.model.rawValue.uppercased()): \(r.formula)",
                    description: "Coefficient plot of \(shown.count) terms with \(percent) confidence intervals"
                        + " (\(FitCommand.covarianceDescription(r.covariance)) standard errors): \(summary).",
                    x: x, y: .categorical(nil, shown.map(\.term)),
                    layers: [
                        Layer(.reference(ratio ? .vertical(x: 1) : .vertical(x: 0)),
                              style: MarkStyle(color: Color.okabeIto[7], dash: .dashed)),
                        Layer(.intervals(positions: positions, low: low, high: high, orientation: .horizontal, capSize: 4),
                              style: MarkStyle(color: Color.okabeIto[4])),
                        Layer(.points(x: estimates, y: positions), style: MarkStyle(color: Color.okabeIto[4])),
                    ],
                    height: max(200, 80 + 28 * Double(shown.count)), idPrefix: "fit")
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
        var refs: [String: String] = [:]
        for spec in references {
            guard let eq = spec.firstIndex(of: "="), eq != spec.startIndex, spec.index(after: eq) != spec.endIndex else {
                throw CLIError.usage("--ref takes column=level, e.g. --ref site=north (got '\(spec)')")
            }
            refs[String(spec[..<eq])] = String(spec[spec.index(after: eq)...])
        }
        return RegressionOptions(level: level, covariance: covariance, references: refs, standardize: standardize,
                                 offset: offset, event: event)
    }

    /// Formula and naming mistakes are usage errors (64); data a model cannot be fitted to is 65.
    static func cliError(_ error: ModelError, file: String, action: String = "fit the model") -> CLIError {
        switch error {
        case .formula, .unknownColumn, .unknownReferenceLevel, .referenceForNonCategorical, .invalidLevel,
             .unknownEventLevel, .eventForNumericOutcome:
            return CLIError.usage("\(file): \(error.description)")
        default:
            return CLIError.data("\(file): cannot \(action): \(error.description)")
        }
    }

    func json(_ r: RegressionResult, data: LoadedData) -> JSONValue {
        func number(_ x: Double?) -> JSONValue { x.map { $0.isFinite ? .number($0) : .null } ?? .null }
        let standardized = r.standardizedCoefficients
        let coefficients: [JSONValue] = r.coefficients.enumerated().map { k, c in
            var fields: [(String, JSONValue)] = [
                ("term", .string(c.term)), ("estimate", number(c.estimate)), ("std_error", number(c.stdError)),
                ("statistic", number(c.statistic)), ("p_value", number(c.pValue)),
                ("conf_low", number(c.confLow)), ("conf_high", number(c.confHigh)), ("aliased", .bool(c.aliased)),
            ]
            if r.covariance.hasCoefficientDF { fields.append(("df", number(c.df))) }
            if exponentiate {
                fields += [("exp_estimate", number(c.expEstimate)), ("exp_conf_low", number(c.expConfLow)),
                           ("exp_conf_high", number(c.expConfHigh))]
            }
            if let s = standardized?[k] {
                fields += [("beta", number(s.estimate)), ("beta_std_error", number(s.stdError)),
                           ("beta_conf_low", number(s.confLow)), ("beta_conf_high", number(s.confHigh))]
            }
            return .object(fields)
        }
        let f = r.fit
        var fit: [(String, JSONValue)] = []
        if r.model == .ols {
            fit += [("r_squared", number(f.rSquared)), ("adj_r_squared", number(f.adjRSquared)), ("sigma", number(f.sigma)),
                    ("f_statistic", number(f.fStatistic)), ("f_p_value", number(f.fPValue))]
            if r.covariance != .classical {
                fit += [("wald_f_statistic", number(f.waldFStatistic)), ("wald_f_p_value", number(f.waldFPValue))]
            }
        }
        fit += [("df_model", .integer(f.dfModel)), ("df_residual", .integer(f.dfResidual)),
                ("log_likelihood", number(f.logLikelihood)), ("aic", number(f.aic)), ("bic", number(f.bic))]
        if r.model != .ols {
            fit += [("deviance", number(f.deviance)), ("null_deviance", number(f.nullDeviance)),
                    ("iterations", f.iterations.map { .integer($0) } ?? .null), ("converged", f.converged.map { .bool($0) } ?? .null)]
        }
        if r.model == .negbin {
            fit += [("theta", number(f.theta)), ("theta_std_error", number(f.thetaStdError))]
        }
        var top: [(String, JSONValue)] = [
            ("model", .string(r.model.rawValue)), ("formula", .string(r.formula)),
        ] + (offset.map { [("offset", JSONValue.string($0))] } ?? []) + [
            ("data", data.json(used: r.counts.rowsUsed)), ("vcov", .string(r.vcovLabel)),
        ]
        if let clusters = r.clusters { top.append(("clusters", .integer(clusters))) }
        if let event = r.event { top.append(("event", .string(event.level))) }
        top += [("level", .number(r.level)), ("coefficients", .array(coefficients)), ("fit", .object(fit)),
                ("warnings", .array(r.warnings.map { .string($0) })),
                ("schema", SavedRegressionJSON.schema(r.schema)),
                ("covariance_matrix", SavedRegressionJSON.covariance(terms: r.estimableTerms, r.vcov))]
        return .object(top)
    }

    func tables(_ r: RegressionResult, data: LoadedData) -> [ResultTable] {
        let perCoefficientDF = r.covariance.hasCoefficientDF
        let statisticName = r.model == .ols || perCoefficientDF ? "t" : "z"
        let percent = FitCommand.percentLabel(r.level)
        var columns = [TableColumn("Term"), TableColumn("Estimate", kind: .decimal(3)), TableColumn("SE", kind: .decimal(3)),
                       TableColumn(statisticName, kind: .decimal(2))]
        if perCoefficientDF { columns.append(TableColumn("df", kind: .decimal(1))) }
        columns += [TableColumn("p", kind: .pValue), TableColumn("\(percent) CI", kind: .interval(3))]
        let ratio = r.model == .logit ? "OR" : "IRR"
        if exponentiate {
            columns += [TableColumn(r.model == .ols ? "exp(b)" : ratio, kind: .decimal(3)),
                        TableColumn("\(percent) CI (exp)", kind: .interval(3))]
        }
        if standardize { columns.append(TableColumn("β", kind: .bounded(2))) }
        let rows: [[Cell]] = r.coefficients.enumerated().map { k, c in
            var row: [Cell] = [.text(c.aliased ? "\(c.term) (aliased)" : c.term), .number(c.estimate), .number(c.stdError),
                               .number(c.statistic)]
            if perCoefficientDF { row.append(.number(c.df)) }
            row += [.number(c.pValue), .interval(c.confLow, c.confHigh)]
            if exponentiate { row += [.number(c.expEstimate), .interval(c.expConfLow, c.expConfHigh)] }
            if standardize { row.append(.number(r.standardizedCoefficients?[k].estimate)) }
            return row
        }
        let f = r.fit
        var notes = ["\(data.path): \(r.counts.rowsUsed) of \(r.counts.rowsRead) rows used (\(r.counts.rowsDropped) dropped for missing values).",
                     "Standard errors: \(FitCommand.covarianceDescription(r.covariance))"
                        + (r.clusters.map { ", \($0) clusters." } ?? ".")]
        if perCoefficientDF {
            notes.append("CR2: t tests and intervals on Satterthwaite degrees of freedom per coefficient (df column), "
                         + "as clubSandwich's coef_test and conf_int; with few or unbalanced clusters df can be far below the cluster count.")
        }
        if let event = r.event {
            notes.append("Outcome coded 1 = \(event.level), 0 = \(event.otherLevel)"
                         + (event.chosen ? " (--event)." : " (the second level in sorted order, as R; choose with --event)."))
        }
        if let offset { notes.append("Offset: \(offset) (added to the linear predictor with coefficient 1).") }
        func fixed(_ x: Double?, _ places: Int) -> String { x.map { NumberFormat.fixed($0, places: places) } ?? "—" }
        switch r.model {
        case .ols:
            notes.append("R² = \(f.rSquared.map { NumberFormat.bounded($0, places: 3) } ?? "—"), adjusted R² = \(f.adjRSquared.map { NumberFormat.bounded($0, places: 3) } ?? "—"), "
                         + "F(\(f.dfModel), \(f.dfResidual)) = \(fixed(f.fStatistic, 2)), p \(FitCommand.pText(f.fPValue))"
                         + (r.covariance == .classical ? "" : " (classical, as summary(lm))")
                         + ", σ = \(fixed(f.sigma, 3)).")
            if perCoefficientDF {
                notes.append("No robust overall F test is reported under CR2 (it would need clubSandwich's HTZ Wald test).")
            } else if r.covariance != .classical, let wald = f.waldFStatistic {
                notes.append("Robust Wald test of all slopes: F(\(f.dfModel), \(f.dfResidual)) = \(fixed(wald, 2)), p \(FitCommand.pText(f.waldFPValue)) (as lmtest::waldtest with the same covariance).")
            }
        case .logit, .poisson, .negbin:
            notes.append("Deviance = \(fixed(f.deviance, 2)) on \(f.dfResidual) df (null \(fixed(f.nullDeviance, 2)) on \(f.dfNull ?? 0) df), "
                         + "\(f.iterations ?? 0) IRLS iterations.")
            if r.model == .negbin { notes.append("θ = \(fixed(f.theta, 3)) (SE \(fixed(f.thetaStdError, 3))).") }
        }
        notes.append("Log-likelihood = \(fixed(f.logLikelihood, 2)), AIC = \(fixed(f.aic, 2)), BIC = \(fixed(f.bic, 2)).")
        if standardize {
            notes.append(r.model == .ols
                ? "β: numeric predictors and the outcome per SD; indicator columns per unit, outcome per SD."
                : "β: change on the link scale per SD of numeric predictors; indicator columns per unit.")
        }
        return [ResultTable(title: "\(r.model.rawValue.uppercased()): \(r.formula)", columns: columns, rows: rows, notes: notes)]
    }

    static func percentLabel(_ level: Double) -> String {
        let p = level * 100
        return p == p.rounded() ? "\(Int(p))%" : "\(NumberFormat.roundTrip(p))%"
    }

    static func pText(_ p: Double?) -> String {
        guard let p else { return "= —" }
        let s = NumberFormat.pValue(p)
        return s.hasPrefix("<") ? s : "= \(s)"
    }

    static func covarianceDescription(_ c: CovarianceKind) -> String {
        switch c {
        case .classical: return "classical (model-based)"
        case .robust(let t): return "heteroskedasticity-robust \(t.rawValue.uppercased())"
        case .cluster(let column): return "cluster-robust by \(column) (HC1, cluster-adjusted)"
        case .clusterCR2(let column): return "cluster-robust by \(column) (CR2 bias-reduced, Satterthwaite df)"
        }
    }
}
