/// One axis of a plot: its title, scale and optional fixed limits.
public struct Axis: Sendable {
    public enum Scale: Sendable, Equatable {
        case linear
        /// Base-10 logarithmic (odds ratios, rate ratios); values ≤ 0 cannot be shown and are skipped.
        case log10
        /// Named categories at positions 0, 1, 2, …; on the y axis the first category is at the top.
        case categorical([String])
    }

    public var title: String?
    public var scale: Scale
    /// Fixed domain; when `nil` the domain covers the data, `including` and reference lines, plus `padding`.
    public var limits: ClosedRange<Double>?
    /// Values the automatic domain must include (0 for bars, 1 for ratios).
    public var including: [Double]
    /// Fraction of the data range added on each side of an automatic domain (in log space for log axes).
    public var padding: Double

    public init(title: String? = nil, scale: Scale = .linear, limits: ClosedRange<Double>? = nil,
                including: [Double] = [], padding: Double = 0.05) {
        self.title = title
        self.scale = scale
        self.limits = limits
        self.including = including
        self.padding = padding
    }

    public static func linear(_ title: String? = nil, limits: ClosedRange<Double>? = nil,
                              including: [Double] = []) -> Axis {
        Axis(title: title, scale: .linear, limits: limits, including: including)
    }

    public static func log10(_ title: String? = nil, limits: ClosedRange<Double>? = nil,
                             including: [Double] = []) -> Axis {
        Axis(title: title, scale: .log10, limits: limits, including: including)
    }

    public static func categorical(_ title: String? = nil, _ categories: [String]) -> Axis {
        Axis(title: title, scale: .categorical(categories))
    }
}
