// HOST ONLY (the fault soak). Faults at random instants of sensor time, from a seed: the same seed
// gives the same faults at the same instants, so a failure found once can be replayed.
import Foundation

/// A small, fast, seedable generator (SplitMix64); the soak must not depend on the system's.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum FaultKind: String, CaseIterable {
    case nackBurst = "NACK burst"
    case eio = "EIO"
    case eioMidBurst = "EIO mid-burst"
    case vanishAndReturn = "chip vanishes and returns"
    case fifoOverflow = "FIFO overflow (reader stalled)"
    case stuckFIFOCount = "stuck FIFO count"
    case logRotation = "event log rotated (SIGHUP reopen)"
}

/// Draws the next fault and its instant; applies chip and bus faults to the emulated system.
struct FaultPlan {
    var random: SeededGenerator
    /// Mean sensor-time seconds between faults (exponentially distributed gaps).
    let meanIntervalSeconds: Double
    /// Longest absence of the chip: below the driver's give-up time, so the session survives it.
    let longestVanishSeconds: Double
    private(set) var nextAt: Int64
    private(set) var injected: [FaultKind: Int] = [:]

    init(seed: UInt64, meanIntervalSeconds: Double, longestVanishSeconds: Double, startNanoseconds: Int64) {
        random = SeededGenerator(seed: seed)
        self.meanIntervalSeconds = meanIntervalSeconds
        self.longestVanishSeconds = longestVanishSeconds
        nextAt = startNanoseconds
        nextAt += drawInterval()
    }

    private mutating func drawInterval() -> Int64 {
        let u = Double.random(in: Double.ulpOfOne..<1, using: &random)
        return Int64(-meanIntervalSeconds * log(u) * 1e9)
    }

    /// The faults due by `now`, each drawn once; `apply` performs it.
    mutating func due(at now: Int64, apply: (FaultKind, inout SeededGenerator) -> Void) {
        while now >= nextAt {
            let kind = FaultKind.allCases.randomElement(using: &random)!
            injected[kind, default: 0] += 1
            apply(kind, &random)
            nextAt += max(1_000_000, drawInterval())
        }
    }
}
