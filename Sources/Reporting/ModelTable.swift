import DataTable
import Foundation
import Output

/// Why a file cannot be a column of a model table.
public struct ModelTableError: Error, Sendable, Equatable, CustomStringConvertible {
    public let file: String
    public let problem: String

    public var description: String {
        "\(file): \(problem); give the JSON a model command wrote (e.g. alliance fit ols data.csv --formula \"y ~ x\" --format json --out m1.json)"
    }
}

/// What `alliance table` shows.
public struct ModelTableOptions: Sendable {
    /// Confidence intervals under the estimates instead of standard errors.
    public var intervals = false
    /// APA significance stars after the estimates (* p < .05, ** p < .01, *** p < .001).
    public var stars = false
    /// Odds, rate and hazard ratios for log-link models (with their intervals); others stay on their own scale.
    public var exponentiate = false
    /// Decimals of estimates, standard errors and intervals.
    public var digits = 2
    public var title: String?
    public var labels = VariableLabels()

    public init(intervals: Bool = false, stars: Bool = false, exponentiate: Bool = false, digits: Int = 2,
                title: String? = nil, labels: VariableLabels = VariableLabels()) {
        self.intervals = intervals
        self.stars = stars
        self.exponentiate = exponentiate
        self.digits = digits
        self.title = title
        self.labels = labels
    }
}

/// Several fitted models side by side, one column each (as R's modelsummary and stargazer): each term's estimate
/// with its standard error (or interval) below it, then fit statistics, then APA notes.
///
/// Built from the JSON contract (DESIGN.md §7) alone, so it takes every family's result: `coefficients` with
/// `estimate`, `std_error`, `p_value`, `conf_low`, `conf_high` (and `exp_estimate`, `exp_conf_low`,
/// `exp_conf_high` where a family reports ratios: logit/poisson/negbin with --exponentiate, cox always); `fit`
/// statistics where present (`r_squared`, `adj_r_squared`, `log_likelihood`, `aic`, `bic`, `concordance`,
/// `events`); mixed models' `random_effects`, `groups` and `icc`; a meta-analysis's pooled `estimate` with
/// `tau2`, `i2`, `q` and `k`. A key a model lacks leaves its cell empty: nothing is recomputed but the
/// exponential of a log-link estimate and its interval limits.
public struct ModelTable {
    public struct Model: Sendable {
        public let name: String
        public let file: String
        public let json: JSONValue

        public init(name: String, file: String, json: JSONValue) {
            self.name = name
            self.file = file
            self.json = json
        }
    }

    let models: [Extracted]
    let options: ModelTableOptions

    public init(_ models: [Model], options: ModelTableOptions) throws(ModelTableError) {
        var extracted: [Extracted] = []
        for model in models { extracted.append(try Extracted(model, exponentiate: options.exponentiate, labels: options.labels)) }
        self.models = extracted
        self.options = options
    }

    /// Estimates with intervals below them: asked for, or implied by ratios (a ratio's standard error is on
    /// the log scale and would not describe the number above it).
    var showsIntervals: Bool { options.intervals || models.contains { $0.exponentiated } }

    public func report() -> Report {
        let table = resultTable()
        return Report(json: json(), tables: [table], plots: [], warnings: [])
    }

    // MARK: The table

    func resultTable() -> ResultTable {
        let columns = [TableColumn("", key: "term")] + models.map { TableColumn($0.name, kind: .decimal(options.digits), key: $0.name) }
        var rows: [[Cell]] = []
        let labels = termLabels()
        for term in terms() {
            let entries = models.map { $0.coefficient(term) }
            rows.append([.text(display(term, labels))] + entries.map { .text($0.map(estimateText) ?? "") })
            rows.append([.text("")] + entries.map { .text($0.map(precisionText) ?? "") })
        }
        for statistic in fitStatistics() {
            rows.append([.text(statistic.label)] + models.map { model in
                .text(model.fit.first { $0.label == statistic.label }.map { statistic.format($0.value) } ?? "")
            })
        }
        return ResultTable(title: title(), columns: columns, rows: rows, notes: notes())
    }

