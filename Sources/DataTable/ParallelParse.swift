import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Parsing a large input on two threads: the records are split at a line end near the middle
/// where the next few records tokenize cleanly (`splitPoint`), each half is parsed into its own
/// column builders, and the halves are joined column by column. Each half is cut into pieces the
/// same way (`pieceCuts`); a thread done with its half takes the other half's pieces not yet begun
/// from the back, each into builders of its own, joined in order (`takePieces`, docs/csv.md).
///
/// The split is speculative: a line end may lie inside a quoted field. The first half is parsed
/// from a true record start, so the split was a record start exactly when the first half's last
/// record ends on it. Otherwise, or when the second half fails, the first half's parse simply goes
/// on to the end (as the one-pass parse would); on an error in the first half the caller parses
/// the whole input in one pass, so that results and errors are exactly those of the one-pass parse.
extension CSVParser {
    /// The joined builders, or nil when the one-pass parse must be used instead. `windowRows` replaces the
    /// estimate of each half's rows that sizes the shared number buffers (tests force overflowing or
    /// roomy ones; (0, 0) gives every number to the halves' own arrays).
    func parseInTwoChunks(
        columnCount: Int, start: Int, line: Int, windowRows: (first: Int, second: Int)? = nil
    ) -> UnsafeMutablePointer<ColumnBuilder>? {
        let end = tokenizer.end
        guard let split = splitPoint(start: start, end: end, columnCount: columnCount) else { return nil }

        let halves = UnsafeMutablePointer<CSVParser>.allocate(capacity: 2)
        halves.initialize(to: makeWorker())
        (halves + 1).initialize(to: makeWorker())
        defer {
            for i in 0..<2 { halves[i].scratch.deallocate() }
            halves.deinitialize(count: 2)
            halves.deallocate()
        }
        // The second half must not hand back pages the first is still reading.
        let page = max(Int(sysconf(Int32(_SC_PAGESIZE))), 1)
        halves[1].releasedUpTo = (split + page - 1) / page * page

        // Both halves write their numbers into one buffer per column, sized for the whole input (see
        // `ColumnBuilder.shareNumbers`). The first half's builders own those buffers, so they are released
        // only after both threads are done and after the second half's builders.
        let rows = windowRows ?? estimatedRows(start: start, split: split, end: end)
        let first = Self.emptyBuilders(columnCount, capacity: rows == nil ? 1024 : 0)
        let second = Self.emptyBuilders(columnCount, capacity: rows == nil ? 1024 : 0)
        // With estimated sizes, the first half's thread counts that half's line feeds before it parses it and the second
        // half's writes its numbers right after where the first half's end (`SecondWindows`): the join then has no gap to close.
        let bases = UnsafeMutablePointer<UnsafeMutablePointer<Double>?>.allocate(capacity: columnCount)
        bases.initialize(repeating: nil, count: columnCount)
        defer { bases.deinitialize(count: columnCount); bases.deallocate() }
        if let rows {
            for j in 0..<columnCount {
                if let secondStart = first[j].shareNumbers(total: rows.first + rows.second, firstCapacity: rows.first) {
                    bases[j] = secondStart - rows.first
                    if windowRows != nil { second[j].writeNumbers(into: secondStart, capacity: rows.second) }
                }
            }
        }
        let windows = rows.flatMap { rows in
            windowRows == nil ? SecondWindows(bases: bases, columnCount: columnCount, first: rows.first,
                                              total: rows.first + rows.second) : nil
        }
        var keepsFirst = false
        defer { if !keepsFirst { ParsedColumns.release(first, count: columnCount) } }
        var secondReleased = false
        defer { if !secondReleased { ParsedColumns.release(second, count: columnCount) } }

        let results = UnsafeMutablePointer<Result<ParsedChunk, TokenizeFailure>?>.allocate(capacity: 2)
        results.initialize(repeating: nil, count: 2)
        defer { results.deinitialize(count: 2); results.deallocate() }

        let handoff = LineFeedHandoff(from: start, to: split)
        // Each half in pieces: its thread reads them from the front, and the other thread, once done with its own half,
        // takes them from the back. The halves then end together when one thread runs slower (on a busy or virtual
        // machine one core often does: the two halves of the benchmark files ended up to 96 ms apart). Only with the
        // estimated windows, whose line-feed counts place every piece's numbers.
        let halfPieces = [(start, split), (split, end)].map { bounds in
            HalfPieces(cuts: windows == nil ? [bounds.0, bounds.1]
                           : pieceCuts(from: bounds.0, to: bounds.1, columnCount: columnCount))
        }
        defer { for half in halfPieces { half.release(columnCount: columnCount) } }
        let shared = UnsafeShared(halves: halves, results: results, first: first, second: second, windows: windows,
                                  handoff: handoff, mapsWhileWaiting: releasesConsumedPages, pieces: halfPieces)
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            // Halves by arrival, not by iteration: the first thread to arrive (usually the calling one; a worker wakes
            // 3–22 ms later on a busy machine) counts the first half's line feeds a MiB at a time from its start and then
            // parses that half. The other maps the second half's pages, then counts the first half's from its end until
            // the two meet, then parses the second half: both halves' pages mapped and the count shared before either
            // parse begins. (When one thread counted the first half and parsed the second it took both halves' page
            // faults: on the benchmark files it finished 15–130 ms after the other, its parse CPU the same; when it counted
            // alone, the other idled ≈ 10 ms.) On one core the two run one after the other, and the first never waits.
            ComputeThreads.working {
                shared.run(handoff.arrive(), columnCount: columnCount, start: start, line: line, split: split, end: end)
            }
        }

