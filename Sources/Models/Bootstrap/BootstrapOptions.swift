import Foundation

/// What a bootstrap is asked to do: how many resamples, from which seed, which interval, on how many threads.
/// The replicates never depend on `workers` (see `BootstrapRunner`).
public struct BootstrapOptions: Sendable, Equatable {
    public var resamples: Int
    public var seed: UInt64
    public var method: BootstrapIntervalMethod
    public var workers: Int

    public init(resamples: Int = 5000, seed: UInt64, method: BootstrapIntervalMethod = .percentile,
                workers: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.resamples = resamples
        self.seed = seed
        self.method = method
        self.workers = workers
    }
}

/// How a bootstrap was made, for the result and the run manifest.
public struct BootstrapSummary: Sendable, Equatable {
    public let resamples: Int
    public let seed: UInt64
    public let method: BootstrapIntervalMethod
    /// Resamples whose fit failed; they are left out of every interval and standard error.
    public let failures: Int
    /// What was resampled: "rows", or the cluster column (whole clusters resampled).
    public let unit: String
    /// The number of units drawn per resample (rows, or clusters).
    public let units: Int
}

/// A statistic with its bootstrap standard error and interval.
public struct BootstrapEstimate: Sendable, Equatable {
    public let estimate: Double
    public let bootStdError: Double?
    public let confLow: Double?
    public let confHigh: Double?

    public init(estimate: Double, bootStdError: Double?, confLow: Double?, confHigh: Double?) {
        self.estimate = estimate
        self.bootStdError = bootStdError
        self.confLow = confLow
        self.confHigh = confHigh
    }
}
