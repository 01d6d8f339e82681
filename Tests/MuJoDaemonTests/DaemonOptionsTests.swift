import XCTest
@testable import MuJoDaemon
import MuJoSensors

/// mujod's flags and config lines: every accepted form, and every refusal names the flag or
/// line and says what is allowed.
final class DaemonOptionsTests: XCTestCase {
    func parse(_ args: [String], config: String? = nil) throws -> DaemonOptions {
        try DaemonOptionsParser.parse(args) { _ in config }
    }

    func refusal(_ args: [String], config: String? = nil) -> String {
        do { _ = try parse(args, config: config); return "" } catch { return (error as! UsageError).message }
    }

    func testFlagsAndDefaults() throws {
        let o = try parse(["--model", "m.mujo", "--sensor", "i2c:/dev/i2c-1@0x68:mpu6050", "--events", "unix:/run/mujo/e.sock",
                           "--rate=50", "--smooth", "5", "--hold", "3", "--min-score", "0.25", "--min-margin", "0.05",
                           "--stats-every", "30", "--verbose", "--realtime"])
        XCTAssertEqual(o.model, "m.mujo")
        XCTAssertEqual(o.sensor, .i2c(bus: "/dev/i2c-1", address: 0x68, chip: .mpu6050))
        XCTAssertEqual(o.events, .unixSocket("/run/mujo/e.sock"))
        XCTAssertEqual([o.rateHz, o.smooth, o.hold], [50, 5, 3])
        XCTAssertEqual(o.minScore, 0.25)
        XCTAssertEqual(o.minMargin, 0.05)
        XCTAssertEqual(o.statsEvery, 30)
        XCTAssertTrue(o.verbose && o.realtime && !o.embeddings)
        let d = try parse([])
        XCTAssertEqual(d.sensor, .auto)
        XCTAssertEqual(d.events, .standardOutput)
        XCTAssertEqual(try parse(["--sensor", "iio:lis3dh"]).sensor, .iio(name: "lis3dh"))
        XCTAssertEqual(try parse(["--sensor", "csv:rec.csv", "--events", "out.jsonl"]).events, .file("out.jsonl"))
        XCTAssertEqual(try parse(["--sensor", "i2c:/dev/i2c-3"]).sensor, .i2c(bus: "/dev/i2c-3", address: nil, chip: nil))
    }

    func testConfigFileThenFlagsWin() throws {
        let config = """
        # mujod.conf
        model = /usr/share/mujo/default.mujo
        sensor = iio:mpu6050   # the kernel driver
        smooth = 4

        verbose = yes
        """
        let o = try parse(["--config", "/etc/mujo/mujod.conf", "--smooth", "2"], config: config)
        XCTAssertEqual(o.model, "/usr/share/mujo/default.mujo")
        XCTAssertEqual(o.sensor, .iio(name: "mpu6050"))
        XCTAssertEqual(o.smooth, 2)
        XCTAssertTrue(o.verbose)
        XCTAssertEqual(o.configFile, "/etc/mujo/mujod.conf")
    }

