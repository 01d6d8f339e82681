// mujod runs only a model no other user can swap (issue 12, docs/threat-model.md): the file must
// not be writable by others, nor its directory — unless the directory is sticky (like /tmp),
// where others cannot rename or remove a file they do not own. `--allow-writable-model` (config
// key `allow-writable-model = true`) turns the check off while developing. Failing it is exit 77.
import CMuJoSystem
import MuJoSystem

enum ModelPermissions {
    /// Throws when `path` or its directory is writable by others. A file that cannot be stat'ed
    /// passes: the loader then reports it with its own message (missing, unreadable).
    static func check(_ path: String) throws(DaemonFailure) {
        let mode = path.withCString { mujo_stat_mode($0) }
        if mode < 0 { return }
        if mode & 0o002 != 0 {
            throw DaemonFailure("refusing the model \(path): any user may write it (mode \(octal(mode))) and so change what mujod runs; make it yours alone (chmod o-w \(path)), or pass --allow-writable-model while developing", .noPermission)
        }
        let directory = directoryOf(path)
        let dirMode = directory.withCString { mujo_stat_mode($0) }
        if dirMode >= 0 && dirMode & 0o002 != 0 && dirMode & 0o1000 == 0 {
            throw DaemonFailure("refusing the model \(path): any user may replace files in \(directory) (mode \(octal(dirMode))); keep models in a directory only their owner writes (chmod o-w \(directory), e.g. /usr/share/mujo), or pass --allow-writable-model while developing", .noPermission)
        }
    }

    /// The directory part of `path` ("." for a bare name, "/" for a file at the root).
    static func directoryOf(_ path: String) -> String {
        guard let slash = path.lastByteOffset(of: UInt8(ascii: "/")) else { return "." }
        return slash == 0 ? "/" : path.byteSlice(0, slash)
    }

    /// The permission bits as four octal digits, e.g. 0666.
    static func octal(_ mode: Int) -> String {
        var bytes: [UInt8] = []
        for shift in [9, 6, 3, 0] { bytes.append(UInt8(48 + (mode >> shift) & 7)) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