        // In order: the first half's thread's part, the first half's pieces taken from the back, the second half's
        // thread's part, the second half's pieces taken from the back. Each taken piece must have been read cleanly and
        // end where the next begins; each thread's part must end where the first piece taken from it begins.
        let taken = halfPieces.map { $0.taken() }
        switch (results[0], results[1]) {
        case (.success(let a)?, .success(let b)?)
            where a.end == halfPieces[0].cuts[halfPieces[0].takenFrom] && b.end == halfPieces[1].cuts[halfPieces[1].takenFrom]:
            // A taken piece that failed (or did not end at the next cut): the one-pass parse decides.
            guard taken[0] != nil, taken[1] != nil else { return nil }
            let parts = (taken[0] ?? []) + [(b, split)] + (taken[1] ?? [])
            guard join(a, parts, halves: halves, start: start, line: line, columnCount: columnCount) else { return nil }
            keepsFirst = true
            return first
        case (.success(let a)?, _):
            // The rest is unusable (the split or a cut fell inside a quoted field, or it failed): the first half's thread
            // read from a true record start to the end of its last record, so go on from there in one pass, filling
            // the shared buffers past the abandoned numbers.
            ParsedColumns.release(second, count: columnCount)
            secondReleased = true
            for j in 0..<columnCount { first[j].claimSharedBuffer() }
            do throws(TokenizeFailure) {
                let whole = try halves[0].parseChunk(from: start, line: line, resuming: a, to: end,
                                                     columnCount: columnCount, estimateEnd: end).builders
                keepsFirst = true
                return whole
            } catch {
                // The one-pass parse reports it, with the header names.
                return nil
            }
        default:
            return nil
        }
    }

    /// Appends `parts` (each a chunk and where it begins) to `head` in order, column by column, the columns spread
    /// over both threads; false when a column could not be joined (not expected: every part was read cleanly once).
    private func join(_ head: ParsedChunk, _ parts: [(ParsedChunk, Int)], halves: UnsafeMutablePointer<CSVParser>,
                      start: Int, line: Int, columnCount: Int) -> Bool {
        let failed = UnsafeMutablePointer<Bool>.allocate(capacity: columnCount)
        failed.initialize(repeating: false, count: columnCount)
        defer { failed.deinitialize(count: columnCount); failed.deallocate() }
        var head = head
        for (part, from) in parts {
            let join = ColumnJoin(first: head, second: part, firstParser: halves[0], secondParser: halves[1], start: start,
                                  line: line, split: from, columnCount: columnCount, failed: failed)
            DispatchQueue.concurrentPerform(iterations: columnCount) { j in ComputeThreads.working { join.join(column: j) } }
            if (0..<columnCount).contains(where: { failed[$0] }) { return false }
            head = ParsedChunk(builders: head.builders, rows: head.rows + part.rows, end: part.end,
                               endLine: head.endLine - 1 + part.endLine)
        }
        return true
    }

    private static func emptyBuilders(_ count: Int, capacity: Int) -> UnsafeMutablePointer<ColumnBuilder> {
        let builders = UnsafeMutablePointer<ColumnBuilder>.allocate(capacity: count)
        for j in 0..<count { (builders + j).initialize(to: ColumnBuilder(capacity: capacity)) }
        return builders
    }

    /// How many bytes at the start of each half `estimatedRows` counts line feeds in.
    static let rowSampleBytes = 1 << 18

    /// Room for each half's numbers: its records estimated from the line feeds at its start, plus 2% and 256.
    /// Too few only sends the excess to the builder's own array, too many leaves untouched (unpaid) pages and
    /// a gap the join closes. Nil when a sample has no line feed (lone CR line ends, very long records).
    func estimatedRows(start: Int, split: Int, end: Int) -> (first: Int, second: Int)? {
        func rows(_ from: Int, _ to: Int) -> Int? {
            let sample = min(to - from, Self.rowSampleBytes)
            var lineFeeds = 0
            for i in from..<(from + sample) where base[i] == CSVTokenizer.lf { lineFeeds += 1 }
            guard lineFeeds > 0 else { return nil }
            return Int(Double(lineFeeds) * Double(to - from) / Double(sample) * 1.02) + 256
        }
        guard let first = rows(start, split), let second = rows(split, end) else { return nil }
        return (first, second)
    }

    /// The line feeds in `from..<to`, or nil when a carriage return there is not followed by a line feed (a lone CR
    /// ends a record too, so records could then outnumber line feeds). Every record of a half that ends at a line
    /// start ends with a line feed or a lone CR, so without lone CRs the half has at most this many records.
    /// 32 bytes at a time (≈ 2 ms for the 39 MB half of LMM a once its pages are mapped).
    func lineFeedsWithoutLoneCR(from: Int, to: Int) -> Int? {
        let lf = CSVTokenizer.lf
        let cr = CSVTokenizer.cr
        let lfs = SIMD32<UInt8>(repeating: lf)
        let crs = SIMD32<UInt8>(repeating: cr)
        var lineFeeds = 0
        var loneCRs = 0
        var i = from
        // Lane counters of Int8 subtract the masks (-1 per match) for at most 127 vectors, then are summed.
        while i + 32 * 127 < to {
            var feeds = SIMD32<Int8>()
            var lone = SIMD32<Int8>()
            for _ in 0..<127 {
                let bytes = UnsafeRawPointer(base + i).loadUnaligned(as: SIMD32<UInt8>.self)
                let next = UnsafeRawPointer(base + i + 1).loadUnaligned(as: SIMD32<UInt8>.self)
                feeds &-= unsafeBitCast(bytes .== lfs, to: SIMD32<Int8>.self)
                lone &-= unsafeBitCast((bytes .== crs) .& (next .!= lfs), to: SIMD32<Int8>.self)
                i += 32
            }
            for k in 0..<32 {
                lineFeeds += Int(feeds[k])
                loneCRs += Int(lone[k])
            }
        }
        while i < to {
            if base[i] == lf { lineFeeds += 1 }
            if base[i] == cr && !(i + 1 < byteCount && base[i + 1] == lf) { loneCRs += 1 }
            i += 1
        }
        return loneCRs == 0 ? lineFeeds : nil
    }

    /// How many line ends after the middle `splitPoint` tries, and how far past each it reads.
    static let splitCandidates = 256
    static let splitProbeRecords = 4
    static let splitProbeBytes = 1 << 16

    /// A line start near the middle of `start..<end` where the next records (up to `splitProbeRecords`,
    /// within `splitProbeBytes`) tokenize cleanly with `columnCount` fields each: fread's jump and verify.
    /// A line end inside a quoted field (`"line⏎42",17`) seldom passes, so files with quoted line ends
    /// are still split in two; one that passes anyway is caught because the first half then does not end
    /// on it. When no candidate passes, the first line start after the middle (the caller's check decides).
    /// Nil when there is no line start after the middle.
    func splitPoint(start: Int, end: Int, columnCount: Int) -> Int? {
        let found = recordStart(after: start + (end - start) / 2, end: end, columnCount: columnCount)
        return found.verified ?? found.first
    }

    /// Where a half is cut into pieces: `from`, then line starts that pass `looksLikeRecordStart` near equal steps of at
    /// least `pieceBytes`, then `to` (at most `maximumPieces` pieces; one when the half is small).
    func pieceCuts(from: Int, to end: Int, columnCount: Int) -> [Int] {
        let count = min(Self.maximumPieces, (end - from) / max(pieceBytes, 1))
        var cuts = [from]
        guard count >= 2 else { return [from, end] }
        for k in 1..<count {
            let lineEnd = from + (end - from) / count * k
            guard lineEnd > cuts[cuts.count - 1] else { continue }
            if let cut = recordStart(after: lineEnd, end: end, columnCount: columnCount).verified { cuts.append(cut) }
        }
        cuts.append(end)
        return cuts
    }

    /// The line starts after `position` (before `end`), up to `splitCandidates` of them: the first that passes
    /// `looksLikeRecordStart`, and the first of all (nil when there is no line start).
    private func recordStart(after position: Int, end: Int, columnCount: Int) -> (verified: Int?, first: Int?) {
        var lineEnd = position
        var first: Int?
        var candidates = 0
        while candidates < Self.splitCandidates {
            while lineEnd < end && base[lineEnd] != CSVTokenizer.lf { lineEnd += 1 }
            let candidate = lineEnd + 1
            guard candidate < end else { break }
            if first == nil { first = candidate }
            if looksLikeRecordStart(candidate, columnCount: columnCount) { return (candidate, first) }
            lineEnd = candidate
            candidates += 1
        }
        return (nil, first)
    }

    /// A half is cut into at most this many pieces, each at least `pieceBytes` (a piece taken late by the
    /// other thread costs at most its parse: ≈ 2 ms for 2 MiB of the benchmark files).
    static let maximumPieces = 16
    static let pieceBytes = 1 << 21

    /// The records from `position` tokenize without error, each with `columnCount` fields (a blank line
    /// counts as a record only in a one-column file, as in the parse), and at least one ends in the window.
    private func looksLikeRecordStart(_ position: Int, columnCount: Int) -> Bool {
        let windowEnd = min(tokenizer.end, position + Self.splitProbeBytes)
        let probe = CSVTokenizer(base: base, end: windowEnd, delimiter: tokenizer.delimiter)
        defer { probe.deallocate() }
        let unused = UnsafeMutablePointer<FieldSpan>.allocate(capacity: 1)
        defer { unused.deallocate() }
        var p = position
        var line = 1
        var records = 0
        while p < windowEnd && records < Self.splitProbeRecords {
            if probe.isLineEnd(p) {
                if columnCount == 1 { records += 1 }
                p = probe.skipLineEnd(p)
                continue
            }
            do throws(TokenizeFailure) {
                let (count, next) = try probe.record(at: p, into: unused, capacity: 0, line: &line)
                // A record cut off by the window proves nothing either way.
                if next >= windowEnd && windowEnd < tokenizer.end { return records > 0 }
                guard count == columnCount else { return false }
                p = next
            } catch {
                // An unterminated quote at the window's end is the window's doing.
                if case .unterminatedQuote = error.kind, windowEnd < tokenizer.end { return records > 0 }
                return false
            }
            records += 1
        }
        return records > 0
    }

    /// Maps the input's pages in `from..<to` a MiB at a time, in order, until `handoff` has the first half's count (or
    /// the range is mapped, or the kernel refuses): page faults the second half's parse would take, taken while the
    /// first half is counted.
    fileprivate func mapWhileCounting(from: Int, to: Int, for handoff: LineFeedHandoff) {
        var position = from
        while position < to && !handoff.isPublished {
            let next = min(to, position + LineFeedHandoff.blockBytes)
            guard PopulatedPages.populateForReading(from: base + position, to: base + next) else { return }
            position = next
        }
    }

    /// Counts the first half's line feeds, block by block, until no block is left to claim (from its start or from its end).
    func countLineFeeds(for handoff: LineFeedHandoff, fromStart: Bool) {
        while let block = handoff.claim(fromStart: fromStart) {
            handoff.add(lineFeedsWithoutLoneCR(from: block.lowerBound, to: block.upperBound))
        }
    }

    /// A copy that shares the read-only input and tables but has its own scratch buffer.
    fileprivate func makeWorker() -> CSVParser {
        var worker = self
        worker.scratchCapacity = 256
        worker.scratch = .allocate(capacity: worker.scratchCapacity)
        return worker
    }
}

