import DataTable

/// The random effects of one grouping factor (MixedModels.jl's `ReMat`): the factor's codes on the used rows,
/// the columns left of the bar (`(Intercept)`, `session`) as Z's values per row, and which entries of the
/// q × q lower-triangular relative covariance factor λ are free parameters θ. Terms on the same factor
/// (`(1 | g) + (0 + x | g)`, which is how `(x || g)` arrives) are amalgamated into one block whose λ is block
/// diagonal, so their effects are uncorrelated; θ keeps lme4's order (term by term, column-major within a term).
public struct RandomEffectsBlock: Sendable {
    /// The grouping label: `therapist`, or `site:therapist` for a nested term.
    public let group: String
    public let levels: [String]
    /// Level of each used row (0..<levels.count).
    let codes: [Int32]
    /// Names of the random effects per level, e.g. `(Intercept)`, `session`.
    public let columnNames: [String]
    /// The formula terms amalgamated into this block, as lme4 writes them.
    public let terms: [String]
    /// Z's values, column-major: column a at `a · rows`; empty for a lone random intercept (`isIntercept`), whose z is
    /// all ones and not stored (`zValues()` makes them for the fits that read z row by row).
    let z: [Double]
    let rows: Int
    /// Z's columns that are 1 in every row by construction (random intercepts): their products need no multiplication.
    let unitColumns: [Bool]
    /// Free entries of λ in θ order: (row, column) of the lower triangle.
    public let thetaPositions: [ThetaPosition]

    public struct ThetaPosition: Sendable, Equatable {
        public let row: Int
        public let column: Int
        public var isDiagonal: Bool { row == column }
    }

    public var q: Int { columnNames.count }
    /// The block is one random intercept: z is not stored.
    var isIntercept: Bool { z.isEmpty && unitColumns == [true] }

    /// Z's values, column-major (the ones of a lone random intercept made here: take them once, not in a loop).
    func zValues() -> [Double] { isIntercept ? [Double](repeating: 1, count: rows) : z }
    public var levelCount: Int { levels.count }
    /// Columns of this block in Z (levels × q).
    public var width: Int { levels.count * columnNames.count }

    /// λ (q × q, column-major, lower triangular) from this block's slice of θ.
    func lambda(_ theta: ArraySlice<Double>) -> [Double] {
        var l = [Double](repeating: 0, count: q * q)
        for (position, value) in zip(thetaPositions, theta) { l[position.row + position.column * q] = value }
        return l
    }
}

/// All random-effects blocks of a model, ordered as lme4 and MixedModels.jl order them: by number of levels,
/// largest first (stable), so the first block's part of the factor is block diagonal and stays so.
public struct RandomEffectsStructure: Sendable {
    public let blocks: [RandomEffectsBlock]

    public var thetaCount: Int { blocks.reduce(0) { $0 + $1.thetaPositions.count } }
    /// lme4's start: 1 on the diagonal of each λ, 0 elsewhere.
    public var thetaStart: [Double] { blocks.flatMap { $0.thetaPositions.map { $0.isDiagonal ? 1 : 0 } } }
    /// lme4's bounds: diagonal entries of λ are non-negative, the others free.
    public var thetaLowerBounds: [Double] { blocks.flatMap { $0.thetaPositions.map { $0.isDiagonal ? 0 : -.infinity } } }
    /// lme4's `isSingular`: some diagonal entry of a λ below `LinearMixedModel.singularTolerance` (a variance at zero, or
    /// a correlation of ±1).
    func isSingular(_ theta: [Double]) -> Bool {
        zip(blocks.flatMap(\.thetaPositions), theta).contains { $0.isDiagonal && $1 < LinearMixedModel.singularTolerance }
    }

    /// Where each block's θ starts.
    var thetaOffsets: [Int] {
        var offsets: [Int] = []
        var at = 0
        for b in blocks { offsets.append(at); at += b.thetaPositions.count }
        return offsets
    }

    public init(frame: ModelFrame) throws(ModelError) {
        let formula = frame.formula
        let n = frame.counts.rowsUsed
        var order: [String] = []
        var termsByGroup: [String: [RandomEffectTerm]] = [:]
        for r in formula.randomEffects {
            if termsByGroup[r.groupLabel] == nil { order.append(r.groupLabel) }
            termsByGroup[r.groupLabel, default: []].append(r)
        }
        var blocks: [RandomEffectsBlock] = []
        for group in order {
            guard let terms = termsByGroup[group], let factor = frame.groupingFactors[group] else { continue }
            var names: [String] = []
            var designs: [DesignMatrix] = []
            var positions: [RandomEffectsBlock.ThetaPosition] = []
            for term in terms {
                let design = DesignMatrix(frame: frame, terms: term.terms, hasIntercept: term.hasIntercept)
                guard design.columns > 0 else {
                    throw .invalidRandomEffects(term: term.label, detail: "it has no random effects (write (1 | \(group)) for a random intercept)")
                }
                let first = names.count
                for name in design.columnNames {
                    guard !names.contains(name) else {
                        throw .invalidRandomEffects(term: term.label, detail: "'\(name)' appears in two random-effects terms for \(group); "
                                                    + "name each effect once per grouping factor")
                    }
                    names.append(name)
                }
                designs.append(design)
                // Within a term every pair is correlated (lower triangle, column-major); across terms none are.
                for c in first..<names.count { for r in c..<names.count { positions.append(.init(row: r, column: c)) } }
            }
            let unit = designs.flatMap { design in (0..<design.columns).map(design.isIntercept) }
            // `fill` writes every entry, so the columns need no zeros first; a block of one term takes them as its z rather
            // than a copy. Each n-row column is fresh memory (≈ 5 ms a pass for a million rows on first touch): a lone
            // random intercept's column of ones is not made at all.
            var z: [Double] = []
            if unit != [true] {
                for design in designs {
                    let values = design.values()
                    if z.isEmpty { z = values } else { z += values }
                }
            }
            blocks.append(RandomEffectsBlock(group: group, levels: factor.levels, codes: factor.codes, columnNames: names,
                                             terms: terms.map(\.label), z: z, rows: n, unitColumns: unit, thetaPositions: positions))
        }
        // Stable sort by level count, largest first.
        self.blocks = blocks.enumerated().sorted { a, b in
            a.element.levelCount != b.element.levelCount ? a.element.levelCount > b.element.levelCount : a.offset < b.offset
        }.map(\.element)
    }

    /// Refuses designs lme4 refuses or that cannot be identified, with what to do about them.
    func validate(rows n: Int) throws(ModelError) {
        for b in blocks {
            guard b.levelCount > 1 else {
                throw .invalidRandomEffects(term: b.terms.joined(separator: " + "),
                                            detail: "the grouping factor \(b.group) has a single level among the rows used, so it cannot vary; "
                                                + "drop the term or fit the model with `fit ols`")
            }
            guard b.levelCount < n else {
                throw .invalidRandomEffects(term: b.terms.joined(separator: " + "),
                                            detail: "every level of \(b.group) has a single row (\(b.levelCount) levels, \(n) rows), so its variance "
                                                + "cannot be told apart from the residual variance; a grouping factor needs groups of 2 or more rows")
            }
            guard b.width < n else {
                throw .invalidRandomEffects(term: b.terms.joined(separator: " + "),
                                            detail: "\(b.width) random effects for \(n) rows: the random-effects parameters and the residual "
                                                + "variance cannot be identified (as lme4's check.nobs.vs.nRE); simplify the term")
            }
            try b.requireSlopesVaryWithinLevels(rows: n)
        }
    }
}
