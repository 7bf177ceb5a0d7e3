import DataTable
import Distributions

/// What `alliance mediate` fits: X → M₁…M_k → Y with covariates in every equation (as PROCESS), optionally with W
/// moderating the a paths (model 7) or the b paths (model 14), and a row or cluster bootstrap of the indirect effects.
public struct MediationSpecification: Sendable, Equatable {
    public var x: String
    public var mediators: [String]
    public var y: String
    public var covariates: [String]
    public var w: String?
    public var moderate: ModeratedPath?
    /// Resample whole clusters of this column instead of rows.
    public var cluster: String?
    public var probes: ProbeRule
    public var level: Double
    public var bootstrap: BootstrapOptions

    public init(x: String, mediators: [String], y: String, covariates: [String] = [], w: String? = nil,
                moderate: ModeratedPath? = nil, cluster: String? = nil, probes: ProbeRule = .percentiles,
                level: Double = 0.95, bootstrap: BootstrapOptions) {
        self.x = x
        self.mediators = mediators
        self.y = y
        self.covariates = covariates
        self.w = w
        self.moderate = moderate
        self.cluster = cluster
        self.probes = probes
        self.level = level
        self.bootstrap = bootstrap
    }
}

/// PROCESS models 4, 7 and 14 (Hayes 2022): each equation by OLS as R's `lm` (paths with t-based intervals, as
/// PROCESS and `confint.lm`), the indirect effects a·b (and, when W moderates a path, the conditional indirect
/// effects at the probe values of W and the index of moderated mediation) with bootstrap intervals as R's
/// `boot.ci`, from resamples drawn by `BootstrapRunner` (resample i from seed stream i).
public enum Mediation {
    public static func fit(_ spec: MediationSpecification, data: Table,
                           progress: (@Sendable (Int) -> Void)? = nil) throws(ModelError) -> MediationResult {
        let layout = try Layout(spec, data: data)
        return try layout.fit(progress: progress)
    }

    /// Source-table indices (0-based) of the model's complete rows, in data order.
    public static func modelRows(_ spec: MediationSpecification, data: Table) throws(ModelError) -> [Int] {
        try Layout(spec, data: data).columns.rows
    }

    /// The rows (0-based, into the model's complete rows in data order) of each bootstrap resample in `resamples`:
    /// what R needs to recompute a resample (`lm` on those rows) and check the intervals.
    public static func resampleRows(_ spec: MediationSpecification, data: Table, resamples: Range<Int>) throws(ModelError) -> [[Int]] {
        let scheme = try Layout(spec, data: data).scheme
        var streams = SeededGenerator.streams(seed: spec.bootstrap.seed, indices: resamples)
        return streams.indices.map { scheme.rowIndices(units: scheme.drawUnits(&streams[$0])) }
    }

    /// The model's columns and equations, laid out once for the full-sample fit, the resamples and the jackknife.
    struct Layout: Sendable {
        let spec: MediationSpecification
        let columns: ModelColumns
        /// Variables of the augmented matrix Z (column j + 1 of Z is variables[j]; column 0 is the intercept).
        let names: [String]
        let raw: [[Double]]
        let k: Int
        let aEquations: [[Int]]
        let yEquation: [Int]
        let cEquation: [Int]
        let mediatorColumns: [Int]
        let yColumn: Int
        let probes: [Double]
        let scheme: ResampleScheme