/// Where the second half's numbers go in each column's shared buffer (`ColumnBuilder.shareNumbers`). The first half
/// writes at most `first` numbers from the buffer's start; the second half's window starts past the first half's
/// records when those are known to be no more than its line feeds, else past `first` (the estimate).
private struct SecondWindows {
    let bases: UnsafeMutablePointer<UnsafeMutablePointer<Double>?>
    let columnCount: Int
    let first: Int
    let total: Int

    /// Points the second half's builders at their part of the shared buffers. `lineFeeds` bounds the first half's
    /// records from above (nil when unknown): its numbers then end at or before it, so the second half's may
    /// start there. Exact unless quoted fields hold line feeds or blank lines are skipped (then the join moves the
    /// numbers down, as for an estimate).
    func assign(to second: UnsafeMutablePointer<ColumnBuilder>, lineFeeds: Int?) {
        let start = lineFeeds ?? first
        assign(to: second, at: start, capacity: total - start)
    }

    /// Points a piece's builders at `capacity` numbers from row `start` of the shared buffers (as far as they reach).
    func assign(to builders: UnsafeMutablePointer<ColumnBuilder>, at start: Int, capacity: Int) {
        guard start < total else { return }
        let room = min(capacity, total - start)
        guard room > 0 else { return }
        for j in 0..<columnCount {
            if let base = bases[j] { builders[j].writeNumbers(into: base + start, capacity: room) }
        }
    }
}

