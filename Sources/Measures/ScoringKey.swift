import Foundation
import DataTable

/// Whether lower or higher scores are better on an instrument (decides which side of a cut-off is
/// clinical and which sign of change is improvement).
public enum ScoreDirection: String, Codable, Sendable, Equatable {
    case lowerBetter = "lower_better"
    case higherBetter = "higher_better"
}

/// How item scores are combined into a total or subscale score.
public enum TotalRule: String, Codable, Sendable, Equatable {
    case sum
    case mean
}

/// An instrument's scoring key, read from a JSON data file (format in docs/scoring-keys.md).
/// Holds scoring rules and published reference figures only, never item wording.
public struct ScoringKey: Codable, Sendable, Equatable {
    public struct ItemRange: Codable, Sendable, Equatable {
        public let min: Double
        public let max: Double
        public init(min: Double, max: Double) { self.min = min; self.max = max }
    }

    public struct Subscale: Codable, Sendable, Equatable {
        public let name: String
        /// 1-based item positions.
        public let items: [Int]
        public init(name: String, items: [Int]) { self.name = name; self.items = items }
    }

    /// Prorating: with at most `maxMissing` items missing, the score is the mean of the answered
    /// items (rule `mean`) or that mean times the number of items (rule `sum`).
    public struct Prorating: Codable, Sendable, Equatable {
        public let maxMissing: Int
        public init(maxMissing: Int) { self.maxMissing = maxMissing }
        enum CodingKeys: String, CodingKey { case maxMissing = "max_missing" }
    }

    /// A severity band: applies when `min ≤ total` and the next band's `min` is above the total
    /// (so prorated, fractional totals fall into the band whose lower bound they have reached).
    public struct SeverityBand: Codable, Sendable, Equatable {
        public let label: String
        public let min: Double
        public let max: Double
        public init(label: String, min: Double, max: Double) { self.label = label; self.min = min; self.max = max }
    }

    /// Mean and SD of a reference population.
    public struct Norm: Codable, Sendable, Equatable {
        public let mean: Double
        public let sd: Double
        public let n: Int?
        public let description: String?
        public init(mean: Double, sd: Double, n: Int? = nil, description: String? = nil) {
            self.mean = mean; self.sd = sd; self.n = n; self.description = description
        }
    }

    public struct Norms: Codable, Sendable, Equatable {
        public let functional: Norm?
        public let dysfunctional: Norm?
        public let reliability: Double?
        public let reliabilityKind: String?
        public init(functional: Norm?, dysfunctional: Norm?, reliability: Double?, reliabilityKind: String? = nil) {
            self.functional = functional; self.dysfunctional = dysfunctional
            self.reliability = reliability; self.reliabilityKind = reliabilityKind
        }
        enum CodingKeys: String, CodingKey {
            case functional, dysfunctional, reliability
            case reliabilityKind = "reliability_kind"
        }
    }

    /// An item-level flag: `<id>_<name>` is 1 when item `item` is above `above`.
    public struct ItemFlag: Codable, Sendable, Equatable {
        public let name: String
        public let item: Int
        public let above: Double
        public init(name: String, item: Int, above: Double) { self.name = name; self.item = item; self.above = above }
    }

    /// A total-level alert: `<id>_<name>` is 1 when the total is below `below` (overridable per run).
    public struct TotalAlert: Codable, Sendable, Equatable {
        public let name: String
        public let below: Double
        public init(name: String, below: Double) { self.name = name; self.below = below }
    }

    public let format: String
    public let id: String
    public let name: String
    public let items: Int
    public let itemRange: ItemRange
    public let integerItems: Bool
    /// 1-based positions of reverse-keyed items; reversal is `min + max − x`.
    public let reverseItems: [Int]
    public let subscales: [Subscale]
    public let total: TotalRule
    public let prorating: Prorating?
    public let severityBands: [SeverityBand]
    /// Clinical cut-off C: the clinical side is `total ≥ C` when lower is better, `total < C` when higher is better.
    public let clinicalCutoff: Double?
    /// Published reliable-change criterion in raw points (a change of at least this much is reliable).
    public let reliableChange: Double?
    public let direction: ScoreDirection
    public let norms: Norms?
    public let flags: [ItemFlag]
    public let alert: TotalAlert?
    public let source: [String]
    public let notes: [String]

    public static let formatVersion = "alliance-scoring-key/1"

