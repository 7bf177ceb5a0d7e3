import Models
import Output

/// `mediate`: paths a, b, c, c′ (t-based, as lm), the indirect effects with bootstrap intervals, and for models 7
/// and 14 the index of moderated mediation and the conditional indirect effects (DESIGN.md §7), as APA tables that
/// name the PROCESS model.
extension MediationResult {
    public func report(data: DataProvenance) -> Report {
        Report(json: json(data: data), tables: tables(data: data), warnings: warnings)
    }

    /// "PROCESS model 7 (first-stage moderated mediation)".
    public var processDescription: String {
        switch processModel {
        case 4: return "PROCESS model 4 (\(mediators.count == 1 ? "simple" : "parallel") mediation)"
        case 7: return "PROCESS model 7 (moderated mediation: W moderates the a path, X → M)"
        default: return "PROCESS model 14 (moderated mediation: W moderates the b path, M → Y)"
        }
    }

    private func json(data: DataProvenance) -> JSONValue {
        typealias J = MediationJSON
        let boot = bootstrap
        var paths: [(String, JSONValue)] = []
        if effects.count == 1 {
            paths += [("a", J.coefficient(effects[0].a)), ("b", J.coefficient(effects[0].b))]
        }
        paths += [("c", J.coefficient(c)), ("c_prime", J.coefficient(cPrime))]
        if effects.count == 1, let interaction = effects[0].interaction {
            paths.append((moderated == .a ? "a_interaction" : "b_interaction", J.coefficient(interaction)))
        }
        func conditional(_ e: MediatorEffects) -> JSONValue {
            .array(e.conditionalIndirect.map { c in
                var fields: [(String, JSONValue)] = [("w", J.number(c.w))]
                if case .object(let rest) = J.bootstrapped(c.effect, boot) { fields += rest }
                return .object(fields)
            })
        }
        let mediatorJSON: [JSONValue] = effects.map { e in
            var fields: [(String, JSONValue)] = [("mediator", .string(e.mediator)), ("a", J.coefficient(e.a)), ("b", J.coefficient(e.b))]
            if let interaction = e.interaction { fields.append(("interaction", J.coefficient(interaction))) }
            if let indirect = e.indirect { fields.append(("indirect", J.bootstrapped(indirect, boot))) }
            if let index = e.indexOfModeratedMediation {
                fields.append(("index_of_moderated_mediation", J.bootstrapped(index, boot)))
                fields.append(("conditional_effects", conditional(e)))
            }
            return .object(fields)
        }
        var top: [(String, JSONValue)] = [
            ("model", .string("mediation")), ("process_model", .integer(processModel)),
            ("x", .string(x)), ("m", .array(mediators.map { .string($0) })), ("y", .string(y)),
            ("covariates", .array(covariates.map { .string($0) })),
        ]
        if let w, let moderated { top += [("w", .string(w)), ("moderated_path", .string(moderated.rawValue))] }
        top += [("data", data.json(used: counts.rowsUsed)), ("level", .number(level)), ("paths", .object(paths))]
        if effects.count == 1, let indirect = effects[0].indirect { top.append(("indirect", J.bootstrapped(indirect, boot))) }
        if effects.count == 1, let index = effects[0].indexOfModeratedMediation {
            top.append(("index_of_moderated_mediation", J.bootstrapped(index, boot)))
            top.append(("conditional_effects", conditional(effects[0])))
        }
        top.append(("mediators", .array(mediatorJSON)))
        if let totalIndirect { top.append(("total_indirect", J.bootstrapped(totalIndirect, boot))) }
        if let probeRule { top.append(("probes", .object([("rule", .string(probeRule.rawValue)), ("values", .array(probes.map(J.number)))]))) }
        top += [
            ("bootstrap", .object([("resamples", .integer(boot.resamples)), ("seed", J.seed(boot.seed)), ("ci_method", .string(boot.method.rawValue)),
                                   ("level", .number(level)), ("unit", .string(boot.unit)), ("units", .integer(boot.units)),
                                   ("failures", .integer(boot.failures))])),
            ("equations", .array(equations.map(J.equation))),
            ("warnings", .array(warnings.map { .string($0) })),
        ]
        return .object(top)
    }