/// A piece of the second half taken from the back by the first half's thread: its builders and how it was read.
struct StolenPiece {
    let builders: UnsafeMutablePointer<ColumnBuilder>
    let result: Result<ParsedChunk, TokenizeFailure>
}

/// The second half's pieces: its thread claims them from the front, the first half's thread from the back, under a
/// lock, so each piece is read by exactly one of them.
final class PieceQueue: @unchecked Sendable {
    private let lock: UnsafeMutablePointer<pthread_mutex_t>
    private var front = 0
    private var back: Int
    /// The rows the half's own thread had read when it claimed each piece from the front.
    private var rowsBefore: [Int]

    init(count: Int) {
        back = count
        rowsBefore = [Int](repeating: 0, count: count)
        lock = .allocate(capacity: 1)
        pthread_mutex_init(lock, nil)
    }

    deinit {
        pthread_mutex_destroy(lock)
        lock.deallocate()
    }

    /// The next piece from the front (having read `rowsBefore` rows), or nil when the rest has been taken from the back.
    func claimFront(rowsBefore rows: Int) -> Int? {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        guard front < back else { return nil }
        rowsBefore[front] = rows
        front += 1
        return front - 1
    }

    /// The last piece not yet claimed, and the piece the half's own thread is reading with the rows it had read before
    /// it (nil when it has not begun); nil when no piece is left.
    func claimBack() -> (piece: Int, progress: (piece: Int, rowsBefore: Int)?)? {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        guard back > front else { return nil }
        back -= 1
        return (back, front > 0 ? (front - 1, rowsBefore[front - 1]) : nil)
    }

