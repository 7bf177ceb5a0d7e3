import DataTable

/// The response of a survival model over the rows used: follow-up (or `(start, stop]`) times and the event
/// indicator, read as R's `Surv()` reads them.
public struct SurvivalOutcome: Sendable, Equatable {
    /// Entry times of `Surv(start, stop, event)`; nil for `Surv(time, event)`.
    public let start: [Double]?
    /// Follow-up times, or exit times of `(start, stop]` intervals.
    public let stop: [Double]
    public let event: [Bool]
    /// The value of the event column that marks an event: `1`, `2` (1/2 coding) or the category's second level.
    public let eventLevel: String
    /// How many times were moved onto a near-equal earlier time (`TiedTimes`, R's timefix); 0 usually.
    public let timesMergedAsTied: Int

    public init(start: [Double]?, stop: [Double], event: [Bool], eventLevel: String, timesMergedAsTied: Int = 0) {
        self.start = start
        self.stop = stop
        self.event = event
        self.eventLevel = eventLevel
        self.timesMergedAsTied = timesMergedAsTied
    }

    public var count: Int { stop.count }
    public var eventCount: Int { event.reduce(0) { $0 + ($1 ? 1 : 0) } }

    /// Reads the columns on `rows` (which must have no missing value in them). Times must be finite; a follow-up
    /// time must not be negative; an interval must end after it starts (as `Surv()` refuses stop ≤ start).
    /// Events are 0/1, or 1/2 with 2 the event (`Surv()`'s rule when every value is 1 or 2 and some are 2), or a
    /// yes/no or true/false category (any case). Other text is refused: which level is the event is not guessed.
    static func read(start startName: String?, stop stopName: String, event eventName: String, table: Table,
                     rows: UsedRows) throws(SurvivalError) -> SurvivalOutcome {
        let stop = try times(stopName, table: table, rows: rows, nonNegative: startName == nil)
        var start: [Double]? = nil
        if let startName {
            let s = try times(startName, table: table, rows: rows, nonNegative: false)
            for i in s.indices where !(stop[i] > s[i]) {
                throw .emptyInterval(start: startName, stop: stopName, row: rows[i], startValue: s[i], stopValue: stop[i])
            }
            start = s
        }
        let (event, level) = try events(eventName, table: table, rows: rows)
        guard event.contains(true) else { throw .noEvents(column: eventName) }
        // Times that differ only by rounding are one time, as R's timefix (`TiedTimes`).
        guard let merged = TiedTimes.merged(start: start, stop: stop) else {
            return SurvivalOutcome(start: start, stop: stop, event: event, eventLevel: level)
        }
        if let startName, let mergedStart = merged.start, let original = start {
            for i in mergedStart.indices where !(merged.stop[i] > mergedStart[i]) {
                throw .intervalWithinRounding(start: startName, stop: stopName, row: rows[i], startValue: original[i],
                                              stopValue: stop[i])
            }
        }
        return SurvivalOutcome(start: merged.start, stop: merged.stop, event: event, eventLevel: level,
                               timesMergedAsTied: merged.changed)
    }

    static func times(_ name: String, table: Table, rows: UsedRows, nonNegative: Bool) throws(SurvivalError) -> [Double] {
        guard let column = table.column(named: name) else {
            throw .model(.unknownColumn(name: name, suggestions: table.nearestNames(to: name), formula: nil, offset: nil, length: 1))
        }
        guard let numeric = column.numeric else {
            throw .invalidOption("the time column '\(name)' is text\(column.nonNumericClause()); times must be numbers (weeks, "
                + "sessions, days): fix that value (a thousands separator, a unit, a word) or declare it missing with --na")
        }
        let values = used(numeric.values, rows)
        for (k, x) in values.enumerated() {
            guard x.isFinite else { throw .invalidTime(column: name, row: rows[k], value: x, detail: "times must be finite numbers") }
            if nonNegative && x < 0 {
                throw .invalidTime(column: name, row: rows[k], value: x,
                                   detail: "a follow-up time cannot be negative; times count from the start of follow-up (e.g. weeks since intake)")
            }
        }
        return values
    }

    /// `values` on `rows`: the column's own storage, shared (no copy), when every row is used.
    static func used(_ values: [Double], _ rows: UsedRows) -> [Double] {
        let gathered = rows.gather(values)
        return gathered.count == rows.count ? gathered : Array(gathered.prefix(rows.count))
    }

