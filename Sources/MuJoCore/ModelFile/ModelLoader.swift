// Loads a `.mujo` file through the system-call seam: the one model loader of the board program,
// the self-test and the host tools. It reads the 32-byte header first and refuses a file whose
// magic or stated size is wrong before reading the rest, so a huge or foreign file passed as a
// model costs 32 bytes, not its size in memory. Then ModelReader validates everything.
import MuJoSystem

public enum ModelLoadError: Error, CustomStringConvertible {
    /// The file could not be opened or read.
    case cannotRead(path: String, errno: Errno)
    /// The header states a size above the loader's limit.
    case tooLarge(path: String, bytes: Int, limit: Int)
    /// The bytes are not a valid model.
    case invalid(path: String, ModelError)

    public var description: String {
        switch self {
        case .cannotRead(let path, let e):
            var hint = "check the path"
            if e == .noEntry { hint = "no such file; check the path (models ship in /usr/share/mujo or Models/ of the repository)" }
            if e == .permissionDenied { hint = "permission denied; make the file readable by this user" }
            return "cannot read model \(path): \(e.name); \(hint)"
        case .tooLarge(let path, let bytes, let limit):
            return "model \(path) says it is \(bytes) bytes, more than this runtime loads (\(limit)); it is not a MuJo model or is damaged"
        case .invalid(let path, let error):
            return "\(path): \(error.description)"
        }
    }
}

public enum ModelLoader {
    /// The largest model file loaded (a board has 512 MB and up; today's models are ~300 KB).
    public static let maximumBytes = 64 << 20

    public static func load<S: SystemCalls>(_ path: String, system: S, maximumBytes: Int = ModelLoader.maximumBytes) throws(ModelLoadError) -> ModelDescription {
        let fd: Int32
        do { fd = try system.open(path, .readOnly) } catch { throw .cannotRead(path: path, errno: error) }
        defer { system.close(fd) }
        var bytes = [UInt8](repeating: 0, count: ModelFormat.headerSize)
        var have = try readFully(system, fd, path, into: &bytes, from: 0)
        // Header first: a foreign or absurd file is refused before its body is read.
        if have < 4 || Array(bytes[0..<4]) != ModelFormat.magic {
            throw .invalid(path: path, ModelError(.badMagic, section: "header", offset: 0, "the file does not start with \"MUJO\""))
        }
        if have == ModelFormat.headerSize {
            let stated = Int(ByteReader.u32(bytes, at: 16))
            if stated > maximumBytes { throw .tooLarge(path: path, bytes: stated, limit: maximumBytes) }
            // One byte more than stated, so trailing data is still seen (and refused) by the reader.
            bytes.append(contentsOf: [UInt8](repeating: 0, count: max(stated + 1 - have, 0)))
            have = try readFully(system, fd, path, into: &bytes, from: have)
        }
        bytes.removeLast(bytes.count - have)
        do { return try ModelReader.parse(bytes) } catch { throw .invalid(path: path, error) }
    }

    /// Reads until `bytes` is full or the file ends; returns the count of valid bytes.
    private static func readFully<S: SystemCalls>(_ system: S, _ fd: Int32, _ path: String, into bytes: inout [UInt8], from start: Int) throws(ModelLoadError) -> Int {
        var have = start
        while have < bytes.count {
            var failure: Errno? = nil
            let n = bytes.withUnsafeMutableBytes { (b) -> Int in
                do throws(Errno) { return try system.read(fd, into: UnsafeMutableRawBufferPointer(rebasing: b[have...])) } catch { failure = error; return -1 }
            }
            if let failure { throw .cannotRead(path: path, errno: failure) }
            if n <= 0 { break }
            have += n
        }
        return have
    }
}
