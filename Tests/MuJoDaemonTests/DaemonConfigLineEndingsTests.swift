import XCTest
@testable import MuJoDaemon
import MuJoSensors

/// A config file edited on Windows: CRLF line ends, a '\r' left on the last value, a UTF-8 byte
/// order mark (Notepad's "UTF-8 with BOM") read exactly as the same file with LF and no mark.
final class DaemonConfigLineEndingsTests: XCTestCase {
    let lines = [
        "# mujod.conf, edited on Windows",
        "model = /usr/share/mujo/default.mujo",
        "sensor = csv:/var/rec.csv   # a recording",
        "",
        "smooth = 4",
        "min-score = 0.25",
        "time-unit = ms",
        "events = /var/log/mujo/events.jsonl",
        "verbose = yes",
        "embeddings = true",
    ]

    func parse(_ text: String) throws -> DaemonOptions {
        try DaemonOptionsParser.parse(["--config", "mujod.conf"]) { _ in text }
    }

    func refusal(_ text: String) -> String {
        do { _ = try parse(text); return "" } catch { return (error as! UsageError).message }
    }

    func testCRLFAndATrailingCarriageReturnReadAsLF() throws {
        let text = lines
        let lf = try parse(text.joined(separator: "\n") + "\n")
        XCTAssertEqual(lf.sensor, .csv(path: "/var/rec.csv"))
        XCTAssertEqual(lf.smooth, 4)
        XCTAssertEqual(lf.timeUnit, .milliseconds)
        XCTAssertEqual(lf.events, .file("/var/log/mujo/events.jsonl"))
        XCTAssertTrue(lf.embeddings)
        for variant in [text.joined(separator: "\r\n") + "\r\n",          // CRLF throughout
                        text.joined(separator: "\r\n") + "\r",            // the last line's CR without LF
                        text.joined(separator: "\r\n"),                   // no line end at all
                        text.joined(separator: "\n") + "\r"] {            // LF, one '\r' left on the last value
            XCTAssertEqual(try parse(variant), lf, variant.debugDescription)
        }
        XCTAssertEqual(try parse("embeddings = true\r").embeddings, true)
        XCTAssertEqual(try parse("sensor = iio:lis3dh\r\n").sensor, .iio(name: "lis3dh"))
    }

    func testCRLFRefusalsNameTheLineWithoutTheCarriageReturn() {
        XCTAssertEqual(refusal("model = m\r\nsmoth = 3\r\n").prefix(40), "mujod.conf:2: unknown setting 'smoth'; a")
        XCTAssertEqual(refusal("\r\n\r\nrate = fast\r\n"), "mujod.conf:3: rate 'fast': expected an output data rate in Hz from 1 to 1000, e.g. 100")
    }

    func testAByteOrderMarkIsNotPartOfTheFirstKey() throws {
        let lf = try parse(lines.joined(separator: "\n"))
        XCTAssertEqual(try parse("\u{FEFF}" + lines.joined(separator: "\r\n") + "\r\n"), lf)
        XCTAssertEqual(try parse("\u{FEFF}smooth = 7\r\n").smooth, 7)
        XCTAssertEqual(refusal("\u{FEFF}\r\nsmoth = 3").prefix(40), "mujod.conf:2: unknown setting 'smoth'; a")
    }
}
