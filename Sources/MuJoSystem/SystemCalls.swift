// The one seam between the board code (MuJoSensors, the model loader in MuJoCore, mujod) and the
// operating system.
//
// Public API:
//   protocol SystemCalls        every file, I²C, poll and clock operation the drivers make.
//   final class LinuxSystemCalls the real implementation (libc + libi2c, CLOCK_MONOTONIC).
//   struct Errno                a POSIX error number, thrown by SystemCalls (typed throws).
//   struct OpenMode             how `open` opens a path.
//   extension SystemCalls       readText / writeText / fileExists helpers for sysfs files.
//
// Every driver is generic over `S: SystemCalls`, so tests substitute the emulated
// implementation in Firmware-host/Emulators (MuJoEmulators.EmulatedSystem), which forces EIO,
// NACKs, short reads, EAGAIN, ENODEV and runs on a simulated clock (an hour in seconds).
// Nothing in MuJoSensors calls libc or libi2c except through this file; MuJoSensors re-exports
// this module, so `import MuJoSensors` is enough for drivers' users.
import CMuJoSystem

/// A POSIX error number (`errno`). Thrown by every `SystemCalls` operation.
public struct Errno: Error, Equatable, Hashable {
    public var code: Int32
    public init(_ code: Int32) { self.code = code }

    public static let noEntry = Errno(2)            // ENOENT
    public static let io = Errno(5)                 // EIO
    public static let noDeviceOrAddress = Errno(6)  // ENXIO (NACK on some adapters)
    public static let badDescriptor = Errno(9)      // EBADF
    public static let tryAgain = Errno(11)          // EAGAIN (also arbitration lost)
    public static let busy = Errno(16)              // EBUSY (kernel driver owns the address)
    public static let permissionDenied = Errno(13)  // EACCES
    public static let noDevice = Errno(19)          // ENODEV (adapter gone)
    public static let invalid = Errno(22)           // EINVAL
    public static let notATerminal = Errno(25)      // ENOTTY (ioctl on a file that is not that device)
    public static let noSpace = Errno(28)           // ENOSPC
    public static let brokenPipe = Errno(32)        // EPIPE
    public static let timedOut = Errno(110)         // ETIMEDOUT
    public static let remoteIO = Errno(121)         // EREMOTEIO (NACK on i2c-bcm2835)

    /// The symbolic name, e.g. "EIO (5)".
    public var name: String {
        switch code {
        case 2: return "ENOENT (2)"
        case 5: return "EIO (5)"
        case 6: return "ENXIO (6)"
        case 9: return "EBADF (9)"
        case 11: return "EAGAIN (11)"
        case 13: return "EACCES (13)"
        case 16: return "EBUSY (16)"
        case 19: return "ENODEV (19)"
        case 22: return "EINVAL (22)"
        case 25: return "ENOTTY (25)"
        case 28: return "ENOSPC (28)"
        case 32: return "EPIPE (32)"
        case 110: return "ETIMEDOUT (110)"
        case 121: return "EREMOTEIO (121)"
        default: return "errno \(code)"
        }
    }
}

/// How `SystemCalls.open` opens a path.
public struct OpenMode: Equatable {
    public var write: Bool
    public var read: Bool
    public var nonBlocking: Bool
    /// O_TRUNC (what a shell's `echo 1 > attr` does; harmless on sysfs, needed on plain files).
    public var truncate: Bool
    public init(read: Bool = true, write: Bool = false, nonBlocking: Bool = false, truncate: Bool = false) {
        self.read = read; self.write = write; self.nonBlocking = nonBlocking; self.truncate = truncate
    }
    public static let readOnly = OpenMode()
    public static let writeOnly = OpenMode(read: false, write: true)
    public static let writeTruncate = OpenMode(read: false, write: true, truncate: true)
    public static let readWrite = OpenMode(read: true, write: true)
    public static let readNonBlocking = OpenMode(nonBlocking: true)
}

