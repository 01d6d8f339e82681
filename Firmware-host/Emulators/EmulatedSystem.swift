// The emulated side of the SystemCalls seam: a simulated clock, emulated I²C buses holding
// chip emulators, fault injection, and pass-through to the real file system for everything
// else (fake IIO trees live in temp dirs and pipes).
//
// Public API:
//   final class EmulatedSystem: SystemCalls
//     init(startNanoseconds:)           the clock starts here and only moves on sleep/poll/bus time.
//     addBus(_:functionality:)          "/dev/i2c-N" with I2C_FUNCS bits (default: SMBus only).
//     attach(_:to:)                     puts an EmulatedChip on a bus at its address.
//     now / advance(by:)                the simulated CLOCK_MONOTONIC.
//     busBitRate                        bus time per transaction = (bytes + 3) · 9 bits / rate.
//   Faults (each names what the driver sees):
//     nack(bus:address:transactions:afterTransactions:)  N transactions fail with EREMOTEIO
//                                       (after M more succeed).
//     eio(bus:address:transactions:)    the next N transactions fail with EIO.
//     disappear(bus:address:forNanoseconds:)  the chip NACKs (EREMOTEIO) until then and comes
//                                       back power-on-reset (registers at defaults).
//     removeBus(_:forNanoseconds:)      open → ENOENT, transactions → ENODEV, until then.
//     stickStatus(bus:address:value:forNanoseconds:)  FIFO status/count registers frozen.
//     ownByKernel(bus:address:)         I2C_SLAVE → EBUSY.
//     partialEIO(bus:address:transactions:afterBytes:)  a burst clocks out some bytes (FIFO pops
//                                       happen) and then fails with EIO.
//     injectReadFaults(path:_:)         queued results for read() on a real file opened from path:
//                                       .error(Errno) or .short(maxBytes).
//   Counters: transactions, failedTransactions.

#if canImport(Glibc)
import Glibc
#endif
import MuJoSensors

public enum ReadFault: Equatable {
    case error(Errno)
    case short(Int)
}

public final class EmulatedSystem: SystemCalls {
    public private(set) var now: Int64
    /// Bits per second of the emulated bus (time per transaction).
    public var busBitRate: Int64 = 400_000
    public private(set) var transactions = 0
    public private(set) var failedTransactions = 0

    private let real = LinuxSystemCalls()

    private struct Bus {
        var functionality: UInt64
        var chips: [UInt8: EmulatedChip] = [:]
        var goneUntil: Int64 = Int64.min
    }
    private struct Fault {
        var nacks = 0
        var nackDelay = 0
        var eios = 0
        var goneUntil: Int64 = Int64.min
        var stuckUntil: Int64 = Int64.min
        var kernelOwned = false
        var partials = 0
        var partialBytes = 0
        var resetOnReturn = false
    }
    private var buses: [String: Bus] = [:]
    private var faults: [String: Fault] = [:]
    private var busFDs: [Int32: (bus: String, address: UInt8?)] = [:]
    private var nextFD: Int32 = 10_000
    private var realPaths: [Int32: String] = [:]
    private var readFaults: [String: [ReadFault]] = [:]

    public init(startNanoseconds: Int64 = 1_000_000_000) { now = startNanoseconds }

    public func advance(by nanoseconds: Int64) { now += max(0, nanoseconds) }

    public func addBus(_ path: String, functionality: UInt64 = 0x0EFF_0008) {
        buses[path] = Bus(functionality: functionality)
    }

    public func attach(_ chip: EmulatedChip, to bus: String) {
        if buses[bus] == nil { addBus(bus) }
        buses[bus]!.chips[chip.address] = chip
        chip.advance(to: now)
    }

    private func key(_ bus: String, _ address: UInt8) -> String { bus + "#" + String(address) }

