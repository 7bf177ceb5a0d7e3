import DataTable
import Foundation
import LinearAlgebra
import Optimization

/// The family of a generalized linear mixed model.
public enum MixedFamily: String, Sendable, Equatable {
    /// Binomial with logit link: 0/1 or two-level outcomes, or successes out of trials with cbind(successes, failures).
    case logit
    /// Poisson with log link.
    case poisson

    var glmFamily: GLMFamily { self == .logit ? .binomial : .poisson }
}

/// Options of a GLMM fit.
public struct GeneralizedLinearMixedModelOptions: Sendable, Equatable {
    public var family: MixedFamily
    /// Quadrature points: 1 is the Laplace approximation (glmer's default), more is adaptive Gauss–Hermite
    /// quadrature (`--nagq N`, one scalar random effect only).
    public var quadraturePoints: Int
    public var level: Double
    public var references: [String: String]
    /// logit with a two-level text outcome: the level modelled as the event.
    public var event: String?
    /// Compute the conditional modes and SDs.
    public var conditionalModes: Bool

    public init(family: MixedFamily, quadraturePoints: Int = 1, level: Double = 0.95, references: [String: String] = [:],
                event: String? = nil, conditionalModes: Bool = true) {
        self.family = family
        self.quadraturePoints = quadraturePoints
        self.level = level
        self.references = references
        self.event = event
        self.conditionalModes = conditionalModes
    }
}

/// Generalized linear mixed models as lme4's `glmer` fits them (Bates et al. 2015; lme4's R/modular.R and
/// src/external.cpp): conditional modes by penalized IRLS (`PenalizedIRLS`), the Laplace approximation or adaptive
/// Gauss–Hermite quadrature to the likelihood, and glmer's two stages: θ by BOBYQA with β inside PIRLS (nAGQ = 0),
/// then (θ, β) together on the Laplace/AGQ deviance; then Newton steps to the optimum (docs/mixed-models.md, "GLMMs").
public enum GeneralizedLinearMixedModel {
    /// Stage 1 (θ only, β in PIRLS): lme4's default BOBYQA tolerances; it only provides stage 2's start.
    static let stageOneOptions = DerivativeFreeOptions.lme4
    /// A random-effect SD beyond this on the link scale is reported as separation by group.
    static let separatedStandardDeviation = 10.0
    /// The largest number of adaptive quadrature points (glmer's limit).
    public static let maximumQuadraturePoints = 100

    public static func fit(formula text: String, table: Table, options: GeneralizedLinearMixedModelOptions) throws(ModelError) -> GeneralizedLinearMixedModelResult {
        let setup = try Setup(formula: text, table: table, options: options)
        // Two or more grouping factors (nested or crossed): GeneralizedLinearMixedModel+SeveralFactors.swift.
        return setup.structure.blocks.count > 1 ? try setup.fitSeveralFactors() : try setup.fit()
    }

    /// Data, design and random-effects structure of a GLMM.
    struct Setup {
        let formulaText: String
        let frame: ModelFrame
        let design: DesignMatrix
        let kept: [Int]
        let block: RandomEffectsBlock
        /// Every grouping factor, most levels first (`block` is the first).
        let structure: RandomEffectsStructure
        let options: GeneralizedLinearMixedModelOptions
        let y: [Double]
        let weights: [Double]
        let offset: [Double]
        let x: [Double]
        let event: OutcomeEvent?
        /// The failures of cbind(successes, failures), as written.
        let failures: String?
        let warnings: [String]

