// One I²C peer (bus + address) with the retry policy applied to every transaction.
//
// Public API:
//   struct RecoveryPolicy   the exact retry / reopen / stall numbers (documented in docs/sensors.md).
// Internal: I2CLink<S> (used by the chip files and I2CAccelerometer), LinkError.
//
// Error classes (errno of one transaction):
//   transient  EIO, ENXIO, EAGAIN, ETIMEDOUT, EREMOTEIO → retry the same transaction after
//              1, 2, 4, 8 ms (4 retries, 5 attempts, ≤ 15 ms of back-off); if all fail → vanished.
//   vanished   ENODEV, ENOENT, EBADF (adapter gone) → the driver closes and enters its reopen loop.
//   other      → SensorError.io, thrown to the caller.
//   EBUSY on I2C_SLAVE → SensorError.addressOwnedByKernel (use IIO instead).

/// Retry, reopen and stall-detection numbers. The defaults are the documented policy.
public struct RecoveryPolicy: Equatable {
    /// Retries of one failed transaction (after the first attempt).
    public var transactionRetries = 4
    /// Back-off before the first retry; doubles for each further retry (1, 2, 4, 8 ms).
    public var firstRetryDelayNanoseconds: Int64 = 1_000_000
    /// First wait between reopen attempts; doubles up to `maximumReopenDelayNanoseconds`.
    public var firstReopenDelayNanoseconds: Int64 = 100_000_000
    /// Longest wait between reopen attempts.
    public var maximumReopenDelayNanoseconds: Int64 = 2_000_000_000
    /// Give up (SensorError.deviceVanished) when the device stays away this long; nil = never.
    public var reopenGiveUpNanoseconds: Int64? = 60_000_000_000
    /// A FIFO that yields no sample for max(this, 20 sample periods) is declared stalled.
    public var stallTimeoutNanoseconds: Int64 = 1_000_000_000
    public init() {}
}

enum LinkError: Error {
    /// The device or adapter is gone (or stayed silent through every retry).
    case vanished(operation: String, errno: Errno)
    /// Not recoverable by retrying or reopening.
    case fatal(SensorError)
    /// A FIFO data burst failed after bytes may have left the FIFO (EIO / ETIMEDOUT / short
    /// block): retrying could misalign frames, so the driver resets the FIFO instead.
    case dataLost(operation: String, errno: Errno)
}

/// A bus descriptor bound to one address; all chip register access goes through here.
struct I2CLink<S: SystemCalls> {
    let system: S
    let bus: String
    let address: UInt8
    let policy: RecoveryPolicy
    /// Use I2C_RDWR for bursts when the adapter offers I2C_FUNC_I2C.
    let allowPlainI2C: Bool
    var sysfsI2CBase: String
    private(set) var fd: Int32 = -1
    private(set) var plainI2C = false
    var retries = 0
    var transactions = 0
    var scratch = [UInt8](repeating: 0, count: 256)

    init(system: S, bus: String, address: UInt8, policy: RecoveryPolicy, allowPlainI2C: Bool, sysfsI2CBase: String) {
        self.system = system; self.bus = bus; self.address = address; self.policy = policy
        self.allowPlainI2C = allowPlainI2C; self.sysfsI2CBase = sysfsI2CBase
    }

    var isOpen: Bool { fd >= 0 }

    /// Largest burst one transaction may carry.
    var maxTransfer: Int { plainI2C ? 240 : 32 }

    /// Opens the bus and selects the address. EBUSY → addressOwnedByKernel. With `reopening`,
    /// a missing bus (ENOENT/ENODEV) is "vanished" (retried later); otherwise it is an error.
    mutating func open(reopening: Bool = false) throws(LinkError) {
        close()
        let newFD: Int32
        do { newFD = try system.open(bus, .readWrite) } catch {
            if reopening && isVanishedErrno(error) { throw .vanished(operation: "open \(bus)", errno: error) }
            throw .fatal(.cannotOpen(path: bus, errno: error))
        }
        do { try system.i2cSetAddress(newFD, address, force: false) } catch {
            system.close(newFD)
            if error == .busy {
                throw .fatal(.addressOwnedByKernel(bus: bus, address: address,
                                                   kernelDevice: kernelDeviceName(system, bus: bus, address: address, base: sysfsI2CBase)))
            }
            if isVanishedErrno(error) { throw .vanished(operation: "I2C_SLAVE", errno: error) }
            if error == .notATerminal { throw .fatal(.notAnI2CAdapter(path: bus)) }
            throw .fatal(.io(operation: "ioctl(I2C_SLAVE, \(hex(address))) on \(bus)", errno: error))
        }
        var funcs: UInt64 = 0
        do { funcs = try system.i2cFunctionality(newFD) } catch {
            funcs = i2cFunctionSMBusReadBlock   // assume the SMBus minimum
        }
        if funcs & (i2cFunctionPlainI2C | i2cFunctionSMBusReadBlock) == 0 {
            system.close(newFD)
            throw .fatal(.adapterTooLimited(bus: bus, functionality: funcs))
        }
        plainI2C = allowPlainI2C && (funcs & i2cFunctionPlainI2C) != 0
        fd = newFD
    }

