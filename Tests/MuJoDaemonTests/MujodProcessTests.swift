import XCTest
import Foundation

/// Issue 9, acceptance 4: mujod as a process — SIGTERM mid-activity writes the closing events and
/// exits 0; an unwritable event file, a reader that goes away, a missing or corrupt model and bad
/// flags each get a clear message and the documented exit status, never a crash.
final class MujodProcessTests: XCTestCase {
    /// The mujod built beside this test bundle (debug or release).
    var mujod: URL {
        let here = Bundle(for: Self.self).bundleURL
        let candidates = [here.appendingPathComponent("mujod"), here.deletingLastPathComponent().appendingPathComponent("mujod")]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }

    final class Collected: @unchecked Sendable { var data = Data() }

    struct Result { var status: Int32; var stdout: String; var stderr: String; var reason: Process.TerminationReason }

    func run(_ args: [String], signalAfter seconds: Double? = nil, whileRunning: ((Process) throws -> Void)? = nil) throws -> Result {
        let p = Process()
        p.executableURL = mujod
        p.arguments = args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let collected = Collected()
        let reader = Thread { collected.data = out.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        try whileRunning?(p)
        if let seconds {
            Thread.sleep(forTimeInterval: seconds)
            p.terminate()   // SIGTERM
        }
        p.waitUntilExit()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        while reader.isExecuting || !reader.isFinished { Thread.sleep(forTimeInterval: 0.01) }
        return Result(status: p.terminationStatus, stdout: String(decoding: collected.data, as: UTF8.self),
                      stderr: String(decoding: errors, as: UTF8.self), reason: p.terminationReason)
    }

    func lines(_ text: String) -> [[String: Any]] {
        text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    func testSIGTERMMidActivityClosesAndExitsZero() throws {
        // Real-time replay: after 7 s two windows are in and an activity is open.
        let r = try run(["--model", defaultModel, "--sensor", "csv:" + demoRecording, "--realtime"], signalAfter: 7)
        XCTAssertEqual(r.reason, .exit, r.stderr)
        XCTAssertEqual(r.status, 0, r.stderr)
        let events = lines(r.stdout)
        XCTAssertEqual(events.map { $0["event"] as? String ?? "?" }.suffix(3), ["activity", "stats", "stop"], r.stdout)
        XCTAssertEqual(events.last?["reason"] as? String, "sigterm")
        XCTAssertEqual(events.first?["event"] as? String, "start")
    }

    func testUnwritableEventFile() throws {
        let r = try run(["--model", defaultModel, "--sensor", "csv:" + demoRecording, "--events", "/proc/mujo-no-such-dir/events.jsonl"])
        XCTAssertEqual(r.status, 74)
        XCTAssertEqual(r.stderr, "mujod: cannot open the event file /proc/mujo-no-such-dir/events.jsonl for appending: ENOENT (2); check the directory exists and is writable by this user\n")
    }

    func testMissingCorruptModelAndRecording() throws {
        let missing = try run(["--model", "/no/model.mujo", "--sensor", "csv:" + demoRecording])
        XCTAssertEqual(missing.status, 66)
        XCTAssertTrue(missing.stderr.hasPrefix("mujod: cannot read model /no/model.mujo: ENOENT (2)"), missing.stderr)
        let corrupt = temporaryPath("corrupt.mujo")
        var bytes = try Data(contentsOf: URL(fileURLWithPath: defaultModel))
        bytes[bytes.count / 2] ^= 0x40
        try bytes.write(to: URL(fileURLWithPath: corrupt))
        defer { unlink(corrupt) }
        let bad = try run(["--model", corrupt, "--sensor", "csv:" + demoRecording])
        XCTAssertEqual(bad.status, 65)
        XCTAssertTrue(bad.stderr.contains("CRC-32"), bad.stderr)
        let noCSV = try run(["--model", defaultModel, "--sensor", "csv:/no/rec.csv"])
        XCTAssertEqual(noCSV.status, 66, noCSV.stderr)
        XCTAssertTrue(lines(noCSV.stdout).contains { $0["event"] as? String == "sensor_error" }, noCSV.stdout)
        XCTAssertEqual(lines(noCSV.stdout).last?["reason"] as? String, "sensor-error")
    }

    func testBadFlagsAndConfigLinesExit64() throws {
        let flag = try run(["--modle", "x"])
        XCTAssertEqual(flag.status, 64)
        XCTAssertTrue(flag.stderr.hasPrefix("unknown flag --modle\nusage: mujod"), flag.stderr)
        let conf = temporaryPath("bad.conf")
        try "model = \(defaultModel)\nsmooth = 0\n".write(toFile: conf, atomically: true, encoding: .utf8)
        defer { unlink(conf) }
        let line = try run(["--config", conf])
        XCTAssertEqual(line.status, 64)
        XCTAssertEqual(line.stderr, "\(conf):2: smooth '0': expected a window count from 1 (no smoothing) to 64\n")
    }

    func testASocketReaderThatGoesAwayIsDroppedAndTheLoopGoesOn() throws {
        let socketPath = temporaryPath("events.sock")
        unlink(socketPath)
        var firstReaderGot = "", secondReaderGot = ""
        let r = try run(["--model", defaultModel, "--sensor", "csv:" + demoRecording, "--realtime", "--verbose", "--events", "unix:" + socketPath],
                        signalAfter: 4) { _ in
            func connect() throws -> FileHandle {
                for _ in 0..<100 {
                    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
                    var addr = sockaddr_un()
                    addr.sun_family = sa_family_t(AF_UNIX)
                    withUnsafeMutableBytes(of: &addr.sun_path) { p in _ = socketPath.utf8CString.withUnsafeBytes { p.copyMemory(from: $0) } }
                    let ok = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
                    if ok == 0 { return FileHandle(fileDescriptor: fd, closeOnDealloc: true) }
                    close(fd)
                    Thread.sleep(forTimeInterval: 0.05)
                }
                throw NSError(domain: "mujod socket never appeared", code: 1)
            }
            // The first reader takes what is there (the start line) and goes away.
            let first = try connect()
            firstReaderGot = String(decoding: first.availableData, as: UTF8.self)
            try first.close()
            // A second reader still gets lines after that.
            let second = try connect()
            Thread.sleep(forTimeInterval: 3)
            secondReaderGot = String(decoding: second.availableData, as: UTF8.self)
        }
        XCTAssertEqual(r.status, 0, r.stderr)
        // Whatever line was written after it connected: the start line only when it connected
        // before the sensor started, which the streaming CSV reader (256 rows read ahead, not the
        // whole file) now does within milliseconds of the socket appearing.
        XCTAssertTrue(firstReaderGot.hasPrefix("{\"v\":1,\"event\":"), firstReaderGot)
        XCTAssertTrue(secondReaderGot.contains("\"event\":\"window\""), "the loop went on after a reader left: \(secondReaderGot)")
        XCTAssertTrue(r.stderr.contains("event reader dropped"), r.stderr)
    }
}
