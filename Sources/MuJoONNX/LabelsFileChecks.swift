// HOST ONLY. What a label table must be for the model file to carry it — checked when a labels
// JSON is read, so `mujo labels --set` and `mujo quantize` refuse what the board's reader
// (MuJoCore ModelReader.readLabels, GraphValidator.validateLabels) or the recogniser would
// refuse or misread, and say which label and what to do.
import MuJoCore

extension LabelsFile {
    /// The most labels a model file holds (ModelReader.readLabels).
    public static let maxLabels = 65536

    /// Throws an ImportError naming `file` and the label: no labels or too many, an empty or
    /// duplicate name, control characters in a name or prompt (a prompt's newline would split it
    /// in two in the file), a threshold that is not a cosine in [-1, 1].
    static func check(_ labels: [Label], file: String) throws {
        guard !labels.isEmpty else {
            throw ImportError("\(file): \"labels\" is empty; a model needs at least one label to recognise")
        }
        guard labels.count <= maxLabels else {
            throw ImportError("\(file): \(labels.count) labels; a model file holds at most \(maxLabels), remove some")
        }
        var seen = Set<String>()
        for (i, l) in labels.enumerated() {
            let at = "labels[\(i)] '\(printable(l.name))'"
            guard !l.name.allSatisfy({ $0 == " " || $0 == "\t" }) else {
                throw ImportError("\(file): labels[\(i)].name is blank; give every label a name")
            }
            if let c = firstControl(l.name) {
                throw ImportError("\(file): \(at): the name contains the control character U+\(c); use printable text only")
            }
            for p in l.prompts {
                if let c = firstControl(p) {
                    throw ImportError("\(file): \(at): a prompt contains the control character U+\(c); put each prompt in its own string, printable text only")
                }
            }
            guard seen.insert(l.name).inserted else {
                throw ImportError("\(file): \(at): the name appears twice; label names must be unique")
            }
            if let t = l.threshold {
                guard t.isFinite, t >= -1, t <= 1 else {
                    throw ImportError("\(file): \(at): threshold \(t) is not a cosine; give a value from -1 to 1, or null for none")
                }
            }
        }
    }

    /// Throws an ImportError naming `file` and the field when the input_spec is not one a model file
    /// can carry (ModelReader.readInputSpec): a rate that is not a positive number, a window outside
    /// 1…65536 samples, a hop outside 1…window, no channels or more than the file holds, a
    /// normalisation mean that is not finite or a std that is not positive.
    static func checkSpec(_ s: InputSpec, file: String) throws {
        func fail(_ what: String) -> ImportError { ImportError("\(file): input_spec.\(what)") }
        guard s.sampleRateHz.isFinite, s.sampleRateHz > 0 else { throw fail("sample_rate_hz is \(s.sampleRateHz); give the rate in Hz, e.g. 20") }
        guard s.window >= 1, s.window <= 1 << 16 else { throw fail("window is \(s.window); give 1 to 65536 samples") }
        guard s.hop >= 1, s.hop <= s.window else { throw fail("hop is \(s.hop); give 1 to the window's \(s.window) samples") }
        guard !s.channels.isEmpty, s.channels.count <= ModelFormat.maxInputChannels else {
            throw fail("channels lists \(s.channels.count); give 1 to \(ModelFormat.maxInputChannels) of ax, ay, az, gx, gy, gz")
        }
        for (i, m) in s.mean.enumerated() where !m.isFinite { throw fail("normalization.mean[\(i)] is \(m); it must be a finite number") }
        for (i, d) in s.std.enumerated() where !(d.isFinite && d > 0) {
            throw fail("normalization.std[\(i)] is \(d); a standard deviation must be positive (the window is divided by it)")
        }
    }

    private static func firstControl(_ s: String) -> String? {
        guard let c = s.unicodeScalars.first(where: { $0.properties.generalCategory == .control }) else { return nil }
        return String(c.value, radix: 16, uppercase: true)
    }

    private static func printable(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : $0 }))
    }
}