    /// 0/1 (1 the event) or 1/2 (2 the event, when every value is 1 or 2): the event flags and the event value.
    /// `rows` are the data rows of `values` (for the message when the coding is neither).
    static func numericEvents(_ name: String, values: [Double], rows: UsedRows) throws(SurvivalError) -> ([Bool], Double) {
        // One pass over the values for which of 0, 1, 2 occur (a set of a million numbers costs more than the fit's sort),
        // writing the 0/1 reading's flags as it goes. Without branches: events and censorings alternate at random, and a
        // branch per value mispredicted about once in three rows (≈ 6 ms of one thread on a million rows, the other idle).
        var found: UInt8 = 0   // bit 0: a 0, bit 1: a 2, bit 2: anything else (NaN too)
        let flags = [Bool](unsafeUninitializedCapacity: values.count) { out, count in
            values.withUnsafeBufferPointer { v in
                guard let base = v.baseAddress, let target = out.baseAddress else { return }
                for i in 0..<v.count {
                    let x = base[i]
                    let isZero = x == 0, isOne = x == 1, isTwo = x == 2
                    found |= (isZero ? 1 : 0) | (isTwo ? 2 : 0) | (isZero || isOne || isTwo ? 0 : 4)
                    target[i] = isOne
                }
            }
            count = values.count
        }
        let zero = found & 1 != 0, two = found & 2 != 0, other = found & 4 != 0
        if !other && !two { return (flags, 1) }
        if !other && !zero { return (values.map { $0 == 2 }, 2) }
        if !other {
            // 0, 1 and 2: often 2 is a competing ending (moved away, referred on) added to a 0/1 column. Surv() makes
            // such statuses NA with a warning; which rows mean what is the researcher's call, so name where each value is.
            let found = [0.0, 1, 2].compactMap { v in values.firstIndex(of: v).map { (v, rows[$0] + 1) } }
            let listed = found.enumerated().map { k, f in "\(SurvivalError.number(f.0)) (\(k == 0 ? "first at " : "")data row \(f.1))" }
            throw .invalidEvent(column: name, detail: "mixes 0/1 and 1/2 coding: it holds "
                + "\(listed.dropLast().joined(separator: ", ")) and \(listed[listed.count - 1]), so which value is the event is unclear. If 2 is "
                + "another ending (a competing event), censor it there with `alliance transform FILE --recode \"\(name): 2=0\" "
                + "--out recoded.csv`, or count it as the event with \"\(name): 2=1\"")
        }
        let seen = Set(values)
        let odd = seen.subtracting([0, 1, 2]).sorted().prefix(3).map { SurvivalError.number($0) }
        throw .invalidEvent(column: name, detail: "holds \(odd.joined(separator: ", ")) besides 0/1")
    }

    /// Text levels that mark the event, and those that mark censoring, in a two-level event column.
    static let eventWords: Set<String> = ["yes", "y", "true", "t"]
    static let censoredWords: Set<String> = ["no", "n", "false", "f"]

    static func events(_ name: String, table: Table, rows: UsedRows) throws(SurvivalError) -> ([Bool], String) {
        guard let column = table.column(named: name) else {
            throw .model(.unknownColumn(name: name, suggestions: table.nearestNames(to: name), formula: nil, offset: nil, length: 1))
        }
        switch column.data {
        case .numeric(let c):
            let (event, level) = try numericEvents(name, values: used(c.values, rows), rows: rows)
            return (event, SurvivalError.number(level))
        case .categorical(let c):
            var present = Set<Int32>()
            for row in rows { present.insert(c.codes[row]) }
            let levels = present.map { c.levels[Int($0)] }.sorted(by: CategoricalColumn.levelOrder)
            // yes/no or true/false (in any case) say which level is the event, also as value labels (SPSS often
            // codes 1 = yes, 2 = no, where the 1/2 rule would take 'no').
            // Spelt in several cases in one column (yes, Yes, no, NO: four levels, refused with advice to code it as
            // yes/no until session 21), each spelling counts as its word.
            let events = levels.filter { Self.eventWords.contains($0.lowercased()) }
            let censored = levels.filter { Self.censoredWords.contains($0.lowercased()) }
            if let event = events.first, !censored.isEmpty, events.count + censored.count == levels.count {
                let isEvent = c.levels.map { Self.eventWords.contains($0.lowercased()) }
                return (rows.map { isEvent[Int(c.codes[$0])] }, events.count == 1 ? event : events.joined(separator: "/"))
            }
            if let values = c.levelValues {
                // Other value labels (SPSS, Stata): the codes decide, as Surv() reads a haven_labelled column; the
                // output names the event by its label.
                let (event, level) = try numericEvents(name, values: rows.map { values[Int(c.codes[$0])] }, rows: rows)
                return (event, values.firstIndex(of: level).map { c.levels[$0] } ?? SurvivalError.number(level))
            }
            guard levels.count == 2 else {
                throw .textEventLevels(column: name, levels: levels)
            }
            // R's Surv() refuses a text status; taking the second level in sorted order (as alliance did) would make
            // 'stayed' the event of stayed/dropped.
            throw .ambiguousEventLevels(column: name, levels: levels)
        }
    }
}
