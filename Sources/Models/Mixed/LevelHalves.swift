/// The levels of a mixed model's first grouping factor split in two fixed halves, worked on concurrently and then
/// combined in half order (as `RowParts` does for rows). The split depends only on the number of levels, so a fit
/// gives the same bytes on one core or two (with one core the halves run one after the other).
struct LevelHalves {
    let ranges: [Range<Int>]

    /// Factors with at least this many levels are split: below it a second thread costs more than the ~100 ns of
    /// work per level it saves at each evaluation. A task-local so that tests can run small fits through the split.
    @TaskLocal static var minimumLevelsToSplit = 4096

    init(levels: Int) {
        ranges = levels >= LevelHalves.minimumLevelsToSplit && levels >= 2 ? [0..<(levels / 2), (levels / 2)..<levels] : [0..<levels]
    }

    /// Runs `body` for each half (concurrently when there are two). Each call may write only its own levels' storage.
    func run(_ body: (_ part: Int, _ range: Range<Int>) -> Void) {
        let ranges = ranges
        ParallelJobs.run(ranges.count) { k in body(k, ranges[k]) }
    }
}