        init(formula text: String, table: Table, options: GeneralizedLinearMixedModelOptions) throws(ModelError) {
            guard options.quadraturePoints >= 1 && options.quadraturePoints <= GeneralizedLinearMixedModel.maximumQuadraturePoints else {
                throw .invalidVariable(variable: "nagq", detail: "the number of quadrature points must be 1 (Laplace) to "
                                       + "\(GeneralizedLinearMixedModel.maximumQuadraturePoints), as glmer's nAGQ; got \(options.quadraturePoints)")
            }
            let trials = try BinomialTrials(formula: text, dataColumns: table.columnNames)
            let formula = trials.formula
            guard !formula.randomEffects.isEmpty else {
                throw .invalidRandomEffects(term: text, detail: "the formula has no random-effects term such as (1 | therapist)")
            }
            if let s = formula.survival {
                throw .formula(FormulaError(formula: text, offset: formula.outcome.offset, length: formula.outcome.length,
                                            message: "a survival outcome \(s.label) needs `fit cox`"))
            }
            if let s = formula.strata.first {
                throw .formula(FormulaError(formula: text, offset: s.offset, length: s.length,
                                            message: "strata() belongs in survival models; enter the variable as a fixed effect or a grouping factor"))
            }
            if trials.failures != nil && options.family != .logit {
                throw .invalidVariable(variable: "cbind", detail: "cbind(successes, failures) is a binomial outcome with trials; fit it with `fit logit`")
            }
            let failureColumns = trials.failureFormula?.outcome.columnNames ?? []
            let frame = try ModelFrame(formula: formula, table: table, references: options.references, extraColumns: failureColumns)
            let outcomeName = trials.outcomeLabel
            var y: [Double]
            var weights: [Double]
            var event: OutcomeEvent? = nil
            if let failureFormula = trials.failureFormula {
                if options.event != nil { throw .eventForNumericOutcome(outcome: outcomeName, level: options.event ?? "") }
                let second = try ModelFrame(formula: failureFormula, table: table, references: options.references,
                                            extraColumns: formula.outcome.columnNames)
                guard case .numeric(let s) = frame.outcome, case .numeric(let f) = second.outcome, second.rows.elementsEqual(frame.rows) else {
                    throw .nonNumericOutcome(outcome: outcomeName)
                }
                y = [Double](repeating: 0, count: s.count)
                weights = y
                let usedRows = frame.usedRows
                for k in s.indices {
                    let row = usedRows[k]
                    for (value, part) in [(s[k], "successes"), (f[k], "failures")] {
                        guard value.isFinite, value >= 0, value == value.rounded() else {
                            throw .invalidVariable(variable: outcomeName, detail: "data row \(row + 1) has \(value) \(part); cbind(successes, failures) "
                                                   + "needs whole numbers of 0 or more")
                        }
                    }
                    let m = s[k] + f[k]
                    weights[k] = m
                    y[k] = m > 0 ? s[k] / m : 0
                }
                guard weights.contains(where: { $0 > 0 }) else {
                    throw .invalidVariable(variable: outcomeName, detail: "every row has 0 trials (successes + failures)")
                }
            } else {
                let values = try GeneralizedLinearModel.outcomeValues(frame, family: options.family.glmFamily, event: options.event)
                y = values.values
                event = values.event
                weights = [Double](repeating: 1, count: y.count)
            }
            // Hostile outcomes: no events, only events, all zero counts.
            let successes = zip(y, weights).reduce(0) { $0 + $1.0 * $1.1 }
            let total = weights.reduce(0, +)
            if options.family == .logit {
                if successes == 0 || successes == total {
                    throw .constantOutcome(outcome: outcomeName + (successes == 0 ? " (no events: every row is 0)" : " (every row is an event)"))
                }
            } else if successes == 0 {
                throw .constantOutcome(outcome: outcomeName + " (every count is 0)")
            }
            let design = DesignMatrix(frame: frame)
            let kept = LinearMixedModel.Setup.keptColumns(design, outcome: y).kept
            var warnings = frame.warnings
            let dropped = design.columns - kept.count
            if dropped > 0 {
                let names = (0..<design.columns).filter { !kept.contains($0) }.map { design.columnNames[$0] }
                warnings.append("the fixed-effects design is rank deficient, so \(dropped) column\(dropped == 1 ? " was" : "s were") dropped "
                                + "(as lme4 does): \(names.joined(separator: ", "))")
            }
            let n = frame.counts.rowsUsed
            guard n > kept.count else { throw .tooFewRows(parameters: kept.count, rows: n) }
            let structure = try RandomEffectsStructure(frame: frame)
            guard let block = structure.blocks.first else {
                throw .invalidRandomEffects(term: text, detail: "the formula has no random-effects term such as (1 | therapist)")
            }
            for b in structure.blocks { try Self.validate(b, rows: n) }
            if options.quadraturePoints > 1 && structure.blocks.count > 1 {
                throw .invalidRandomEffects(term: formula.randomEffects.map(\.label).joined(separator: " + "),
                                            detail: "adaptive Gauss–Hermite quadrature (--nagq \(options.quadraturePoints)) needs a single scalar "
                                                + "random effect, and this model has \(structure.blocks.count) grouping factors ("
                                                + structure.blocks.map(\.group).joined(separator: ", ") + "); glmer refuses nAGQ > 1 "
                                                + "for more than one random-effect term too. Drop --nagq for the Laplace approximation")
            }
            if options.quadraturePoints > 1 && block.q != 1 {
                throw .invalidRandomEffects(term: block.terms.joined(separator: " + "),
                                            detail: "adaptive Gauss–Hermite quadrature (--nagq \(options.quadraturePoints)) needs a single scalar "
                                                + "random effect such as (1 | \(block.group)), as glmer; this term has \(block.q) effects "
                                                + "per level. Drop --nagq for the Laplace approximation")
            }
            var x = [Double](repeating: 0, count: n * kept.count)
            if !kept.isEmpty {
                x.withUnsafeMutableBufferPointer { p in design.fill(0..<n, columns: kept, into: p.baseAddress!, leadingDimension: n) }
            }
            self.formulaText = text
            self.frame = frame
            self.design = design
            self.kept = kept
            self.block = block
            self.structure = structure
            self.options = options
            self.y = y
            self.weights = weights
            self.offset = frame.offset ?? [Double](repeating: 0, count: n)
            self.x = x
            self.event = event
            self.failures = trials.failures
            self.warnings = warnings
        }

        /// glmer skips lmer's checks of levels against rows (observation-level random effects are a model for
        /// overdispersion), but a factor needs two levels, and a slope must vary within levels.
        static func validate(_ b: RandomEffectsBlock, rows n: Int) throws(ModelError) {
            guard b.levelCount > 1 else {
                throw .invalidRandomEffects(term: b.terms.joined(separator: " + "),
                                            detail: "the grouping factor \(b.group) has a single level among the rows used, so it cannot vary; "
                                                + "drop the term and fit the model without random effects")
            }
            try b.requireSlopesVaryWithinLevels(rows: n)
        }
    }
}

extension GeneralizedLinearMixedModel {
    /// Whether a formula makes `fit logit|poisson` a GLMM: a random-effects term, or a cbind(successes, failures) outcome.
    /// False when the formula does not parse (the ordinary fit then reports the error).
    public static func isMixed(formula text: String, dataColumns: [String]? = nil) -> Bool {
        if BinomialTrials.split(text) != nil { return true }
        guard let formula = try? Formula(text, dataColumns: dataColumns) else { return false }
        return !formula.randomEffects.isEmpty
    }
}

extension GeneralizedLinearMixedModel {
    /// The outcome as a formula writes it, `cbind(successes, failures)` included (for `compare`'s nesting check).
    public static func outcomeLabel(formula text: String, dataColumns: [String]? = nil) throws(ModelError) -> String {
        try BinomialTrials(formula: text, dataColumns: dataColumns).outcomeLabel
    }
}
