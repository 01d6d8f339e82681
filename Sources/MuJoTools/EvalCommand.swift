// HOST ONLY. `mujo eval`: classification figures measured through the Swift runtime — the int8
// model file and, with --float, the float ONNX encoder run by the same interpreter — plus int8
// fidelity and few-shot prototypes; with --recording, a labelled recording played through the
// device's own recognition loop; with --html, a report page (Report/).
import ArgumentParser
import Foundation
import MuJoCore
import MuJoDaemon
import MuJoDevice
import MuJoONNX

public struct EvalCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a model on labelled windows or a labelled recording: accuracy, macro-F1, per-class recall, int8 fidelity, few-shot, an HTML report.",
        discussion: """
        Windows are a float32 .npy [N, C, T] (the ONNX input layout, the model's units); targets a text \
        file with one label name per window. Nearest-label classification uses the model's label table \
        or --labels (e.g. an unseen dataset's own label names, zero-shot).

        --recording plays a CSV (t, ax, ay, az and a last column `activity` or `label` with the true \
        activity of each row, e.g. Firmware-host/Recordings/wisdm2019-subject1604-excerpt.csv) through \
        the loop mujod runs (resampling, windows, thresholds, the activity tracker with --smooth/--hold). \
        A window's truth is the majority label of its samples.

        --html writes a self-contained page: the confusion matrix and per-class recall (of --windows \
        when given, else of the recording's windows) and, with --recording, a timeline of truth, each \
        window's label and the tracked activities. Output paths are checked before any work and \
        written atomically.
        """
    )

    @Argument(help: "The int8 (or float) .mujo model.")
    var model: String

    @Option(help: "Windows, float32 .npy [N, C, T] (with --targets).")
    var windows: String?

    @Option(help: "Text file: the true label name of each window, one per line.")
    var targets: String?

    @Option(help: "A labelled CSV recording (last column activity or label) to run through the device loop.")
    var recording: String?

    @Option(help: "Write an HTML report here (confusion matrix, recall, and with --recording a timeline).")
    var html: String?

    @Option(help: "With --recording: windows averaged before an activity is decided (1 = none).")
    var smooth = DaemonOptions().smooth

    @Option(help: "With --recording: windows a new label must lead before the activity changes.")
    var hold = DaemonOptions().hold

    @Option(help: "With --recording: below this best cosine a window is unknown to the tracker.")
    var minScore: Float = DaemonOptions().minScore

    @Option(help: "With --recording: below this margin between the best two cosines a window is unknown.")
    var minMargin: Float = DaemonOptions().minMargin

    @Option(help: "Label embeddings JSON to classify against instead of the model's table.")
    var labels: String?

    @Option(name: .customLong("float"), help: "The float ONNX encoder, to report float figures and int8 fidelity.")
    var floatEncoder: String?

    @Option(help: "Few-shot: comma-separated k (windows per class), e.g. 1,5,10.")
    var fewShot: String?

    @Option(help: "Few-shot support windows (.npy, other subjects than the evaluated ones).")
    var supportWindows: String?

    @Option(help: "Few-shot support targets (text, one label name per line).")
    var supportTargets: String?

    @Option(help: "Few-shot random draws per k (seeded), 1 or more.")
    var draws = 10

    @Option(help: "A name for this evaluation in the report.")
    var name = "evaluation"

    @Option(help: "Write the figures as JSON here.")
    var report: String?

    public init() {}

    public func validate() throws {
        if (windows == nil) != (targets == nil) {
            throw ValidationError("--windows and --targets go together: the windows and one true label per window")
        }
        if windows == nil && recording == nil {
            throw ValidationError("nothing to evaluate: give --windows W.npy --targets W.txt, --recording REC.csv, or both")
        }
        if windows == nil && (fewShot != nil || floatEncoder != nil) {
            throw ValidationError("--few-shot and --float evaluate --windows; give --windows and --targets too")
        }
        guard (1...64).contains(smooth), (1...64).contains(hold) else { throw ValidationError("--smooth and --hold take a window count from 1 to 64") }
        guard (-1...1).contains(minScore), (0...2).contains(minMargin) else {
            throw ValidationError("--min-score takes a cosine from -1 to 1, --min-margin a difference from 0 to 2")
        }
        if fewShot != nil && (supportWindows == nil || supportTargets == nil) {
            throw ValidationError("--few-shot needs --support-windows and --support-targets")
        }
        guard draws >= 1 else { throw ValidationError("--draws \(draws): give 1 or more random draws per k") }
        _ = try fewShotSizes()
    }

    /// The k of --few-shot (windows per class), each 1 or more.
    func fewShotSizes() throws -> [Int] {
        try (fewShot ?? "").split(separator: ",").map { kText in
            guard let k = Int(kText.trimmingCharacters(in: .whitespaces)), k >= 1 else {
                throw ValidationError("--few-shot: '\(kText)' is not a positive number")
            }
            return k
        }
    }

    public func run() throws {
        setvbuf(stdout, nil, _IOLBF, 0)
        // Output paths first: a long evaluation must not end in "cannot write".
        if let html { try ReportFile.checkWritable(html, option: "--html") }
        if let report { try ReportFile.checkWritable(report, option: "--report") }
        var int8Model = try loadModel(model)
        if let labels {
            let file = try LabelsFile.load(labels)
            try Pipeline.checkLabels(file.labels, file: labels, model: int8Model, encoder: model)
            int8Model.labels = file.labels
        }
        let names = int8Model.labels.labels.map(\.name)
        let start = Date()
        var result = EvalReport(name: name, model: model, labels: names, chanceAccuracy: 1.0 / Double(names.count))
        var windowsMatrix: ConfusionMatrix? = nil
        if let windows, let targets {
            windowsMatrix = try evaluateWindows(windows, targets: targets, model: int8Model, into: &result)
        }
        var recorded: RecordingEvaluation? = nil
        if let recording {
            let r = try RecordingEvaluation.run(path: recording, model: int8Model, settings: trackerSettings)
            let f = r.figures
            result.recording = f
            print("recording  \(recording): \(fmt(f.sensorSeconds / 60, 1)) min, \(f.windows) windows through the device loop (smooth \(smooth), hold \(hold))")
            print("           window accuracy \(pct(f.windowAccuracy)) (own label), activity accuracy \(pct(f.activityAccuracy)) (tracker); \(f.activities) activities reported, \(f.truthActivities) in the truth, \(f.gaps) gaps")
            recorded = r
        }
        result.seconds = Date().timeIntervalSince(start)
        if let report {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try ReportFile.write(try encoder.encode(result), to: report, option: "--report")
            print("report     \(report)")
        }
        if let html {
            let page = htmlReport(result, windowsMatrix: windowsMatrix, recording: recorded)
            try ReportFile.write(Data(page.render().utf8), to: html, option: "--html")
            print("html       \(html)")
        }
    }

    var trackerSettings: ActivityTrackerSettings {
        ActivityTrackerSettings(smooth: smooth, hold: hold, minScore: minScore, minMargin: minMargin)
    }

    /// Nearest-label figures of the labelled windows (int8, --float, --few-shot) into `result`;
    /// returns the int8 confusion matrix.
    func evaluateWindows(_ windows: String, targets: String, model int8Model: ModelDescription, into result: inout EvalReport) throws -> ConfusionMatrix {
        let table = int8Model.labels
        let spec = int8Model.inputSpec
        let names = table.labels.map(\.name)
        let data = try Pipeline.loadWindows(windows, channels: spec.channels.count, window: spec.window)
        let targetIdx = try readTargets(targets, count: data.shape[0], names: names)

        let labelEmbeddings = table.labels.map(\.embedding)
        let q = embed(ModelRunner(model: int8Model), data)
        let qPred = q.map { Evaluation.nearest($0, prototypes: labelEmbeddings) }
        let qm = Evaluation.metrics(targets: targetIdx, predictions: qPred)
        result.windows = data.shape[0]
        result.int8 = MetricsReport(qm, names)
        print("\(name): \(data.shape[0]) windows, \(names.count) labels (chance accuracy \(pct(1.0 / Double(names.count))))")
        print(row("int8", qm))

        if let floatEncoder {
            let imported = try ONNXImporter.load(path: floatEncoder, inputSpec: spec, labels: table)
            let fe = embed(imported.runner(), data)
            let fPred = fe.map { Evaluation.nearest($0, prototypes: labelEmbeddings) }
            let fm = Evaluation.metrics(targets: targetIdx, predictions: fPred)
            result.float = MetricsReport(fm, names)
            print(row("float", fm))
            let cos = zip(fe, q).map { Double(Evaluation.cosine($0, $1)) }
            let flips = zip(fPred, qPred).filter { $0 != $1 }.count
            let fidelity = FidelityFigures(cosineMean: cos.reduce(0, +) / Double(cos.count), cosineP01: Evaluation.quantile(cos, 0.01),
                                           labelFlips: Double(flips) / Double(cos.count))
            result.fidelity = fidelity
            print("fidelity   float-vs-int8 embedding cosine mean \(fmt(fidelity.cosineMean, 4)), 1st percentile \(fmt(fidelity.cosineP01, 4)); labels changed \(pct(fidelity.labelFlips))")
        }
        print("per-class recall (int8\(result.float == nil ? "" : " / float")):")
        for (k, c) in qm.classes.enumerated() {
            print("  \(names[c].padding(toLength: 20, withPad: " ", startingAt: 0)) \(fmt(qm.recall[k], 3))" + (result.float.map { " / " + fmt($0.recall[names[c]] ?? 0, 3) } ?? ""))
        }

        if fewShot != nil, let supportWindows, let supportTargets {
            let sData = try Pipeline.loadWindows(supportWindows, channels: spec.channels.count, window: spec.window)
            let sTargets = try readTargets(supportTargets, count: sData.shape[0], names: names)
            let sq = embed(ModelRunner(model: int8Model), sData)
            var few: [FewShotFigures] = []
            for k in try fewShotSizes() {
                var rng = SplitMix64(seed: 2026)
                var f1s: [Double] = [], accs: [Double] = []
                for _ in 0..<draws {
                    guard let protos = Evaluation.prototypes(embeddings: sq, targets: sTargets, classes: qm.classes, k: k, rng: &rng) else {
                        throw CommandFailure("\(supportTargets): some class has fewer than \(k) support windows")
                    }
                    let pred = q.map { qm.classes[Evaluation.nearest($0, prototypes: protos)] }
                    let m = Evaluation.metrics(targets: targetIdx, predictions: pred)
                    f1s.append(m.macroF1)
                    accs.append(m.accuracy)
                }
                let mean = f1s.reduce(0, +) / Double(draws)
                let sd = (f1s.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(draws)).squareRoot()
                few.append(FewShotFigures(k: k, draws: draws, macroF1Mean: mean, macroF1Std: sd, accuracyMean: accs.reduce(0, +) / Double(draws)))
                print("few-shot   k = \(k): int8 macro-F1 \(fmt(mean, 4)) ± \(fmt(sd, 4)) over \(draws) draws of support windows")
            }
            result.fewShot = few
        }
        return ConfusionMatrix(truth: targetIdx.map { names[$0] }, recognised: qPred.map { names[$0] }, order: names)
    }

    /// The page: figures, the matrix (windows when given, else the recording's) and the timeline.
    func htmlReport(_ result: EvalReport, windowsMatrix: ConfusionMatrix?, recording: RecordingEvaluation?) -> HTMLReport {
        var page = HTMLReport(title: "MuJo Edge evaluation: \(name)", model: model)
        page.labelOrder = result.labels
        page.chance = result.chanceAccuracy
        page.figures.append(("labels", "\(result.labels.count) (chance accuracy \(pct(result.chanceAccuracy)))"))
        if let windows, let n = result.windows, let int8 = result.int8 {
            page.figures.append(("windows", "\(n) (\(windows))"))
            page.figures.append(("int8 accuracy / macro-F1", "\(pct(int8.accuracy)) / \(fmt(int8.macroF1, 4))"))
            if let float = result.float { page.figures.append(("float accuracy / macro-F1", "\(pct(float.accuracy)) / \(fmt(float.macroF1, 4))")) }
            if let fidelity = result.fidelity {
                page.figures.append(("int8 fidelity", "embedding cosine \(fmt(fidelity.cosineMean, 4)) mean, labels changed \(pct(fidelity.labelFlips))"))
            }
            for few in result.fewShot ?? [] {
                page.figures.append(("few-shot k = \(few.k)", "macro-F1 \(fmt(few.macroF1Mean, 4)) ± \(fmt(few.macroF1Std, 4))"))
            }
        }
        if let recording, let f = result.recording {
            page.figures.append(("recording", "\(recording.path), \(fmt(f.sensorSeconds / 60, 1)) min, \(f.windows) windows"))
            page.figures.append(("window accuracy (own label)", pct(f.windowAccuracy)))
            page.figures.append(("activity accuracy (tracker)", pct(f.activityAccuracy)))
            page.figures.append(("activities reported / in the truth", "\(f.activities) / \(f.truthActivities), tracker smooth \(smooth), hold \(hold)"))
            page.timeline = recording.timeline
            page.timelineSource = "\(recording.path) played through the device loop (mujod's recognition session) on the sensor clock: the truth from its last column, each window's own label (one hop wide, centred on the window; unknown when no label passes its threshold), and the activities the tracker reported. Hover over a span for its times and cosine."
        }
        if let windowsMatrix, let windows {
            page.confusion = windowsMatrix
            page.matrixSource = "From the \(windowsMatrix.total) windows of \(windows) (int8 model, nearest label)."
        } else if let recording {
            page.confusion = recording.confusion
            page.matrixSource = "From the \(recording.confusion.total) windows of \(recording.path) as the device loop recognised them (the window's own best label above its threshold, else unknown); a window's truth is the majority label of its samples."
        }
        return page
    }

    func embed(_ runner: ModelRunner, _ data: NPYArray) -> [[Float]] {
        let per = data.shape[1] * data.shape[2]
        return (0..<data.shape[0]).map { k in runner.run(window: data.values[(k * per)..<((k + 1) * per)]) }
    }

    func readTargets(_ path: String, count: Int, names: [String]) throws -> [Int] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw CommandFailure("cannot read targets file '\(path)'") }
        // Split on any line break: a Character "\r\n" is not equal to "\n", so a CRLF file split on "\n" is one line.
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        let used = lines.last == "" ? Array(lines.dropLast()) : lines
        guard used.count == count else { throw CommandFailure("\(path): \(used.count) target lines for \(count) windows") }
        var index: [String: Int] = [:]
        for (i, n) in names.enumerated() { index[n] = i }
        return try used.enumerated().map { (i, n) in
            guard let k = index[n] else { throw CommandFailure("\(path):\(i + 1): '\(n)' is not a label of the table (\(names.joined(separator: ", ")))") }
            return k
        }
    }

    func row(_ what: String, _ m: ClassMetrics) -> String {
        "\(what.padding(toLength: 10, withPad: " ", startingAt: 0)) macro-F1 \(fmt(m.macroF1, 4))   accuracy \(fmt(m.accuracy, 4))"
    }
    func fmt(_ v: Double, _ d: Int) -> String { String(format: "%.\(d)f", v) }
    func pct(_ v: Double) -> String { String(format: "%.1f %%", v * 100) }
}

