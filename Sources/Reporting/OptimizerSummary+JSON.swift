import Optimization
import Output

extension OptimizerSummary {
    /// The `optimizer` block of a mixed model's JSON: the algorithm, its evaluations and stop, where it ended, and its
    /// notes (how the optimum was finished: Newton steps after BOBYQA, the polish), one shape for LMMs and GLMMs.
    public var json: JSONValue {
        .object([
            ("name", .string(algorithm.name)), ("evaluations", .integer(evaluations)), ("converged", .bool(converged)),
            ("final_value", value.isFinite ? .number(value) : .null), ("stop_reason", .string(stopReason.description)),
            ("parameters", .array(parameters.map { $0.isFinite ? .number($0) : .null })),
            ("notes", .array(notes.map { .string($0) })),
        ])
    }
}
