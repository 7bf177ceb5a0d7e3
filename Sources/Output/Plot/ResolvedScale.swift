import Foundation

/// An axis turned into a mapping from data to pixels, with its ticks and their labels.
struct ResolvedScale {
    let scale: Axis.Scale
    let domain: (low: Double, high: Double)
    /// Pixel of the domain's low end and high end (for y: bottom and top; categorical y is reversed).
    let pixelStart: Double
    let pixelEnd: Double
    let ticks: [Double]
    let labels: [String]

    var isLog: Bool { scale == .log10 }
    var isCategorical: Bool {
        if case .categorical = scale { return true }
        return false
    }

    private func transform(_ value: Double) -> Double {
        isLog ? log10(value) : value
    }

    /// The pixel for `value`, or `nil` when it cannot be shown (not finite, or ≤ 0 on a log axis).
    func pixel(_ value: Double) -> Double? {
        guard value.isFinite, !(isLog && value <= 0) else { return nil }
        let low = transform(domain.low)
        let high = transform(domain.high)
        let fraction = (transform(value) - low) / (high - low)
        return pixelStart + fraction * (pixelEnd - pixelStart)
    }

    /// Like `pixel`, but a value ≤ 0 on a log axis maps to the low end (bar bases).
    func pixelClampingLog(_ value: Double) -> Double? {
        if isLog && value <= 0 && value.isFinite { return pixelStart }
        return pixel(value)
    }

    /// The data value at `pixel` (inverse mapping).
    func value(atPixel pixel: Double) -> Double {
        let low = transform(domain.low)
        let high = transform(domain.high)
        let t = low + (pixel - pixelStart) / (pixelEnd - pixelStart) * (high - low)
        return isLog ? pow(10, t) : t
    }

    /// The domain an axis covers: its limits, the category slots, or the data (plus `including`)
    /// widened by `padding` on each side.
    static func domain(for axis: Axis, data: [Double]) -> (low: Double, high: Double) {
        let isLog = axis.scale == .log10
        if case .categorical(let categories) = axis.scale {
            return (-0.5, Double(max(1, categories.count)) - 0.5)
        }
        if let limits = axis.limits, limits.upperBound > limits.lowerBound,
           limits.lowerBound.isFinite, limits.upperBound.isFinite, !(isLog && limits.lowerBound <= 0) {
            return (limits.lowerBound, limits.upperBound)
        }
        let usable = (data + axis.including).filter { $0.isFinite && !(isLog && $0 <= 0) }
        guard let minimum = usable.min(), let maximum = usable.max() else {
            return isLog ? (1, 10) : (0, 1)
        }
        let low = isLog ? log10(minimum) : minimum
        let high = isLog ? log10(maximum) : maximum
        var paddedLow: Double
        var paddedHigh: Double
        if high > low {
            let padding = axis.padding.isFinite ? min(max(0, axis.padding), 1) : 0.05
            let pad = (high - low) * padding
            paddedLow = low - pad
            paddedHigh = high + pad
        } else {
            let pad = isLog ? 0.5 : (low == 0 ? 1 : abs(low) * 0.1)
            paddedLow = low - pad
            paddedHigh = high + pad
        }
        if isLog {
            paddedLow = pow(10, paddedLow)
            paddedHigh = pow(10, paddedHigh)
        }
        return (paddedLow, paddedHigh)
    }

    /// Resolves `axis` over `pixelStart…pixelEnd`, choosing as many ticks as fit without labels colliding.
    /// `horizontal` says whether labels sit side by side (x axis) or stacked (y axis).
    static func resolve(_ axis: Axis, data: [Double], pixelStart: Double, pixelEnd: Double,
                        horizontal: Bool, fontSize: Double) -> ResolvedScale {
        let domain = domain(for: axis, data: data)
        if case .categorical(let categories) = axis.scale {
            return ResolvedScale(scale: axis.scale, domain: domain, pixelStart: pixelStart, pixelEnd: pixelEnd,
                                 ticks: categories.indices.map(Double.init), labels: categories)
        }
        guard pixelStart.isFinite, pixelEnd.isFinite else {
            return ResolvedScale(scale: axis.scale, domain: domain, pixelStart: 0, pixelEnd: 1, ticks: [], labels: [])
        }
        let length = abs(pixelEnd - pixelStart)
        // Log ticks (decades, 1-2-5) are sparser than linear ones, so a log axis asks for more of them.
        let pixelsPerTick = (horizontal ? 65.0 : 40.0) * (axis.scale == .log10 ? 0.7 : 1)
        var target = max(3, Int(length / pixelsPerTick))
        while true {
            let ticks = axis.scale == .log10
                ? NiceTicks.log10(domain.low, domain.high, target: target)
                : NiceTicks.linear(domain.low, domain.high, target: target)
            let labels = NiceTicks.labels(ticks, uniform: axis.scale != .log10)
            let candidate = ResolvedScale(scale: axis.scale, domain: domain, pixelStart: pixelStart,
                                          pixelEnd: pixelEnd, ticks: ticks, labels: labels)
            if target <= 2 || !candidate.labelsCollide(horizontal: horizontal, fontSize: fontSize) {
                return candidate
            }
            target -= 1
        }
    }

    /// For a categorical axis whose labels do not fit even when rotated or stacked: every `stride`-th label
    /// is kept (the first always), the others become empty; every category keeps its tick.
    func thinningCategoryLabels(minimumSpacing: Double) -> ResolvedScale {
        guard ticks.count >= 2, let first = pixel(ticks[0]), let second = pixel(ticks[1]) else { return self }
        let spacing = abs(second - first)
        guard spacing < minimumSpacing, spacing > 0 else { return self }
        let stride = Int((minimumSpacing / spacing).rounded(.up))
        let thinned = labels.indices.map { $0 % stride == 0 ? labels[$0] : "" }
        return ResolvedScale(scale: scale, domain: domain, pixelStart: pixelStart, pixelEnd: pixelEnd, ticks: ticks,
                             labels: thinned)
    }

    /// Whether adjacent tick labels would overlap (with a small gap).
    func labelsCollide(horizontal: Bool, fontSize: Double) -> Bool {
        let positions = ticks.map { pixel($0) ?? 0 }
        for index in positions.indices.dropLast() {
            let gap = abs(positions[index + 1] - positions[index])
            let needed = horizontal
                ? (TextMetrics.width(labels[index], fontSize: fontSize)
                    + TextMetrics.width(labels[index + 1], fontSize: fontSize)) / 2 + 6
                : fontSize + 3
            if gap < needed { return true }
        }
        return false
    }
}
