import CNLopt

/// Powell's derivative-free minimisers through NLopt, for objectives without usable derivatives (the
/// profiled deviance of a mixed model as a function of θ, the likelihood of a meta-analysis in τ²).
public enum DerivativeFreeAlgorithm: Sendable, Equatable {
    /// BOBYQA (`NLOPT_LN_BOBYQA`), lme4's default for `lmer` (through `nloptwrap`).
    case bobyqa
    /// NEWUOA, MixedModels.jl's default: `NLOPT_LN_NEWUOA_BOUND` when any bound is finite, else
    /// `NLOPT_LN_NEWUOA`. NEWUOA needs two or more parameters; with one, BOBYQA is used instead (as
    /// MixedModels.jl does) and the summary says so.
    case newuoa
}

/// What to do when the objective returns NaN or ±∞.
public enum NonFiniteObjectivePolicy: Sendable, Equatable {
    /// Stop and throw `OptimizationError.nonFiniteObjective` naming the parameters.
    case fail
    /// Use the objective's value at the start instead, as MixedModels.jl does when a θ is not positive
    /// definite: a value near the worst seen, which keeps BOBYQA's quadratic model usable (±∞ would not).
    /// The start's own value must be finite. The summary's notes count the replacements.
    case replaceWithInitialValue
}

/// NLopt stopping rules and starting step. Tolerances are NLopt's: the run stops when one of them is met.
public struct DerivativeFreeOptions: Sendable, Equatable {
    /// `ftol_rel`: stop when a step changes the objective by less than this fraction of its value.
    public var relativeFunctionTolerance: Double
    /// `ftol_abs`: stop when a step changes the objective by less than this.
    public var absoluteFunctionTolerance: Double
    /// `xtol_rel`: stop when a step changes every parameter by less than this fraction of its value.
    /// For BOBYQA this sets the final trust-region radius: rhoend = max(xtol_rel · rhobeg, xtol_abs).
    public var relativeParameterTolerance: Double
    /// `xtol_abs` (the same for every parameter).
    public var absoluteParameterTolerance: Double
    /// `maxeval`; nil for no limit.
    public var maxEvaluations: Int?
    /// NLopt's `initial_step`, one per parameter (BOBYQA's rhobeg is their common value after NLopt
    /// rescales the parameters by them). nil: NLopt's default, a quarter of a finite bound width or three
    /// quarters of the distance to a nearer bound, else |start|, else 1 (`nlopt_set_default_initial_step`).
    public var initialStep: [Double]?
    public var nonFiniteValues: NonFiniteObjectivePolicy

    public init(
        relativeFunctionTolerance: Double, absoluteFunctionTolerance: Double,
        relativeParameterTolerance: Double, absoluteParameterTolerance: Double, maxEvaluations: Int?,
        initialStep: [Double]? = nil, nonFiniteValues: NonFiniteObjectivePolicy = .fail
    ) {
        self.relativeFunctionTolerance = relativeFunctionTolerance
        self.absoluteFunctionTolerance = absoluteFunctionTolerance
        self.relativeParameterTolerance = relativeParameterTolerance
        self.absoluteParameterTolerance = absoluteParameterTolerance
        self.maxEvaluations = maxEvaluations
        self.initialStep = initialStep
        self.nonFiniteValues = nonFiniteValues
    }

    /// What `lmer` uses by default (lme4 1.1-31, `lmerControl(optimizer = "nloptwrap")`): `nloptwrap`'s
    /// `xtol_abs = 1e-8, ftol_abs = 1e-8, maxeval = 1e5`, with nloptr's own default `xtol_rel = 1e-4`
    /// and `ftol_rel = 0`, and NLopt's default initial step. With the same objective and start this
    /// reproduces lme4's optimiser path evaluation for evaluation (same NLopt library).
    public static let lme4 = DerivativeFreeOptions(
        relativeFunctionTolerance: 0, absoluteFunctionTolerance: 1e-8,
        relativeParameterTolerance: 1e-4, absoluteParameterTolerance: 1e-8, maxEvaluations: 100_000)

    /// MixedModels.jl's `OptSummary` defaults: `ftol_rel = 1e-12, ftol_abs = 1e-8, xtol_rel = 0,
    /// xtol_abs = 1e-10`, no evaluation limit, NLopt's default initial step. Tighter than lme4's.
    public static let mixedModels = DerivativeFreeOptions(
        relativeFunctionTolerance: 1e-12, absoluteFunctionTolerance: 1e-8,
        relativeParameterTolerance: 0, absoluteParameterTolerance: 1e-10, maxEvaluations: nil)
}

/// Minimises `objective` by BOBYQA or NEWUOA. Deterministic: the same objective, start, bounds and
/// options give bitwise the same summary (both algorithms are deterministic; no time limit is offered,
/// because a time limit would make results depend on the machine).
public struct DerivativeFreeMinimizer: Sendable, Equatable {
    public var algorithm: DerivativeFreeAlgorithm
    public var options: DerivativeFreeOptions

    public init(_ algorithm: DerivativeFreeAlgorithm = .bobyqa, options: DerivativeFreeOptions = .lme4) {
        self.algorithm = algorithm
        self.options = options
    }

