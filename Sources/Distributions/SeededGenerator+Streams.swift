/// Independent reproducible streams from one seed, for work split over threads. Stream k is the seeded
/// generator advanced by k jumps of 2¹²⁸ draws, so streams never overlap in practice, and what a piece of
/// work draws depends only on its stream index — never on which thread ran it or how many threads there
/// were. A bootstrap gives resample i stream i: on one thread or sixteen, the same resamples.
///
/// Stream 0 is `SeededGenerator(seed:)` itself. Reaching stream k costs k jumps (about 256 draws each,
/// well under a microsecond), so a worker handed resamples a..<b calls `streams(seed:indices: a..<b)`
/// once rather than `stream(_:seed:)` per resample.
extension SeededGenerator {
    /// Stream `index` of `seed` (an index below 0 is treated as 0, as `nextInt(below:)` treats bounds ≤ 0).
    public static func stream(_ index: Int, seed: UInt64) -> SeededGenerator {
        var generator = SeededGenerator(seed: seed)
        for _ in 0..<max(index, 0) { generator.jump() }
        return generator
    }

    /// Streams 0..<count of `seed`.
    public static func streams(seed: UInt64, count: Int) -> [SeededGenerator] {
        streams(seed: seed, indices: 0..<max(count, 0))
    }

    /// The streams with these indices, each as `stream(_:seed:)` gives it, at the cost of
    /// `indices.upperBound` jumps in all. Indices below 0 are left out.
    public static func streams(seed: UInt64, indices: Range<Int>) -> [SeededGenerator] {
        let lower = max(indices.lowerBound, 0)
        let upper = max(indices.upperBound, lower)
        var generator = stream(lower, seed: seed)
        var result: [SeededGenerator] = []
        result.reserveCapacity(upper - lower)
        for _ in lower..<upper {
            result.append(generator)
            generator.jump()
        }
        return result
    }
}
