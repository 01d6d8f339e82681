// HOST ONLY. Files the tools write (models from quantize, labels --set and enroll; eval's reports):
// the target's directory is checked before any work, so a long job never ends in "cannot write";
// the bytes go to a temporary file in the same directory, are fsync'd, renamed over the target and
// the directory is fsync'd, so a crash, a full disk or a power cut leaves the old file or the new
// one, never half of one. A model is also checked by the board's reader before it is written
// (`writeModel`): the tools never write a file mujod would refuse.
import Foundation
import MuJoCore
import MuJoHostCore

enum AtomicFile {
    /// Throws a CommandFailure naming `option` when `path` cannot be written: a missing directory,
    /// a directory given as the file, or a directory we may not create files in (tested by
    /// creating and removing the temporary file the write will use). `example` is the file name
    /// suggested when `path` is a directory.
    static func checkWritable(_ path: String, option: String, example: String) throws {
        let (directory, temporary) = locations(path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
            throw CommandFailure("\(option) \(path): the directory '\(directory)' does not exist; create it or choose another path")
        }
        guard isDirectory.boolValue else {
            throw CommandFailure("\(option) \(path): '\(directory)' is not a directory; choose a path inside a directory")
        }
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw CommandFailure("\(option) \(path): this is a directory; give a file name, e.g. \(path)/\(example)")
        }
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            throw CommandFailure("\(option) \(path): cannot create files in '\(directory)' (\(reason)); choose a writable directory")
        }
        close(fd)
        unlink(temporary)
    }

    /// Writes `bytes` to the temporary file beside `path`, fsyncs it, renames it over `path` and
    /// fsyncs the directory. An existing target keeps its permission bits. On any failure the
    /// temporary file is removed and the old `path` is untouched.
    static func write(_ bytes: [UInt8], to path: String, option: String) throws {
        let (directory, temporary) = locations(path)
        var mode: mode_t = 0o644
        var existing = stat()
        if stat(path, &existing) == 0 { mode = existing.st_mode & 0o7777 }
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw failure(option, path, "cannot create '\(temporary)'") }
        var written = 0
        var ok = true
        bytes.withUnsafeBytes { raw in
            while written < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + written, raw.count - written)
                if n < 0 { if errno == EINTR { continue }; ok = false; return }
                written += n
            }
        }
        var what = "cannot write '\(temporary)'"
        if ok, fsync(fd) != 0 { ok = false; what = "cannot flush '\(temporary)' to disk" }
        let saved = errno
        close(fd)
        guard ok else { errno = saved; let f = failure(option, path, what); unlink(temporary); throw f }
        guard rename(temporary, path) == 0 else {
            let f = failure(option, path, "cannot rename '\(temporary)' into place")
            unlink(temporary)
            throw f
        }
        let dfd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 { _ = fsync(dfd); close(dfd) }
    }

    /// Serialises `model`, checks the board's reader accepts the bytes, writes them atomically.
    /// Returns the number of bytes written.
    @discardableResult
    static func writeModel(_ model: ModelDescription, to path: String, option: String) throws -> Int {
        let bytes: [UInt8]
        do { bytes = try ModelWriter.serialize(model) } catch {
            throw CommandFailure("\(option) \(path): cannot encode the model (\(error.description))")
        }
        do { _ = try ModelReader.parse(bytes) } catch {
            throw CommandFailure("\(option) \(path): not written, the model file would not load (\(error.description))")
        }
        try write(bytes, to: path, option: option)
        return bytes.count
    }

    private static func failure(_ option: String, _ path: String, _ what: String) -> CommandFailure {
        let reason = String(cString: strerror(errno))
        return CommandFailure("\(option) \(path): \(what) (\(reason)); the old file, if any, is unchanged; free space or choose a writable directory")
    }

    /// The target's directory and the temporary file beside it (hidden, with our process id).
    static func locations(_ path: String) -> (directory: String, temporary: String) {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())").path
        return (directory, temporary)
    }
}