    /// - Parameters:
    ///   - start: where to start; must be inside the bounds.
    ///   - lowerBounds, upperBounds: one per parameter (−∞/+∞ for none); nil for no bounds at all.
    ///   - objective: called with the parameters, many times; must not depend on anything but them.
    ///     The objective is evaluated at `start` first (the summary's `initialValue`); NLopt's own first
    ///     request for that same point is answered from it, so `evaluations` equals NLopt's count.
    public func minimize(
        start: [Double], lowerBounds: [Double]? = nil, upperBounds: [Double]? = nil,
        objective: ([Double]) -> Double
    ) throws(OptimizationError) -> OptimizerSummary {
        let n = start.count
        guard n > 0 else { throw .noParameters }
        let lower = lowerBounds ?? Array(repeating: -.infinity, count: n)
        let upper = upperBounds ?? Array(repeating: .infinity, count: n)
        try validate(start: start, lower: lower, upper: upper)

        var notes: [String] = []
        let resolved: OptimizationAlgorithm
        switch algorithm {
        case .bobyqa:
            resolved = .bobyqa
        case .newuoa where n == 1:
            resolved = .bobyqa
            notes.append("NEWUOA needs at least two parameters; BOBYQA was used for the single parameter")
        case .newuoa:
            let bounded = lower.contains { $0.isFinite } || upper.contains { $0.isFinite }
            resolved = bounded ? .newuoaBound : .newuoa
        }

        let initialValue = objective(start)
        if !initialValue.isFinite {
            throw .nonFiniteObjective(parameters: start, value: initialValue, evaluation: 1)
        }

        guard let opt = nlopt_create(Self.nloptAlgorithm(resolved), UInt32(n)) else {
            throw .nloptFailure(code: -3, message: "nlopt_create returned no optimiser")
        }
        defer { nlopt_destroy(opt) }
        try configure(opt, lower: lower, upper: upper, bounded: resolved != .newuoa)
        var step = Array(repeating: 0.0, count: n)
        try check(nlopt_get_initial_step(opt, start, &step), opt)

        return try withoutActuallyEscaping(objective) { (escapable) throws(OptimizationError) -> OptimizerSummary in
            let context = ObjectiveContext(
                objective: escapable, policy: options.nonFiniteValues, start: start, startValue: initialValue, opt: opt)
            let contextPointer = Unmanaged.passUnretained(context).toOpaque()
            var x = start
            var minimum = Double.nan
            let code = withExtendedLifetime(context) { () -> nlopt_result in
                guard nlopt_set_min_objective(opt, nloptObjective, contextPointer) == NLOPT_SUCCESS else {
                    return NLOPT_FAILURE
                }
                return nlopt_optimize(opt, &x, &minimum)
            }
            if let failure = context.failure { throw failure }
            let reason = StopReason(nloptCode: Int(code.rawValue))
            switch reason {
            case .failure, .invalidArguments, .outOfMemory, .forcedStop, .unknownNLoptCode:
                throw .nloptFailure(code: Int(code.rawValue), message: Self.errorMessage(opt))
            default:
                break
            }
            if context.replacements > 0 {
                notes.append(
                    "the objective was not finite at \(context.replacements) of \(context.evaluations) evaluations; "
                        + "the start's value was used there")
            }
            return OptimizerSummary(
                algorithm: resolved, start: start, lowerBounds: lower, upperBounds: upper,
                initialValue: initialValue, parameters: x, value: minimum, evaluations: context.evaluations,
                iterations: nil, stopReason: reason, settings: settings(step: step), notes: notes)
        }
    }

    private func validate(start: [Double], lower: [Double], upper: [Double]) throws(OptimizationError) {
        let n = start.count
        if lower.count != n { throw .dimensionMismatch(what: "lower bounds", expected: n, actual: lower.count) }
        if upper.count != n { throw .dimensionMismatch(what: "upper bounds", expected: n, actual: upper.count) }
        for i in 0..<n {
            if !start[i].isFinite { throw .invalidArgument("start value of parameter \(i + 1) is \(start[i])") }
            if lower[i].isNaN || upper[i].isNaN || lower[i] == .infinity || upper[i] == -.infinity || lower[i] > upper[i] {
                throw .invalidArgument("bounds of parameter \(i + 1) are [\(lower[i]), \(upper[i])]")
            }
            if start[i] < lower[i] || start[i] > upper[i] {
                throw .startOutsideBounds(index: i, start: start[i], lower: lower[i], upper: upper[i])
            }
        }
        let tolerances = [
            ("ftol_rel", options.relativeFunctionTolerance), ("ftol_abs", options.absoluteFunctionTolerance),
            ("xtol_rel", options.relativeParameterTolerance), ("xtol_abs", options.absoluteParameterTolerance),
        ]
        for (name, value) in tolerances where !(value >= 0 && value.isFinite) {
            throw .invalidArgument("\(name) is \(value); it must be finite and not negative")
        }
        if !tolerances.contains(where: { $0.1 > 0 }) && options.maxEvaluations == nil {
            throw .invalidArgument("every tolerance is zero and there is no evaluation limit, so the run could not stop")
        }
        if let limit = options.maxEvaluations, limit < 1 || limit > Int(Int32.max) {
            throw .invalidArgument("maximum evaluations is \(limit); it must be between 1 and \(Int32.max)")
        }
        if let step = options.initialStep {
            if step.count != n { throw .dimensionMismatch(what: "initial step", expected: n, actual: step.count) }
            for i in 0..<n {
                if !(step[i] > 0 && step[i].isFinite) {
                    throw .invalidArgument("initial step of parameter \(i + 1) is \(step[i]); it must be positive")
                }
                // BOBYQA needs every bound width to be at least twice the (rescaled) trust-region radius;
                // a parameter fixed by equal bounds is removed by NLopt before BOBYQA sees it.
                if algorithm == .bobyqa || n == 1, upper[i] > lower[i], upper[i] - lower[i] < 2 * step[i] {
                    throw .invalidArgument(
                        "initial step \(step[i]) of parameter \(i + 1) is more than half its bound width "
                            + "\(upper[i] - lower[i]); BOBYQA needs a smaller step")
                }
            }
        }
    }

