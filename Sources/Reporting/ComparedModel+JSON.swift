import Models
import Output

/// A saved fit (`alliance fit … --format json --out FILE.json`) read back for `compare`: the parts of its JSON
/// (DESIGN.md §7) that decide whether it is nested in another fit, and its log-likelihood.
extension ComparedModel {
    public init(json: JSONValue, name: String) throws(ComparisonError) {
        func missing(_ what: String) -> ComparisonError {
            ComparisonError("\(name): not a saved fit compare can use: \(what). Write it with `alliance fit … --format json --out FILE.json`")
        }
        guard let kind = json["model"]?.stringValue else { throw missing("no \"model\"") }
        guard let family = Family(rawValue: kind) else {
            throw ComparisonError("\(name): compare takes fits of ols, logit, poisson, negbin and lmm models (this one is \(kind))")
        }
        guard let formula = json["formula"]?.stringValue else { throw missing("no \"formula\"") }
        guard let data = json["data"], let file = data["file"]?.stringValue, let digest = data["sha256"]?.stringValue,
              let used = data["used"]?.intValue else { throw missing("no \"data\" with file, sha256 and used") }
        guard let schema = json["schema"], let columns = schema["columns"]?.arrayValue?.compactMap(\.stringValue) else {
            throw missing("no \"schema\" with the design's columns")
        }
        guard let fit = json["fit"], let logLik = fit["log_likelihood"]?.doubleValue, logLik.isFinite else {
            throw missing("no finite \"fit\".\"log_likelihood\"")
        }
        let dataColumns = schema["data_columns"]?.arrayValue?.compactMap(\.stringValue)
        let outcome: String
        do { outcome = try GeneralizedLinearMixedModel.outcomeLabel(formula: formula, dataColumns: dataColumns) } catch {
            throw missing("its formula does not parse (\(error.description))")
        }
        let readWith = data["read_with"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let offsets = schema["offsets"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let event = json["event"]?.stringValue
        // The random effects of an lmm or GLMM fit (empty for fixed-effects fits).
        var variances: Set<RandomEffects.Variance> = []
        var correlations: Set<RandomEffects.Correlation> = []
        for v in json["random_effects"]?.arrayValue ?? [] {
            guard let group = v["group"]?.stringValue else { throw missing("a random effect without \"group\"") }
            if group == "Residual" { continue }
            if let terms = v["terms"]?.arrayValue?.compactMap(\.stringValue), terms.count == 2 {
                correlations.insert(.init(group: group, terms: terms))
            } else if let term = v["term"]?.stringValue {
                variances.insert(.init(group: group, term: term))
            } else {
                throw missing("a random effect of \(group) without \"term\"")
            }
        }
        var levels: [String: Int] = [:]
        for g in json["groups"]?.arrayValue ?? [] {
            if let group = g["group"]?.stringValue, let count = g["levels"]?.intValue { levels[group] = count }
        }
        if family == .lmm {
            guard let method = fit["method"]?.stringValue, method == "REML" || method == "ML" else {
                throw missing("no \"fit\".\"method\" (REML or ML)")
            }
            guard let npar = fit["npar"]?.intValue else { throw missing("no \"fit\".\"npar\"") }
            guard !variances.isEmpty else { throw missing("no \"random_effects\"") }
            self.init(name: name, family: family, formula: formula, outcome: outcome, dataDigest: digest, dataFile: file, readWith: readWith,
                      rowsUsed: used, fixedColumns: columns, offsets: offsets, event: event,
                      randomEffects: RandomEffects(variances: variances, correlations: correlations, levels: levels),
                      reml: method == "REML",
                      parameterCount: npar, logLikelihood: logLik)
        } else if !variances.isEmpty {
            // A GLMM (`fit logit|poisson` with random effects): ML, with its parameter count (fixed effects and θ).
            guard let npar = fit["npar"]?.intValue else { throw missing("no \"fit\".\"npar\"") }
            self.init(name: name, family: family, formula: formula, outcome: outcome, dataDigest: digest, dataFile: file, readWith: readWith,
                      rowsUsed: used, fixedColumns: columns, offsets: offsets, event: event,
                      randomEffects: RandomEffects(variances: variances, correlations: correlations, levels: levels),
                      parameterCount: npar, logLikelihood: logLik)
        } else {
            guard let coefficients = json["coefficients"]?.arrayValue else { throw missing("no \"coefficients\"") }
            // R's attr(logLik(fit), "df"): the estimable coefficients, plus σ (lm) or θ (glm.nb).
            let estimable = coefficients.filter { c in
                if case .bool(true)? = c["aliased"] { return false }
                return true
            }.count
            let extra = family == .ols || family == .negbin ? 1 : 0
            // OLS: RSS = σ²·(n − rank), for anova.lm's F test beside the likelihood-ratio one.
            var rss: Double? = nil
            var dfResidual: Int? = nil
            if family == .ols, let sigma = fit["sigma"]?.doubleValue, let df = fit["df_residual"]?.intValue, sigma.isFinite, df > 0 {
                rss = sigma * sigma * Double(df)
                dfResidual = df
            }
            self.init(name: name, family: family, formula: formula, outcome: outcome, dataDigest: digest, dataFile: file, readWith: readWith,
                      rowsUsed: used, fixedColumns: columns, offsets: offsets, event: event,
                      parameterCount: estimable + extra, logLikelihood: logLik, residualSumOfSquares: rss, residualDF: dfResidual)
        }
    }
}