/// Every operating-system operation the sensor code makes. Implementations: `LinuxSystemCalls`
/// (real) and `MuJoEmulators.EmulatedSystem` (tests). Class-bound so drivers share one instance.
public protocol SystemCalls: AnyObject {
    /// Opens a path. The corresponding C function is `open`.
    func open(_ path: String, _ mode: OpenMode) throws(Errno) -> Int32
    /// Closes a descriptor; errors are ignored. The corresponding C function is `close`.
    func close(_ fd: Int32)
    /// Reads up to `buffer.count` bytes; returns 0 at end of file. C: `read`.
    func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int
    /// Writes bytes; returns the count written. C: `write`.
    func write(_ fd: Int32, from buffer: UnsafeRawBufferPointer) throws(Errno) -> Int
    /// Waits until `fd` is readable or the timeout passes; true when readable (or hung up).
    /// A simulated implementation advances its clock by the timeout when nothing arrives. C: `poll`.
    func pollReadable(_ fd: Int32, timeoutNanoseconds: Int64) throws(Errno) -> Bool
    /// Names in a directory, without "." and "..". C: `opendir`/`readdir`.
    func listDirectory(_ path: String) throws(Errno) -> [String]

    /// Selects the peer address on an I²C bus descriptor. C: `ioctl(fd, I2C_SLAVE[_FORCE], addr)`.
    func i2cSetAddress(_ fd: Int32, _ address: UInt8, force: Bool) throws(Errno)
    /// The adapter's functionality bits (`I2C_FUNC_*`). C: `ioctl(fd, I2C_FUNCS, &funcs)`.
    func i2cFunctionality(_ fd: Int32) throws(Errno) -> UInt64
    /// SMBus read byte data. C: `i2c_smbus_read_byte_data`.
    func i2cReadByte(_ fd: Int32, register: UInt8) throws(Errno) -> UInt8
    /// SMBus write byte data. C: `i2c_smbus_write_byte_data`.
    func i2cWriteByte(_ fd: Int32, register: UInt8, value: UInt8) throws(Errno)
    /// SMBus (I²C-style) block read of `buffer.count` ≤ 32 bytes starting at `register`;
    /// returns the bytes read. C: `i2c_smbus_read_i2c_block_data`.
    func i2cReadBlock(_ fd: Int32, register: UInt8, into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int
    /// One combined I2C_RDWR transfer: write `register`, repeated start, read `buffer.count` bytes.
    /// C: `ioctl(fd, I2C_RDWR, …)` (only when `I2C_FUNC_I2C` is set).
    func i2cWriteRead(_ fd: Int32, address: UInt8, register: UInt8, into buffer: UnsafeMutableRawBufferPointer) throws(Errno)

    /// CLOCK_MONOTONIC in nanoseconds.
    func monotonicNanoseconds() -> Int64
    /// Sleeps (a simulated implementation advances its clock). C: `nanosleep`.
    func sleep(nanoseconds: Int64)
}

/// `I2C_FUNC_I2C`: the adapter can do plain I²C transfers (I2C_RDWR).
public let i2cFunctionPlainI2C: UInt64 = 0x0000_0001
/// `I2C_FUNC_SMBUS_READ_I2C_BLOCK`: the adapter can do SMBus block reads.
public let i2cFunctionSMBusReadBlock: UInt64 = 0x0400_0000

// MARK: - helpers on any implementation

extension SystemCalls {
    /// Reads a whole small file (sysfs attribute) and returns it without the trailing newline.
    public func readText(_ path: String) throws(Errno) -> String {
        var bytes = try readBytes(path, limit: 1 << 20)
        while let last = bytes.last, last == 10 || last == 13 || last == 32 { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Reads a whole file as bytes (CSV replay, sysfs), stopping once more than `limit` bytes are in.
    public func readBytes(_ path: String, limit: Int = Int.max) throws(Errno) -> [UInt8] {
        let fd = try open(path, .readOnly)
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while bytes.count <= limit {
            var failure: Errno? = nil
            let n = chunk.withUnsafeMutableBytes { (b) -> Int in
                do throws(Errno) { return try read(fd, into: b) } catch { failure = error; return -1 }
            }
            if let failure { throw failure }
            if n <= 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return bytes
    }

    /// Writes `text` followed by a newline to a sysfs attribute.
    public func writeText(_ path: String, _ text: String) throws(Errno) {
        let fd = try open(path, .writeTruncate)
        defer { close(fd) }
        var bytes = Array(text.utf8)
        bytes.append(10)
        var failure: Errno? = nil
        let n = bytes.withUnsafeBytes { (b) -> Int in
            do throws(Errno) { return try write(fd, from: b) } catch { failure = error; return -1 }
        }
        if let failure { throw failure }
        if n != bytes.count { throw Errno.io }
    }

    /// True when `path` can be opened for reading.
    public func fileExists(_ path: String) -> Bool {
        do {
            let fd = try open(path, .readOnly)
            close(fd)
            return true
        } catch {
            return false
        }
    }
}

// MARK: - the real implementation

/// The real system: libc, libi2c and CLOCK_MONOTONIC. All sensor syscalls pass through here.
public final class LinuxSystemCalls: SystemCalls {
    public init() {}

    public func open(_ path: String, _ mode: OpenMode) throws(Errno) -> Int32 {
        var flags: Int32 = mode.write ? (mode.read ? O_RDWR : O_WRONLY) : O_RDONLY
        if mode.nonBlocking { flags |= O_NONBLOCK }
        if mode.truncate { flags |= O_TRUNC }
        let fd = path.withCString { mujo_open($0, flags) }
        if fd < 0 { throw Errno(mujo_errno()) }
        return fd
    }

    public func close(_ fd: Int32) { _ = CMuJoSystem.close(fd) }

    public func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        let r = mujo_read(fd, base, buffer.count)
        if r < 0 { throw Errno(Int32(-r)) }
        return r
    }

    public func write(_ fd: Int32, from buffer: UnsafeRawBufferPointer) throws(Errno) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        let r = mujo_write(fd, base, buffer.count)
        if r < 0 { throw Errno(Int32(-r)) }
        return r
    }

    public func pollReadable(_ fd: Int32, timeoutNanoseconds: Int64) throws(Errno) -> Bool {
        var revents: Int16 = 0
        let ms = Int32(clamping: timeoutNanoseconds < 0 ? -1 : (timeoutNanoseconds + 999_999) / 1_000_000)
        let r = mujo_poll_in(fd, ms, &revents)
        if r < 0 { throw Errno(-r) }
        return r > 0
    }

    public func listDirectory(_ path: String) throws(Errno) -> [String] {
        guard let dir = path.withCString({ opendir($0) }) else { throw Errno(mujo_errno()) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            guard let cName = mujo_dirent_name(entry) else { continue }
            let name = String(cString: cName)
            if !name.bytesEqual(".") && !name.bytesEqual("..") { names.append(name) }
        }
        return names
    }

    public func i2cSetAddress(_ fd: Int32, _ address: UInt8, force: Bool) throws(Errno) {
        let request: UInt = force ? 0x0706 : 0x0703   // I2C_SLAVE_FORCE : I2C_SLAVE
        if mujo_ioctl_ulong(fd, request, UInt(address)) < 0 { throw Errno(mujo_errno()) }
    }

    public func i2cFunctionality(_ fd: Int32) throws(Errno) -> UInt64 {
        var funcs: UInt = 0
        let r = mujo_i2c_funcs(fd, &funcs)
        if r < 0 { throw Errno(-r) }
        return UInt64(funcs)
    }

    public func i2cReadByte(_ fd: Int32, register: UInt8) throws(Errno) -> UInt8 {
        let r = i2c_smbus_read_byte_data(fd, register)
        if r < 0 { throw Errno(-r) }
        return UInt8(truncatingIfNeeded: r)
    }

    public func i2cWriteByte(_ fd: Int32, register: UInt8, value: UInt8) throws(Errno) {
        let r = i2c_smbus_write_byte_data(fd, register, value)
        if r < 0 { throw Errno(-r) }
    }

    public func i2cReadBlock(_ fd: Int32, register: UInt8, into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        let len = UInt8(min(buffer.count, 32))
        let r = i2c_smbus_read_i2c_block_data(fd, register, len, base.assumingMemoryBound(to: UInt8.self))
        if r < 0 { throw Errno(-r) }
        return Int(r)
    }

    public func i2cWriteRead(_ fd: Int32, address: UInt8, register: UInt8, into buffer: UnsafeMutableRawBufferPointer) throws(Errno) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        let r = mujo_i2c_write_read(fd, UInt16(address), register, base.assumingMemoryBound(to: UInt8.self), UInt16(buffer.count))
        if r < 0 { throw Errno(-r) }
    }

    public func monotonicNanoseconds() -> Int64 { mujo_monotonic_ns() }
    public func sleep(nanoseconds: Int64) { mujo_sleep_ns(nanoseconds) }
}
