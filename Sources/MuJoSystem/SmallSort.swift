// Sorting for the board without the stdlib's sort. `Array.sort` is a stable merge sort whose
// specialisation for each element type and comparator costs 2–3 KB of an Embedded binary, and
// the board sorts seven kinds of things (arena intervals, tensor spans, IIO channels, directory
// names, sample steps, …), all but one short. `insertionSort` is stable, so it gives exactly
// the order `sort(by:)` gives with the same comparator; it is quadratic, for the short lists
// (tens to a few hundred elements, at start-up). `heapSort` is for long lists of integers,
// where stability does not matter.

/// Sorts `a` in place, stably, by `areInIncreasingOrder` (the order `a.sort(by:)` gives).
public func insertionSort<T>(_ a: inout [T], by areInIncreasingOrder: (T, T) -> Bool) {
    var i = 1
    while i < a.count {
        let x = a[i]
        var j = i
        while j > 0 && areInIncreasingOrder(x, a[j - 1]) { a[j] = a[j - 1]; j -= 1 }
        a[j] = x
        i += 1
    }
}

/// Sorts `a` ascending in place, O(n log n), no extra memory.
public func heapSort(_ a: inout [Int64]) {
    let n = a.count
    if n < 2 { return }
    func siftDown(_ start: Int, _ end: Int) {
        var root = start
        while 2 * root + 1 < end {
            var child = 2 * root + 1
            if child + 1 < end && a[child] < a[child + 1] { child += 1 }
            if a[root] >= a[child] { return }
            a.swapAt(root, child)
            root = child
        }
    }
    var start = n / 2 - 1
    while start >= 0 { siftDown(start, n); start -= 1 }
    var end = n - 1
    while end > 0 { a.swapAt(0, end); siftDown(0, end); end -= 1 }
}
