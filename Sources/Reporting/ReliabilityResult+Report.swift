import DataTable
import Measures
import Output

extension ReliabilityResult {
    /// `reliability`: the §7 object of the total scale (with the instrument, data, level and, when asked, each
    /// subscale), a summary table of every scale and the item statistics of the total. `subscales` is nil when
    /// they were not asked for. `labels` name the items in the item table (an SPSS item's wording); the JSON keeps
    /// the column names.
    public func report(subscales: [SubscaleReliability]?, instrument: String?, level: Double, data: DataProvenance,
                       labels: VariableLabels = VariableLabels()) -> Report {
        let parts = subscales ?? []
        let warnings = combinedWarnings(parts)
        var fields = jsonFields
        fields.insert(("instrument", .string(instrument)), at: 0)
        fields.insert(("data", data.json(used: n)), at: 1)
        fields.append(("level", .number(level)))
        if subscales != nil {
            fields.append(("subscales", .array(parts.map { part in
                .object([("name", .string(part.name))] + part.result.jsonFields)
            })))
        }
        fields.append(("warnings", .array(warnings.map { .string($0) })))
        return Report(json: .object(fields), tables: tables(parts, instrument: instrument, level: level, data: data, labels: labels),
                      warnings: warnings)
    }

    /// The §7 object of one scale: n, items, alpha, its interval, standardized alpha, omega total, item stats.
    var jsonFields: [(String, JSONValue)] {
        [
            ("n", .integer(n)),
            ("items", .integer(items.count)),
            ("alpha", .number(alpha)),
            ("alpha_conf_low", .number(alphaConfLow)),
            ("alpha_conf_high", .number(alphaConfHigh)),
            ("std_alpha", .number(standardizedAlpha)),
            ("omega_total", .number(omega?.omegaTotal)),
            ("item_stats", .array(itemStats.map { s in
                .object([("item", .string(s.item)), ("item_rest_r", .number(s.itemRestCorrelation)),
                         ("alpha_if_dropped", .number(s.alphaIfDropped))])
            })),
            ("dropped", .integer(dropped)),
            // An addition after the §7 keys: ω with the observed total variance of the standardized items, as
            // psych::omega reports it (docs/reliability.md).
            ("omega_total_observed", .number(omega?.omegaTotalObserved)),
        ]
    }

    /// The total's warnings, then each subscale's prefixed with its name, without repeats.
    private func combinedWarnings(_ parts: [SubscaleReliability]) -> [String] {
        var seen = Set<String>()
        let all = warnings + parts.flatMap { p in p.result.warnings.map { "\(p.name): \($0)" } }
        return all.filter { seen.insert($0).inserted }
    }

    private func tables(_ parts: [SubscaleReliability], instrument: String?, level: Double, data: DataProvenance,
                        labels: VariableLabels) -> [ResultTable] {
        let percent = NumberFormat.fixed(100 * level, places: 0)
        let scaleName = instrument ?? "items"
        let scales = [(instrument.map { "\($0) total" } ?? "All items", self)] + parts.map { ($0.name, $0.result) }
        let summary = ResultTable(
            title: "Reliability of \(scaleName)",
            columns: [TableColumn("Scale", key: "scale"), TableColumn("k", kind: .integer, key: "items"),
                      TableColumn("n", kind: .integer, key: "n"), TableColumn("α", kind: .bounded(2), key: "alpha"),
                      TableColumn("\(percent)% CI", kind: .interval(2, bounded: true), key: "alpha_conf"),
                      TableColumn("Std. α", kind: .bounded(2), key: "std_alpha"),
                      TableColumn("ω (model)", kind: .bounded(2), key: "omega_total"),
                      TableColumn("ω (observed)", kind: .bounded(2), key: "omega_total_observed")],
            rows: scales.map { name, r in
                [.text(name), .integer(r.items.count), .integer(r.n), .number(r.alpha),
                 .interval(r.alphaConfLow, r.alphaConfHigh), .number(r.standardizedAlpha), .number(r.omega?.omegaTotal),
                 .number(r.omega?.omegaTotalObserved)]
            },
            notes: ["\(data.file): rows with a missing item are dropped per scale (\(dropped) of \(data.rows) for the total). "
                    + "CI by Feldt's method. ω total from a one-factor maximum-likelihood model: (model) over the "
                    + "model-implied variance of the raw total, as lavaan; (observed) over the observed variance of the "
                    + "standardized items, as psych::omega."])
        let itemTable = ResultTable(
            title: "Item statistics (\(instrument.map { "\($0) total" } ?? "all items"))",
            columns: [TableColumn("Item", key: "item"),
                      TableColumn("Item–rest r", kind: .bounded(2), key: "item_rest_r"),
                      TableColumn("α if dropped", kind: .bounded(2), key: "alpha_if_dropped")],
            rows: itemStats.map { [.text(labels.display($0.item)), .number($0.itemRestCorrelation), .number($0.alphaIfDropped)] },
            notes: ["Item–rest r: correlation of the item with the sum of the other items."])
        return [summary, itemTable]
    }
}