        init(_ spec: MediationSpecification, data: Table) throws(ModelError) {
            guard spec.level > 0 && spec.level < 1 else { throw .invalidLevel(spec.level) }
            guard !spec.mediators.isEmpty else {
                throw .invalidVariable(variable: spec.y, detail: "a mediation model needs at least one mediator (--m)")
            }
            if (spec.w == nil) != (spec.moderate == nil) {
                throw .invalidVariable(variable: spec.w ?? spec.x, detail: "a moderator needs both W and the path it moderates (a or b)")
            }
            var roles: [(role: String, name: String)] = [("X", spec.x)] + spec.mediators.map { ("mediator", $0) } + [("Y", spec.y)]
            if let w = spec.w { roles.append(("moderator W", w)) }
            roles += spec.covariates.map { ("covariate", $0) }
            var seen = Set<String>()
            for (role, name) in roles where !seen.insert(name).inserted {
                throw .invalidVariable(variable: name, detail: "'\(name)' is given twice (again as the \(role)); each variable has one role")
            }
            let columns = try ModelColumns(table: data, variables: roles, cluster: spec.cluster)
            let k = spec.mediators.count
            var names = [spec.x] + spec.mediators
            var raw = names.map { columns.column($0) }
            let x = columns.column(spec.x)
            var wColumn: Int?
            var productColumns: [Int] = []
            if let w = spec.w, let path = spec.moderate {
                let wv = columns.column(w)
                names.append(w)
                raw.append(wv)
                wColumn = names.count
                switch path {
                case .a:
                    names.append("\(spec.x):\(w)")
                    raw.append(zip(x, wv).map { $0 * $1 })
                    productColumns.append(names.count)
                case .b:
                    for m in spec.mediators {
                        names.append("\(m):\(w)")
                        raw.append(zip(columns.column(m), wv).map { $0 * $1 })
                        productColumns.append(names.count)
                    }
                }
            }
            let covariateStart = names.count + 1
            names += spec.covariates
            raw += spec.covariates.map { columns.column($0) }
            let covariateColumns = Array(covariateStart..<(covariateStart + spec.covariates.count))
            names.append(spec.y)
            raw.append(columns.column(spec.y))
            let mediatorColumns = (0..<k).map { 2 + $0 }
            var aEquations: [[Int]] = []
            for _ in 0..<k {
                var eq = [0, 1]
                if spec.moderate == .a, let wColumn { eq += [wColumn] + productColumns }
                aEquations.append(eq + covariateColumns)
            }
            var yEquation = [0, 1] + mediatorColumns
            if spec.moderate == .b, let wColumn { yEquation += [wColumn] + productColumns }
            yEquation += covariateColumns
            self.spec = spec
            self.columns = columns
            self.names = names
            self.raw = raw
            self.k = k
            self.aEquations = aEquations
            self.yEquation = yEquation
            self.cEquation = [0, 1] + covariateColumns
            self.mediatorColumns = mediatorColumns
            self.yColumn = names.count
            self.probes = spec.w.map { spec.probes.values(columns.column($0)) } ?? []
            if let codes = columns.clusterCodes {
                self.scheme = .clusters(codes: codes, count: columns.clusterLevels.count)
            } else {
                self.scheme = .rows(columns.rows.count)
            }
        }

        var statisticNames: [String] {
            var out: [String] = []
            for m in spec.mediators {
                if spec.moderate == nil {
                    out.append("indirect:\(m)")
                } else {
                    out.append("index:\(m)")
                    out += probes.map { "conditional:\(m)@\($0)" }
                }
            }
            if spec.moderate == nil && k > 1 { out.append("total_indirect") }
            return out
        }

        /// The bootstrapped statistics from each mediator's coefficients and Y's (in equation order).
        func statistics(a: [[Double]], y: [Double]) -> [Double] {
            var out: [Double] = []
            var total = 0.0
            for j in 0..<k {
                let b = y[2 + j]
                switch spec.moderate {
                case nil:
                    out.append(a[j][1] * b)
                    total += a[j][1] * b
                case .a:
                    let a1 = a[j][1], a3 = a[j][3]
                    out.append(a3 * b)
                    out += probes.map { (a1 + a3 * $0) * b }
                case .b:
                    let b3 = y[2 + k + 1 + j]
                    out.append(a[j][1] * b3)
                    out += probes.map { a[j][1] * (b + b3 * $0) }
                }
            }
            if spec.moderate == nil && k > 1 { out.append(total) }
            return out
        }