    /// The first piece taken from the back (the count when none was).
    var takenFrom: Int {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        return back
    }
}

/// Which half each thread takes (by the order they arrive), and the first half's line feeds (which the second half's
/// numbers start after, `SecondWindows`): counted in blocks that both threads claim, one from the half's start and one
/// from its end, and published once every block is counted.
final class LineFeedHandoff: @unchecked Sendable {
    /// The blocks the count is claimed in (tests use small ones), and the step of the second half's mapping.
    static let blockBytes = 1 << 20
    private let blockBytes: Int

    private let lock: UnsafeMutablePointer<pthread_mutex_t>
    private let counted: UnsafeMutablePointer<pthread_cond_t>
    private var arrivals = 0
    private var published = false
    private var lineFeeds: Int?
    /// The first half, its blocks not yet claimed (`nextFromStart..<nextFromEnd`), and the blocks claimed but not counted.
    private let from: Int
    private let to: Int
    private var nextFromStart = 0
    private var nextFromEnd: Int
    private var inFlight = 0
    private var total = 0
    private var loneCR = false

    init(from: Int, to: Int, blockBytes: Int = LineFeedHandoff.blockBytes) {
        self.from = from
        self.to = to
        self.blockBytes = max(blockBytes, 1)
        nextFromEnd = (max(to - from, 0) + self.blockBytes - 1) / self.blockBytes
        lock = .allocate(capacity: 1)
        counted = .allocate(capacity: 1)
        pthread_mutex_init(lock, nil)
        pthread_cond_init(counted, nil)
        if nextFromEnd == 0 {
            published = true
            lineFeeds = 0
        }
    }

