import DataTable
import Distributions

/// What `alliance moderate` fits: Y ~ X + W + X·W + covariates (PROCESS model 1).
public struct ModerationSpecification: Sendable, Equatable {
    public var x: String
    public var w: String
    public var y: String
    public var covariates: [String]
    public var probes: ProbeRule
    public var level: Double

    public init(x: String, w: String, y: String, covariates: [String] = [], probes: ProbeRule = .percentiles, level: Double = 0.95) {
        self.x = x
        self.w = w
        self.y = y
        self.covariates = covariates
        self.probes = probes
        self.level = level
    }
}

/// The effect of X at one value of W: θ(w) = b₁ + b₃w with SE √(v₁₁ + 2wv₁₃ + w²v₃₃), a t test on the model's
/// residual degrees of freedom and a t-based interval (PROCESS's "conditional effects of the focal predictor").
public struct ConditionalEffect: Sendable, Equatable {
    public let w: Double
    public let estimate: Double
    public let stdError: Double
    public let statistic: Double
    public let pValue: Double
    public let confLow: Double
    public let confHigh: Double
}

/// A simple slope for the plot: predicted Y = intercept + slope·X at W = w, covariates at their means.
public struct SimpleSlope: Sendable, Equatable {
    public let w: Double
    public let intercept: Double
    public let slope: Double
}

/// PROCESS model 1 by OLS as R's `lm(y ~ x * w + covariates)`.
public struct ModerationResult: Sendable {
    public let x: String
    public let w: String
    public let y: String
    public let covariates: [String]
    public let level: Double
    public let counts: DataCounts
    /// Y's equation: `(Intercept)`, X, W, `x:w`, covariates.
    public let equation: PathEquation
    public let interaction: Coefficient
    /// The test of the interaction as PROCESS reports it: R² change when X·W is added, F(1, df) = t².
    public let rSquaredChange: Double
    public let fChange: Double
    public let fChangePValue: Double
    public let probes: [Double]
    public let probeRule: ProbeRule
    /// W takes two values over the rows used (a 0/1 moderator): probed at both whatever the rule, and no
    /// Johnson–Neyman region (PROCESS does neither for a dichotomous W).
    public let dichotomousModerator: Bool
    public let conditionalEffects: [ConditionalEffect]
    public let johnsonNeyman: JohnsonNeyman
    public let simpleSlopes: [SimpleSlope]
    /// X's observed range, for the simple-slopes plot.
    public let xRange: ClosedRange<Double>
    public let warnings: [String]

    public var processModel: Int { 1 }
}

public enum Moderation {
    public static func fit(_ spec: ModerationSpecification, data: Table) throws(ModelError) -> ModerationResult {
        guard spec.level > 0 && spec.level < 1 else { throw .invalidLevel(spec.level) }
        let roles: [(role: String, name: String)] = [("X", spec.x), ("moderator W", spec.w), ("Y", spec.y)]
            + spec.covariates.map { ("covariate", $0) }
        var seen = Set<String>()
        for (role, name) in roles where !seen.insert(name).inserted {
            throw .invalidVariable(variable: name, detail: "'\(name)' is given twice (again as the \(role)); each variable has one role")
        }
        let columns = try ModelColumns(table: data, variables: roles, cluster: nil)
        let x = columns.column(spec.x), w = columns.column(spec.w), y = columns.column(spec.y)
        let product = "\(spec.x):\(spec.w)"
        let covariates = spec.covariates.map { ($0, columns.column($0)) }
        let predictors = [(spec.x, x), (spec.w, w), (product, zip(x, w).map { $0 * $1 })] + covariates
        let full = try PathEquation.fit(outcome: spec.y, y: y, predictors: predictors.map { (name: $0.0, values: $0.1) }, level: spec.level)
        let reduced = try PathEquation.fit(outcome: spec.y, y: y, predictors: ([(spec.x, x), (spec.w, w)] + covariates).map { (name: $0.0, values: $0.1) },
                                           level: spec.level)
        let estimates = full.coefficients.map { $0.estimate ?? .nan }
        let b1 = estimates[1], b3 = estimates[3]
        let v = full.vcov
        let df = Double(full.dfResidual)
        let t = StudentT(degreesOfFreedom: df)
        let critical = t.quantile((1 + spec.level) / 2)
        func effect(at value: Double) -> ConditionalEffect {
            let estimate = b1 + b3 * value
            let se = (v[1, 1] + 2 * value * v[1, 3] + value * value * v[3, 3]).squareRoot()
            let stat = estimate / se
            return ConditionalEffect(w: value, estimate: estimate, stdError: se, statistic: stat, pValue: t.twoSidedPValue(stat),
                                     confLow: estimate - critical * se, confHigh: estimate + critical * se)
        }
        let probes = spec.probes.values(w)
        let change = full.rSquared - reduced.rSquared
        let interaction = full.coefficients[3]
        let fChange = (interaction.statistic ?? .nan) * (interaction.statistic ?? .nan)
        let jn = JohnsonNeyman(b1: b1, b3: b3, v11: v[1, 1], v13: v[1, 3], v33: v[3, 3], criticalT: critical,
                               minimum: w.min() ?? .nan, maximum: w.max() ?? .nan)
        // Lines for the plot with the covariates held at their means.
        var base = estimates[0]
        for (j, (_, values)) in covariates.enumerated() {
            base += estimates[4 + j] * values.reduce(0, +) / Double(values.count)
        }
        let slopes = probes.map { SimpleSlope(w: $0, intercept: base + estimates[2] * $0, slope: b1 + b3 * $0) }
        return ModerationResult(
            x: spec.x, w: spec.w, y: spec.y, covariates: spec.covariates, level: spec.level, counts: columns.counts, equation: full,
            interaction: interaction, rSquaredChange: change, fChange: fChange,
            fChangePValue: FDistribution(numerator: 1, denominator: df).ccdf(fChange), probes: probes, probeRule: spec.probes,
            dichotomousModerator: ProbeRule.twoValues(w) != nil, conditionalEffects: probes.map(effect), johnsonNeyman: jn, simpleSlopes: slopes,
            xRange: (x.min() ?? 0)...(x.max() ?? 0), warnings: [])
    }
}