        /// Statistics from the cross-products `c` of the rows weighted by `weights` (nil when an equation cannot be
        /// solved in this resample).
        func statistics(_ xp: WeightedCrossProducts, _ c: [Double], weights: [Double]) -> [Double]? {
            var a: [[Double]] = []
            for (j, eq) in aEquations.enumerated() {
                guard let beta = xp.solve(c, predictors: eq, outcome: mediatorColumns[j], weights: weights) else { return nil }
                a.append(beta)
            }
            guard let y = xp.solve(c, predictors: yEquation, outcome: yColumn, weights: weights) else { return nil }
            return statistics(a: a, y: y)
        }

        func equation(_ predictors: [Int], outcome: Int) throws(ModelError) -> PathEquation {
            try PathEquation.fit(outcome: names[outcome - 1], y: raw[outcome - 1],
                                 predictors: predictors.dropFirst().map { (names[$0 - 1], raw[$0 - 1]) }, level: spec.level)
        }

        func fit(progress: (@Sendable (Int) -> Void)?) throws(ModelError) -> MediationResult {
            let aFits = try aEquations.enumerated().map { (j, eq) throws(ModelError) in try equation(eq, outcome: mediatorColumns[j]) }
            let yFit = try equation(yEquation, outcome: yColumn)
            let cFit = try equation(cEquation, outcome: yColumn)
            func estimates(_ e: PathEquation) -> [Double] { e.coefficients.map { $0.estimate ?? .nan } }
            let t0 = statistics(a: aFits.map(estimates), y: estimates(yFit))

            let options = spec.bootstrap
            guard options.resamples >= 2 else {
                throw .invalidVariable(variable: "--boot", detail: "a bootstrap needs at least 2 resamples (5000 is the default), got \(options.resamples)")
            }
            let xp = WeightedCrossProducts(variables: raw)
            let scheme = self.scheme
            let width = t0.count
            let layout = self
            let replicates = BootstrapRunner.run(
                resamples: options.resamples, statistics: width, seed: options.seed, workers: options.workers, progress: progress,
                makeWorker: { (weights: [Double](), c: [Double]()) },
                resample: { state, _, generator, out in
                    scheme.rowWeights(units: scheme.drawUnits(&generator), into: &state.weights)
                    xp.products(weights: state.weights, into: &state.c)
                    guard let stats = layout.statistics(xp, state.c, weights: state.weights) else { return false }
                    for s in 0..<width { out[s] = stats[s] }
                    return true
                })
            var influence: [[Double]]?
            var warnings: [String] = []
            if options.method == .bca {
                influence = jackknifeInfluence(xp, estimates: t0)
                if influence == nil {
                    warnings.append("a leave-one-\(spec.cluster == nil ? "row" : "cluster")-out fit failed, so the BCa acceleration "
                        + "cannot be computed; no intervals are reported (use --ci percentile)")
                }
            }
            let names = statisticNames
            var estimates: [BootstrapEstimate] = []
            for s in 0..<width {
                let t = replicates.column(s)
                var interval: (low: Double, high: Double)?
                switch options.method {
                case .percentile: interval = BootstrapInterval.percentile(t, level: spec.level)
                case .bca:
                    if let influence {
                        interval = BootstrapInterval.bca(t, estimate: t0[s], influence: influence[s], level: spec.level)
                        if interval == nil {
                            warnings.append("the BCa interval of \(names[s]) is not defined (every replicate lies on one side of the "
                                + "estimate, or the acceleration is not finite), as boot.ci stops; use --ci percentile")
                        }
                    }
                }
                estimates.append(BootstrapEstimate(estimate: t0[s], bootStdError: BootstrapInterval.standardError(t),
                                                   confLow: interval?.low, confHigh: interval?.high))
            }
            if replicates.failures > 0 {
                warnings.append("\(replicates.failures) of \(options.resamples) bootstrap resamples could not be fitted (a predictor was "
                    + "constant or collinear in the resample) and were left out of the intervals and standard errors, as boot.ci drops "
                    + "non-finite replicates")
            }
            if replicates.failures == options.resamples {
                warnings.append("no bootstrap resample could be fitted, so no interval is reported")
            } else if BootstrapInterval.usesExtremeEnds(count: options.resamples - replicates.failures, level: spec.level) {
                warnings.append(BootstrapInterval.extremeEndsWarning(count: options.resamples - replicates.failures, level: spec.level,
                                                                     what: "usable resamples", option: "--boot; 5000 is the default"))
            }
            if let codes = columns.clusterCodes, columns.clusterLevels.count < 20 {
                warnings.append("the cluster bootstrap resamples only \(columns.clusterLevels.count) clusters of '\(spec.cluster ?? "")'; "
                    + "with fewer than about 20 clusters its intervals are too narrow")
                _ = codes
            }
            var effects: [MediatorEffects] = []
            var position = 0
            let moderatorName = spec.w ?? ""
            for (j, m) in spec.mediators.enumerated() {
                let a = aFits[j].coefficient(spec.x) ?? Coefficient.aliased(spec.x)
                let b = yFit.coefficient(m) ?? Coefficient.aliased(m)
                switch spec.moderate {
                case nil:
                    effects.append(MediatorEffects(mediator: m, a: a, b: b, interaction: nil, indirect: estimates[position],
                                                   indexOfModeratedMediation: nil, conditionalIndirect: []))
                    position += 1
                case .some(let path):
                    let term = path == .a ? "\(spec.x):\(moderatorName)" : "\(m):\(moderatorName)"
                    let interaction = (path == .a ? aFits[j] : yFit).coefficient(term)
                    let conditional = probes.enumerated().map { p, w in ConditionalIndirectEffect(w: w, effect: estimates[position + 1 + p]) }
                    effects.append(MediatorEffects(mediator: m, a: a, b: b, interaction: interaction, indirect: nil,
                                                   indexOfModeratedMediation: estimates[position], conditionalIndirect: conditional))
                    position += 1 + probes.count
                }
            }
            let totalIndirect = spec.moderate == nil && k > 1 ? estimates[position] : nil
            let summary = BootstrapSummary(resamples: options.resamples, seed: options.seed, method: options.method,
                                           failures: replicates.failures, unit: spec.cluster ?? "rows", units: scheme.units)
            return MediationResult(
                processModel: spec.moderate?.processModel ?? 4, x: spec.x, y: spec.y, mediators: spec.mediators,
                covariates: spec.covariates, w: spec.w, moderated: spec.moderate, level: spec.level, counts: columns.counts,
                equations: aFits + [yFit, cFit], c: cFit.coefficient(spec.x) ?? Coefficient.aliased(spec.x),
                cPrime: yFit.coefficient(spec.x) ?? Coefficient.aliased(spec.x), effects: effects, totalIndirect: totalIndirect,
                probes: probes, probeRule: spec.w == nil ? nil : spec.probes, bootstrap: summary, replicates: replicates,
                statisticNames: names, warnings: warnings)
        }

