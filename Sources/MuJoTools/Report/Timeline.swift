// HOST ONLY. What the report's timeline shows for one recording, on the sensor clock: the true
// activity, the label of every window as recognised, and the activities the tracker reported.

struct Timeline: Equatable {
    struct Span: Equatable {
        /// nil: unknown (no label passed its threshold, or the tracker said unknown).
        var label: String?
        var startNanoseconds: Int64
        var endNanoseconds: Int64
        /// Shown in the span's tooltip after the label and times (e.g. "cosine 0.544").
        var note: String = ""
    }

    /// Time 0 of the axis: the recording's first sample.
    var originNanoseconds: Int64
    /// The end of the axis: the recording's last sample.
    var endNanoseconds: Int64
    /// Runs of one truth label.
    var truth: [Span]
    /// One span per window, one hop wide and centred on the window's middle: its own best label.
    var windows: [Span]
    /// The tracker's activity spans, exactly as the session emitted them.
    var activities: [Span]
    /// Stretches where the sensor reported lost data (label nil).
    var gaps: [Span]
}