    /// The next block not yet claimed, from the half's start or from its end; nil when every block is claimed.
    func claim(fromStart: Bool) -> Range<Int>? {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        guard nextFromStart < nextFromEnd else { return nil }
        let block: Int
        if fromStart {
            block = nextFromStart
            nextFromStart += 1
        } else {
            nextFromEnd -= 1
            block = nextFromEnd
        }
        inFlight += 1
        let lower = from + block * blockBytes
        return lower..<min(to, lower + blockBytes)
    }

    /// A claimed block's line feeds (nil: it holds a lone CR); the last one publishes the half's count.
    func add(_ count: Int?) {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        if let count { total += count } else { loneCR = true }
        inFlight -= 1
        if inFlight == 0 && nextFromStart >= nextFromEnd {
            lineFeeds = loneCR ? nil : total
            published = true
            pthread_cond_broadcast(counted)
        }
    }

    deinit {
        pthread_cond_destroy(counted)
        pthread_mutex_destroy(lock)
        counted.deallocate()
        lock.deallocate()
    }

    /// 0 for the first thread to arrive (it takes the first half), 1 for the second.
    func arrive() -> Int {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        arrivals += 1
        return arrivals == 1 ? 0 : 1
    }

    var isPublished: Bool {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        return published
    }

    /// The first half's line feeds once every block is counted (nil: a lone CR, so records may outnumber them).
    func wait() -> Int? {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        while !published { pthread_cond_wait(counted, lock) }
        return lineFeeds
    }
}

/// The two workers, their empty builders and their result slots, handed to the threads. Each thread touches
/// only its own worker, builders and slot (and the second half's builders write only their part of the first's
/// shared buffers), and the caller reads them only after both threads are done.
private struct UnsafeShared: @unchecked Sendable {
    let halves: UnsafeMutablePointer<CSVParser>
    let results: UnsafeMutablePointer<Result<ParsedChunk, TokenizeFailure>?>
    let first: UnsafeMutablePointer<ColumnBuilder>
    let second: UnsafeMutablePointer<ColumnBuilder>
    let windows: SecondWindows?
    let handoff: LineFeedHandoff
    /// The input is a file mapping: the second half's thread maps its pages before it helps count the first half.
    let mapsWhileWaiting: Bool
    /// Each half's pieces: its thread reads them in order, the other thread takes them from the back once it is done.
    let pieces: [HalfPieces]