    func title() -> String {
        if let title = options.title { return title }
        // One outcome for every model; otherwise (or when one has none, as a meta-analysis) a general title.
        let outcomes = models.map(\.outcome)
        if let outcome = outcomes.first ?? nil, outcomes.allSatisfy({ $0 == outcome }) {
            return "Models of \(options.labels[outcome] ?? outcome)"
        }
        return "Models compared"
    }

    /// Every term in the order models first list it; the intercept first (APA tables lead with it).
    func terms() -> [String] {
        var seen: [String] = []
        for model in models {
            for (term, _) in model.coefficients where !seen.contains(term) { seen.append(term) }
        }
        let intercepts = seen.filter(Self.isIntercept)
        return intercepts + seen.filter { !Self.isIntercept($0) }
    }

    static func isIntercept(_ term: String) -> Bool {
        term == "(Intercept)" || term == "intrcpt"
    }

    func display(_ term: String, _ labels: TermLabels) -> String {
        if Self.isIntercept(term) { return options.labels[term] ?? "Intercept" }
        return labels.display(term)
    }

    /// Labels for terms from each model's schema where it has one (`site[north]` → "Site: north"), else from the
    /// term names themselves (a bracketed level names its variable).
    func termLabels() -> TermLabels {
        var variables: [String: TermLabels.Variable] = [:]
        for model in models {
            for variable in model.schemaVariables where variables[variable.name] == nil { variables[variable.name] = variable }
        }
        for model in models {
            for (term, _) in model.coefficients {
                for part in term.split(separator: ":") {
                    let text = String(part)
                    if let open = text.firstIndex(of: "["), text.hasSuffix("]") {
                        let name = String(text[..<open])
                        let level = String(text[text.index(after: open)..<text.index(before: text.endIndex)])
                        let known = variables[name]?.levels ?? []
                        if !known.contains(level) {
                            variables[name] = TermLabels.Variable(name: name, column: Self.column(of: name), levels: known + [level])
                        }
                    } else if variables[text] == nil {
                        variables[text] = TermLabels.Variable(name: text, column: Self.column(of: text), levels: nil)
                    }
                }
            }
        }
        return TermLabels(options.labels, variables: variables.keys.sorted().compactMap { variables[$0] })
    }

    /// The data column behind a variable as terms write it: `site`, `factor(g)` → `g`; nil for a computed one.
    static func column(of name: String) -> String? {
        if name.hasPrefix("factor("), name.hasSuffix(")") { return String(name.dropFirst(7).dropLast()) }
        if name.hasPrefix("`"), name.hasSuffix("`"), name.count > 1 { return String(name.dropFirst().dropLast()) }
        return name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." } ? name : nil
    }

    func estimateText(_ entry: Entry) -> String {
        shown(entry.estimate) + (options.stars ? Self.stars(entry.pValue) : "")
    }

    func precisionText(_ entry: Entry) -> String {
        if showsIntervals {
            guard let low = entry.low, let high = entry.high else { return "" }
            guard low.isFinite, high.isFinite else { return "[\(shown(low)), \(shown(high))]" }
            let ends = NumberFormat.intervalEnds(low, high, places: options.digits)
            return "[\(ends.low), \(ends.high)]"
        }
        return entry.standardError.map { "(\(shown($0)))" } ?? ""
    }

