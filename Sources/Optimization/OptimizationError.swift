/// Why a minimiser or root finder could not return a result. Thrown, never trapped; every case says what
/// was wrong in words a caller can pass on to the user.
public enum OptimizationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The parameter vector is empty (there is nothing to optimise).
    case noParameters
    /// Two vectors that must have one entry per parameter do not (`what` names the vector).
    case dimensionMismatch(what: String, expected: Int, actual: Int)
    /// A start value, bound, step or tolerance is NaN or otherwise unusable (`what` names it).
    case invalidArgument(String)
    /// The start is outside the bounds in coordinate `index` (0-based).
    case startOutsideBounds(index: Int, start: Double, lower: Double, upper: Double)
    /// The interval's ends give function values of the same sign, so it need not contain a root (R's
    /// uniroot: "f() values at end points not of opposite sign").
    case rootNotBracketed(lower: Double, upper: Double, valueAtLower: Double, valueAtUpper: Double)
    /// The objective returned NaN or an infinity at `parameters` (evaluation number `evaluation`, 1-based)
    /// and the chosen policy was to stop.
    case nonFiniteObjective(parameters: [Double], value: Double, evaluation: Int)
    /// The gradient or Hessian handed to Newton–Raphson at the start contains NaN or an infinity, or the
    /// Hessian is not square of the parameters' order.
    case invalidDerivatives(String)
    /// NLopt itself failed (`code` is its `nlopt_result`; `message` is NLopt's own explanation when it gave one).
    case nloptFailure(code: Int, message: String)

    public var description: String {
        switch self {
        case .noParameters:
            return "there are no parameters to optimise"
        case .dimensionMismatch(let what, let expected, let actual):
            return "\(what) has \(actual) entries but there are \(expected) parameters"
        case .invalidArgument(let what):
            return "invalid optimiser argument: \(what)"
        case .startOutsideBounds(let index, let start, let lower, let upper):
            return "start value \(start) of parameter \(index + 1) is outside its bounds [\(lower), \(upper)]"
        case .rootNotBracketed(let lower, let upper, let fLower, let fUpper):
            return "f(\(lower)) = \(fLower) and f(\(upper)) = \(fUpper) are not of opposite sign: "
                + "the interval need not contain a root; widen or move it"
        case .nonFiniteObjective(let parameters, let value, let evaluation):
            return "the objective is \(value) at \(parameters) (evaluation \(evaluation)); "
                + "restrict the parameters with bounds or return a large finite value there"
        case .invalidDerivatives(let what):
            return "invalid derivatives: \(what)"
        case .nloptFailure(let code, let message):
            let meaning = StopReason(nloptCode: code).description
            return message.isEmpty ? "NLopt failed: \(meaning) (code \(code))"
                : "NLopt failed: \(meaning) (code \(code)): \(message)"
        }
    }
}