        /// Influence values per statistic by boot's usual jackknife, leaving out one unit (row or cluster) at a time
        /// through downdated cross-products; nil if a leave-one-out fit fails.
        func jackknifeInfluence(_ xp: WeightedCrossProducts, estimates t0: [Double]) -> [[Double]]? {
            var full: [Double] = []
            xp.products(weights: [Double](repeating: 1, count: xp.rows), into: &full)
            let units = scheme.units
            var members = [[Int]](repeating: [], count: units)
            switch scheme {
            case .rows(let n): for r in 0..<n { members[r].append(r) }
            case .clusters(let codes, _): for (r, c) in codes.enumerated() { members[c].append(r) }
            }
            var leaveOneOut = [[Double]](repeating: [Double](repeating: 0, count: units), count: t0.count)
            var c = full
            var weights = [Double](repeating: 1, count: xp.rows)
            for u in 0..<units {
                for t in c.indices { c[t] = full[t] }
                for r in members[u] { xp.addRow(r, times: -1, to: &c); weights[r] = 0 }
                let stats = statistics(xp, c, weights: weights)
                for r in members[u] { weights[r] = 1 }
                guard let stats else { return nil }
                for s in stats.indices { leaveOneOut[s][u] = stats[s] }
            }
            return t0.indices.map { BootstrapInterval.jackknifeInfluence(estimate: t0[$0], leaveOneOut: leaveOneOut[$0]) }
        }
    }
}