/// The JSON report of `mujo eval` (--report). Sections of options not given are left out.
struct EvalReport: Encodable {
    var name: String
    var model: String
    var windows: Int? = nil
    var labels: [String]
    var chanceAccuracy: Double
    var int8: MetricsReport? = nil
    var float: MetricsReport? = nil
    var recording: RecordingFigures? = nil
    var fidelity: FidelityFigures? = nil
    var fewShot: [FewShotFigures]? = nil
    var seconds: Double = 0

    enum CodingKeys: String, CodingKey {
        case name, model, windows, labels, chanceAccuracy = "chance_accuracy", int8, float, recording, fidelity, fewShot = "few_shot", seconds
    }
}

/// Nearest-label classification figures of one model (int8 or float).
struct MetricsReport: Encodable {
    var accuracy: Double
    var macroF1: Double
    /// Recall by label name, for the labels that occur in the targets.
    var recall: [String: Double]

    init(_ metrics: ClassMetrics, _ names: [String]) {
        accuracy = metrics.accuracy
        macroF1 = metrics.macroF1
        recall = [:]
        for (k, c) in metrics.classes.enumerated() { recall[names[c]] = metrics.recall[k] }
    }

    enum CodingKeys: String, CodingKey { case accuracy, macroF1 = "macro_f1", recall }
}

/// How close the int8 embeddings are to the float ones, window by window.
struct FidelityFigures: Encodable {
    var cosineMean: Double
    var cosineP01: Double
    /// The fraction of windows whose nearest label differs between float and int8.
    var labelFlips: Double

    enum CodingKeys: String, CodingKey { case cosineMean = "cosine_mean", cosineP01 = "cosine_p01", labelFlips = "label_flips" }
}

/// Few-shot classification with prototypes of k support windows per class, over `draws` draws.
struct FewShotFigures: Encodable {
    var k: Int
    var draws: Int
    var macroF1Mean: Double
    var macroF1Std: Double
    var accuracyMean: Double

    enum CodingKeys: String, CodingKey {
        case k, draws, macroF1Mean = "macro_f1_mean", macroF1Std = "macro_f1_std", accuracyMean = "accuracy_mean"
    }
}
