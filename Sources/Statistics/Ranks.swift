/// Ranks 1…n of `values`, ties sharing their average rank ("midranks"), and the sizes
/// of the tie groups, which rank tests need for their variance correction.
func midranks(_ values: [Double]) -> (ranks: [Double], tieSizes: [Int]) {
    let order = values.indices.sorted { values[$0] < values[$1] }
    var ranks = [Double](repeating: 0, count: values.count)
    var tieSizes: [Int] = []
    var start = 0
    while start < order.count {
        var end = start
        while end + 1 < order.count, values[order[end + 1]] == values[order[start]] { end += 1 }
        let average = Double(start + end + 2) / 2  // ranks are 1-based
        for position in start...end { ranks[order[position]] = average }
        if end > start { tieSizes.append(end - start + 1) }
        start = end + 1
    }
    return (ranks, tieSizes)
}
