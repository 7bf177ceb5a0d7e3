import DataTable
import Testing
@testable import Simulation

private func numeric(_ t: Table, _ name: String) throws -> NumericColumn {
    try #require(t.column(named: name)?.numeric, "numeric column \(name)")
}

private func text(_ t: Table, _ name: String) throws -> [String?] {
    let c = try #require(t.column(named: name)?.categorical, "categorical column \(name)")
    return (0..<c.count).map { c[$0] }
}

/// Every non-missing value is an integer in `range`.
private func expectIntegers(_ c: NumericColumn, in range: ClosedRange<Double>, _ name: String) {
    for i in 0..<c.count where !c.missing[i] {
        let v = c.values[i]
        #expect(v == v.rounded() && range.contains(v), "\(name) row \(i): \(v)")
    }
}

@Test func clientColumnsStayInRange() throws {
    let p = SimulationParameters(clients: 600, therapists: 12, sites: 4, seed: 7)
    let study = try simulate(p)
    let t = study.clients
    #expect(t.columnNames == SimulatedColumns.client)
    #expect(t.rowCount == 600)
    let clients = try text(t, "client")
    #expect(clients.compactMap { $0 } == (1...600).map { "c" + zeroPadded($0, width: 4) })
    #expect(Set(try text(t, "therapist").compactMap { $0 }).isSubset(of: Set((1...12).map { "T" + zeroPadded($0, width: 2) })))
    #expect(Set(try text(t, "site").compactMap { $0 }) == ["north", "south", "east", "west"])
    #expect(Set(try text(t, "gender").compactMap { $0 }) == ["female", "male"])
    for name in ["client", "therapist", "site", "gender", "age", "sessions_offered", "sessions_attended", "dropout", "phq_pre", "gad_pre"]
        + SimulatedColumns.phqItems + SimulatedColumns.gadItems {
        #expect(t.column(named: name)?.missingCount == 0, "\(name) has no missing cells")
    }
    expectIntegers(try numeric(t, "age"), in: 18...80, "age")
    expectIntegers(try numeric(t, "dropout"), in: 0...1, "dropout")
    expectIntegers(try numeric(t, "sessions_offered"), in: 2...Double(p.maxSessions), "sessions_offered")
    expectIntegers(try numeric(t, "sessions_attended"), in: 1...Double(p.maxSessions), "sessions_attended")
    for name in SimulatedColumns.waiItems { expectIntegers(try numeric(t, name), in: 1...5, name) }
    for name in SimulatedColumns.phqItems + SimulatedColumns.gadItems { expectIntegers(try numeric(t, name), in: 0...3, name) }
    for name in ["phq_pre", "phq_post"] { expectIntegers(try numeric(t, name), in: 0...27, name) }
    for name in ["gad_pre", "gad_post"] { expectIntegers(try numeric(t, name), in: 0...21, name) }

    let attended = try numeric(t, "sessions_attended"), offered = try numeric(t, "sessions_offered")
    let dropout = try numeric(t, "dropout"), homework = try numeric(t, "homework")
    let post = try numeric(t, "phq_post"), gadPost = try numeric(t, "gad_post"), wai1 = try numeric(t, "wai_1")
    let phqItems = try SimulatedColumns.phqItems.map { try numeric(t, $0) }
    let pre = try numeric(t, "phq_pre")
    for i in 0..<t.rowCount {
        #expect(attended.values[i] <= offered.values[i])
        if dropout.values[i] == 0 { #expect(offered.values[i] >= 4) }
        // Missingness follows attendance: post needs a second session, early alliance a third.
        #expect(post.missing[i] == (attended.values[i] < 2))
        #expect(gadPost.missing[i] == (attended.values[i] < 2))
        #expect(homework.missing[i] == (attended.values[i] < 2))
        #expect(wai1.missing[i] == (attended.values[i] < 3))
        if !homework.missing[i] { #expect((0...1).contains(homework.values[i])) }
        #expect(pre.values[i] == phqItems.reduce(0) { $0 + $1.values[i] })
    }
    // Completers never lack a post score; only dropouts do.
    #expect((0..<t.rowCount).allSatisfy { !post.missing[$0] || dropout.values[$0] == 1 })
}

@Test func sessionTableAgreesWithClientTable() throws {
    let study = try simulate(SimulationParameters(clients: 300, therapists: 10, seed: 11))
    let c = study.clients, s = study.sessions
    #expect(s.columnNames == SimulatedColumns.session)
    let sClient = try text(s, "client"), sTherapist = try text(s, "therapist")
    let session = try numeric(s, "session"), attended = try numeric(s, "attended"), homework = try numeric(s, "homework")
    let sPHQ = try SimulatedColumns.phqItems.map { try numeric(s, $0) }
    let sWAI = try SimulatedColumns.waiItems.map { try numeric(s, $0) }
    for name in SimulatedColumns.waiItems { expectIntegers(try numeric(s, name), in: 1...5, name) }
    for name in SimulatedColumns.phqItems + SimulatedColumns.gadItems { expectIntegers(try numeric(s, name), in: 0...3, name) }
    expectIntegers(homework, in: 0...1, "homework")
    // SRS items: 0.0–10.0 to the millimetre (one decimal), present exactly at attended sessions.
    for name in SimulatedColumns.srsItems {
        let srs = try numeric(s, name)
        for r in 0..<s.rowCount {
            #expect(srs.missing[r] == (attended.values[r] == 0))
            if !srs.missing[r] {
                let v = srs.values[r]
                #expect((0...10).contains(v) && (v * 10).rounded() / 10 == v && CSVText.number(v).count <= 4, "\(name) row \(r): \(v)")
            }
        }
    }
    expectIntegers(attended, in: 0...1, "attended")

    var rowsOf = [String: [Int]]()
    for r in 0..<s.rowCount { rowsOf[sClient[r]!, default: []].append(r) }
    let clients = try text(c, "client"), therapists = try text(c, "therapist")
    let offered = try numeric(c, "sessions_offered"), attendedCount = try numeric(c, "sessions_attended")
    let pre = try numeric(c, "phq_pre"), post = try numeric(c, "phq_post"), hw = try numeric(c, "homework")
    let cWAI = try SimulatedColumns.waiItems.map { try numeric(c, $0) }
    for i in 0..<c.rowCount {
        let rows = try #require(rowsOf[clients[i]!])
        #expect(rows.count == Int(offered.values[i]))
        #expect(rows.map { Int(session.values[$0]) } == Array(1...rows.count))
        #expect(rows.allSatisfy { sTherapist[$0] == therapists[i] })
        let present = rows.filter { attended.values[$0] == 1 }
        #expect(present.count == Int(attendedCount.values[i]))
        #expect(present.first == rows.first)   // the intake session is always attended
        for r in rows where attended.values[r] == 0 {
            #expect(sPHQ[0].missing[r] && sWAI[0].missing[r] && homework.missing[r])
        }
        func phqTotal(_ r: Int) -> Double { sPHQ.reduce(0) { $0 + $1.values[r] } }
        #expect(phqTotal(present[0]) == pre.values[i])
        if present.count >= 2 { #expect(phqTotal(present.last!) == post.values[i]) }
        if present.count >= 3 {
            for j in 0..<12 { #expect(cWAI[j].values[i] == sWAI[j].values[present[2]]) }
        }
        let done = present.dropFirst().map { homework.values[$0] }
        #expect(homework.missing[present[0]])
        if !done.isEmpty { #expect(hw.values[i] == done.reduce(0, +) / Double(done.count)) }
    }
}
