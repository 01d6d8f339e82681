// A real accelerometer recording that feeds the chip emulators.
//
// Public API:
//   struct Recording
//     init(timesNanoseconds:values:)     values in m/s², times strictly increasing.
//     static func parseWISDM(_:maxRows:) "subject,activity,timestamp_ns,x,y,z;" lines (m/s²).
//     durationNanoseconds, value(at:cursor:) linear interpolation, looping past the end.
//
// The recording is 20 Hz (WISDM); a chip at 50/100 Hz samples it by linear interpolation at
// each of its own sample instants. Nothing here decides what a driver should deliver: the
// emulators log every sample they put in their FIFO, and tests compare against that log.

public struct Recording {
    public var timesNanoseconds: [Int64]
    public var values: [SIMD3<Double>]

    public init(timesNanoseconds: [Int64], values: [SIMD3<Double>]) {
        precondition(timesNanoseconds.count == values.count && timesNanoseconds.count >= 2)
        self.timesNanoseconds = timesNanoseconds
        self.values = values
    }

    /// Parses WISDM 2019 raw lines. Each activity is a separate session whose clock may jump
    /// backwards or far ahead; such jumps (≤ 0 or > 1 s) are joined with one 50 ms step so the
    /// sessions play back to back.
    public static func parseWISDM(_ text: String, maxRows: Int = Int.max) -> Recording {
        var times: [Int64] = []
        var values: [SIMD3<Double>] = []
        var lastRaw: Int64? = nil
        for line in text.split(separator: "\n") {
            if times.count >= maxRows { break }
            var l = line
            while let last = l.last, last == ";" || last == "\r" || last == " " { l = l.dropLast() }
            let f = l.split(separator: ",")
            guard f.count == 6, let t = Int64(f[2]), let x = Double(f[3]), let y = Double(f[4]), let z = Double(f[5]) else { continue }
            if let last = times.last, let raw = lastRaw {
                let dt = t - raw
                times.append(last + ((dt <= 0 || dt > 1_000_000_000) ? 50_000_000 : dt))
            } else {
                times.append(t)
            }
            lastRaw = t
            values.append(SIMD3(x, y, z))
        }
        let t0 = times.first ?? 0
        return Recording(timesNanoseconds: times.map { $0 - t0 }, values: values)
    }

    /// Length of one pass (the last row's time plus one median step).
    public var durationNanoseconds: Int64 {
        let n = timesNanoseconds.count
        return timesNanoseconds[n - 1] + (timesNanoseconds[n - 1] - timesNanoseconds[0]) / Int64(n - 1)
    }

    /// The value at `t` ns from the start (looping). `cursor` speeds up monotonic access.
    public func value(at t: Int64, cursor: inout Int) -> SIMD3<Double> {
        let d = durationNanoseconds
        var local = t % d
        if local < 0 { local += d }
        let n = timesNanoseconds.count
        if cursor >= n || cursor < 0 || timesNanoseconds[cursor] > local { cursor = 0 }
        while cursor + 1 < n && timesNanoseconds[cursor + 1] <= local { cursor += 1 }
        let i = cursor
        let t0 = timesNanoseconds[i]
        let (t1, v1) = i + 1 < n ? (timesNanoseconds[i + 1], values[i + 1]) : (d, values[0])
        let w = t1 > t0 ? Double(local - t0) / Double(t1 - t0) : 0
        return values[i] + (v1 - values[i]) * w
    }
}