    func run(_ i: Int, columnCount: Int, start: Int, line: Int, split: Int, end: Int) {
        if let windows {
            if i == 0 {
                // The first half's numbers start at the buffer's start: its parse needs no count.
                halves[0].countLineFeeds(for: handoff, fromStart: true)
            } else {
                if mapsWhileWaiting { halves[1].mapWhileCounting(from: split, to: end, for: handoff) }
                halves[1].countLineFeeds(for: handoff, fromStart: false)
                windows.assign(to: second, lineFeeds: handoff.wait())
            }
        }
        do throws(TokenizeFailure) {
            // The first half's columns are sized for the whole input, so the second half is appended in place. Piece by
            // piece, until the rest has been taken from the back.
            var chunk = i == 0 ? ParsedChunk(builders: first, rows: 0, end: start, endLine: line)
                : ParsedChunk(builders: second, rows: 0, end: split, endLine: 1)
            let own = pieces[i]
            while let j = own.queue.claimFront(rowsBefore: chunk.rows) {
                halves[i].beforePiece?(i, j)
                chunk = try halves[i].parseChunk(from: i == 0 ? start : split, line: i == 0 ? line : 1, resuming: chunk,
                                                 to: own.cuts[j + 1], columnCount: columnCount, estimateEnd: end)
            }
            results[i] = .success(chunk)
        } catch {
            results[i] = .failure(error)
            return
        }
        takePieces(of: pieces[1 - i], by: i, columnCount: columnCount, end: end)
    }

    /// A thread done with its own half: the other half's pieces not yet begun, from the back, each into builders of its
    /// own whose numbers go at an upper bound of the records before the piece — for a first-half piece the first half's
    /// line feeds less those from the piece to the split, for a second-half piece the first half's line feeds plus the
    /// rows the second half's thread had read before the piece it is reading plus the line feeds from there — then one
    /// piece's line feeds less at each step. Without those counts (no estimated windows, a lone CR) nothing more is
    /// taken, and a piece claimed but unread sends the input to the one-pass parse.
    private func takePieces(of other: HalfPieces, by i: Int, columnCount: Int, end: Int) {
        guard let windows, let firstLineFeeds = handoff.wait() else { return }
        var offset: Int?
        var worker = halves[i].makeWorker()
        defer { worker.scratch.deallocate() }
        let page = max(Int(sysconf(Int32(_SC_PAGESIZE))), 1)
        let secondHalf = i == 0
        while let (j, progress) = other.queue.claimBack() {
            let from = other.cuts[j], to = other.cuts[j + 1]
            guard let pieceFeeds = worker.lineFeedsWithoutLoneCR(from: from, to: to) else { return }
            if let known = offset {
                offset = known - pieceFeeds
            } else if secondHalf {
                // The second half's records before the piece are at most the rows its thread had read before the piece it
                // is reading plus the line feeds from there: counted over pages that thread has not yet handed back.
                let reading = progress.map { other.cuts[$0.piece] } ?? other.cuts[0]
                guard let between = worker.lineFeedsWithoutLoneCR(from: reading, to: from) else { return }
                offset = firstLineFeeds + (progress?.rowsBefore ?? 0) + between
            } else {
                // The first half's records from the piece on: its own line feeds (counted above) and those after it.
                guard let after = worker.lineFeedsWithoutLoneCR(from: to, to: other.cuts[other.cuts.count - 1]) else { return }
                offset = firstLineFeeds - pieceFeeds - after
            }
            guard let rowOffset = offset, rowOffset >= 0 else { return }
            let builders = UnsafeMutablePointer<ColumnBuilder>.allocate(capacity: columnCount)
            for k in 0..<columnCount { (builders + k).initialize(to: ColumnBuilder(capacity: 0)) }
            // A piece has at most as many records as line feeds, but the input's last, which may end without one.
            let last = to == end
            windows.assign(to: builders, at: rowOffset, capacity: last ? windows.total - rowOffset : pieceFeeds)
            // This worker must not hand back the page the piece before it ends in.
            worker.releasedUpTo = (from + page - 1) / page * page
            let result = Result { () throws(TokenizeFailure) in
                try worker.parseChunk(from: from, line: 1, resuming: ParsedChunk(builders: builders, rows: 0, end: from, endLine: 1),
                                      to: to, columnCount: columnCount, estimateEnd: to)
            }
            other.stolen[j] = StolenPiece(builders: builders, result: result)
        }
    }
}