    enum CodingKeys: String, CodingKey {
        case format, id, name, items, subscales, total, prorating, direction, norms, flags, alert, source, notes
        case itemRange = "item_range"
        case integerItems = "integer_items"
        case reverseItems = "reverse_items"
        case severityBands = "severity_bands"
        case clinicalCutoff = "clinical_cutoff"
        case reliableChange = "reliable_change"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        format = try c.decodeIfPresent(String.self, forKey: .format) ?? ScoringKey.formatVersion
        id = try c.decode(String.self, forKey: .id)
        name = try c.decodeIfPresent(String.self, forKey: .name) ?? id
        items = try c.decode(Int.self, forKey: .items)
        itemRange = try c.decode(ItemRange.self, forKey: .itemRange)
        integerItems = try c.decodeIfPresent(Bool.self, forKey: .integerItems) ?? false
        reverseItems = try c.decodeIfPresent([Int].self, forKey: .reverseItems) ?? []
        subscales = try c.decodeIfPresent([Subscale].self, forKey: .subscales) ?? []
        total = try c.decodeIfPresent(TotalRule.self, forKey: .total) ?? .sum
        prorating = try c.decodeIfPresent(Prorating.self, forKey: .prorating)
        severityBands = try c.decodeIfPresent([SeverityBand].self, forKey: .severityBands) ?? []
        clinicalCutoff = try c.decodeIfPresent(Double.self, forKey: .clinicalCutoff)
        reliableChange = try c.decodeIfPresent(Double.self, forKey: .reliableChange)
        direction = try c.decode(ScoreDirection.self, forKey: .direction)
        norms = try c.decodeIfPresent(Norms.self, forKey: .norms)
        flags = try c.decodeIfPresent([ItemFlag].self, forKey: .flags) ?? []
        alert = try c.decodeIfPresent(TotalAlert.self, forKey: .alert)
        source = try c.decodeIfPresent([String].self, forKey: .source) ?? []
        notes = try c.decodeIfPresent([String].self, forKey: .notes) ?? []
    }

    /// The stem of output column names: the id with `-` replaced by `_` (`wai-sr` → `wai_sr`).
    public var columnStem: String { id.replacingOccurrences(of: "-", with: "_") }

    /// Whether the key bounds its items (an ad-hoc scale without `--range` does not, so nothing stops a -99).
    public var hasItemRange: Bool {
        itemRange.min > -Double.greatestFiniteMagnitude && itemRange.max < Double.greatestFiniteMagnitude
    }

    /// The totals the key can give: the items' range times the item count for a sum (a prorated sum stays inside it),
    /// the items' range for a mean.
    public var totalRange: ItemRange {
        switch total {
        case .sum: return ItemRange(min: itemRange.min * Double(items), max: itemRange.max * Double(items))
        case .mean: return itemRange
        }
    }

    /// Reverses a reverse-keyed item's value: `min + max − x`.
    public func reversed(_ x: Double) -> Double { itemRange.min + itemRange.max - x }

    /// The severity label of a total, or nil when the key has no bands or the total is below the first.
    public func severity(of total: Double) -> String? {
        var label: String?
        for band in severityBands where DecimalCutoff.reaches(total, band.min) { label = band.label }
        return label
    }

    /// Whether a score lies on the clinical side of the key's cut-off (nil without a cut-off).
    public func isClinical(_ score: Double) -> Bool? {
        guard let c = clinicalCutoff else { return nil }
        return direction == .lowerBetter ? DecimalCutoff.reaches(score, c) : DecimalCutoff.isBelow(score, c)
    }

    // MARK: loading

    /// Ids of the keys shipped with alliance, sorted.
    public static var builtinIDs: [String] {
        guard let folder = Bundle.module.url(forResource: "Keys", withExtension: nil),
              let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [] }
        return names.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// A shipped key by id (case-insensitive).
    public static func builtin(_ id: String) throws(ScoringKeyError) -> ScoringKey {
        let wanted = id.lowercased()
        guard let url = Bundle.module.url(forResource: wanted, withExtension: "json", subdirectory: "Keys") else {
            throw .unknownInstrument(id, available: builtinIDs)
        }
        return try load(contentsOf: url)
    }