    /// An estimate or SE at `--digits`, in scientific notation when those decimals would show a non-zero
    /// value as zero (a coefficient per dollar) or more than 15 significant digits (`NumberFormat.estimate`).
    func shown(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "\u{2014}" }
        return NumberFormat.estimate(value, places: options.digits)
    }

    /// APA's thresholds, as modelsummary's `stars = c("*" = .05, "**" = .01, "***" = .001)`.
    static func stars(_ p: Double?) -> String {
        guard let p, p.isFinite else { return "" }
        if p < 0.001 { return "***" }
        if p < 0.01 { return "**" }
        if p < 0.05 { return "*" }
        return ""
    }

    /// The fit statistics any model reports, in a fixed order.
    func fitStatistics() -> [FitStatistic] {
        var order: [FitStatistic] = []
        for model in models {
            for value in model.fit where !order.contains(where: { $0.label == value.label }) {
                order.append(FitStatistic(label: value.label, style: value.style, rank: value.rank))
            }
        }
        return order.enumerated().sorted { ($0.element.rank, $0.offset) < ($1.element.rank, $1.offset) }.map(\.element)
    }

    func notes() -> [String] {
        var notes: [String] = []
        let level = models.compactMap(\.level).first ?? 0.95
        let percent = NumberFormat.fixed(level * 100, places: level * 100 == (level * 100).rounded() ? 0 : 1) + "%"
        if showsIntervals {
            notes.append("Estimates with \(percent) confidence intervals in brackets.")
        } else {
            notes.append("Estimates with standard errors in parentheses.")
        }
        let ratios = models.filter(\.exponentiated).map(\.name)
        if !ratios.isEmpty {
            notes.append("\(Self.list(ratios)): exponentiated estimates and interval limits (odds, rate or hazard ratios).")
        }
        if options.exponentiate {
            let kept = models.filter { !$0.exponentiated && !$0.coefficients.isEmpty }.map(\.name)
            if !kept.isEmpty { notes.append("\(Self.list(kept)): not a log-link model; estimates on their own scale.") }
        }
        for model in models { notes.append(model.description + ".") }
        for model in models {
            for warning in model.warnings { notes.append("\(model.name): \(warning)") }
        }
        if options.stars { notes.append("* p < .05. ** p < .01. *** p < .001.") }
        return notes
    }

    static func list(_ names: [String]) -> String {
        switch names.count {
        case 0: return ""
        case 1: return names[0]
        case 2: return names[0] + " and " + names[1]
        default: return names.dropLast().joined(separator: ", ") + ", and " + names[names.count - 1]
        }
    }

    // MARK: JSON

    /// Full-precision values behind the table: per term and model the numbers shown (after exponentiation).
    func json() -> JSONValue {
        let modelsJSON: [JSONValue] = models.map { model in
            .object([("name", .string(model.name)), ("file", .string(model.file)), ("model", .string(model.kind)),
                     ("formula", .string(model.formula)), ("exponentiated", .bool(model.exponentiated))])
        }
        let labels = termLabels()
        let coefficients: [JSONValue] = terms().map { term in
            let values: [JSONValue] = models.map { model in
                guard let entry = model.coefficient(term) else { return .null }
                return .object([("estimate", .number(entry.estimate)), ("std_error", .number(entry.standardError)),
                                ("conf_low", .number(entry.low)), ("conf_high", .number(entry.high)),
                                ("p_value", .number(entry.pValue))])
            }
            return .object([("term", .string(term)), ("label", .string(display(term, labels))), ("values", .array(values))])
        }
        let fit: [JSONValue] = fitStatistics().map { statistic in
            .object([("statistic", .string(statistic.label)), ("values", .array(models.map { model in
                .number(model.fit.first { $0.label == statistic.label }?.value)
            }))])
        }
        return .object([("table", "models"), ("intervals", .bool(showsIntervals)), ("models", .array(modelsJSON)),
                        ("coefficients", .array(coefficients)), ("fit", .array(fit))])
    }
}

/// One coefficient as a table shows it.
struct Entry {
    var estimate: Double?
    var standardError: Double?
    var low: Double?
    var high: Double?
    var pValue: Double?
}

/// How a fit statistic's numbers are written.
enum FitStyle {
    case integer, bounded(Int), fixed(Int)

