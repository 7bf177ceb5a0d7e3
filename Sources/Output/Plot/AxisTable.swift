/// A table of values aligned with x-axis positions, drawn under the axis (the number-at-risk table of a
/// Kaplan–Meier plot): a title line, then one row per series, its label at the left in the series colour and each
/// value centred at its x position.
public struct AxisTable: Sendable {
    public struct Row: Sendable {
        public var label: String
        public var color: Color
        public var values: [(x: Double, text: String)]

        public init(label: String, color: Color, values: [(x: Double, text: String)]) {
            self.label = label
            self.color = color
            self.values = values
        }
    }

    public var title: String
    public var rows: [Row]

    public init(title: String, rows: [Row]) {
        self.title = title
        self.rows = rows
    }

    static let lineHeight = 14.0

    /// Height reserved under the x-axis title.
    var height: Double { Double(rows.count + 1) * AxisTable.lineHeight + 8 }
}
