import DataTable
import Distributions
import Foundation
import LinearAlgebra

/// Options of `fit cox`.
public struct CoxOptions: Sendable {
    public var ties: CoxTies
    public var level: Double
    /// Cluster-robust variance by this column (as `cluster()` in coxph).
    public var cluster: String?
    public var references: [String: String]
    /// Also the proportional-hazards test (cox.zph).
    public var proportionalHazardsTest: Bool
    /// Convergence: |1 − ℓ_old/ℓ_new| ≤ epsilon (coxph.control's eps; 1e-12 rather than coxph's 1e-9 default, so
    /// that the estimates agree with coxph at its tightest setting to far below the reported digits).
    public var epsilon: Double
    public var maximumIterations: Int
    /// Also Harrell's concordance (as coxph's `concordance`): false when nothing rendered shows it (a coefficient
    /// table written as CSV), since on a million rows it costs a sweep in time order of its own.
    public var concordance: Bool

    public init(ties: CoxTies = .efron, level: Double = 0.95, cluster: String? = nil, references: [String: String] = [:],
                proportionalHazardsTest: Bool = false, epsilon: Double = 1e-12, maximumIterations: Int = 100,
                concordance: Bool = true) {
        self.ties = ties
        self.level = level
        self.cluster = cluster
        self.references = references
        self.proportionalHazardsTest = proportionalHazardsTest
        self.epsilon = epsilon
        self.maximumIterations = maximumIterations
        self.concordance = concordance
    }
}

public struct CoxCoefficient: Sendable, Equatable {
    public let term: String
    public let estimate: Double
    public let standardError: Double
    /// The model-based standard error when the reported one is cluster-robust.
    public let naiveStandardError: Double?
    public let statistic: Double
    public let pValue: Double
    public let confLow: Double
    public let confHigh: Double
    public var hazardRatio: Double { exp(estimate) }
    public var hazardRatioLow: Double { exp(confLow) }
    public var hazardRatioHigh: Double { exp(confHigh) }
}

public struct SurvivalTestStatistic: Sendable, Equatable {
    public let statistic: Double
    public let degreesOfFreedom: Int
    public let pValue: Double

    init(_ statistic: Double, df: Int) {
        self.statistic = statistic
        self.degreesOfFreedom = df
        self.pValue = ChiSquared(degreesOfFreedom: Double(df)).ccdf(max(statistic, 0))
    }
}

/// A fitted Cox proportional-hazards model (coxph).
public struct CoxResult: Sendable {
    public let formula: String
    public let ties: CoxTies
    public let counts: DataCounts
    public let events: Int
    public let eventLevel: String
    public let countingProcess: Bool
    public let coefficients: [CoxCoefficient]
    /// Covariance of the estimates (cluster-robust with a cluster column).
    public let covariance: [Double]
    public let logLikelihoodNull: Double
    public let logLikelihood: Double
    public let likelihoodRatio: SurvivalTestStatistic
    /// Wald test of all coefficients, with the reported (robust, if clustered) covariance, as `fit$wald.test`.
    public let wald: SurvivalTestStatistic
    /// Score (log-rank) test at β = 0.
    public let score: SurvivalTestStatistic
    /// Robust score test with a cluster column (`fit$rscore`).
    public let robustScore: SurvivalTestStatistic?
    /// Nil when the options asked for none (`CoxOptions.concordance`).
    public let concordance: Concordance?
    public let iterations: Int
    public let level: Double
    public let clusterColumn: String?
    public let clusters: Int?
    public let strataLabel: String?
    public let strata: Int
    public let proportionalHazards: ProportionalHazardsTest?
    public let warnings: [String]
}

