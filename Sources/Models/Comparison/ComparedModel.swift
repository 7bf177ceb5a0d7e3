/// What a likelihood-ratio comparison needs to know about one fit: enough to check that it is nested in another
/// (outcome, data, rows, fixed-effects columns, random-effects structure) and its maximised log-likelihood.
public struct ComparedModel: Sendable, Equatable {
    /// The model families `compare` knows; a linear model is nested in a linear mixed model with its fixed effects.
    public enum Family: String, Sendable, Equatable {
        case ols, logit, poisson, negbin, lmm
    }

    /// The random effects as sets: each variance (group and effect) and each correlation (group and two effects).
    /// One structure is nested in another when both sets are subsets: `(x || g)` in `(x | g)`, `(1 | g)` in
    /// `(x | g)`, `(1 | therapist)` in `(1 | site/therapist)`.
    public struct RandomEffects: Sendable, Equatable {
        public struct Variance: Sendable, Hashable, Comparable {
            public let group: String
            public let term: String
            public init(group: String, term: String) { self.group = group; self.term = term }
            public static func < (a: Variance, b: Variance) -> Bool { (a.group, a.term) < (b.group, b.term) }
            public var label: String { "\(term) | \(group)" }
        }

        public struct Correlation: Sendable, Hashable {
            public let group: String
            /// The two effects, in sorted order.
            public let terms: [String]
            public init(group: String, terms: [String]) { self.group = group; self.terms = terms.sorted() }
        }

        public let variances: Set<Variance>
        public let correlations: Set<Correlation>
        /// Levels of each grouping factor.
        public let levels: [String: Int]

        public init(variances: Set<Variance> = [], correlations: Set<Correlation> = [], levels: [String: Int] = [:]) {
            self.variances = variances
            self.correlations = correlations
            self.levels = levels
        }

        public static let none = RandomEffects()

        /// Whether these random effects are part of `other`'s, after `matchingGroups(in:)`.
        public func isSubset(of other: RandomEffects) -> Bool {
            let renamed = matchingGroups(in: other)
            return renamed.variances.isSubset(of: other.variances) && renamed.correlations.isSubset(of: other.correlations)
        }

        /// These random effects with each grouping factor named as `other` names the same grouping: `therapist` is
        /// `site:therapist` of `(1 | site/therapist)` when both have the same number of levels (therapist labels unique
        /// across sites: site:therapist refines therapist, so equal counts mean the same partition of the rows).
        public func matchingGroups(in other: RandomEffects) -> RandomEffects {
            var rename: [String: String] = [:]
            for group in Set(variances.map(\.group)) where other.levels[group] == nil {
                guard let count = levels[group] else { continue }
                let candidates = other.levels.filter { name, otherCount in
                    otherCount == count && name.split(separator: ":").map(String.init).contains(group)
                }
                if candidates.count == 1, let match = candidates.first { rename[group] = match.key }
            }
            guard !rename.isEmpty else { return self }
            func name(_ g: String) -> String { rename[g] ?? g }
            var renamedLevels: [String: Int] = [:]
            for (g, count) in levels { renamedLevels[name(g)] = count }
            return RandomEffects(variances: Set(variances.map { Variance(group: name($0.group), term: $0.term) }),
                                 correlations: Set(correlations.map { Correlation(group: name($0.group), terms: $0.terms) }),
                                 levels: renamedLevels)
        }
    }

    /// How the fit was named on the command line (its JSON file).
    public let name: String
    public let family: Family
    public let formula: String
    /// The outcome as the formula writes it.
    public let outcome: String
    /// The data's SHA-256 and file name as recorded by the fit.
    public let dataDigest: String
    public let dataFile: String
    /// How the file was read, where that changes its values (missing codes, decimal mark): empty for a default read.
    public let readWith: [String]
    public let rowsUsed: Int
    /// Fixed-effects design columns (`(Intercept)`, `wai`, `arm[tele]`, …), aliased ones included.
    public let fixedColumns: [String]
    /// Offsets added to the linear predictor (they must agree between nested fits).
    public let offsets: [String]
    /// logit: the level modelled as the event.
    public let event: String?
    public let randomEffects: RandomEffects
    /// The log-likelihood is REML's restricted one (a REML lmm fit).
    public let reml: Bool
    /// Parameters counted by AIC (R's `attr(logLik(fit), "df")`).
    public let parameterCount: Int
    public let logLikelihood: Double
    /// An OLS fit's residual sum of squares and residual degrees of freedom, for anova.lm's F test.
    public let residualSumOfSquares: Double?
    public let residualDF: Int?

    public init(name: String, family: Family, formula: String, outcome: String, dataDigest: String, dataFile: String,
                readWith: [String] = [], rowsUsed: Int, fixedColumns: [String], offsets: [String] = [], event: String? = nil,
                randomEffects: RandomEffects = .none, reml: Bool = false, parameterCount: Int, logLikelihood: Double,
                residualSumOfSquares: Double? = nil, residualDF: Int? = nil) {
        self.name = name
        self.family = family
        self.formula = formula
        self.outcome = outcome
        self.dataDigest = dataDigest
        self.dataFile = dataFile
        self.readWith = readWith
        self.rowsUsed = rowsUsed
        self.fixedColumns = fixedColumns
        self.offsets = offsets
        self.event = event
        self.randomEffects = randomEffects
        self.reml = reml
        self.parameterCount = parameterCount
        self.logLikelihood = logLikelihood
        self.residualSumOfSquares = residualSumOfSquares
        self.residualDF = residualDF
    }

    /// The same fit with another log-likelihood (an ML refit of a REML fit).
    public func refitted(logLikelihood: Double, parameterCount: Int) -> ComparedModel {
        ComparedModel(name: name, family: family, formula: formula, outcome: outcome, dataDigest: dataDigest,
                      dataFile: dataFile, readWith: readWith, rowsUsed: rowsUsed, fixedColumns: fixedColumns, offsets: offsets, event: event,
                      randomEffects: randomEffects, reml: false, parameterCount: parameterCount, logLikelihood: logLikelihood,
                      residualSumOfSquares: residualSumOfSquares, residualDF: residualDF)
    }
}

extension ComparedModel {
    /// A fitted linear mixed model's part of a comparison (as `compare` builds it after an ML refit).
    public init(name: String, result: LinearMixedModelResult, dataFile: String, dataDigest: String, outcome: String) {
        var variances: Set<RandomEffects.Variance> = []
        var correlations: Set<RandomEffects.Correlation> = []
        for v in result.varianceComponents where v.group != "Residual" {
            if v.correlation != nil {
                correlations.insert(.init(group: v.group, terms: v.terms))
            } else if let term = v.terms.first {
                variances.insert(.init(group: v.group, term: term))
            }
        }
        self.init(name: name, family: .lmm, formula: result.formula, outcome: outcome, dataDigest: dataDigest,
                  dataFile: dataFile, rowsUsed: result.rowsUsed, fixedColumns: result.schema.columnNames,
                  randomEffects: RandomEffects(variances: variances, correlations: correlations,
                                               levels: Dictionary(result.groups.map { ($0.group, $0.levels) }, uniquingKeysWith: { a, _ in a })),
                  reml: result.reml,
                  parameterCount: result.parameterCount, logLikelihood: result.logLikelihood)
    }
}