    func format(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "" }
        switch self {
        case .integer: return NumberFormat.integer(value)
        case .bounded(let places): return NumberFormat.bounded(value, places: places)
        case .fixed(let places): return NumberFormat.fixed(value, places: places)
        }
    }
}

struct FitStatistic {
    let label: String
    let style: FitStyle
    /// Position in the table's block of fit rows (sample sizes, then variance, then information criteria).
    let rank: Int

    func format(_ value: Double?) -> String { style.format(value) }
}

struct FitValue {
    let label: String
    let value: Double?
    let style: FitStyle
    let rank: Int
}

/// The parts of one model's JSON a table uses.
struct Extracted {
    let name: String
    let file: String
    let kind: String
    let formula: String
    let outcome: String?
    let level: Double?
    let exponentiated: Bool
    let coefficients: [(String, Entry)]
    let fit: [FitValue]
    let schemaVariables: [TermLabels.Variable]
    let warnings: [String]
    let description: String

    /// Families whose coefficients are on a log scale, so that their exponentials are ratios.
    static let logLink: Set<String> = ["logit", "poisson", "negbin", "cox", "glmm"]

    init(_ model: ModelTable.Model, exponentiate: Bool, labels: VariableLabels) throws(ModelTableError) {
        let json = model.json
        guard case .object = json else { throw ModelTableError(file: model.file, problem: "not a JSON object") }
        name = model.name
        file = model.file
        kind = json["model"]?.stringValue ?? "model"
        formula = json["formula"]?.stringValue ?? ""
        outcome = ModelWords.outcome(ofFormula: formula)
        level = json["level"]?.doubleValue
        warnings = json["warnings"]?.arrayValue?.compactMap(\.stringValue) ?? []

        let raw = json["coefficients"]?.arrayValue
        let pooled = json["estimate"]?.doubleValue != nil
        guard raw != nil || pooled else {
            throw ModelTableError(file: model.file, problem: "no \"coefficients\" array and no pooled \"estimate\": not a model result")
        }
        let hasRatios = raw?.contains { $0["exp_estimate"]?.doubleValue != nil } ?? false
        let ratios = exponentiate && (hasRatios || Self.logLink.contains(kind.lowercased()))
        exponentiated = ratios && raw != nil
        var entries: [(String, Entry)] = []
        for coefficient in raw ?? [] {
            guard let term = coefficient["term"]?.stringValue else {
                throw ModelTableError(file: model.file, problem: "a coefficient without \"term\"")
            }
            if coefficient["aliased"] == .bool(true) { continue }
            var entry = Entry(estimate: coefficient["estimate"]?.doubleValue, standardError: coefficient["std_error"]?.doubleValue,
                              low: coefficient["conf_low"]?.doubleValue, high: coefficient["conf_high"]?.doubleValue,
                              pValue: coefficient["p_value"]?.doubleValue)
            if exponentiated {
                // The family's own ratios where it wrote them; otherwise the exponential of the estimate and limits.
                entry.estimate = coefficient["exp_estimate"]?.doubleValue ?? entry.estimate.map(Foundation.exp)
                entry.low = coefficient["exp_conf_low"]?.doubleValue ?? entry.low.map(Foundation.exp)
                entry.high = coefficient["exp_conf_high"]?.doubleValue ?? entry.high.map(Foundation.exp)
            }
            entries.append((term, entry))
        }
        if raw == nil {
            entries.append(("Pooled estimate", Entry(estimate: json["estimate"]?.doubleValue, standardError: json["std_error"]?.doubleValue,
                                                     low: json["conf_low"]?.doubleValue, high: json["conf_high"]?.doubleValue,
                                                     pValue: json["p_value"]?.doubleValue)))
        }
        coefficients = entries
        fit = Self.fitValues(json)
        schemaVariables = (json["schema"]?["variables"]?.arrayValue ?? []).compactMap { variable in
            guard let name = variable["variable"]?.stringValue else { return nil }
            let levels = variable["levels"]?.arrayValue?.compactMap(\.stringValue)
            return TermLabels.Variable(name: name, column: ModelTable.column(of: name), levels: levels)
        }

        let mixed = json["random_effects"] != nil && kind.lowercased() != "lmm"
        var words = "\(model.name): " + ModelWords.title(model: kind, formula: formula.isEmpty ? nil : formula, labels: labels, mixed: mixed)
        var details: [String] = []
        if let dataFile = json["data"]?["file"]?.stringValue {
            let base = (dataFile as NSString).lastPathComponent
            if let used = json["data"]?["used"]?.intValue, let rows = json["data"]?["rows"]?.intValue {
                details.append("\(base), \(used) of \(rows) rows")
            } else {
                details.append(base)
            }
        }
        if let vcov = json["vcov"]?.stringValue, vcov != "classical" { details.append("\(vcov) standard errors") }
        if let method = json["fit"]?["method"]?.stringValue ?? json["method"]?.stringValue { details.append(method) }
        if !details.isEmpty { words += " (" + details.joined(separator: "; ") + ")" }
        description = words
    }