    func testBadFlagsNameTheFlagAndWhatIsAllowed() {
        XCTAssertTrue(refusal(["--modle", "x"]).hasPrefix("unknown flag --modle"))
        XCTAssertTrue(refusal(["--model"]).hasPrefix("--model needs a value"))
        XCTAssertTrue(refusal(["model.mujo"]).contains("unexpected argument 'model.mujo'"))
        XCTAssertEqual(refusal(["--rate", "0"]), "--rate '0': expected an output data rate in Hz from 1 to 1000, e.g. 100")
        XCTAssertEqual(refusal(["--smooth", "many"]), "--smooth 'many': expected a window count from 1 (no smoothing) to 64")
        XCTAssertEqual(refusal(["--min-margin", "nan"]), "--min-margin 'nan': expected a cosine difference from 0 to 2, e.g. 0.05")
        XCTAssertEqual(refusal(["--min-score", "2"]), "--min-score '2': expected a cosine from -1 to 1, e.g. 0.3")
        XCTAssertTrue(refusal(["--sensor", "spi:0"]).contains("the sensor is one of auto, i2c:/dev/i2c-N[@0xAA][:chip], iio:NAME or csv:FILE"))
        XCTAssertTrue(refusal(["--sensor", "i2c:/dev/i2c-1@0x99"]).contains("'0x99' is not a 7-bit I²C address"))
        XCTAssertTrue(refusal(["--sensor", "i2c:/dev/i2c-1:mma8451"]).contains("unknown chip 'mma8451'; choose mpu6050, mpu6500"))
        XCTAssertTrue(refusal(["--sensor", "i2c:1"]).contains("give the bus device, e.g. i2c:/dev/i2c-1"))
        XCTAssertTrue(refusal(["--events", "unix:relative.sock"]).contains("absolute path"))
        XCTAssertEqual(refusal(["--verbose=maybe"]), "--verbose 'maybe': expected true or false")
    }

    func testAllowWritableModelIsASwitchAndAConfigKey() throws {
        XCTAssertFalse(try DaemonOptionsParser.parse([], readConfig: { _ in nil }).allowWritableModel)
        XCTAssertTrue(try DaemonOptionsParser.parse(["--allow-writable-model"], readConfig: { _ in nil }).allowWritableModel)
        XCTAssertTrue(try DaemonOptionsParser.parse(["--config", "d.conf"], readConfig: { _ in "allow-writable-model = true\n" }).allowWritableModel)
    }

    func testBadConfigLinesNameFileAndLine() {
        XCTAssertEqual(refusal(["--config", "c.conf"], config: "model = m\nsmoth = 3\n"),
                       "c.conf:2: unknown setting 'smoth'; allowed: model, sensor, events, rate, smooth, hold, min-score, min-margin, stats-every, time-unit, realtime, verbose, embeddings, allow-writable-model")
        XCTAssertEqual(refusal(["--config", "c.conf"], config: "just words\n"), "c.conf:1: 'just words' is not `key = value`")
        XCTAssertEqual(refusal(["--config", "c.conf"], config: "\n\nrate = fast\n"), "c.conf:3: rate 'fast': expected an output data rate in Hz from 1 to 1000, e.g. 100")
        XCTAssertEqual(refusal(["--config", "missing.conf"], config: nil), "--config missing.conf: cannot read the file; check the path and its permissions")
    }

    /// Issue 12: the CSV's time unit as a flag and a config key; csv:- is standard input.
    func testTimeUnitFlagConfigKeyAndStandardInput() throws {
        let o = try parse(["--sensor", "csv:-", "--time-unit", "ms"])
        XCTAssertEqual(o.sensor, .csv(path: "-"))
        XCTAssertEqual(o.timeUnit, .milliseconds)
        XCTAssertNil(try parse(["--sensor", "csv:rec.csv"]).timeUnit)
        let c = try parse(["--config", "m.conf"], config: "sensor = csv:/var/rec.csv\ntime-unit = ns\n")
        XCTAssertEqual(c.timeUnit, .nanoseconds)
        XCTAssertEqual(try parse(["--config", "m.conf", "--time-unit=us"], config: "sensor = csv:a.csv\ntime-unit = ns\n").timeUnit, .microseconds)
        XCTAssertEqual(refusal(["--sensor", "csv:a.csv", "--time-unit", "min"]), "--time-unit 'min': expected the CSV's time unit: s, ms, us or ns")
        XCTAssertEqual(refusal(["--sensor", "iio:lis3dh", "--time-unit", "ms"]),
                       "--time-unit ms applies to CSV recordings only; use it with --sensor csv:FILE or csv:-")
        XCTAssertTrue(DaemonOptionsParser.usage.contains("[--time-unit s|ms|us|ns]"))
        XCTAssertTrue(DaemonOptionsParser.usage.contains("csv:-"))
    }
}

