/// Ranks 1…n with ties given their average rank (R's rank(ties.method = "average")).
func averageRanks(_ values: [Double]) -> [Double] {
    let order = values.indices.sorted { values[$0] < values[$1] }
    var ranks = [Double](repeating: 0, count: values.count)
    var start = 0
    while start < order.count {
        var end = start + 1
        while end < order.count, values[order[end]] == values[order[start]] { end += 1 }
        // Positions start..<end share ranks start+1 … end.
        let average = Double(start + 1 + end) / 2
        for position in start..<end { ranks[order[position]] = average }
        start = end
    }
    return ranks
}

/// Sizes of the groups of equal values in an ascending array (groups of size 1 included).
func tieGroupSizes(sorted values: [Double]) -> [Int] {
    var sizes: [Int] = []
    var start = 0
    while start < values.count {
        var end = start + 1
        while end < values.count, values[end] == values[start] { end += 1 }
        sizes.append(end - start)
        start = end
    }
    return sizes
}
