// Register-level behaviour of the emulators, checked through the SystemCalls seam the drivers use.
import XCTest
import MuJoSensors
import MuJoEmulators

final class EmulatorRegisterTests: XCTestCase {
    func open(_ sys: EmulatedSystem, _ address: UInt8) throws -> Int32 {
        let fd = try sys.open("/dev/i2c-1", .readWrite)
        try sys.i2cSetAddress(fd, address, force: false)
        return fd
    }

    func block(_ sys: EmulatedSystem, _ fd: Int32, _ reg: UInt8, _ n: Int) throws -> [UInt8] {
        var b = [UInt8](repeating: 0, count: n)
        var failure: Errno?
        _ = b.withUnsafeMutableBytes { raw -> Int in
            do throws(Errno) { return try sys.i2cReadBlock(fd, register: reg, into: raw) } catch { failure = error; return 0 }
        }
        if let failure { throw failure }
        return b
    }

    func testLIS3DHSubAddressBit7AndFIFOWrap() throws {
        let r = try realRecording()
        let sys = EmulatedSystem()
        let chip = EmulatedLIS3DH(recording: r)
        sys.attach(chip, to: "/dev/i2c-1")
        let fd = try open(sys, 0x18)
        XCTAssertEqual(try sys.i2cReadByte(fd, register: 0x0F), 0x33)
        try sys.i2cWriteByte(fd, register: 0x20, value: 0x57)   // 100 Hz, xyz
        try sys.i2cWriteByte(fd, register: 0x23, value: 0x88)
        sys.sleep(nanoseconds: 50_000_000)
        // FIFO off: without bit 7 a burst re-reads OUT_X_L; with it, the address increments.
        let same = try block(sys, fd, 0x28, 4)
        XCTAssertEqual(Set(same).count, 1, "no auto-increment without the 0x80 bit: \(same)")
        let inc = try block(sys, fd, 0xA8, 6)
        XCTAssertEqual(inc, Array(chip.registers[0x28...0x2D]))
        // FIFO on, stream: a 30-byte burst from 0xA8 wraps 0x2D → 0x28 and pops 5 samples.
        try sys.i2cWriteByte(fd, register: 0x24, value: 0x40)
        try sys.i2cWriteByte(fd, register: 0x2E, value: 0x80)
        sys.sleep(nanoseconds: 100_000_000)
        let src = try sys.i2cReadByte(fd, register: 0x2F)   // the chip catches up on each transaction
        XCTAssertGreaterThanOrEqual(chip.inFIFOCount, 9)
        XCTAssertEqual(Int(src & 0x1F), chip.inFIFOCount)
        _ = try block(sys, fd, 0xA8, 30)
        XCTAssertEqual(chip.readCount, 5)
        XCTAssertEqual(try sys.i2cReadByte(fd, register: 0x2F) & 0x1F, UInt8(chip.inFIFOCount))
        // Bypass empties the FIFO.
        try sys.i2cWriteByte(fd, register: 0x2E, value: 0x00)
        XCTAssertEqual(chip.inFIFOCount, 0)
        XCTAssertEqual(try sys.i2cReadByte(fd, register: 0x2F) & 0x20, 0x20, "EMPTY")
    }

    func testMPUFIFOReadDoesNotIncrementAndCountIsBigEndianBytes() throws {
        let r = try realRecording()
        let sys = EmulatedSystem()
        let chip = EmulatedMPU6050(recording: r)
        sys.attach(chip, to: "/dev/i2c-1")
        let fd = try open(sys, 0x68)
        XCTAssertEqual(try sys.i2cReadByte(fd, register: 0x75), 0x68)
        XCTAssertEqual(chip.outputDataRate, 0, "asleep after power-on (PWR_MGMT_1 = 0x40)")
        for (reg, v) in [(0x6B, 0x01), (0x1A, 0x03), (0x19, 9), (0x6A, 0x44), (0x23, 0x08)] as [(UInt8, UInt8)] {
            try sys.i2cWriteByte(fd, register: reg, value: v)
        }
        XCTAssertEqual(chip.outputDataRate, 100)
        sys.sleep(nanoseconds: 1_000_000_000)
        let count = try block(sys, fd, 0x72, 2)
        XCTAssertEqual(Int(count[0]) << 8 | Int(count[1]), chip.inFIFOCount * 6)
        _ = try block(sys, fd, 0x74, 30)
        XCTAssertEqual(chip.readCount, 5, "30 bytes at FIFO_R_W = 5 frames (no auto-increment)")
        // Overflow: 1024 B hold 170 frames; after 3 s the flag is set, and reading clears it.
        sys.sleep(nanoseconds: 3_000_000_000)
        XCTAssertEqual(try sys.i2cReadByte(fd, register: 0x3A) & 0x10, 0x10)
        XCTAssertEqual(try sys.i2cReadByte(fd, register: 0x3A) & 0x10, 0)
        XCTAssertGreaterThan(chip.droppedCount, 0)
        // FIFO reset via USER_CTRL bit 2.
        try sys.i2cWriteByte(fd, register: 0x6A, value: 0x44)
        XCTAssertEqual(chip.inFIFOCount, 0)
        // Device reset restores the power-on state.
        try sys.i2cWriteByte(fd, register: 0x6B, value: 0x80)
        XCTAssertEqual(chip.registers[0x6B], 0x40)
    }

