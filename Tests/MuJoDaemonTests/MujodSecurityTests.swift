import XCTest
import Foundation

/// Issue 12, the service's security (docs/threat-model.md): mujod refuses a model that other
/// users could swap, and it opens no network socket — only the Unix socket it was configured with.
final class MujodSecurityTests: XCTestCase {
    var mujod: String {
        let here = Bundle(for: Self.self).bundleURL
        let candidates = [here.appendingPathComponent("mujod"), here.deletingLastPathComponent().appendingPathComponent("mujod")]
        return (candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]).path
    }

    struct Result { var status: Int32; var stdout: String; var stderr: String }

    func run(_ program: String, _ args: [String]) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: program)
        p.arguments = args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        final class Box: @unchecked Sendable { var data = Data() }
        let collected = Box()
        let reader = Thread { collected.data = out.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        while !reader.isFinished { Thread.sleep(forTimeInterval: 0.01) }
        return Result(status: p.terminationStatus, stdout: String(decoding: collected.data, as: UTF8.self),
                      stderr: String(decoding: errors, as: UTF8.self))
    }

    func testAModelOthersMayWriteIsRefused() throws {
        let dir = temporaryPath("models")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        chmod(dir, 0o755)
        let model = dir + "/m.mujo"
        try FileManager.default.copyItem(atPath: defaultModel, toPath: model)
        let source = ["--sensor", "csv:" + demoRecording]

        chmod(model, 0o666)
        let file = try run(mujod, ["--model", model] + source)
        XCTAssertEqual(file.status, 77, file.stderr)
        XCTAssertEqual(file.stderr, "mujod: refusing the model \(model): any user may write it (mode 0666) and so change what mujod runs; make it yours alone (chmod o-w \(model)), or pass --allow-writable-model while developing\n")
        XCTAssertEqual(file.stdout, "", "refused before any event")

        chmod(model, 0o644)
        chmod(dir, 0o777)
        let directory = try run(mujod, ["--model", model] + source)
        XCTAssertEqual(directory.status, 77, directory.stderr)
        XCTAssertTrue(directory.stderr.contains("any user may replace files in \(dir) (mode 0777)"), directory.stderr)

        // Sticky (like /tmp): others cannot rename or remove the file, so it is accepted.
        chmod(dir, 0o1777)
        let sticky = try run(mujod, ["--model", model] + source)
        XCTAssertEqual(sticky.status, 0, sticky.stderr)

        // Development: the flag and the config key turn the check off.
        chmod(dir, 0o777)
        let allowed = try run(mujod, ["--model", model, "--allow-writable-model"] + source)
        XCTAssertEqual(allowed.status, 0, allowed.stderr)
        let conf = dir + "/dev.conf"
        try "model = \(model)\nallow-writable-model = true\n".write(toFile: conf, atomically: true, encoding: .utf8)
        let configured = try run(mujod, ["--config", conf] + source)
        XCTAssertEqual(configured.status, 0, configured.stderr)
        chmod(dir, 0o755)
    }

    /// The socket(2) calls of an strace log, as (address family, whole line).
    func socketCalls(_ log: String) -> [(family: String, line: String)] {
        log.split(separator: "\n").compactMap { line in
            guard let r = line.range(of: "socket(") else { return nil }
            let family = line[r.upperBound...].prefix { $0 != "," && $0 != ")" }
            return (String(family), String(line))
        }
    }

    func testMujodOpensNoNetworkSocket() throws {
        let strace = ["/usr/bin/strace", "/bin/strace"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let strace else {
            throw XCTSkip("strace is not installed (scripts/install-deps.sh installs it): cannot watch mujod's socket calls")
        }
        let trace = temporaryPath("strace.log")
        defer { unlink(trace) }
        // The committed recording to standard output: no socket at all.
        let plain = try run(strace, ["-f", "-qq", "-e", "trace=socket,connect,bind", "-o", trace, mujod,
                                     "--model", defaultModel, "--sensor", "csv:" + demoRecording])
        XCTAssertEqual(plain.status, 0, plain.stderr)
        let log = try String(contentsOfFile: trace, encoding: .utf8)
        if log.contains("PTRACE") || log.contains("Operation not permitted") {
            throw XCTSkip("strace cannot trace here (ptrace refused): \(log.prefix(200))")
        }
        let calls = socketCalls(log)
        XCTAssertTrue(calls.allSatisfy { $0.family == "AF_UNIX" }, "only AF_UNIX sockets (the journal) may be created:\n\(log)")
        XCTAssertFalse(log.contains("AF_INET"), log)
        XCTAssertFalse(log.contains("AF_NETLINK"), log)

        // With its event socket: exactly that one, a Unix socket bound at the configured path.
        let socketPath = temporaryPath("sec-events.sock")
        defer { unlink(socketPath) }
        let served = try run(strace, ["-f", "-qq", "-e", "trace=socket,connect,bind", "-o", trace, mujod,
                                      "--model", defaultModel, "--sensor", "csv:" + demoRecording, "--events", "unix:" + socketPath])
        XCTAssertEqual(served.status, 0, served.stderr)
        let log2 = try String(contentsOfFile: trace, encoding: .utf8)
        let calls2 = socketCalls(log2)
        XCTAssertTrue(calls2.allSatisfy { $0.family == "AF_UNIX" }, log2)
        XCTAssertEqual(calls2.count, 1, "one socket: the event listener\n\(log2)")
        let binds = log2.split(separator: "\n").filter { $0.contains("bind(") }
        XCTAssertEqual(binds.count, 1, log2)
        XCTAssertTrue(binds.first?.contains("sun_path=\"\(socketPath)\"") ?? false, log2)
        XCTAssertFalse(log2.contains("AF_INET"), log2)
    }
}
