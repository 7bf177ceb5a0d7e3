import DataTable

/// Column names of the two tables, in output order.
public enum SimulatedColumns {
    public static let waiItems = (1...12).map { "wai_\($0)" }
    public static let phqItems = (1...9).map { "phq_\($0)" }
    public static let gadItems = (1...7).map { "gad_\($0)" }
    public static let srsItems = (1...4).map { "srs_\($0)" }

    public static let client: [String] =
        ["client", "therapist", "site", "age", "gender", "sessions_offered", "sessions_attended", "dropout", "homework"]
        + waiItems + phqItems + ["phq_pre", "phq_post"] + gadItems + ["gad_pre", "gad_post"]

    public static let session: [String] =
        ["client", "therapist", "session", "attended"] + waiItems + srsItems + phqItems + gadItems + ["homework"]
}

/// A numeric column under construction (`nil` is missing).
struct NumericBuilder {
    var values: [Double] = []
    var missing: [Bool] = []

    mutating func append(_ value: Double?) {
        values.append(value ?? 0)
        missing.append(value == nil)
    }

    mutating func append(_ value: Int?) { append(value.map(Double.init)) }

    var column: NumericColumn { NumericColumn(values: values, missing: missing) }
}

struct ClientRow {
    let client: String, therapist: String, site: String
    let age: Int, gender: String
    let sessionsOffered: Int, sessionsAttended: Int, dropout: Bool
    let homework: Double?
    let wai: [Int]?
    let phq: [Int]
    let phqPost: Int?
    let gad: [Int]
    let gadPost: Int?
}

struct ClientColumns {
    private var client = [String](), therapist = [String](), site = [String](), gender = [String]()
    private var numeric = [String: NumericBuilder]()

    mutating func append(_ row: ClientRow) {
        client.append(row.client); therapist.append(row.therapist); site.append(row.site); gender.append(row.gender)
        numeric["age", default: .init()].append(row.age)
        numeric["sessions_offered", default: .init()].append(row.sessionsOffered)
        numeric["sessions_attended", default: .init()].append(row.sessionsAttended)
        numeric["dropout", default: .init()].append(row.dropout ? 1 : 0)
        numeric["homework", default: .init()].append(row.homework)
        for (j, name) in SimulatedColumns.waiItems.enumerated() { numeric[name, default: .init()].append(row.wai?[j]) }
        for (j, name) in SimulatedColumns.phqItems.enumerated() { numeric[name, default: .init()].append(row.phq[j]) }
        numeric["phq_pre", default: .init()].append(row.phq.reduce(0, +))
        numeric["phq_post", default: .init()].append(row.phqPost)
        for (j, name) in SimulatedColumns.gadItems.enumerated() { numeric[name, default: .init()].append(row.gad[j]) }
        numeric["gad_pre", default: .init()].append(row.gad.reduce(0, +))
        numeric["gad_post", default: .init()].append(row.gadPost)
    }

    func table() throws(TableError) -> Table {
        let text: [String: [String]] = ["client": client, "therapist": therapist, "site": site, "gender": gender]
        let columns = SimulatedColumns.client.map { name -> Column in
            if let strings = text[name] { return Column(name: name, categorical: strings) }
            return Column(name: name, data: .numeric(numeric[name, default: .init()].column))
        }
        return try Table(columns: columns)
    }
}

struct SessionColumns {
    private var client = [String](), therapist = [String]()
    private var numeric = [String: NumericBuilder]()

    mutating func appendAttended(client c: String, therapist t: String, session: Int,
                                 wai: [Int], srs: [Double], phq: [Int], gad: [Int], homework: Int?) {
        client.append(c); therapist.append(t)
        numeric["session", default: .init()].append(session)
        numeric["attended", default: .init()].append(1)
        for (j, name) in SimulatedColumns.waiItems.enumerated() { numeric[name, default: .init()].append(wai[j]) }
        for (j, name) in SimulatedColumns.srsItems.enumerated() { numeric[name, default: .init()].append(srs[j]) }
        for (j, name) in SimulatedColumns.phqItems.enumerated() { numeric[name, default: .init()].append(phq[j]) }
        for (j, name) in SimulatedColumns.gadItems.enumerated() { numeric[name, default: .init()].append(gad[j]) }
        numeric["homework", default: .init()].append(homework)
    }

    mutating func appendMissed(client c: String, therapist t: String, session: Int) {
        client.append(c); therapist.append(t)
        numeric["session", default: .init()].append(session)
        numeric["attended", default: .init()].append(0)
        for name in SimulatedColumns.waiItems + SimulatedColumns.srsItems + SimulatedColumns.phqItems
            + SimulatedColumns.gadItems + ["homework"] {
            numeric[name, default: .init()].append(nil as Double?)
        }
    }

    func table() throws(TableError) -> Table {
        let text: [String: [String]] = ["client": client, "therapist": therapist]
        let columns = SimulatedColumns.session.map { name -> Column in
            if let strings = text[name] { return Column(name: name, categorical: strings) }
            return Column(name: name, data: .numeric(numeric[name, default: .init()].column))
        }
        return try Table(columns: columns)
    }
}