public enum CoxModel {
    public static func fit(formula: Formula, table: Table, options: CoxOptions = .init()) throws(SurvivalError) -> CoxResult {
        guard let survival = formula.survival else {
            throw .model(.formula(FormulaError(formula: formula.text, offset: formula.outcome.offset, length: formula.outcome.length,
                                               message: "`fit cox` needs a survival outcome on the left: Surv(time, event) or Surv(start, stop, event)")))
        }
        if let r = formula.randomEffects.first {
            throw .model(.formula(FormulaError(formula: formula.text, offset: r.offset, length: r.length,
                                               message: "random-effects (frailty) terms are not fitted by `fit cox`; for clustered data use --cluster \(r.groupLabel)")))
        }
        if let o = formula.offsets.first {
            throw .model(.formula(FormulaError(formula: formula.text, offset: o.offset, length: o.length,
                                               message: "offsets are not supported by `fit cox`; drop offset()")))
        }
        func columnName(_ v: FormulaVariable?) throws(SurvivalError) -> String? {
            guard let v else { return nil }
            guard case .column(let name) = v.kind else {
                throw .model(.formula(FormulaError(formula: formula.text, offset: v.offset, length: v.length,
                                                   message: "Surv() takes column names; compute \(v.label) first with `alliance transform --compute`")))
            }
            return name
        }
        let startName = try columnName(survival.start)
        guard let stopName = try columnName(survival.stop), let eventName = try columnName(survival.event) else {
            throw .invalidOption("Surv() needs a time and an event column")
        }
        var extra = [startName, stopName, eventName].compactMap { $0 }
        if let c = options.cluster { extra.append(c) }
        let frame: ModelFrame
        do {
            frame = try ModelFrame(formula: formula, table: table, references: options.references, extraColumns: extra,
                                   schema: nil, withOutcome: false, survivalModel: true)
        } catch { throw .model(error) }
        // The frame's rows as they are: `usedRows` builds an index array of every row when none was dropped.
        let rows = frame.rows
        let outcome = try SurvivalOutcome.read(start: startName, stop: stopName, event: eventName, table: table, rows: rows)
        let design = DesignMatrix(frame: frame)
        let kept = (0..<design.columns).filter { design.columnNames[$0] != "(Intercept)" }
        guard !kept.isEmpty else {
            throw .invalidOption("`fit cox` needs at least one covariate on the right of '~' (for curves without covariates use `alliance survival`)")
        }
        let names = kept.map { design.columnNames[$0] }
        var stratumCodes: [Int]? = nil   // one stratum: no array of zeros
        var strataLabel: String? = nil
        var strataCount = 1
        if !formula.strata.isEmpty {
            let cols = formula.strata.flatMap(\.columnNames).compactMap { table.column(named: $0) }
            let groups = SurvivalGroups(columns: cols, rows: rows.array)
            stratumCodes = groups.codes
            strataLabel = formula.strata.map(\.label).joined(separator: " + ")
            strataCount = groups.levels.count
        }
        // The design is read block by block, never copied whole; numeric covariates (one stored column each, as the
        // benchmarks') are read where they lie. With few event times the Newton sums are formed by event time from the
        // rows as stored (`CoxEventTimes`: no sort, no time-ordered copy); otherwise from the sorted, centred copy.
        let stored = kept.compactMap { design.storedColumn($0) }
        let storedColumns = stored.count == kept.count ? stored : nil
        let covariates = CoxCovariates(p: kept.count, columns: storedColumns) { [design, kept] range, base, ld in
            design.fill(range, columns: kept, into: base, leadingDimension: ld)
        }
        func timeOrdered(covariates: Bool) -> CoxData {
            CoxData(start: outcome.start, stop: outcome.stop, event: outcome.event, stratum: stratumCodes, p: kept.count,
                    columns: storedColumns, covariatesInTimeOrder: covariates) {
                design.fill($0, columns: kept, into: $1, leadingDimension: $2)
            }
        }
        let sums: CoxNewtonSums
        if let byEventTime = CoxEventTimes(start: outcome.start, stop: outcome.stop, event: outcome.event, stratum: stratumCodes,
                                           covariates: covariates) {
            sums = .byEventTime(byEventTime)
        } else {
            sums = .timeOrdered(timeOrdered(covariates: true))
        }
        // A covariate that never varies within a stratum has no partial-likelihood information.
        if let j = sums.constantColumn { throw .constantCovariate(term: names[j]) }
        let p = kept.count
        func evaluate(_ beta: [Double]) -> CoxEvaluation { sums.evaluate(beta, ties: options.ties) }

        // Newton–Raphson with step halving, as coxfit6.c / agfit4.c.
        var beta = [Double](repeating: 0, count: p)
        let initial = evaluate(beta)
        let initialFactor: Cholesky
        do { initialFactor = try Cholesky(matrix(initial.information, p)) } catch { throw .collinear(terms: names) }
        let firstStep: [Double]
        do { firstStep = try initialFactor.solve(initial.score) } catch { throw .collinear(terms: names) }
        let scoreTest = zip(firstStep, initial.score).reduce(0) { $0 + $1.0 * $1.1 }
        var best = initial.logLikelihood
        var newBeta = zip(beta, firstStep).map { $0 + $1 }
        var halving = 0.0
        var converged = false
        var iterations = 0
        var current = initial
        for iteration in 1...options.maximumIterations {
            iterations = iteration
            let trial = evaluate(newBeta)
            let finite = trial.logLikelihood.isFinite && trial.score.allSatisfy(\.isFinite) && trial.information.allSatisfy(\.isFinite)
            if finite && abs(1 - best / trial.logLikelihood) <= options.epsilon {
                beta = newBeta
                best = trial.logLikelihood
                current = trial
                converged = true
                break
            }
            if !finite || trial.logLikelihood < best {
                halving += 1   // more aggressive each time it fails, as coxfit6
                for j in 0..<p { newBeta[j] = (newBeta[j] + halving * beta[j]) / (halving + 1) }
            } else {
                halving = 0
                best = trial.logLikelihood
                current = trial
                let step: [Double]
                do { step = try Cholesky(matrix(trial.information, p)).solve(trial.score) } catch {
                    throw monotoneOrCollinear(beta: newBeta, names: names)
                }
                beta = newBeta
                newBeta = zip(beta, step).map { $0 + $1 }
            }
        }
        if !converged { current = evaluate(beta) }
        let naive: [Double]
        do { naive = try Cholesky(matrix(current.information, p)).inverse().storage } catch {
            throw monotoneOrCollinear(beta: beta, names: names)
        }
        // coxph.fit's check: the step still to take, |U V|, large beside |β| means a coefficient runs to infinity.
        let tolerance = options.epsilon.squareRoot()
        var infinite: [String] = []
        for j in 0..<p {
            var s = 0.0
            for k in 0..<p { s += current.score[k] * naive[k * p + j] }
            if abs(s) > options.epsilon && abs(s) > tolerance * abs(beta[j]) { infinite.append(names[j]) }
        }
        if !infinite.isEmpty { throw .monotoneLikelihood(terms: infinite) }
        if !converged { throw .notConverged(iterations: options.maximumIterations) }

        // The robust variance and cox.zph read the covariates in time order: the sums' own data, or made now.
        var withCovariates: CoxData? = sums.timeOrderedData
        func timeOrderedData() -> CoxData {
            if let withCovariates { return withCovariates }
            let made = timeOrdered(covariates: true)
            withCovariates = made
            return made
        }
        var covariance = naive
        var clusters: Int? = nil
        var robustScore: SurvivalTestStatistic? = nil
        var clusterWarnings: [String] = []
        if let clusterName = options.cluster, let column = table.column(named: clusterName) {
            let groups = SurvivalGroups(columns: [column], rows: rows.array)
            guard groups.levels.count >= 2 else {
                throw .invalidOption("--cluster \(clusterName) has \(groups.levels.count) cluster among the rows used; robust errors need several clusters")
            }
            clusters = groups.levels.count
            if groups.levels.count < SandwichCovariance.fewClusters {
                // As the OLS/GLM cluster-robust warning: the sandwich is biased downwards with few clusters.
                clusterWarnings.append("only \(groups.levels.count) clusters of '\(clusterName)': with fewer than "
                                       + "\(SandwichCovariance.fewClusters) clusters the robust standard errors may be too small "
                                       + "and tests too liberal")
            }
            let data = timeOrderedData()
            let residuals = CoxResiduals.score(data, beta: beta, ties: options.ties)
            covariance = CoxResiduals.clusteredVariance(residuals: residuals, p: p, inverseInformation: naive,
                                                        cluster: groups.codes, clusterCount: groups.levels.count)
            // coxph's robust score test: U(0)ᵀ (Σ_c r_c r_cᵀ)⁻¹ U(0) with residuals at β = 0.
            let r0 = CoxResiduals.score(data, beta: [Double](repeating: 0, count: p), ties: options.ties)
            let middle = CoxResiduals.clusteredOuter(residuals: r0, p: p, cluster: groups.codes, clusterCount: groups.levels.count)
            if let solved = try? Cholesky(matrix(middle, p)).solve(initial.score) {
                robustScore = SurvivalTestStatistic(zip(solved, initial.score).reduce(0) { $0 + $1.0 * $1.1 }, df: p)
            }
        }
        let z = Normal.quantile(1 - (1 - options.level) / 2)
        var coefficients: [CoxCoefficient] = []
        for j in 0..<p {
            let se = covariance[j * p + j].squareRoot()
            let stat = beta[j] / se
            coefficients.append(CoxCoefficient(term: names[j], estimate: beta[j], standardError: se,
                                               naiveStandardError: clusters == nil ? nil : naive[j * p + j].squareRoot(),
                                               statistic: stat, pValue: 2 * Normal.ccdf(abs(stat)),
                                               confLow: beta[j] - z * se, confHigh: beta[j] + z * se))
        }
        let waldStatistic: Double
        do {
            let solved = try Cholesky(matrix(covariance, p)).solve(beta)
            waldStatistic = zip(solved, beta).reduce(0) { $0 + $1.0 * $1.1 }
        } catch {
            throw .invalidOption("the cluster-robust covariance is singular (fewer clusters than coefficients?); use more clusters or drop --cluster")
        }
        var zph: ProportionalHazardsTest? = nil
        if options.proportionalHazardsTest {
            var termNames: [String] = []
            var termColumns: [[Int]] = []
            for (j, k) in kept.enumerated() {
                let term = design.columnTerms[k]
                if let t = termNames.firstIndex(of: term) { termColumns[t].append(j) } else { termNames.append(term); termColumns.append([j]) }
            }
            zph = try CoxZph.test(timeOrderedData(), beta: beta, ties: options.ties, terms: termNames, termColumns: termColumns)
        }
        var concordance: Concordance? = nil
        if options.concordance {
            switch sums {
            case .timeOrdered(let data): concordance = Concordance.compute(data, eta: current.etaByStop(data.n))
            case .byEventTime(let byEventTime):
                // The time orders alone (no covariates copied unless the robust variance or cox.zph made them), and η
                // at β̂ by position in them.
                let orders = withCovariates ?? timeOrdered(covariates: false)
                let eta = byEventTime.linearPredictor(beta)
                concordance = Concordance.compute(orders, eta: orders.byStop.map { eta[Int($0)] })
            }
        }
        var warnings = frame.warnings + clusterWarnings
        if outcome.timesMergedAsTied > 0 { warnings.append(TiedTimes.note(outcome.timesMergedAsTied)) }
        if halving > 0 { warnings.append("Newton–Raphson converged while halving its step; check the fit (as coxph's flag -2)") }
        return CoxResult(formula: formula.text, ties: options.ties, counts: frame.counts, events: outcome.eventCount,
                         eventLevel: outcome.eventLevel, countingProcess: outcome.start != nil, coefficients: coefficients,
                         covariance: covariance, logLikelihoodNull: initial.logLikelihood, logLikelihood: best,
                         likelihoodRatio: SurvivalTestStatistic(2 * (best - initial.logLikelihood), df: p),
                         wald: SurvivalTestStatistic(waldStatistic, df: p), score: SurvivalTestStatistic(scoreTest, df: p),
                         robustScore: robustScore, concordance: concordance,
                         iterations: iterations,
                         level: options.level, clusterColumn: options.cluster, clusters: clusters, strataLabel: strataLabel,
                         strata: strataCount, proportionalHazards: zph, warnings: warnings)
    }