    private func tables(data: DataProvenance) -> [ResultTable] {
        let percent = PlotNumber.percent(level)
        let wName = w ?? "W"
        var pathRows: [[Cell]] = []
        func row(_ label: String, _ c: Coefficient) -> [Cell] {
            [.text(label), .number(c.estimate), .number(c.stdError), .number(c.statistic), .number(c.pValue), .interval(c.confLow, c.confHigh)]
        }
        for e in effects {
            pathRows.append(row("a: \(x) → \(e.mediator)", e.a))
            if moderated == .a, let i = e.interaction { pathRows.append(row("a × W: \(x) × \(wName) → \(e.mediator)", i)) }
            pathRows.append(row("b: \(e.mediator) → \(y)", e.b))
            if moderated == .b, let i = e.interaction { pathRows.append(row("b × W: \(e.mediator) × \(wName) → \(y)", i)) }
        }
        pathRows.append(row("c′ (direct): \(x) → \(y)", cPrime))
        pathRows.append(row("c (total): \(x) → \(y)", c))
        let covariateNote = covariates.isEmpty ? "" : " Covariates in every equation: \(covariates.joined(separator: ", "))."
        let paths = ResultTable(
            title: "\(processDescription): X = \(x), M = \(mediators.joined(separator: ", ")), Y = \(y)\(w.map { ", W = \($0)" } ?? "")",
            columns: [TableColumn("Path"), TableColumn("b", kind: .estimate(3), key: "estimate"), TableColumn("SE", kind: .estimate(3), key: "std_error"),
                      TableColumn("t", kind: .decimal(2), key: "statistic"), TableColumn("p", kind: .pValue, key: "p_value"),
                      TableColumn("\(percent) CI", kind: .interval(3), key: "ci")],
            rows: pathRows,
            notes: ["\(data.file): \(counts.rowsUsed) of \(counts.rowsRead) rows used (\(counts.rowsDropped) dropped for missing values).\(covariateNote)",
                    "Paths by OLS with t-based \(percent) confidence intervals\(moderated == nil ? "" : "; a and b are at \(wName) = 0")."])
        let boot = bootstrap
        var effectRows: [[Cell]] = []
        func bootRow(_ label: String, _ e: BootstrapEstimate) -> [Cell] {
            [.text(label), .number(e.estimate), .number(e.bootStdError), .interval(e.confLow, e.confHigh)]
        }
        for e in effects {
            if let indirect = e.indirect { effectRows.append(bootRow("Indirect via \(e.mediator) (a·b)", indirect)) }
            if let index = e.indexOfModeratedMediation {
                effectRows.append(bootRow("Index of moderated mediation via \(e.mediator)", index))
                for c in e.conditionalIndirect {
                    effectRows.append(bootRow("Indirect via \(e.mediator) at \(wName) = \(NumberFormat.fixed(c.w, places: 2))", c.effect))
                }
            }
        }
        if let totalIndirect { effectRows.append(bootRow("Total indirect", totalIndirect)) }
        let unit = boot.unit == "rows" ? "rows" : "clusters of \(boot.unit) (\(boot.units) clusters)"
        var notes = ["Bootstrap: \(boot.resamples) resamples of \(unit), seed \(boot.seed); \(boot.method.description) \(percent) intervals as R's boot.ci"
                        + (boot.failures > 0 ? "; \(boot.failures) resamples failed and were left out." : ".")]
        if let probeRule { notes.append("\(wName) probed at its \(probeRule.description) over the rows used.") }
        let indirect = ResultTable(
            title: moderated == nil ? "Indirect effects of \(x) on \(y)" : "Conditional indirect effects of \(x) on \(y)",
            columns: [TableColumn("Effect"), TableColumn("Estimate", kind: .estimate(3), key: "estimate"),
                      TableColumn("Boot SE", kind: .decimal(3), key: "boot_std_error"), TableColumn("Boot \(percent) CI", kind: .interval(3), key: "ci")],
            rows: effectRows, notes: notes)
        let equationTables = equations.enumerated().map { k, e in
            MediationJSON.equationTable(e, level: level, title: k == equations.count - 1 ? "Total effect model, outcome" : "Outcome")
        }
        return [paths, indirect] + equationTables
    }
}