    func testADXL345PopsOneEntryPerTransactionAndSaturates() throws {
        let r = try realRecording()
        let sys = EmulatedSystem()
        let chip = EmulatedADXL345(recording: r)
        sys.attach(chip, to: "/dev/i2c-1")
        let fd = try open(sys, 0x53)
        try sys.i2cWriteByte(fd, register: 0x31, value: 0x08)   // full res, ±2 g
        try sys.i2cWriteByte(fd, register: 0x38, value: 0x80)
        try sys.i2cWriteByte(fd, register: 0x2D, value: 0x08)
        sys.sleep(nanoseconds: 200_000_000)
        let n = Int(try sys.i2cReadByte(fd, register: 0x39))
        XCTAssertEqual(n, chip.inFIFOCount)
        _ = try block(sys, fd, 0x32, 12)   // 12 bytes in one transaction: still one entry
        XCTAssertEqual(chip.readCount, 1)
        // ±2 g full resolution is 10 bits: counts stay within [−512, 511].
        sys.sleep(nanoseconds: 60_000_000_000)
        XCTAssertTrue(chip.producedCounts.allSatisfy { abs($0.x) <= 512 && abs($0.y) <= 512 && abs($0.z) <= 512 })
    }

    func testFaultsSeenThroughTheSeam() throws {
        let r = try realRecording()
        let sys = EmulatedSystem()
        sys.attach(EmulatedLSM6DSOX(recording: r), to: "/dev/i2c-1")
        let fd = try open(sys, 0x6A)
        sys.nack(bus: "/dev/i2c-1", address: 0x6A, transactions: 1)
        sys.eio(bus: "/dev/i2c-1", address: 0x6A, transactions: 1)
        XCTAssertThrowsError(try sys.i2cReadByte(fd, register: 0x0F)) { XCTAssertEqual($0 as? Errno, .remoteIO) }
        XCTAssertThrowsError(try sys.i2cReadByte(fd, register: 0x0F)) { XCTAssertEqual($0 as? Errno, .io) }
        XCTAssertEqual(try sys.i2cReadByte(fd, register: 0x0F), 0x6C)
        sys.removeBus("/dev/i2c-1", forNanoseconds: 1_000_000)
        XCTAssertThrowsError(try sys.i2cReadByte(fd, register: 0x0F)) { XCTAssertEqual($0 as? Errno, .noDevice) }
        XCTAssertThrowsError(try sys.open("/dev/i2c-1", .readWrite)) { XCTAssertEqual($0 as? Errno, .noEntry) }
        sys.sleep(nanoseconds: 2_000_000)
        XCTAssertEqual(try sys.i2cReadByte(fd, register: 0x0F), 0x6C)
        let into = UnsafeMutableRawBufferPointer.allocate(byteCount: 1, alignment: 1)
        defer { into.deallocate() }
        XCTAssertThrowsError(try sys.i2cWriteRead(fd, address: 0x6A, register: 0x0F, into: into), "SMBus-only bus: no I2C_RDWR")
    }

    /// Reading the BMI160's FIFO past its fill level returns the over-read pattern, not data and
    /// not a copy of the last sample.
    func testBMI160OverreadPattern() throws {
        let r = try realRecording()
        let sys = EmulatedSystem()
        let chip = EmulatedBMI160(recording: r)
        sys.attach(chip, to: "/dev/i2c-1")
        let fd = try open(sys, 0x68)
        try sys.i2cWriteByte(fd, register: 0x7E, value: 0x11)   // accelerometer normal
        try sys.i2cWriteByte(fd, register: 0x40, value: 0x28)   // 100 Hz
        try sys.i2cWriteByte(fd, register: 0x47, value: 0x40)   // accelerometer in the FIFO
        try sys.i2cWriteByte(fd, register: 0x7E, value: 0xB0)   // flush
        sys.sleep(nanoseconds: 25_000_000)                       // 2 frames
        XCTAssertEqual(try sys.i2cReadByte(fd, register: 0x22), 12, "FIFO_LENGTH: 12 bytes")
        let b = try block(sys, fd, 0x24, 24)
        XCTAssertEqual(chip.readCount, 2)
        XCTAssertEqual(Array(b[12..<24]), [0x80, 0x00, 0x80, 0x00, 0x80, 0x00, 0x80, 0x00, 0x80, 0x00, 0x80, 0x00])
        XCTAssertNotEqual(Array(b[0..<6]), [0x80, 0x00, 0x80, 0x00, 0x80, 0x00])
    }

    /// The list of samples a transaction popped holds one transaction's (a failed burst demotes
    /// them); it used to keep every sample read between two partial-EIO faults (the fault soak's
    /// memory growth).
    func testTransactionPopsHoldOneTransaction() throws {
        let rig = try Rig(.lis3dh, rateHz: 100)
        try rig.driver.start()
        _ = try rig.run(seconds: 10)
        XCTAssertGreaterThan(rig.chip.readCount, 900)
        XCTAssertLessThanOrEqual(rig.chip.transactionPops.count, 5, "one 30-byte burst pops at most 5 samples")
    }
}