    /// The next `n` transactions NACK, after `afterTransactions` more succeed.
    public func nack(bus: String, address: UInt8, transactions n: Int, afterTransactions: Int = 0) {
        faults[key(bus, address), default: Fault()].nacks += n
        faults[key(bus, address), default: Fault()].nackDelay = afterTransactions
    }
    public func eio(bus: String, address: UInt8, transactions n: Int) { faults[key(bus, address), default: Fault()].eios += n }
    public func disappear(bus: String, address: UInt8, forNanoseconds d: Int64) {
        faults[key(bus, address), default: Fault()].goneUntil = now + d
        faults[key(bus, address), default: Fault()].resetOnReturn = true
    }
    public func removeBus(_ bus: String, forNanoseconds d: Int64) { buses[bus]?.goneUntil = now + d }
    public func stickStatus(bus: String, address: UInt8, value: UInt8, forNanoseconds d: Int64) {
        faults[key(bus, address), default: Fault()].stuckUntil = now + d
        buses[bus]?.chips[address]?.stuckStatus = value
    }
    /// The next N burst reads longer than `afterBytes` clock out `afterBytes` bytes (with all
    /// their side effects: FIFO pops) and then fail with EIO. Samples popped by the failed burst
    /// are logged as dropped.
    public func partialEIO(bus: String, address: UInt8, transactions n: Int, afterBytes: Int) {
        faults[key(bus, address), default: Fault()].partials += n
        faults[key(bus, address), default: Fault()].partialBytes = afterBytes
    }
    public func ownByKernel(bus: String, address: UInt8) { faults[key(bus, address), default: Fault()].kernelOwned = true }
    public func injectReadFaults(path: String, _ list: [ReadFault]) { readFaults[path, default: []].append(contentsOf: list) }

    // MARK: SystemCalls: files

    public func open(_ path: String, _ mode: OpenMode) throws(Errno) -> Int32 {
        if let bus = buses[path] {
            if now < bus.goneUntil { throw Errno.noEntry }
            let fd = nextFD
            nextFD += 1
            busFDs[fd] = (path, nil)
            return fd
        }
        if path.hasPrefix("/dev/i2c-") { throw Errno.noEntry }
        let fd = try real.open(path, mode)
        realPaths[fd] = path
        return fd
    }

    public func close(_ fd: Int32) {
        if busFDs.removeValue(forKey: fd) != nil { return }
        realPaths.removeValue(forKey: fd)
        real.close(fd)
    }

