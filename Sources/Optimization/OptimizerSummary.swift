/// What every iterative fit reports about its optimiser (after MixedModels.jl's `OptSummary`): how it
/// started, what it was allowed, where it ended and why it stopped. An immutable value; model results
/// carry it so a reader can see how a number was made.
public struct OptimizerSummary: Sendable, Equatable {
    public let algorithm: OptimizationAlgorithm
    /// The first point evaluated: the caller's start for the multivariate methods; for the 1-d methods
    /// Brent's first interior point (minimum) or the bracket's upper end, where zeroin starts (root).
    public let start: [Double]
    /// Lower and upper bounds, one per parameter (−∞/+∞ where a parameter is unbounded).
    public let lowerBounds: [Double]
    public let upperBounds: [Double]
    /// The objective at `start`.
    public let initialValue: Double
    /// The final parameters and the objective there (for root finding, the function value at the root).
    public let parameters: [Double]
    public let value: Double
    /// Calls of the objective (every call, including rejected trial points).
    public let evaluations: Int
    /// Iterations where the method has them (Newton, Brent); nil for NLopt's methods, which count
    /// only evaluations.
    public let iterations: Int?
    public let stopReason: StopReason
    /// The settings the optimiser ran with, in a fixed order, by NLopt's names where NLopt has one
    /// ("ftol_rel", "xtol_abs", "initial_step", "maxeval", …); one value per parameter for per-parameter settings.
    public let settings: [OptimizerSetting]
    /// Plain-words remarks about the run (non-finite values replaced, Hessians modified, …); empty when
    /// nothing unusual happened.
    public let notes: [String]

    public init(
        algorithm: OptimizationAlgorithm, start: [Double], lowerBounds: [Double], upperBounds: [Double],
        initialValue: Double, parameters: [Double], value: Double, evaluations: Int, iterations: Int?,
        stopReason: StopReason, settings: [OptimizerSetting], notes: [String] = []
    ) {
        self.algorithm = algorithm
        self.start = start
        self.lowerBounds = lowerBounds
        self.upperBounds = upperBounds
        self.initialValue = initialValue
        self.parameters = parameters
        self.value = value
        self.evaluations = evaluations
        self.iterations = iterations
        self.stopReason = stopReason
        self.settings = settings
        self.notes = notes
    }

    /// true when the method stopped because its convergence test was met (not because it ran out of
    /// evaluations, iterations or step halvings, or was limited by rounding).
    public var converged: Bool { stopReason.isConvergence }

    /// Parameters that ended on a bound (0-based), e.g. a variance component at zero: a boundary fit,
    /// which models report as a warning.
    public var parametersOnBounds: [Int] {
        parameters.indices.filter { parameters[$0] == lowerBounds[$0] || parameters[$0] == upperBounds[$0] }
    }
}

/// One named setting of an optimiser run.
public struct OptimizerSetting: Sendable, Equatable {
    public let name: String
    public let values: [Double]

    public init(_ name: String, _ values: [Double]) {
        self.name = name
        self.values = values
    }

    public init(_ name: String, _ value: Double) {
        self.init(name, [value])
    }
}

/// The methods `Optimization` offers.
public enum OptimizationAlgorithm: String, Sendable, Equatable, CaseIterable {
    /// Powell's BOBYQA through NLopt (`NLOPT_LN_BOBYQA`): bounded, derivative-free, quadratic models.
    case bobyqa = "NLOPT_LN_BOBYQA"
    /// Powell's NEWUOA through NLopt, without bounds (`NLOPT_LN_NEWUOA`).
    case newuoa = "NLOPT_LN_NEWUOA"
    /// NLopt's bounded variant of NEWUOA (`NLOPT_LN_NEWUOA_BOUND`).
    case newuoaBound = "NLOPT_LN_NEWUOA_BOUND"
    /// Newton–Raphson with step halving on caller-supplied gradient and Hessian.
    case newtonRaphson = "Newton-Raphson"
    /// Brent's zeroin as in R's `uniroot`.
    case brentRoot = "Brent zeroin"
    /// Brent's minimiser as in R's `optimize`.
    case brentMinimum = "Brent fmin"

    /// The name to print (NLopt's constant for the NLopt methods).
    public var name: String { rawValue }
}

/// Why an optimiser stopped. The NLopt cases are NLopt's `nlopt_result` codes; the others belong to the
/// Newton and Brent methods.
public enum StopReason: Sendable, Equatable, CustomStringConvertible {
    // NLopt's success codes (nlopt.h: 1 … 6).
    case success
    case stopValueReached
    case functionToleranceReached
    case parameterToleranceReached
    case maxEvaluationsReached
    case maxTimeReached
    // NLopt's failure codes (−1 … −5).
    case failure
    case invalidArguments
    case outOfMemory
    case roundoffLimited
    case forcedStop
    /// A code this version of NLopt should not return.
    case unknownNLoptCode(Int)
    // Newton–Raphson.
    case relativeChangeReached
    case maxIterationsReached
    case stepHalvingExhausted
    // Brent.
    case intervalToleranceReached
    case exactZero

    /// NLopt's `nlopt_result` in words.
    public init(nloptCode code: Int) {
        switch code {
        case 1: self = .success
        case 2: self = .stopValueReached
        case 3: self = .functionToleranceReached
        case 4: self = .parameterToleranceReached
        case 5: self = .maxEvaluationsReached
        case 6: self = .maxTimeReached
        case -1: self = .failure
        case -2: self = .invalidArguments
        case -3: self = .outOfMemory
        case -4: self = .roundoffLimited
        case -5: self = .forcedStop
        default: self = .unknownNLoptCode(code)
        }
    }

    /// The convergence test of the method was met.
    public var isConvergence: Bool {
        switch self {
        case .success, .stopValueReached, .functionToleranceReached, .parameterToleranceReached,
            .relativeChangeReached, .intervalToleranceReached, .exactZero:
            return true
        case .maxEvaluationsReached, .maxTimeReached, .failure, .invalidArguments, .outOfMemory,
            .roundoffLimited, .forcedStop, .unknownNLoptCode, .maxIterationsReached, .stepHalvingExhausted:
            return false
        }
    }

    public var description: String {
        switch self {
        case .success: return "the optimiser reported success"
        case .stopValueReached: return "the objective reached the requested stopping value"
        case .functionToleranceReached:
            return "tolerance on the function value reached (relative ftol_rel or absolute ftol_abs)"
        case .parameterToleranceReached:
            return "tolerance on the parameters reached (relative xtol_rel or absolute xtol_abs)"
        case .maxEvaluationsReached: return "maximum number of function evaluations reached"
        case .maxTimeReached: return "maximum time reached"
        case .failure: return "generic failure"
        case .invalidArguments: return "invalid arguments (bounds, start, step or tolerances)"
        case .outOfMemory: return "out of memory"
        case .roundoffLimited: return "rounding errors limited progress (the result may still be useful)"
        case .forcedStop: return "stopped by the caller"
        case .unknownNLoptCode(let code): return "unknown NLopt result code \(code)"
        case .relativeChangeReached: return "relative change in the objective below tolerance"
        case .maxIterationsReached: return "maximum number of iterations reached"
        case .stepHalvingExhausted: return "step halving could not reduce the objective"
        case .intervalToleranceReached: return "the bracketing interval is below tolerance"
        case .exactZero: return "the function is exactly zero at the returned point"
        }
    }
}
