// HOST ONLY. `mujo eval --recording`: a labelled CSV recording played through the recognition
// loop the board runs (MuJoDaemon.RecognitionSession: CSV replay → device loop → recognizer →
// activity tracker), with every window, activity span and gap recorded, then judged against the
// recording's own truth column.
import Foundation
import MuJoCore
import MuJoDaemon
import MuJoDevice
import MuJoSensors

/// One window as the session reported it, with the recording's truth.
struct RecordedWindow: Equatable {
    var startNanoseconds: Int64
    var endNanoseconds: Int64
    /// The window's own best label that passed its threshold; nil: none did (unknown).
    var recognised: String?
    var cosine: Float
    /// The majority truth of the samples inside the window.
    var truth: String?
    var middleNanoseconds: Int64 { startNanoseconds + (endNanoseconds - startNanoseconds) / 2 }
}

/// Collects the session's events.
struct SessionRecorder: SessionOutput {
    var windows: [RecordedWindow] = []
    var activities: [ActivitySpan] = []
    var gaps: [SensorGap] = []
    var sensorError: String? = nil

    mutating func emit(_ event: SessionEvent, recognizer: Recognizer) {
        switch event {
        case .window(let r):
            windows.append(RecordedWindow(startNanoseconds: r.startNanoseconds, endNanoseconds: r.endNanoseconds,
                                          recognised: r.top.0.map { recognizer.labelName($0.label) }, cosine: r.top.0?.cosine ?? 0, truth: nil))
        case .activity(let span): activities.append(span)
        case .gap(let gap): gaps.append(gap)
        case .sensorError(let message): sensorError = message
        case .start, .stats, .stop, .signal: break
        }
    }
}

struct RecordingEvaluation {
    var path: String
    /// The model's label names, in table order.
    var labelNames: [String]
    var windows: [RecordedWindow]
    /// The tracker's spans as the session emitted them (label indices into `labelNames`).
    var activities: [ActivitySpan]
    var gaps: [SensorGap]
    var truthRuns: [Timeline.Span]
    var firstSampleNanoseconds: Int64
    var lastSampleNanoseconds: Int64
    var hopNanoseconds: Int64

    /// Plays `path` through a RecognitionSession with `model` (its label table as given) and the
    /// tracker `settings`, as fast as possible.
    static func run(path: String, model: ModelDescription, settings: ActivityTrackerSettings) throws -> RecordingEvaluation {
        let truth = try RecordingTruth.labels(path: path)
        let recording: CSVRecording
        do {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            recording = try parseMotionCSV(bytes, path: path, configuration: CSVReplayConfiguration(path: path))
        } catch let error as SensorError {
            throw CommandFailure("--recording \(path): \(error.message)")
        }
        let times = recording.samples.map(\.timestampNanoseconds)
        guard times.count == truth.count else {
            throw CommandFailure("--recording \(path): \(times.count) samples but \(truth.count) truth labels; every sample row needs its activity")
        }
        let recognizer: Recognizer
        do { recognizer = try Recognizer(model: model) } catch { throw CommandFailure(error.description) }
        let sensor = CSVReplay(system: LinuxSystemCalls(), configuration: CSVReplayConfiguration(path: path))
        var session: RecognitionSession<CSVReplay<LinuxSystemCalls>>
        do {
            session = try RecognitionSession(sensor: sensor, recognizer: recognizer,
                                             settings: SessionSettings(tracker: settings, statsEverySeconds: 0))
        } catch { throw CommandFailure(error.description) }
        var recorder = SessionRecorder()
        let end = session.run(model: "model", sensorDescription: "csv:\(path)", output: &recorder,
                              now: { Int64(DispatchTime.now().uptimeNanoseconds) }, rss: { 0 }, shouldStop: { false })
        if case .sensorFailed(let error) = end { throw CommandFailure("--recording \(path): \(error.message)") }
        guard !recorder.windows.isEmpty else {
            throw CommandFailure("--recording \(path): too short for one window of \(model.inputSpec.window) samples at \(Markup.fixed(Double(model.inputSpec.sampleRateHz), 0)) Hz")
        }
        var windows = recorder.windows
        for i in windows.indices {
            windows[i].truth = RecordingTruth.majority(names: truth, times: times, from: windows[i].startNanoseconds, to: windows[i].endNanoseconds)
        }
        let spec = model.inputSpec
        return RecordingEvaluation(path: path, labelNames: model.labels.labels.map(\.name), windows: windows,
                                   activities: recorder.activities, gaps: recorder.gaps,
                                   truthRuns: RecordingTruth.runs(names: truth, times: times),
                                   firstSampleNanoseconds: times.first!, lastSampleNanoseconds: times.last!,
                                   hopNanoseconds: Int64((Double(spec.hop) / Double(spec.sampleRateHz) * 1e9).rounded()))
    }