    public func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        if busFDs[fd] != nil { throw Errno.invalid }
        if let path = realPaths[fd], var queue = readFaults[path], !queue.isEmpty {
            let fault = queue.removeFirst()
            readFaults[path] = queue
            switch fault {
            case .error(let e): throw e
            case .short(let n):
                return try real.read(fd, into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<min(n, buffer.count)]))
            }
        }
        return try real.read(fd, into: buffer)
    }

    public func write(_ fd: Int32, from buffer: UnsafeRawBufferPointer) throws(Errno) -> Int {
        if busFDs[fd] != nil { throw Errno.invalid }
        return try real.write(fd, from: buffer)
    }

    public func pollReadable(_ fd: Int32, timeoutNanoseconds: Int64) throws(Errno) -> Bool {
        if let path = realPaths[fd], let queue = readFaults[path], !queue.isEmpty { return true }
        if try real.pollReadable(fd, timeoutNanoseconds: 0) { return true }
        advance(by: timeoutNanoseconds)
        return false
    }

    public func listDirectory(_ path: String) throws(Errno) -> [String] { try real.listDirectory(path) }

    // MARK: SystemCalls: I²C

    public func i2cSetAddress(_ fd: Int32, _ address: UInt8, force: Bool) throws(Errno) {
        guard let entry = busFDs[fd] else { throw Errno.badDescriptor }
        if faults[key(entry.bus, address)]?.kernelOwned == true && !force { throw Errno.busy }
        busFDs[fd] = (entry.bus, address)
    }

    public func i2cFunctionality(_ fd: Int32) throws(Errno) -> UInt64 {
        guard let entry = busFDs[fd], let bus = buses[entry.bus] else { throw Errno.badDescriptor }
        return bus.functionality
    }

    /// Resolves the chip for a transaction and applies faults and bus time.
    private func transaction(_ fd: Int32, bytes: Int) throws(Errno) -> EmulatedChip {
        guard let entry = busFDs[fd], let bus = buses[entry.bus] else { throw Errno.badDescriptor }
        transactions += 1
        now += Int64(bytes + 3) * 9 * 1_000_000_000 / busBitRate
        if now < bus.goneUntil { failedTransactions += 1; throw Errno.noDevice }
        guard let address = entry.address else { failedTransactions += 1; throw Errno.invalid }
        let k = key(entry.bus, address)
        if var f = faults[k] {
            if now >= f.stuckUntil, f.stuckUntil != Int64.min {
                bus.chips[address]?.stuckStatus = nil
                f.stuckUntil = Int64.min
            }
            if now < f.goneUntil { faults[k] = f; failedTransactions += 1; throw Errno.remoteIO }
            if f.resetOnReturn {
                f.resetOnReturn = false
                bus.chips[address]?.powerOnReset()
            }
            if f.nacks > 0 && f.nackDelay > 0 {
                f.nackDelay -= 1
            } else if f.nacks > 0 {
                f.nacks -= 1; faults[k] = f; failedTransactions += 1; throw Errno.remoteIO
            }
            if f.eios > 0 { f.eios -= 1; faults[k] = f; failedTransactions += 1; throw Errno.io }
            faults[k] = f
        }
        guard let chip = bus.chips[address] else { failedTransactions += 1; throw Errno.remoteIO }
        // A new transaction: what the last one popped is settled. (Cleared only by partial faults
        // before, this list grew by every sample read between them: the fault soak's memory growth.)
        chip.transactionPops.removeAll(keepingCapacity: true)
        chip.advance(to: now)
        return chip
    }

    public func i2cReadByte(_ fd: Int32, register: UInt8) throws(Errno) -> UInt8 {
        let chip = try transaction(fd, bytes: 1)
        let v = chip.read(chip.start(subaddress: register))
        chip.endTransaction()
        return v
    }

    public func i2cWriteByte(_ fd: Int32, register: UInt8, value: UInt8) throws(Errno) {
        let chip = try transaction(fd, bytes: 2)
        chip.write(chip.start(subaddress: register), value)
        chip.endTransaction()
    }

    /// Applies a pending partial-EIO fault to a burst of `count` bytes: true when it failed.
    private func partialFault(_ fd: Int32, _ chip: EmulatedChip, _ sub: UInt8, _ buffer: UnsafeMutableRawBufferPointer) -> Bool {
        guard let entry = busFDs[fd], let address = entry.address else { return false }
        let k = key(entry.bus, address)
        guard var f = faults[k], f.partials > 0, buffer.count > f.partialBytes else { return false }
        f.partials -= 1
        faults[k] = f
        chip.transactionPops.removeAll()
        burst(chip, sub, UnsafeMutableRawBufferPointer(rebasing: buffer[0..<f.partialBytes]))
        chip.demoteTransactionPops()
        failedTransactions += 1
        return true
    }

    private func burst(_ chip: EmulatedChip, _ sub: UInt8, _ buffer: UnsafeMutableRawBufferPointer) {
        var reg = chip.start(subaddress: sub)
        for i in 0..<buffer.count {
            buffer[i] = chip.read(reg)
            reg = chip.next(after: reg, subaddress: sub)
        }
        chip.endTransaction()
    }

    public func i2cReadBlock(_ fd: Int32, register: UInt8, into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        if let entry = busFDs[fd], let bus = buses[entry.bus], bus.functionality & i2cFunctionSMBusReadBlock == 0 {
            throw Errno(95)   // EOPNOTSUPP
        }
        let n = min(buffer.count, 32)
        let chip = try transaction(fd, bytes: n)
        let slice = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<n])
        if partialFault(fd, chip, register, slice) { throw Errno.io }
        burst(chip, register, slice)
        return n
    }

    public func i2cWriteRead(_ fd: Int32, address: UInt8, register: UInt8, into buffer: UnsafeMutableRawBufferPointer) throws(Errno) {
        if let entry = busFDs[fd], let bus = buses[entry.bus], bus.functionality & i2cFunctionPlainI2C == 0 {
            throw Errno(95)
        }
        let chip = try transaction(fd, bytes: buffer.count)
        if partialFault(fd, chip, register, buffer) { throw Errno.io }
        burst(chip, register, buffer)
    }

    // MARK: SystemCalls: time

    public func monotonicNanoseconds() -> Int64 { now }
    public func sleep(nanoseconds: Int64) { advance(by: nanoseconds) }
}