    func coefficient(_ term: String) -> Entry? {
        coefficients.first { $0.0 == term }?.1
    }

    /// The fit rows this model has, under the labels the table shows.
    static func fitValues(_ json: JSONValue) -> [FitValue] {
        var values: [FitValue] = []
        func add(_ label: String, _ value: Double?, _ style: FitStyle, _ rank: Int) {
            guard let value else { return }
            values.append(FitValue(label: label, value: value, style: style, rank: rank))
        }
        let fit = json["fit"]
        add("N", json["data"]?["used"]?.doubleValue ?? fit?["n"]?.doubleValue, .integer, 0)
        add("Events", fit?["events"]?.doubleValue, .integer, 1)
        add("k (studies)", json["k"]?.doubleValue, .integer, 2)
        for group in json["groups"]?.arrayValue ?? [] {
            if let name = group["group"]?.stringValue { add("Groups: \(name)", group["levels"]?.doubleValue, .integer, 3) }
        }
        add("R²", fit?["r_squared"]?.doubleValue, .bounded(3), 4)
        add("Adjusted R²", fit?["adj_r_squared"]?.doubleValue, .bounded(3), 5)
        for component in json["random_effects"]?.arrayValue ?? [] {
            guard let group = component["group"]?.stringValue else { continue }
            if let variance = component["variance"]?.doubleValue {
                let term = component["term"]?.stringValue
                let what = group == "Residual" ? "residual" : group + (term.map { $0 == "(Intercept)" ? " intercept" : " \($0)" } ?? "")
                add("Variance: \(what)", variance, .fixed(2), 6)
            } else if let correlation = component["correlation"]?.doubleValue {
                let terms = component["terms"]?.arrayValue?.compactMap(\.stringValue).joined(separator: ", ") ?? ""
                add("Correlation: \(group) (\(terms))", correlation, .bounded(2), 7)
            }
        }
        for icc in json["icc"]?.arrayValue ?? [] {
            if let group = icc["group"]?.stringValue { add("ICC: \(group)", icc["estimate"]?.doubleValue, .bounded(3), 8) }
        }
        add("τ²", json["tau2"]?.doubleValue, .fixed(3), 9)
        add("I² (%)", json["i2"]?.doubleValue, .fixed(1), 10)
        add("Q", json["q"]?.doubleValue, .fixed(2), 11)
        // Concordance as a number, or as an object with its estimate (survival's concordance() has both).
        add("Concordance", fit?["concordance"]?.doubleValue ?? fit?["concordance"]?["estimate"]?.doubleValue, .bounded(3), 12)
        add("Log-likelihood", fit?["log_likelihood"]?.doubleValue, .fixed(2), 13)
        add("AIC", fit?["aic"]?.doubleValue, .fixed(2), 14)
        add("BIC", fit?["bic"]?.doubleValue, .fixed(2), 15)
        return values
    }
}
