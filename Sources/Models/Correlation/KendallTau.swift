/// Kendall's S = concordant − discordant pairs and the tie-group sizes of x and y, by Knight's (1966)
/// O(n log n) algorithm: sort by (x, y), count x ties and joint ties, then count the inversions of y with
/// a merge sort and the y ties in the sorted result.
struct KendallCounts {
    let concordantMinusDiscordant: Double
    let xTieSizes: [Int]
    let yTieSizes: [Int]
    let pairs: Double

    init(_ x: [Double], _ y: [Double]) {
        let order = x.indices.sorted { x[$0] < x[$1] || (x[$0] == x[$1] && y[$0] < y[$1]) }
        let sortedX = order.map { x[$0] }
        var sortedY = order.map { y[$0] }
        // Joint ties: runs equal in both x and y (adjacent after the lexicographic sort).
        var jointTiedPairs = 0.0
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count, sortedX[end] == sortedX[start], sortedY[end] == sortedY[start] { end += 1 }
            let size = Double(end - start)
            jointTiedPairs += size * (size - 1) / 2
            start = end
        }
        xTieSizes = tieGroupSizes(sorted: sortedX)
        let inversions = Double(countInversionsSorting(&sortedY))
        yTieSizes = tieGroupSizes(sorted: sortedY)
        let n = Double(x.count)
        pairs = n * (n - 1) / 2
        let xTiedPairs = xTieSizes.reduce(0.0) { $0 + Double($1) * Double($1 - 1) / 2 }
        let yTiedPairs = yTieSizes.reduce(0.0) { $0 + Double($1) * Double($1 - 1) / 2 }
        concordantMinusDiscordant = pairs - xTiedPairs - yTiedPairs + jointTiedPairs - 2 * inversions
    }
}

/// Sorts ascending (stable merge sort) and returns the number of pairs i < j with values[i] > values[j].
func countInversionsSorting(_ values: inout [Double]) -> Int {
    var buffer = values
    var inversions = 0
    var width = 1
    let count = values.count
    while width < count {
        var left = 0
        while left < count - width {
            let middle = left + width
            let right = min(left + 2 * width, count)
            var i = left, j = middle, k = left
            while i < middle, j < right {
                if values[j] < values[i] {
                    buffer[k] = values[j]
                    inversions += middle - i
                    j += 1
                } else {
                    buffer[k] = values[i]
                    i += 1
                }
                k += 1
            }
            while i < middle { buffer[k] = values[i]; i += 1; k += 1 }
            while j < right { buffer[k] = values[j]; j += 1; k += 1 }
            for index in left..<right { values[index] = buffer[index] }
            left += 2 * width
        }
        width *= 2
    }
    return inversions
}
