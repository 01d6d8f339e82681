import XCTest
import Foundation
import MuJoSensors

/// Issue 12, messages that mislead: the built `mujo` as a process — its exit statuses (the same
/// in `mujo run`'s table and --json modes, non-zero from a probe that finds nothing) and the
/// hints of an unreadable recording and of a path that is no I²C adapter.
final class CommandExitStatusTests: XCTestCase {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    var model: String { root + "/Models/default.mujo" }

    /// The mujo built beside this test bundle (debug or release).
    var mujo: String {
        let here = Bundle(for: Self.self).bundleURL
        let candidates = [here.appendingPathComponent("mujo"), here.deletingLastPathComponent().appendingPathComponent("mujo")]
        return (candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]).path
    }

    struct Result { var status: Int32; var stdout: String; var stderr: String }

    /// Runs `program` (default: mujo) with `args`, standard input from /dev/null.
    func run(_ args: [String], program: String? = nil) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: program ?? mujo)
        p.arguments = args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    func temporary(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("mujo-exit-\(getpid())-\(name)").path
    }

    func testRunExitsWithMujodsStatusInTableAndJSONMode() throws {
        let csv = temporary("bad.csv")
        try "t,ax,ay,az\n0,0.1,0.2,9.8\n0.01,0.1,0.2,9.8\n0.02,x,0.2,9.8\n".write(toFile: csv, atomically: true, encoding: .utf8)
        defer { unlink(csv) }
        let table = try run(["run", "--model", model, "--csv", csv])
        let json = try run(["run", "--model", model, "--csv", csv, "--json"])
        XCTAssertEqual(table.status, 65, "a malformed recording is EX_DATAERR, as mujod: \(table.stderr)")
        XCTAssertEqual(json.status, table.status, json.stderr)
        for r in [table, json] {
            XCTAssertEqual(r.stderr, "Error: \(csv):4:2: ax 'x' is not a number; use a plain decimal such as 9.81\n")
        }
        let missing = try run(["run", "--model", model, "--csv", "/no/such/rec.csv"])
        XCTAssertEqual(missing.status, 66, missing.stderr)
    }

    func testI2CPathThatIsNoAdapterSaysSo() throws {
        let r = try run(["run", "--model", model, "--i2c", "/dev/null"])
        XCTAssertEqual(r.status, 64, "a path that is not an adapter is a usage error: \(r.stderr)")
        XCTAssertTrue(r.stderr.contains("/dev/null is not an I²C adapter (ioctl I2C_SLAVE: ENOTTY (25))"), r.stderr)
        XCTAssertFalse(r.stderr.contains("pull-up"), r.stderr)
        let probe = try run(["probe", "--bus", "/dev/null", "--iio-sysfs", temporary("no-iio")])
        XCTAssertTrue(probe.stdout.contains("/dev/null: /dev/null is not an I²C adapter"), probe.stdout)
    }

    func testProbeThatFindsNothingExits69() throws {
        let empty = temporary("iio-empty")
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: empty) }
        let r = try run(["probe", "--bus", "/dev/i2c-mujo-absent", "--iio-sysfs", empty])
        XCTAssertEqual(r.status, 69, "EX_UNAVAILABLE, as mujod for an absent sensor: \(r.stdout)\(r.stderr)")
        XCTAssertTrue(r.stdout.contains("no IIO devices under \(empty)"), r.stdout)
        XCTAssertEqual(r.stderr, "mujo probe: found no accelerometer on /dev/i2c-mujo-absent and no IIO device; check the wiring and that I²C is enabled, or probe another bus with --bus /dev/i2c-N\n")
    }

    func testUnreadableRecordingDoesNotSuggestTheI2CGroup() throws {
        let csv = temporary("locked.csv")
        try "t,ax,ay,az\n0,0.1,0.2,9.8\n".write(toFile: csv, atomically: true, encoding: .utf8)
        defer { unlink(csv) }
        chmod(csv, 0)
        var args = [mujo, "run", "--model", model, "--csv", csv]
        var program = mujo
        if getuid() == 0 {
            // root reads any file: drop to nobody so open(2) really returns EACCES.
            guard FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else {
                throw XCTSkip("running as root without setpriv(1): cannot make open(2) fail with EACCES")
            }
            program = "/usr/bin/setpriv"
            args = ["--reuid=65534", "--regid=65534", "--clear-groups"] + args
        } else {
            args.removeFirst()
        }
        let r = try run(args, program: program)
        XCTAssertEqual(r.status, 66, r.stderr)
        XCTAssertTrue(r.stderr.contains("cannot open \(csv): EACCES (13); this user may not read it; check its permissions (ls -l \(csv))"), r.stderr)
        XCTAssertFalse(r.stderr.contains("i2c group"), r.stderr)
        // An I²C bus the user may not open still names the group.
        XCTAssertTrue(SensorError.cannotOpen(path: "/dev/i2c-1", errno: .permissionDenied).message.contains("i2c group"))
    }
}