/// One half's pieces (`cuts[j]..<cuts[j + 1]`), who claims them, and those taken from the back with their builders.
struct HalfPieces: @unchecked Sendable {
    let cuts: [Int]
    let queue: PieceQueue
    let stolen: UnsafeMutablePointer<StolenPiece?>

    init(cuts: [Int]) {
        self.cuts = cuts
        queue = PieceQueue(count: cuts.count - 1)
        stolen = .allocate(capacity: cuts.count - 1)
        stolen.initialize(repeating: nil, count: cuts.count - 1)
    }

    /// The first piece taken from the back (the count when none was).
    var takenFrom: Int { queue.takenFrom }

    /// The pieces taken from the back, in order, with where each begins; nil when one failed or did not end where the
    /// next begins.
    func taken() -> [(ParsedChunk, Int)]? {
        var parts: [(ParsedChunk, Int)] = []
        for j in takenFrom..<(cuts.count - 1) {
            guard let piece = stolen[j], case .success(let chunk) = piece.result, chunk.end == cuts[j + 1] else { return nil }
            parts.append((chunk, cuts[j]))
        }
        return parts
    }

    func release(columnCount: Int) {
        for j in 0..<(cuts.count - 1) { if let piece = stolen[j] { ParsedColumns.release(piece.builders, count: columnCount) } }
        stolen.deinitialize(count: cuts.count - 1)
        stolen.deallocate()
    }
}

/// Appends each second-half column to its first-half column. Each call touches only its own
/// column's two builders (and its own parser copies), so columns can be joined concurrently.
private struct ColumnJoin: @unchecked Sendable {
    let first: ParsedChunk
    let second: ParsedChunk
    let firstParser: CSVParser
    let secondParser: CSVParser
    let start: Int
    let line: Int
    let split: Int
    let columnCount: Int
    let failed: UnsafeMutablePointer<Bool>

    func join(column j: Int) {
        let head = first.builders + j
        let tail = second.builders + j
        // Free each second-half column as soon as it is copied, so the two halves' columns are
        // never all resident next to the joined ones.
        defer {
            tail.pointee.releaseRows()
            tail.pointee.deallocate()
            tail.pointee = ColumnBuilder(capacity: 0)
        }
        if head.pointee.isNumeric && tail.pointee.isNumeric {
            head.pointee.appendNumbers(of: tail.pointee, lineOffset: first.endLine - 1)
            return
        }
        // Categorical in either half means categorical throughout: re-read the other half as text.
        do throws(TokenizeFailure) {
            if head.pointee.isNumeric {
                var reader = firstParser.makeWorker()
                defer { reader.scratch.deallocate() }
                try reader.convertToCategorical(head, column: j, rows: first.rows, dataStart: start,
                                                dataStartLine: line, columnCount: columnCount)
            }
            if tail.pointee.isNumeric {
                var reader = secondParser.makeWorker()
                defer { reader.scratch.deallocate() }
                try reader.convertToCategorical(tail, column: j, rows: second.rows, dataStart: split,
                                                dataStartLine: 1, columnCount: columnCount)
            }
        } catch {
            failed[j] = true
            return
        }
        head.pointee.appendLevels(of: tail.pointee)
    }
}
