import AllianceTestSupport
@testable import Distributions
import Foundation
import Testing

/// jump(), longJump() and streams against the published reference code (Fixtures/xoshiro256starstar_jump.c,
/// output in Fixtures/xoshiro256starstar_jump.txt): exact equality of every 64-bit output.
struct SeededStreamsTests {
    /// Lines of the fixture: a tag, its integer arguments (seed, and stream index for `stream`), 8 outputs.
    static func reference() throws -> [(tag: String, arguments: [UInt64], outputs: [UInt64])] {
        let text = try fixtureFiles.text("xoshiro256starstar_jump.txt")
        return try text.split(separator: "\n").map { line in
            let fields = line.split(separator: " ")
            let numbers = try fields.dropFirst().map { try #require(UInt64($0)) }
            return (String(fields[0]), Array(numbers.dropLast(8)), Array(numbers.suffix(8)))
        }
    }

    static func draws(_ generator: SeededGenerator, _ count: Int = 8) -> [UInt64] {
        var copy = generator
        return (0..<count).map { _ in copy.next() }
    }

    @Test func jumpsMatchReferenceImplementation() throws {
        let lines = try Self.reference()
        #expect(lines.count == 32)
        var checked: [String: Int] = [:]
        for line in lines {
            let seed = line.arguments[0]
            var generator = SeededGenerator(seed: seed)
            switch line.tag {
            case "jump":
                generator.jump()
            case "longjump":
                generator.longJump()
            case "stream":
                generator = SeededGenerator.stream(Int(line.arguments[1]), seed: seed)
            case "drawnjump":
                for _ in 0..<3 { _ = generator.next() }
                generator.jump()
            default:
                Issue.record("unknown fixture line \(line.tag)")
            }
            #expect(Self.draws(generator) == line.outputs, "\(line.tag) \(line.arguments)")
            checked[line.tag, default: 0] += 1
        }
        #expect(checked == ["jump": 4, "longjump": 4, "stream": 20, "drawnjump": 4])
    }

    /// streams(seed:count:) and streams(seed:indices:) give exactly stream(k, seed:) for every k, so a
    /// worker starting at any index sees the same draws as one worker doing everything.
    @Test func streamsAreReproducibleWhateverTheSplit() {
        let all = SeededGenerator.streams(seed: 7, count: 12)
        #expect(all.count == 12)
        for k in 0..<12 {
            #expect(Self.draws(all[k]) == Self.draws(SeededGenerator.stream(k, seed: 7)), "stream \(k)")
        }
        #expect(Self.draws(all[0]) == Self.draws(SeededGenerator(seed: 7)))
        for split in [1, 2, 3, 5, 12] {
            var pieces: [SeededGenerator] = []
            var start = 0
            while start < 12 {
                let end = min(start + split, 12)
                pieces += SeededGenerator.streams(seed: 7, indices: start..<end)
                start = end
            }
            #expect(pieces.map { Self.draws($0, 4) } == all.map { Self.draws($0, 4) }, "blocks of \(split)")
        }
        #expect(SeededGenerator.streams(seed: 7, indices: -2..<2).count == 2)
        #expect(SeededGenerator.streams(seed: 7, count: 0).isEmpty)
    }

    /// A bootstrap-like job: 40 "resamples" of 50 uniform draws each, resample i on stream i, run on
    /// 1, 2, 3 and 8 threads: the bytes are identical.
    @Test func parallelWorkIsThreadCountIndependent() {
        func run(threads: Int) -> [[UInt64]] {
            let total = 40
            let box = ResultBox(count: total)
            DispatchQueue.concurrentPerform(iterations: threads) { worker in
                let lower = worker * total / threads
                let upper = (worker + 1) * total / threads
                let streams = SeededGenerator.streams(seed: 2024, indices: lower..<upper)
                for (offset, stream) in streams.enumerated() {
                    var generator = stream
                    box.set(lower + offset, (0..<50).map { _ in generator.nextUniform().bitPattern })
                }
            }
            return box.values
        }
        let single = run(threads: 1)
        for threads in [2, 3, 8] { #expect(run(threads: threads) == single, "\(threads) threads") }
    }

    /// Streams are distinct: no two of 64 streams share any of their first 1000 outputs, and none equals
    /// the long-jumped generator's.
    @Test func streamsAreDistinct() {
        let streams = SeededGenerator.streams(seed: 99, count: 64)
        var seen = Set<UInt64>()
        var total = 0
        for stream in streams {
            for value in Self.draws(stream, 1000) {
                seen.insert(value)
                total += 1
            }
        }
        var long = SeededGenerator(seed: 99)
        long.longJump()
        for value in Self.draws(long, 1000) {
            seen.insert(value)
            total += 1
        }
        #expect(seen.count == total)
    }
}

/// Per-index results written from several threads.
private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [[UInt64]]

    init(count: Int) { slots = Array(repeating: [], count: count) }

    func set(_ index: Int, _ value: [UInt64]) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }

    var values: [[UInt64]] {
        lock.lock()
        defer { lock.unlock() }
        return slots
    }
}
