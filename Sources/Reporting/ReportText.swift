import Output

/// Numbers in plot descriptions and notes: whole numbers without a decimal point, others in shortest form.
public enum PlotNumber {
    public static func text(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? NumberFormat.integer(x) : NumberFormat.roundTrip(x)
    }

    /// "a + b × x" with the sign of b folded into the operator.
    public static func line(intercept: Double, slope: Double, x: String) -> String {
        "\(NumberFormat.fixed(intercept, places: 2)) \(slope < 0 ? "-" : "+") \(NumberFormat.fixed(abs(slope), places: 3)) × \(x)"
    }

    /// A confidence level as a percentage label: 0.95 → "95%", 0.975 → "97.5%".
    public static func percent(_ level: Double) -> String {
        let p = level * 100
        return p == p.rounded() ? "\(Int(p))%" : "\(NumberFormat.roundTrip(p))%"
    }

    /// Points in plain form: whole numbers without decimals, others to two places.
    public static func points(_ x: Double) -> String {
        x.rounded() == x ? NumberFormat.integer(x) : NumberFormat.fixed(x, places: 2)
    }
}
