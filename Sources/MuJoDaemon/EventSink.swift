// Where mujod's event lines go: standard output, a file (appended, flushed per line by writing
// it whole, reopened on SIGHUP for logrotate), or a Unix socket whose readers each get every
// line. The loop never blocks on a reader: a reader that is gone or too slow to take a line is
// dropped and reported on standard error (the journal). Nothing here allocates per line.
import CMuJoSystem
import MuJoSystem

public final class EventSink {
    public let destination: EventDestination
    private var fd: Int32 = -1
    private var listener: Int32 = -1
    private var clients: [Int32] = []
    /// The last write error, reported once until a write succeeds again.
    private var failing = false
    /// Readers dropped so far (socket) and lines that could not be written (file, stdout).
    public private(set) var droppedReaders = 0
    public private(set) var failedWrites = 0

    public static let maximumReaders = 8

    public init(_ destination: EventDestination) throws(DaemonFailure) {
        self.destination = destination
        clients.reserveCapacity(EventSink.maximumReaders)
        switch destination {
        case .standardOutput: fd = 1
        case .file(let path): try openFile(path)
        case .unixSocket(let path):
            let r = path.withCString { mujo_unix_listen($0) }
            if r < 0 {
                throw DaemonFailure("cannot listen on the event socket \(path): \(Errno(-r).name); check the directory exists and is writable by this user", .ioError)
            }
            listener = r
        }
    }

    deinit { close() }

    private func openFile(_ path: String) throws(DaemonFailure) {
        let r = path.withCString { mujo_open_append($0) }
        if r < 0 {
            throw DaemonFailure("cannot open the event file \(path) for appending: \(Errno(-r).name); check the directory exists and is writable by this user", .ioError)
        }
        fd = r
    }

    /// Reopens the event file (after logrotate moved it). Other destinations ignore it.
    public func reopen() throws(DaemonFailure) {
        guard case .file(let path) = destination else { return }
        if fd >= 0 { _ = CMuJoSystem.close(fd) }
        fd = -1
        try openFile(path)
    }

    /// Writes one line (the bytes end with "\n"). Returns a problem to report, or nil.
    public func write(_ line: UnsafeRawBufferPointer) -> String? {
        switch destination {
        case .standardOutput, .file:
            var done = 0
            while done < line.count {
                let r = mujo_write(fd, line.baseAddress! + done, line.count - done)
                if r <= 0 {
                    failedWrites += 1
                    if failing { return nil }
                    failing = true
                    return "cannot write events: \(Errno(Int32(-r)).name); the loop goes on and tries again with the next event"
                }
                done += r
            }
            failing = false
            return nil
        case .unixSocket:
            acceptReaders()
            var problem: String? = nil
            var k = 0
            while k < clients.count {
                let r = mujo_send_nonblocking(clients[k], line.baseAddress!, line.count)
                if r == line.count { k += 1; continue }
                // Gone (EPIPE, ECONNRESET), or too slow (EAGAIN, or a partial line): drop it, so
                // no reader ever sees half a line and the loop never waits.
                _ = CMuJoSystem.close(clients[k])
                clients.remove(at: k)
                droppedReaders += 1
                problem = r < 0 ? "event reader dropped: \(Errno(Int32(-r)).name)" : "event reader dropped: too slow to take a whole line"
            }
            return problem
        }
    }

    /// Takes every reader waiting on the socket (up to `maximumReaders`).
    private func acceptReaders() {
        while clients.count < EventSink.maximumReaders {
            let r = mujo_unix_accept(listener)
            if r < 0 { return }
            clients.append(r)
        }
    }

    public var readerCount: Int { clients.count }

    public func close() {
        for c in clients { _ = CMuJoSystem.close(c) }
        clients.removeAll(keepingCapacity: true)
        if listener >= 0 { _ = CMuJoSystem.close(listener); listener = -1 }
        if case .file = destination, fd >= 0 { _ = CMuJoSystem.close(fd) }
        fd = -1
    }
}
