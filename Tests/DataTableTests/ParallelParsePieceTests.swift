import Foundation
import Testing
@testable import DataTable

/// Each half in pieces, the other half's thread taking them from the back once it is done (ParallelParse.swift): with
/// one half's thread held back at its second piece, the other takes the rest, each into builders of its own, joined in
/// order. The table and errors must be the one-pass parse's, bit for bit, whichever thread read which
/// piece: numbers with missing values, columns that turn to text in some pieces, a quoted field across a cut, numbers
/// out of range, a ragged record, blank lines (more line feeds than records), CRLF, no final line end, lone CRs.
struct ParallelParsePieceTests {
    /// Pieces read by the held-back half's thread (the hook's calls), so that a test knows pieces were taken.
    final class Count: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func add() { lock.lock(); value += 1; lock.unlock() }
        var current: Int { lock.lock(); defer { lock.unlock() }; return value }
    }

    /// `holdBack`: the half whose thread waits at its second piece (nil: neither).
    static func pieces(_ bytes: [UInt8], pieceBytes: Int, holdBack: Int?, count: Count) -> Result<Table, CSVError> {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return .failure(CSVError(kind: .emptyFile, file: "big.csv")) }
            return Result { () throws(CSVError) in
                var parser = try CSVParser(base: base, count: buffer.count, sourceName: "big.csv", options: CSVOptions())
                defer { parser.deallocate() }
                parser.pieceBytes = pieceBytes
                let other = Count()
                parser.beforePiece = { half, j in
                    guard half == holdBack else { other.add(); return }
                    count.add()
                    // Held back at its second piece while the other thread finishes its half and takes the rest: once
                    // that thread has begun its own half (on a machine loaded by the other tests it may start late).
                    guard j == 1 else { return }
                    var waited = 0
                    while other.current == 0 && waited < 10_000 { usleep(1000); waited += 1 }
                    usleep(200_000)
                }
                return try parser.parseRecords(parallelThreshold: 1).finish()
            }
        }
    }

    static func inputs() -> [(name: String, text: String)] {
        var g = ParallelParseTests.Generator(state: 77)
        var blank = "a,b,label\n"
        for i in 0..<3000 { blank += i % 97 == 0 ? "\n\(i),\(Double(i) / 3),L\(i % 13)\n" : "\(i),\(Double(i) / 3),L\(i % 13)\n" }
        var crlf = "a,b\r\n"
        for i in 0..<3000 { crlf += "\(i),\(g.next(1000))\r\n" }
        var unterminated = "a,b\n"
        for i in 0..<3000 { unterminated += "\(i),\(Double(g.next(1000)) / 7)" + (i == 2999 ? "" : "\n") }
        var loneCR = "a,b\n"
        for i in 0..<3000 { loneCR += "\(i),\(i)" + (i == 2500 ? "\r" : "\n") }
        var levels = "group,score\n"
        for i in 0..<3000 { levels += "\(["x", "y", "z", "w"][(i / 400) % 4])\(i / 700),\(g.next(50))\n" }
        return ParallelParseSharedBufferTests.inputs() + [("blank", blank), ("crlf", crlf), ("unterminated", unterminated),
                                                           ("loneCR", loneCR), ("levels", levels)]
    }

    @Test(arguments: [256, 4096])
    func piecesTakenFromTheBackGiveTheOnePassTable(pieceBytes: Int) {
        for (name, text) in Self.inputs() {
            let bytes = Array(text.utf8)
            let single = ParallelParseTests.both(bytes).single
            for holdBack in [nil, 0, 1] as [Int?] {
                let count = Count()
                let parallel = Self.pieces(bytes, pieceBytes: pieceBytes, holdBack: holdBack, count: count)
                #expect(OnePassNumberTests.identical(parallel, single), "\(name), pieces of \(pieceBytes) bytes, held back \(holdBack.map(String.init) ?? "-")")
            }
        }
    }

    /// The hold-back does make the other thread take pieces: the held-back half's thread reads at most two of sixteen
    /// (none of the second half when it starts after the first half's thread has taken them all).
    @Test(arguments: [0, 1])
    func heldBackHalfReadsAtMostTwoPieces(half: Int) throws {
        var numbers = "a,b,c\n"
        for i in 0..<4000 { numbers += "\(i),\(Double(i) / 8),\(i % 7)\n" }
        let bytes = Array(numbers.utf8)
        let count = Count()
        let parallel = Self.pieces(bytes, pieceBytes: 512, holdBack: half, count: count)
        #expect(OnePassNumberTests.identical(parallel, ParallelParseTests.both(bytes).single))
        #expect(count.current <= 2)
        #expect(half == 1 || count.current == 2)
    }
}
