// Collects model-rate frames into overlapping windows: the first window after `window` frames,
// then one every `hop` frames. Storage is allocated once; `reset()` (after a gap) discards the
// partial window rather than stitching data from both sides of the gap.

public struct WindowBuffer {
    public let window: Int
    public let hop: Int
    public let channels: [Int]        // frame lane of each model channel, in model order
    private var data: [Float]         // [window × channels.count], time-major
    private var times: [Int64]
    private var filled = 0

    public init(window: Int, hop: Int, channels: [Int]) {
        self.window = window
        self.hop = hop
        self.channels = channels
        data = [Float](repeating: 0, count: window * channels.count)
        times = [Int64](repeating: 0, count: window)
    }

    public var framesHeld: Int { filled }

    public mutating func reset() { filled = 0 }

    /// Adds a frame; returns true when a full window is ready (read it with `withWindow`, then
    /// call `advance()`).
    public mutating func append(_ t: Int64, _ frame: Frame) -> Bool {
        let c = channels.count
        let row = filled * c
        channels.withUnsafeBufferPointer { lanes in
            data.withUnsafeMutableBufferPointer { d in
                for k in 0..<c { d[row + k] = frame[lanes[k]] }
            }
        }
        times[filled] = t
        filled += 1
        return filled == window
    }

    /// Drops the oldest `hop` frames after a window was used.
    public mutating func advance() {
        let c = channels.count
        let keep = window - hop
        data.withUnsafeMutableBufferPointer { d in
            let base = d.baseAddress!
            base.update(from: base + hop * c, count: keep * c)
        }
        times.withUnsafeMutableBufferPointer { t in
            let base = t.baseAddress!
            base.update(from: base + hop, count: keep)
        }
        filled = keep
    }

    public var firstTime: Int64 { times[0] }
    public var lastTime: Int64 { times[window - 1] }

    public func withWindow<R>(_ body: (UnsafePointer<Float>) -> R) -> R {
        data.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
