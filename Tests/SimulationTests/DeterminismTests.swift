import Testing
@testable import Simulation

@Test func sameSeedGivesIdenticalBytes() throws {
    let p = SimulationParameters(clients: 200, therapists: 10, seed: 42)
    let a = try simulate(p), b = try simulate(p)
    #expect(a.clientCSV() == b.clientCSV())
    #expect(a.sessionCSV() == b.sessionCSV())
    #expect(a == b)
}

@Test func differentSeedGivesDifferentData() throws {
    let a = try simulate(SimulationParameters(clients: 200, therapists: 10, seed: 42))
    let b = try simulate(SimulationParameters(clients: 200, therapists: 10, seed: 43))
    #expect(a.clientCSV() != b.clientCSV())
    #expect(a.sessionCSV() != b.sessionCSV())
}

@Test func csvNumbersAreIntegersWithoutPointAndShortestOtherwise() {
    #expect(CSVText.number(3) == "3")
    #expect(CSVText.number(-0.0) == "0")
    #expect(CSVText.number(0.25) == "0.25")
    #expect(CSVText.number(2.0 / 3.0) == "0.6666666666666666")
    #expect(CSVText.number(1e20) == "1e+20")
}

@Test func csvHeaderAndShape() throws {
    let study = try simulate(SimulationParameters(clients: 30, therapists: 3, seed: 1))
    let lines = study.clientCSV().split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines.first.map(String.init) == SimulatedColumns.client.joined(separator: ","))
    #expect(lines.count == 30 + 2)   // header, 30 rows, trailing newline
    #expect(lines.last == "")
    let sessionLines = study.sessionCSV().split(separator: "\n")
    #expect(sessionLines.count == study.sessions.rowCount + 1)
    for line in lines.dropFirst().dropLast() {
        #expect(line.split(separator: ",", omittingEmptySubsequences: false).count == SimulatedColumns.client.count)
    }
}