    /// A key from a JSON file (a user's `--key FILE`), validated.
    public static func load(contentsOf url: URL) throws(ScoringKeyError) -> ScoringKey {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw .unreadable(path: url.path, reason: error.localizedDescription)
        }
        return try decode(data, origin: url.path)
    }

    /// A key from JSON bytes, validated. `origin` names the source in error messages.
    public static func decode(_ data: Data, origin: String = "key") throws(ScoringKeyError) -> ScoringKey {
        let key: ScoringKey
        do { key = try JSONDecoder().decode(ScoringKey.self, from: data) } catch {
            // Foundation says only "not valid JSON" for a number that does not fit a whole-number field (9.5 items).
            throw .malformed(path: origin, reason: notWholeNumber(in: data) ?? describe(error))
        }
        if let problem = unknownField(in: data) { throw .invalid(path: origin, reason: problem) }
        try key.validate(origin: origin)
        return key
    }

    /// The fields each object of a key may hold (the coding keys above). A misspelt optional field (`reverse` for
    /// `reverse_items`, `prorate` for `prorating`) was ignored without a word, and the key scored as if it were absent.
    static let knownFields: [String: Set<String>] = [
        "": ["format", "id", "name", "items", "item_range", "integer_items", "reverse_items", "subscales", "total",
             "prorating", "severity_bands", "clinical_cutoff", "reliable_change", "direction", "norms", "flags", "alert",
             "source", "notes"],
        "item_range": ["min", "max"], "subscales": ["name", "items"], "prorating": ["max_missing"],
        "severity_bands": ["label", "min", "max"], "norms": ["functional", "dysfunctional", "reliability", "reliability_kind"],
        "norms.functional": ["mean", "sd", "n", "description"], "norms.dysfunctional": ["mean", "sd", "n", "description"],
        "flags": ["name", "item", "above"], "alert": ["name", "below"],
    ]

    /// "unknown field 'reverse' (did you mean 'reverse_items'?)" for the first field no object of the key knows.
    static func unknownField(in data: Data) -> String? {
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        func check(_ object: [String: Any], at path: String) -> String? {
            guard let known = knownFields[path] else { return nil }
            for name in object.keys.sorted() {
                guard known.contains(name) else {
                    // The field the name begins (`reverse` → `reverse_items`), else the nearest in spelling.
                    func distance(_ field: String) -> Int { editDistance(Array(name), Array(field)) }
                    let nearest = known.sorted().first { $0.hasPrefix(name) || name.hasPrefix($0) }
                        ?? known.min { (distance($0), $0) < (distance($1), $1) }
                            .flatMap { distance($0) <= max(3, name.count / 2) ? $0 : nil }
                    let hint = nearest.map { " (did you mean '\($0)'?)" } ?? ""
                    return "unknown field '\(path.isEmpty ? name : path + "." + name)'\(hint)"
                }
                let child = path.isEmpty ? name : path + "." + name
                if let nested = object[name] as? [String: Any], let found = check(nested, at: child) { return found }
                if let list = object[name] as? [Any] {
                    for case let nested as [String: Any] in list { if let found = check(nested, at: child) { return found } }
                }
            }
            return nil
        }
        return check(root, at: "")
    }

    /// Checks the key's internal consistency.
    public func validate(origin: String = "key") throws(ScoringKeyError) {
        func fail(_ why: String) -> ScoringKeyError { .invalid(path: origin, reason: why) }
        guard format == ScoringKey.formatVersion else { throw fail("unsupported format '\(format)' (expected '\(ScoringKey.formatVersion)')") }
        guard !id.isEmpty, id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw fail("id must be non-empty letters, digits, '-' or '_'")
        }
        // An instrument of more items than any questionnaire has is a typo (and 1e15 items tried to allocate 16 PB).
        guard items >= 1, items <= 10_000 else { throw fail("items must be between 1 and 10,000 (got \(items))") }
        guard itemRange.min.isFinite, itemRange.max.isFinite, itemRange.min < itemRange.max else {
            throw fail("item_range min must be below max")
        }
        for i in reverseItems where !(1...items).contains(i) { throw fail("reverse item \(i) is outside 1...\(items)") }
        // An item listed twice would count twice (in a subscale's total and reliability) or be reversed twice.
        if let twice = Self.repeated(reverseItems) { throw fail("reverse_items lists item \(twice) twice") }
        var names = Set<String>()
        for s in subscales {
            guard !s.name.isEmpty, !s.items.isEmpty else { throw fail("subscale needs a name and items") }
            guard s.name != "total", names.insert(s.name).inserted else { throw fail("duplicate or reserved subscale name '\(s.name)'") }
            for i in s.items where !(1...items).contains(i) { throw fail("subscale '\(s.name)' item \(i) is outside 1...\(items)") }
            if let twice = Self.repeated(s.items) { throw fail("subscale '\(s.name)' lists item \(twice) twice") }
        }
        if let p = prorating, p.maxMissing < 0 || p.maxMissing >= items {
            throw fail("prorating max_missing must be between 0 and items - 1")
        }
        for (a, b) in zip(severityBands, severityBands.dropFirst()) where !(a.min < b.min) {
            throw fail("severity bands must be in increasing order of min")
        }
        // Bands that leave totals without a label, or give one total two, were taken as written until session 21: a
        // first band above the lowest total left those rows' severity empty without a word.
        for band in severityBands {
            guard !band.label.trimmingCharacters(in: .whitespaces).isEmpty else { throw fail("a severity band has an empty label") }
            guard band.min.isFinite, band.max.isFinite, band.min <= band.max else {
                throw fail("severity band '\(band.label)' needs min ≤ max (got \(band.min)–\(band.max))")
            }
        }
        for (a, b) in zip(severityBands, severityBands.dropFirst()) where a.max > b.min {
            throw fail("severity bands '\(a.label)' (\(a.min)–\(a.max)) and '\(b.label)' (\(b.min)–\(b.max)) overlap; a band runs "
                + "from its min up to the next band's min, so end '\(a.label)' below \(b.min)")
        }
        if let first = severityBands.first, first.min > totalRange.min {
            throw fail("the first severity band '\(first.label)' starts at \(first.min), but totals can be as low as \(totalRange.min), "
                + "which would get no severity; add a band from \(totalRange.min) (e.g. 'minimal')")
        }
        for f in flags where !(1...items).contains(f.item) { throw fail("flag '\(f.name)' item \(f.item) is outside 1...\(items)") }
        // Each output is a column `<id>_<name>`: two outputs of one name (a flag called `severity`, two flags `f`) clashed
        // only when the scored table was built, and the error blamed the data file.
        var outputs: Set<String> = ["total"]
        if !severityBands.isEmpty { outputs.insert("severity") }
        for name in subscales.map(\.name) + flags.map(\.name) + [alert?.name].compactMap({ $0 }) {
            guard outputs.insert(name).inserted else {
                throw fail("two outputs are named '\(name)' (subscales, flags, the alert, total and severity each make a column "
                    + "\(columnStem)_NAME); give them different names")
            }
        }
        if let r = reliableChange, !(r > 0) { throw fail("reliable_change must be positive") }
        if let r = norms?.reliability, !(r > 0 && r < 1) { throw fail("norms reliability must be in (0, 1)") }
    }

    /// The first whole-number field (items, reverse_items, a subscale's items, max_missing, a flag's item, norms' n)
    /// holding a number that is not a whole number in Int's range, named by its path.
    static func notWholeNumber(in data: Data) -> String? {
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        func whole(_ value: Any?) -> Bool {
            guard let number = value as? NSNumber else { return true }  // a wrong type is the decoder's message
            let x = number.doubleValue
            return x == x.rounded() && abs(x) < 9.0e18
        }
        func check(_ value: Any?, _ path: String) -> String? {
            if let list = value as? [Any] {
                for (i, v) in list.enumerated() where !whole(v) { return "'\(path)[\(i)]' must be a whole number (got \(list[i]))" }
                return nil
            }
            return whole(value) ? nil : "'\(path)' must be a whole number (got \(value ?? ""))"
        }
        if let problem = check(root["items"], "items") ?? check(root["reverse_items"], "reverse_items") { return problem }
        for (k, s) in ((root["subscales"] as? [[String: Any]]) ?? []).enumerated() {
            if let problem = check(s["items"], "subscales[\(k)].items") { return problem }
        }
        if let problem = check((root["prorating"] as? [String: Any])?["max_missing"], "prorating.max_missing") { return problem }
        for (k, f) in ((root["flags"] as? [[String: Any]]) ?? []).enumerated() {
            if let problem = check(f["item"], "flags[\(k)].item") { return problem }
        }
        return check((root["norms"] as? [String: Any])?["n"], "norms.n")
    }

    /// The first value that occurs twice.
    private static func repeated(_ values: [Int]) -> Int? {
        var seen = Set<Int>()
        return values.first { !seen.insert($0).inserted }
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let ctx):
            return "missing field '\((ctx.codingPath + [key]).map(\.stringValue).joined(separator: "."))'"
        case DecodingError.typeMismatch(_, let ctx), DecodingError.valueNotFound(_, let ctx):
            return "wrong type at '\(ctx.codingPath.map(\.stringValue).joined(separator: "."))': \(ctx.debugDescription)"
        case DecodingError.dataCorrupted(let ctx):
            let at = ctx.codingPath.map(\.stringValue).joined(separator: ".")
            return at.isEmpty ? "not valid JSON" : "invalid value at '\(at)': \(ctx.debugDescription)"
        default:
            return "\(error)"
        }
    }
}

public enum ScoringKeyError: Error, Equatable, CustomStringConvertible, Sendable {
    case unknownInstrument(String, available: [String])
    case unreadable(path: String, reason: String)
    case malformed(path: String, reason: String)
    case invalid(path: String, reason: String)

    public var description: String {
        switch self {
        case .unknownInstrument(let id, let available):
            return "unknown instrument '\(id)'; shipped keys: \(available.joined(separator: ", ")) (or pass --key FILE)"
        case .unreadable(let path, let reason):
            return "\(path): cannot read scoring key (\(reason))"
        case .malformed(let path, let reason):
            return "\(path): malformed scoring key: \(reason); see docs/scoring-keys.md"
        case .invalid(let path, let reason):
            return "\(path): invalid scoring key: \(reason); see docs/scoring-keys.md"
        }
    }
}
