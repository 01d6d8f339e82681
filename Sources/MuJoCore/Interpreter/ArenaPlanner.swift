// Plans one static arena for every non-constant tensor from its lifetime.
//
//   lifetime of a tensor = [first op that writes it, last op that reads it]
//   model inputs start before op 0; model outputs live to the end.
//
// Tensors whose lifetimes overlap never share bytes (so an op's output never aliases its inputs).
// Greedy placement, largest first, each at the lowest 16-aligned offset that fits between the
// tensors already placed whose lifetimes overlap it (the strategy of TFLite Micro's greedy planner).
//
//   arena: |<- tensor A ->|<-- tensor B -->|      (B and C never live at the same time)
//          |              |<- C ->|
//          0                               arenaBytes
import MuJoSystem

public struct ArenaPlan: Equatable {
    /// Byte offset of each tensor in the arena; -1 for constants.
    public var offsets: [Int]
    public var arenaBytes: Int
}

public enum ArenaPlanner {
    /// With `shareMemory` false every tensor keeps its own bytes (calibration and debugging read
    /// every intermediate after invoke); the default shares by lifetime.
    public static func plan(_ m: ModelDescription, shareMemory: Bool = true) -> ArenaPlan {
        let count = m.tensors.count
        var first = [Int](repeating: Int.max, count: count)
        var last = [Int](repeating: -1, count: count)
        for i in m.inputs { first[i] = -1 }
        for (k, op) in m.ops.enumerated() {
            for o in op.outputs { first[o] = min(first[o], k) ; last[o] = max(last[o], k) }
            for i in op.inputs where i >= 0 { last[i] = max(last[i], k) }
        }
        for o in m.outputs { last[o] = m.ops.count }
        var order: [Int] = []
        for i in 0..<count where !m.tensors[i].isConstant && first[i] != Int.max { order.append(i) }
        insertionSort(&order) { (a, b) in   // MuJoSystem/SmallSort.swift: the order of sort(by:)
            let sa = m.tensors[a].byteCount, sb = m.tensors[b].byteCount
            return sa != sb ? sa > sb : a < b
        }
        var offsets = [Int](repeating: -1, count: count)
        var placed: [Int] = []
        var arenaBytes = 0
        for t in order {
            let size = align(m.tensors[t].byteCount)
            // Intervals taken by live-overlapping tensors, sorted by offset.
            var taken: [(Int, Int)] = []
            for p in placed where !shareMemory || (first[p] <= last[t] && first[t] <= last[p]) {
                taken.append((offsets[p], offsets[p] + align(m.tensors[p].byteCount)))
            }
            insertionSort(&taken) { $0.0 < $1.0 }
            var candidate = 0
            for (lo, hi) in taken {
                if candidate + size <= lo { break }
                candidate = max(candidate, hi)
            }
            offsets[t] = candidate
            arenaBytes = max(arenaBytes, candidate + size)
            placed.append(t)
        }
        return ArenaPlan(offsets: offsets, arenaBytes: arenaBytes)
    }

    static func align(_ n: Int) -> Int { (n + ModelFormat.alignment - 1) / ModelFormat.alignment * ModelFormat.alignment }
}
