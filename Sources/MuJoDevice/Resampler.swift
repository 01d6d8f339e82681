// Turns the sensor's sample stream (its own output data rate, jittery timestamps) into frames on
// the model's uniform time grid.
//
// Each output frame k stands for the bin [t_k − P/2, t_k + P/2) of the model period P:
// - inputs in the bin are averaged (a boxcar low-pass: 100 Hz → 20 Hz averages 5 samples, so
//   motion faster than the model can see is not aliased into it);
// - an empty bin (input slower than the model, or jitter) is linearly interpolated between the
//   last input before it and the first after it.
// A hole longer than `maxHoleNanoseconds` between inputs is not bridged: the grid restarts at the
// next sample and `push` reports it, so no frame is ever invented across missing data.

/// Up to 8 channels of one instant (accel x, y, z, gyro x, y, z, unused, unused).
public typealias Frame = SIMD8<Float>

public struct Resampler {
    public let periodNanoseconds: Int64
    public let maxHoleNanoseconds: Int64
    private var center: Int64 = 0
    private var started = false
    private var sum = Frame()
    private var count: Float = 0
    private var previousTime: Int64 = 0
    private var previous = Frame()

    public init(rateHz: Double, maxHoleNanoseconds: Int64? = nil) {
        periodNanoseconds = Int64((1e9 / rateHz).rounded())
        self.maxHoleNanoseconds = maxHoleNanoseconds ?? 2 * periodNanoseconds
    }

    /// Forgets all state: the next sample starts a new grid.
    public mutating func reset() {
        started = false
        sum = Frame()
        count = 0
    }

    /// Feeds one input sample; calls `emit(time, frame)` for every completed output frame.
    /// Returns false when the sample followed a hole too long to bridge (the grid restarted).
    @discardableResult
    public mutating func push(_ t: Int64, _ v: Frame, emit: (Int64, Frame) -> Void) -> Bool {
        var bridged = true
        if started && t - previousTime > maxHoleNanoseconds {
            reset()
            bridged = false
        }
        if !started {
            started = true
            center = t
        } else {
            let half = periodNanoseconds / 2
            while t >= center + half {
                if count > 0 {
                    emit(center, sum / Frame(repeating: count))
                } else {
                    let w = Float(Double(center - previousTime) / Double(max(t - previousTime, 1)))
                    emit(center, previous + (v - previous) * Frame(repeating: min(max(w, 0), 1)))
                }
                center += periodNanoseconds
                sum = Frame()
                count = 0
            }
        }
        sum += v
        count += 1
        previousTime = t
        previous = v
        return bridged
    }
}
