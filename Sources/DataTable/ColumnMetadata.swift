/// What an SPSS, Stata or SAS file says about a variable beyond its values: the variable label, the value
/// labels (code → text, as stored, kept so that a written file gets them back) and how many cells held a
/// declared missing code (SPSS user-missing values, Stata and SAS extended missing values `.a`–`.z`), which
/// the reader turned into missing cells.
public struct ColumnMetadata: Sendable, Equatable {
    public var label: String?
    public var valueLabels: [ValueLabel]
    /// Cells that held a declared missing code and are now missing (counted within the column's missing cells).
    public var declaredMissingCount: Int
    /// The codes the file declared missing (SPSS discrete user-missing values and ranges), kept for writing back.
    public var declaredMissing: [ClosedRange<Double>]
    /// Row → the declared missing code a numeric cell held in the file (9 = Refused), so that a table written back
    /// as SPSS keeps what the input meant rather than a system-missing cell under a declaration no cell uses.
    public var declaredMissingCodes: [Int: Double]
    /// The texts an SPSS string variable declared missing (up to three: `DK`, `RF`), kept for writing back.
    public var declaredMissingTexts: [String]
    /// Row → the declared missing text a cell of a string variable held, as `declaredMissingCodes` for numbers.
    public var declaredMissingTextCodes: [Int: String]
    /// Value labels of an SPSS string variable (`RF` = Refused), kept for writing back; the cells stay their text.
    public var textValueLabels: [TextValueLabel]
    /// The file names this variable its case (frequency) weight (SPSS `WEIGHT BY`); alliance analyses rows unweighted
    /// and says so when such a file is read.
    public var isCaseWeight = false

    public init(label: String? = nil, valueLabels: [ValueLabel] = [], declaredMissingCount: Int = 0,
                declaredMissing: [ClosedRange<Double>] = [], declaredMissingCodes: [Int: Double] = [:],
                declaredMissingTexts: [String] = [], declaredMissingTextCodes: [Int: String] = [:],
                textValueLabels: [TextValueLabel] = []) {
        self.label = label
        self.valueLabels = valueLabels
        self.declaredMissingCount = declaredMissingCount
        self.declaredMissing = declaredMissing
        self.declaredMissingCodes = declaredMissingCodes
        self.declaredMissingTexts = declaredMissingTexts
        self.declaredMissingTextCodes = declaredMissingTextCodes
        self.textValueLabels = textValueLabels
    }

    public var isEmpty: Bool { self == ColumnMetadata() }

    /// The metadata of a row subset: labels and definitions stay, the count of declared-missing cells and their
    /// codes by row do not describe the subset and are dropped.
    public var subset: ColumnMetadata {
        ColumnMetadata(label: label, valueLabels: valueLabels, declaredMissingCount: 0, declaredMissing: declaredMissing,
                       declaredMissingTexts: declaredMissingTexts, textValueLabels: textValueLabels)
    }
}

/// One value label of a string variable: the text stored in the file and its label.
public struct TextValueLabel: Sendable, Equatable {
    public let value: String
    public let label: String

    public init(value: String, label: String) {
        self.value = value
        self.label = label
    }
}

/// One value label: the number stored in the file and its text.
public struct ValueLabel: Sendable, Equatable {
    public let value: Double
    public let label: String

    public init(value: Double, label: String) {
        self.value = value
        self.label = label
    }
}

extension Column {
    /// The numbers a column holds: a numeric column's values, or for a value-labelled categorical column the
    /// codes behind its labels (what SPSS stores and a scoring key expects); `nil` for a text column.
    public var numericValues: NumericColumn? {
        switch data {
        case .numeric(let c):
            return c
        case .categorical(let c):
            guard let values = c.levelValues else { return nil }
            return NumericColumn(values: c.codes.map { $0 >= 0 ? values[Int($0)] : 0 }, missing: c.codes.map { $0 < 0 })
        }
    }

    /// The same column with other metadata.
    public func with(metadata: ColumnMetadata) -> Column {
        Column(name: name, data: data, metadata: metadata)
    }
}