    private func configure(_ opt: nlopt_opt, lower: [Double], upper: [Double], bounded: Bool) throws(OptimizationError) {
        if bounded {
            try check(nlopt_set_lower_bounds(opt, lower), opt)
            try check(nlopt_set_upper_bounds(opt, upper), opt)
        }
        try check(nlopt_set_ftol_rel(opt, options.relativeFunctionTolerance), opt)
        try check(nlopt_set_ftol_abs(opt, options.absoluteFunctionTolerance), opt)
        try check(nlopt_set_xtol_rel(opt, options.relativeParameterTolerance), opt)
        try check(nlopt_set_xtol_abs1(opt, options.absoluteParameterTolerance), opt)
        try check(nlopt_set_maxeval(opt, Int32(options.maxEvaluations ?? 0)), opt)
        if let step = options.initialStep { try check(nlopt_set_initial_step(opt, step), opt) }
    }

    private func check(_ result: nlopt_result, _ opt: nlopt_opt) throws(OptimizationError) {
        if result.rawValue < 0 {
            throw .nloptFailure(code: Int(result.rawValue), message: Self.errorMessage(opt))
        }
    }

    private func settings(step: [Double]) -> [OptimizerSetting] {
        [
            OptimizerSetting("ftol_rel", options.relativeFunctionTolerance),
            OptimizerSetting("ftol_abs", options.absoluteFunctionTolerance),
            OptimizerSetting("xtol_rel", options.relativeParameterTolerance),
            OptimizerSetting("xtol_abs", options.absoluteParameterTolerance),
            OptimizerSetting("maxeval", options.maxEvaluations.map(Double.init) ?? .infinity),
            OptimizerSetting("initial_step", step),
        ]
    }

    private static func nloptAlgorithm(_ algorithm: OptimizationAlgorithm) -> nlopt_algorithm {
        switch algorithm {
        case .newuoa: return NLOPT_LN_NEWUOA
        case .newuoaBound: return NLOPT_LN_NEWUOA_BOUND
        default: return NLOPT_LN_BOBYQA
        }
    }

    private static func errorMessage(_ opt: nlopt_opt) -> String {
        guard let message = nlopt_get_errmsg(opt) else { return "" }
        return String(cString: message)
    }
}

/// The state NLopt's C callback reaches through its context pointer (no globals, so concurrent
/// minimisations on different threads are independent).
private final class ObjectiveContext {
    let objective: ([Double]) -> Double
    let policy: NonFiniteObjectivePolicy
    let start: [Double]
    let startValue: Double
    let opt: nlopt_opt
    var evaluations = 0
    var replacements = 0
    var failure: OptimizationError?

    init(objective: @escaping ([Double]) -> Double, policy: NonFiniteObjectivePolicy, start: [Double], startValue: Double, opt: nlopt_opt) {
        self.objective = objective
        self.policy = policy
        self.start = start
        self.startValue = startValue
        self.opt = opt
    }

    func evaluate(_ x: [Double]) -> Double {
        evaluations += 1
        if evaluations == 1 && x == start { return startValue }
        let value = objective(x)
        if value.isFinite { return value }
        switch policy {
        case .fail:
            failure = .nonFiniteObjective(parameters: x, value: value, evaluation: evaluations)
            nlopt_force_stop(opt)
            // A finite value keeps the algorithm's arithmetic clean until it sees the stop flag.
            return .greatestFiniteMagnitude
        case .replaceWithInitialValue:
            replacements += 1
            return startValue
        }
    }
}

private func nloptObjective(
    _ n: UInt32, _ x: UnsafePointer<Double>?, _ gradient: UnsafeMutablePointer<Double>?, _ data: UnsafeMutableRawPointer?
) -> Double {
    guard let data, let x else { return .nan }
    let context = Unmanaged<ObjectiveContext>.fromOpaque(data).takeUnretainedValue()
    return context.evaluate(Array(UnsafeBufferPointer(start: x, count: Int(n))))
}
