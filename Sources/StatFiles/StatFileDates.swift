/// Date and date-time variables: a statistics package stores them as numbers (SPSS: seconds since 1582-10-14;
/// Stata: days or milliseconds since 1960-01-01; SAS: days or seconds since 1960-01-01) and marks them by
/// display format. haven turns them into `Date`/`POSIXct`; alliance turns them into ISO 8601 text
/// (`2024-03-15`, `2024-03-15 09:30:00`) so that the identifier guard sees a full date exactly as in a CSV.
enum DateKind: Equatable {
    /// Whole days; `unit` seconds per stored unit, `epochDays` the epoch as days from 1970-01-01.
    case date(unit: Double, epochDays: Int)
    case dateTime(unit: Double, epochDays: Int)

    /// The kind a variable's display format names, as haven's `read_sav`/`read_dta`/`read_sas` decide.
    static func of(format rawFormat: String, package: StatFileFormat.Package) -> DateKind? {
        let format = rawFormat.uppercased()
        // The format's name without width, decimals or trailing period ("DATE11" → "DATE", "DATE9." → "DATE").
        let name = String(format.prefix { $0.isLetter || $0 == "%" || $0 == "_" })
        switch package {
        case .spss:
            let days = -141_428  // 1582-10-14
            if ["DATE", "ADATE", "EDATE", "JDATE", "SDATE"].contains(name) { return .date(unit: 1, epochDays: days) }
            if ["DATETIME", "YMDHMS"].contains(name) { return .dateTime(unit: 1, epochDays: days) }
            return nil
        case .stata:
            let days = -3653  // 1960-01-01
            if format.hasPrefix("%TD") || format.hasPrefix("%D") { return .date(unit: 86_400, epochDays: days) }
            if format.hasPrefix("%TC") { return .dateTime(unit: 0.001, epochDays: days) }
            return nil
        case .sas:
            let days = -3653
            let dateNames: Set<String> = ["DATE", "DDMMYY", "DDMMYYB", "DDMMYYC", "DDMMYYD", "DDMMYYN", "DDMMYYP",
                                          "DDMMYYS", "MMDDYY", "MMDDYYB", "MMDDYYC", "MMDDYYD", "MMDDYYN", "MMDDYYP",
                                          "MMDDYYS", "YYMMDD", "YYMMDDB", "YYMMDDC", "YYMMDDD", "YYMMDDN", "YYMMDDP",
                                          "YYMMDDS", "E", "B", "IS", "WORDDATE", "WORDDATX", "WEEKDATE", "WEEKDATX",
                                          "JULIAN", "EURDFDE", "MINGUO", "NENGO"]
            if name == "E" || name == "B" || name == "IS" {
                // ISO 8601 formats: E8601DA / B8601DA / IS8601DA are dates, …DT date-times.
                if format.contains("8601DA") { return .date(unit: 86_400, epochDays: days) }
                if format.contains("8601DT") { return .dateTime(unit: 1, epochDays: days) }
                return nil
            }
            if dateNames.contains(name) { return .date(unit: 86_400, epochDays: days) }
            if ["DATETIME", "DATEAMPM"].contains(name) { return .dateTime(unit: 1, epochDays: days) }
            return nil
        }
    }

    /// The stored number as ISO text, or `nil` when it is beyond years 0–9999 (a corrupt or implausible value).
    func text(_ stored: Double) -> String? {
        switch self {
        case .date(let unit, let epochDays):
            let days = (stored * unit / 86_400).rounded(.down)
            guard days.isFinite, abs(days) < 4_000_000 else { return nil }
            return Self.civil(Int(days) + epochDays)
        case .dateTime(let unit, let epochDays):
            let seconds = (stored * unit).rounded(.down)
            guard seconds.isFinite, abs(seconds) < 4_000_000 * 86_400 else { return nil }
            let s = Int(seconds)
            let day = Int((Double(s) / 86_400).rounded(.down))
            let rest = s - day * 86_400
            guard let date = Self.civil(day + epochDays) else { return nil }
            return date + " " + pad(rest / 3600) + ":" + pad(rest / 60 % 60) + ":" + pad(rest % 60)
        }
    }

    /// Days since 1970-01-01 → `YYYY-MM-DD` in the proleptic Gregorian calendar (H. Hinnant's civil_from_days).
    static func civil(_ z0: Int) -> String? {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        guard (0...9999).contains(y) else { return nil }
        let year = String(y)
        return String(repeating: "0", count: 4 - year.count) + year + "-" + pad(m) + "-" + pad(d)
    }
}

private func pad(_ x: Int) -> String { x < 10 ? "0\(x)" : "\(x)" }