    mutating func close() {
        if fd >= 0 { system.close(fd) }
        fd = -1
    }

    /// Runs one transaction with the retry policy. With `consumesData`, errors that can strike
    /// mid-transfer (EIO, ETIMEDOUT) are not retried but reported as `.dataLost`.
    private mutating func attempt<T>(_ operation: String, consumesData: Bool = false,
                                     _ body: (S, Int32) throws(Errno) -> T) throws(LinkError) -> T {
        if fd < 0 { throw .vanished(operation: operation, errno: .badDescriptor) }
        var delay = policy.firstRetryDelayNanoseconds
        var attemptIndex = 0
        while true {
            transactions += 1
            do {
                return try body(system, fd)
            } catch {
                if isVanishedErrno(error) { throw .vanished(operation: operation, errno: error) }
                if !isTransientErrno(error) {
                    throw .fatal(.io(operation: "\(operation) at \(hex(address)) on \(bus)", errno: error))
                }
                if consumesData && (error == .io || error == .timedOut) {
                    throw .dataLost(operation: operation, errno: error)
                }
                if attemptIndex >= policy.transactionRetries { throw .vanished(operation: operation, errno: error) }
                attemptIndex += 1
                retries += 1
                system.sleep(nanoseconds: delay)
                delay *= 2
            }
        }
    }

    mutating func readByte(_ register: UInt8) throws(LinkError) -> UInt8 {
        try attempt("read \(hex(register))") { (s, fd) throws(Errno) -> UInt8 in try s.i2cReadByte(fd, register: register) }
    }

    mutating func writeByte(_ register: UInt8, _ value: UInt8) throws(LinkError) {
        try attempt("write \(hex(register))") { (s, fd) throws(Errno) in try s.i2cWriteByte(fd, register: register, value: value) }
    }

    /// One burst of `count` ≤ maxTransfer bytes starting at `register` into `scratch[0..<count]`.
    /// `consumesData`: the read pops FIFO data as it goes (every chip pops a sample once its last
    /// byte is clocked out; ADXL345 at the end of the transaction), so a failure mid-transfer is
    /// `.dataLost`. NACKs (EREMOTEIO, ENXIO) and EAGAIN come before any data byte and are retried.
    mutating func readBurst(_ register: UInt8, count: Int, consumesData: Bool = false) throws(LinkError) {
        let useRDWR = plainI2C
        let addr = address
        var buffer = scratch
        scratch = []   // avoid copy-on-write while the closure owns the buffer
        defer { scratch = buffer }
        try attempt("read \(count) bytes at \(hex(register))", consumesData: consumesData) { (s, fd) throws(Errno) in
            var failure: Errno? = nil
            buffer.withUnsafeMutableBytes { raw in
                let slice = UnsafeMutableRawBufferPointer(rebasing: raw[0..<count])
                do throws(Errno) {
                    if useRDWR {
                        try s.i2cWriteRead(fd, address: addr, register: register, into: slice)
                    } else {
                        let n = try s.i2cReadBlock(fd, register: register, into: slice)
                        if n != count { failure = .io }   // a short SMBus block is a failed transfer
                    }
                } catch { failure = error }
            }
            if let failure { throw failure }
        }
    }
}

func isTransientErrno(_ e: Errno) -> Bool {
    e == .io || e == .noDeviceOrAddress || e == .tryAgain || e == .timedOut || e == .remoteIO
}

func isVanishedErrno(_ e: Errno) -> Bool {
    e == .noDevice || e == .noEntry || e == .badDescriptor
}

/// "N" of "/dev/i2c-N", or nil.
func busNumber(_ bus: String) -> String? {
    guard let dash = bus.lastByteOffset(of: UInt8(ascii: "-")) else { return nil }   // bytes: MuJoSystem/ByteText.swift
    let digits = bus.droppingBytes(dash + 1)
    if digits.isEmpty { return nil }
    for c in digits.utf8 where c < 48 || c > 57 { return nil }
    return digits
}

/// The kernel's name for the client at `address` (e.g. "mpu6050"), read from
/// `<base>/<N>-00<aa>/name`; empty when unknown.
func kernelDeviceName<S: SystemCalls>(_ system: S, bus: String, address: UInt8, base: String) -> String {
    guard let n = busNumber(bus) else { return "" }
    let a = hex(address)   // "0x68"
    let client = n + "-00" + a.droppingBytes(2)
    do { return try system.readText(base + "/" + client + "/name") } catch { return "" }
}