    /// Windows with a truth label: truth by row, the window's own label (or unknown) by column.
    var confusion: ConfusionMatrix {
        let judged = windows.filter { $0.truth != nil }
        return ConfusionMatrix(truth: judged.map { $0.truth! }, recognised: judged.map { $0.recognised ?? LabelPalette.unknownName },
                               order: labelNames)
    }

    /// The tracker's activity at sensor time `t` (nil: unknown, or no span covers it).
    func activity(at t: Int64) -> String? {
        guard let span = activities.first(where: { $0.startNanoseconds <= t && t < $0.endNanoseconds }) else { return nil }
        return span.label.map { labelNames[$0] }
    }

    /// Fractions of the windows with a truth whose own label / whose smoothed activity at the
    /// window's middle is that truth (unknown counts as wrong).
    var figures: RecordingFigures {
        let judged = windows.filter { $0.truth != nil }
        let raw = judged.filter { $0.recognised == $0.truth }.count
        let smoothed = judged.filter { activity(at: $0.middleNanoseconds) == $0.truth }.count
        let n = Double(max(judged.count, 1))
        return RecordingFigures(path: path, windows: windows.count, judgedWindows: judged.count,
                                windowAccuracy: Double(raw) / n, activityAccuracy: Double(smoothed) / n,
                                activities: activities.count, truthActivities: truthRuns.count, gaps: gaps.count,
                                sensorSeconds: Double(lastSampleNanoseconds - firstSampleNanoseconds) / 1e9)
    }

    /// The report's timeline: truth runs, each window one hop wide around its middle, the spans.
    var timeline: Timeline {
        let half = hopNanoseconds / 2
        return Timeline(
            originNanoseconds: firstSampleNanoseconds, endNanoseconds: lastSampleNanoseconds, truth: truthRuns,
            windows: windows.map { w in
                Timeline.Span(label: w.recognised, startNanoseconds: w.middleNanoseconds - half, endNanoseconds: w.middleNanoseconds + half,
                              note: "window \(TimelineSVG.clock(w.startNanoseconds - firstSampleNanoseconds))–\(TimelineSVG.clock(w.endNanoseconds - firstSampleNanoseconds)), cosine \(Markup.fixed(Double(w.cosine), 3)), truth \(w.truth ?? "none")")
            },
            activities: activities.map { a in
                Timeline.Span(label: a.label.map { labelNames[$0] }, startNanoseconds: a.startNanoseconds, endNanoseconds: a.endNanoseconds,
                              note: "\(a.windows) windows, mean cosine \(Markup.fixed(Double(a.meanScore), 3))")
            },
            gaps: gaps.map { Timeline.Span(label: nil, startNanoseconds: $0.startNanoseconds, endNanoseconds: $0.endNanoseconds, note: "sensor gap") })
    }
}

/// The recording section of `mujo eval --report`.
struct RecordingFigures: Encodable, Equatable {
    var path: String
    var windows: Int
    /// Windows with a truth label (the majority of their samples).
    var judgedWindows: Int
    /// The window's own label is its truth.
    var windowAccuracy: Double
    /// The tracker's activity at the window's middle is its truth.
    var activityAccuracy: Double
    var activities: Int
    var truthActivities: Int
    var gaps: Int
    var sensorSeconds: Double

    enum CodingKeys: String, CodingKey {
        case path, windows, judgedWindows = "judged_windows", windowAccuracy = "window_accuracy", activityAccuracy = "activity_accuracy"
        case activities, truthActivities = "truth_activities", gaps, sensorSeconds = "sensor_seconds"
    }
}
