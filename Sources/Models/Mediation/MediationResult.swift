/// Which path a moderator W moderates: a (X → M, PROCESS model 7) or b (M → Y, PROCESS model 14).
public enum ModeratedPath: String, Sendable, Equatable, CaseIterable {
    case a, b

    public var processModel: Int { self == .a ? 7 : 14 }
}

/// A conditional indirect effect: the indirect effect through one mediator at one value of W.
public struct ConditionalIndirectEffect: Sendable, Equatable {
    public let w: Double
    public let effect: BootstrapEstimate
}

/// One mediator's paths and effects.
public struct MediatorEffects: Sendable, Equatable {
    public let mediator: String
    /// X → M (the coefficient of X in M's equation; with W moderating a, at W = 0).
    public let a: Coefficient
    /// M → Y given X (with W moderating b, at W = 0).
    public let b: Coefficient
    /// The X·W (model 7) or M·W (model 14) coefficient; nil in model 4.
    public let interaction: Coefficient?
    /// a·b with its bootstrap interval (model 4); nil in moderated models, whose indirect effect depends on W.
    public let indirect: BootstrapEstimate?
    /// Models 7 and 14: a₃·b (model 7) or a·b₃ (model 14), Hayes' index of moderated mediation.
    public let indexOfModeratedMediation: BootstrapEstimate?
    public let conditionalIndirect: [ConditionalIndirectEffect]
}

/// A simple (model 4), parallel-mediator or moderated (models 7, 14) mediation model, as Hayes' PROCESS: OLS
/// equations with t-based inference for the paths, and a bootstrap for the indirect effects.
public struct MediationResult: Sendable {
    /// PROCESS model number: 4, 7 or 14.
    public let processModel: Int
    public let x: String
    public let y: String
    public let mediators: [String]
    public let covariates: [String]
    public let w: String?
    public let moderated: ModeratedPath?
    public let level: Double
    public let counts: DataCounts
    /// Each mediator's equation, then Y's (with every mediator), then the total-effect equation Y ~ X + covariates.
    public let equations: [PathEquation]
    /// Total effect of X (Y ~ X + covariates).
    public let c: Coefficient
    /// Direct effect of X (in Y's equation; with W moderating b, X's effect is not moderated).
    public let cPrime: Coefficient
    public let effects: [MediatorEffects]
    /// Σ a_j b_j over the mediators (model 4 with several mediators).
    public let totalIndirect: BootstrapEstimate?
    /// Probe values of W and how they were chosen (moderated models).
    public let probes: [Double]
    public let probeRule: ProbeRule?
    public let bootstrap: BootstrapSummary
    /// The bootstrap replicates, one row per resample, columns named by `statisticNames`.
    public let replicates: BootstrapReplicates
    public let statisticNames: [String]
    public let warnings: [String]
}
