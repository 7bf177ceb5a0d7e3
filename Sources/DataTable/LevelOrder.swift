/// Why a level order (`--levels column=a,b,c`) cannot be applied.
public enum LevelOrderError: Error, Equatable, Sendable {
    case unknownLevel(String, present: [String])
    case unlistedLevel(String)
    case repeatedLevel(String)
}

extension CategoricalColumn {
    /// The same values with the levels in `order` (a CSV cannot carry R's factor level order). Every level
    /// present must be listed, and every listed level must be present: R's `factor(x, levels =)` would turn an
    /// unlisted value into NA silently, and a misspelt level would otherwise be ignored.
    public func reordered(levels order: [String]) throws(LevelOrderError) -> CategoricalColumn {
        var position: [String: Int32] = [:]
        for (k, level) in order.enumerated() {
            guard position[level] == nil else { throw .repeatedLevel(level) }
            position[level] = Int32(k)
        }
        let counts = levelCounts()
        let present = levels.indices.filter { counts[$0] > 0 }.map { levels[$0] }
        if let unknown = order.first(where: { !present.contains($0) }) {
            throw .unknownLevel(unknown, present: present)
        }
        var recode = [Int32](repeating: -1, count: levels.count)
        for (old, level) in levels.enumerated() where counts[old] > 0 {
            guard let k = position[level] else { throw .unlistedLevel(level) }
            recode[old] = k
        }
        return CategoricalColumn(levels: order, codes: codes.map { $0 >= 0 ? recode[Int($0)] : -1 })
    }
}