    static func matrix(_ storage: [Double], _ p: Int) -> Matrix { Matrix(rows: p, columns: p, columnMajor: storage) }

    /// A singular information matrix after the first step: a coefficient running off (large) or collinear columns.
    private static func monotoneOrCollinear(beta: [Double], names: [String]) -> SurvivalError {
        let large = names.indices.filter { abs(beta[$0]) > 10 }.map { names[$0] }
        return large.isEmpty ? .collinear(terms: names) : .monotoneLikelihood(terms: large)
    }
}

extension DesignMatrix {
    /// Column `j`'s values when it is one stored numeric column (a plain or transformed variable, no indicator or
    /// product): the array `fill` copies from, with at least `rows` values.
    func storedColumn(_ j: Int) -> [Double]? {
        guard columnParts[j].count == 1 else { return nil }
        switch columnParts[j][0] {
        case .numeric(let x), .transform(_, let x): return x.count >= rows ? x : nil
        case .indicator: return nil
        }
    }
}

/// Where `fit cox` forms its Newton sums: by event time from the rows as stored, or in time order.
enum CoxNewtonSums {
    case byEventTime(CoxEventTimes)
    case timeOrdered(CoxData)

    var constantColumn: Int? {
        switch self {
        case .byEventTime(let data): data.constantColumn
        case .timeOrdered(let data): data.constantColumn
        }
    }

    /// The time-ordered data with its covariates, when the sums use it.
    var timeOrderedData: CoxData? {
        if case .timeOrdered(let data) = self { return data }
        return nil
    }

    func evaluate(_ beta: [Double], ties: CoxTies) -> CoxEvaluation {
        switch self {
        case .byEventTime(let data): CoxRiskSets.evaluateByCells(data, beta: beta, ties: ties)
        case .timeOrdered(let data): CoxRiskSets.evaluateBySums(data, beta: beta, ties: ties)
        }
    }
}
