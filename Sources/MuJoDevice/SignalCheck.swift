// Is this window a signal a body could have made? A window that fails is reported as a `signal`
// span instead of being given a label: a dead sensor reading zeros must not come out as a
// confident "standing".
//
// The checks and their limits, chosen on the WISDM 2019 watch training subjects (47,698 windows;
// none fails, nor any of the 11,837 held-out ones — docs/events.md):
//   non-finite   any value is NaN or ±inf (a parse overflow, a broken driver).
//   dead-axis    an accelerometer axis holds exactly one value for the whole window (real chips
//                always show a few LSB of noise; the smallest real range seen is 0.0085 g).
//   saturated    more than 60 % of an axis's frames sit at the window's extreme value, at ≥ 1.5 g
//                (a chip stuck at a rail; real ±2 g watch data pin at most 47 of 100).
//   gravity      the wearer is still (|a| varies by < 0.02 g rms) but |a| averages outside
//                0.8…1.25 g (a wrong range or unit setting; real still windows: 0.968…1.031 g).

/// What is wrong with a window's signal.
public enum SignalProblem: UInt8 {
    case nonFinite, deadAxis, saturated, implausibleGravity

    public var name: String {
        switch self {
        case .nonFinite: return "non-finite"
        case .deadAxis: return "dead-axis"
        case .saturated: return "saturated"
        case .implausibleGravity: return "gravity-implausible"
        }
    }
}

public struct SignalCheck {
    /// Window positions of the accelerometer's x, y, z lanes (those the model reads).
    private let accelPositions: [Int]
    private let channels: Int
    /// Multiplies a window value to get g.
    private let toG: Float

    public static let stillRMS: Float = 0.02
    public static let stillGravity: ClosedRange<Float> = 0.8...1.25
    public static let saturatedFraction: Float = 0.6
    public static let saturatedAtLeastG: Float = 1.5

    /// `lanes`: the frame lane of each model channel (0…2 acceleration); `toG`: g per window unit.
    public init(lanes: [Int], toG: Float) {
        var positions: [Int] = []
        for (p, lane) in lanes.enumerated() where lane < 3 { positions.append(p) }
        accelPositions = positions
        channels = lanes.count
        self.toG = toG
    }

    /// The first problem of a time-major window of `frames` × channels, or nil when it is fine.
    /// Allocates nothing.
    public func check(_ window: UnsafePointer<Float>, frames: Int) -> SignalProblem? {
        for i in 0..<(frames * channels) where !window[i].isFinite { return .nonFinite }
        guard frames > 1 else { return nil }
        for p in accelPositions {
            var lo = window[p], hi = window[p]
            for f in 1..<frames {
                let v = window[f * channels + p]
                if v < lo { lo = v }
                if v > hi { hi = v }
            }
            if lo == hi { return .deadAxis }
            let extreme = -lo > hi ? lo : hi
            if abs(extreme) * toG >= SignalCheck.saturatedAtLeastG {
                var pinned = 0
                for f in 0..<frames where window[f * channels + p] == extreme { pinned += 1 }
                if Float(pinned) > SignalCheck.saturatedFraction * Float(frames) { return .saturated }
            }
        }
        guard accelPositions.count == 3 else { return nil }
        var sum: Float = 0, sumSquares: Float = 0
        for f in 0..<frames {
            var ss: Float = 0
            for p in accelPositions { let v = window[f * channels + p] * toG; ss += v * v }
            let magnitude = ss.squareRoot()
            sum += magnitude
            sumSquares += magnitude * magnitude
        }
        let mean = sum / Float(frames)
        let rms = max(0, sumSquares / Float(frames) - mean * mean).squareRoot()
        if rms < SignalCheck.stillRMS && !SignalCheck.stillGravity.contains(mean) { return .implausibleGravity }
        return nil
    }
}
