// Shared test helpers: the real recording (WISDM 2019, read from ../shared/datasets at test
// time, never copied into the repository), emulator factories, and the ground-truth check.
import Foundation
import XCTest
import MuJoSensors
import MuJoEmulators

/// Repository root (…/Tests/MuJoSensorsTests/TestSupport.swift → …).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The WISDM 2019 file used as the real recording. Override the datasets folder with MUJO_DATASETS.
var wisdmAccelPath: String {
    let base = ProcessInfo.processInfo.environment["MUJO_DATASETS"]
        ?? repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/datasets").path
    return base + "/wisdm2019/raw/watch/accel/data_1600_accel_watch.txt.xz"
}

private var cachedRecording: Recording?

/// Subject 1600's watch accelerometer (≈ 54 min at 20 Hz, m/s²); skips the test when absent.
func realRecording() throws -> Recording {
    if let r = cachedRecording { return r }
    let path = wisdmAccelPath
    guard FileManager.default.fileExists(atPath: path) else {
        throw XCTSkip("real recording not found at \(path) (needs ../shared/datasets/wisdm2019; set MUJO_DATASETS to its folder)")
    }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/xz")
    p.arguments = ["-dc", path]
    let pipe = Pipe()
    p.standardOutput = pipe
    try p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    let r = Recording.parseWISDM(String(decoding: data, as: UTF8.self))
    XCTAssertGreaterThan(r.timesNanoseconds.count, 60_000)
    cachedRecording = r
    return r
}

enum ChipUnderTest: CaseIterable {
    case mpu6050, mpu6500, mpu9250, adxl345, lis3dh, lsm6ds3, lsm6dsox, bmi160

    var driverChip: AccelerometerChip {
        switch self {
        case .mpu6050: return .mpu6050
        case .mpu6500: return .mpu6500
        case .mpu9250: return .mpu9250
        case .adxl345: return .adxl345
        case .lis3dh: return .lis3dh
        case .lsm6ds3: return .lsm6ds3
        case .lsm6dsox: return .lsm6dsox
        case .bmi160: return .bmi160
        }
    }

    func make(_ r: Recording) -> EmulatedChip {
        switch self {
        case .mpu6050: return EmulatedMPU6050(variant: .mpu6050, recording: r)
        case .mpu6500: return EmulatedMPU6050(variant: .mpu6500, recording: r)
        case .mpu9250: return EmulatedMPU6050(variant: .mpu9250, address: 0x69, recording: r)
        case .adxl345: return EmulatedADXL345(recording: r)
        case .lis3dh: return EmulatedLIS3DH(recording: r)
        case .lsm6ds3: return EmulatedLSM6DS3(recording: r)
        case .lsm6dsox: return EmulatedLSM6DSOX(address: 0x6B, recording: r)
        case .bmi160: return EmulatedBMI160(address: 0x69, recording: r)
        }
    }

    /// m/s² per count, from the datasheets (written independently of the driver tables).
    func scale(rangeG: Int) -> Double {
        let g = 9.80665
        switch self {
        case .mpu6050, .mpu6500, .mpu9250, .bmi160: return g * Double(rangeG) / 32768
        case .adxl345: return g / 256
        case .lis3dh: return g * [2: 0.001, 4: 0.002, 8: 0.004, 16: 0.012][rangeG]!
        case .lsm6ds3, .lsm6dsox: return g * [2: 0.061e-3, 4: 0.122e-3, 8: 0.244e-3, 16: 0.488e-3][rangeG]!
        }
    }
}

/// One emulated rig: a bus, a chip, a driver.
struct Rig {
    let system: EmulatedSystem
    let chip: EmulatedChip
    let driver: I2CAccelerometer<EmulatedSystem>
    let kind: ChipUnderTest
    let rangeG: Int

    init(_ kind: ChipUnderTest, rateHz: Int, rangeG: Int = 8, plainI2C: Bool = false,
         recovery: RecoveryPolicy = RecoveryPolicy(), autodetect: Bool = false, sysfsI2CBase: String = "/nonexistent") throws {
        let r = try realRecording()
        system = EmulatedSystem()
        system.addBus("/dev/i2c-1", functionality: plainI2C ? 0x0EFF_0009 : 0x0EFF_0008)
        chip = kind.make(r)
        system.attach(chip, to: "/dev/i2c-1")
        let config = I2CAccelerometerConfiguration(
            bus: "/dev/i2c-1", address: autodetect ? nil : chip.address, chip: autodetect ? nil : kind.driverChip,
            rateHz: rateHz, rangeG: rangeG, recovery: recovery, sysfsI2CBase: sysfsI2CBase)
        driver = I2CAccelerometer(system: system, configuration: config)
        self.kind = kind
        self.rangeG = rangeG
    }

    /// Runs for `seconds` of simulated time; returns the events.
    func run(seconds: Double) throws -> [SensorEvent] {
        var d = driver
        var events: [SensorEvent] = []
        try capture(&d, clock: system, durationNanoseconds: Int64(seconds * 1e9)) { events.append($0) }
        return events
    }
}

struct Figures: CustomStringConvertible {
    var produced = 0, delivered = 0, lost = 0, duplicated = 0, valueMismatches = 0, inFIFO = 0, gaps = 0
    var maxTimestampErrorMs = 0.0
    var description: String {
        "produced \(produced) delivered \(delivered) lost \(lost) duplicated \(duplicated) in-FIFO-at-end \(inFIFO) value-mismatches \(valueMismatches) gaps \(gaps) max|Δt| \(String(format: "%.1f", maxTimestampErrorMs)) ms"
    }
}

/// Compares delivered samples with the emulator's ground-truth log: every sample the FIFO handed
/// to the host must be delivered exactly once, in order, with the right value after scaling.
func groundTruth(_ rig: Rig, _ events: [SensorEvent]) -> Figures {
    let samples = events.compactMap { $0.sample }
    var f = Figures()
    f.produced = rig.chip.producedCounts.count
    f.delivered = samples.count
    f.inFIFO = rig.chip.inFIFOCount
    f.gaps = events.filter { $0.gap != nil }.count
    let scale = rig.kind.scale(rangeG: rig.rangeG)
    // Samples popped by the host, in production order.
    var popped: [Int] = []
    for (i, fate) in rig.chip.fates.enumerated() where fate == .read { popped.append(i) }
    f.lost = rig.chip.droppedCount
    f.duplicated = max(0, samples.count - popped.count)
    var mismatches = 0
    var maxErr: Int64 = 0
    for (k, s) in samples.enumerated() {
        guard k < popped.count else { break }
        let seq = popped[k]
        let c = rig.chip.producedCounts[seq]
        let expected = SIMD3<Double>(Double(c.x), Double(c.y), Double(c.z)) * scale
        let got = SIMD3<Double>(Double(s.acceleration.x), Double(s.acceleration.y), Double(s.acceleration.z))
        let d = got - expected
        let worst = max(abs(d.x), max(abs(d.y), abs(d.z)))
        if worst > 1e-4 * max(1, abs(expected.x) + abs(expected.y) + abs(expected.z)) { mismatches += 1 }
        maxErr = max(maxErr, abs(s.timestampNanoseconds - rig.chip.producedTimes[seq]))
    }
    if popped.count > samples.count { f.lost += popped.count - samples.count }
    f.valueMismatches = mismatches
    f.maxTimestampErrorMs = Double(maxErr) / 1e6
    return f
}

func assertStrictlyIncreasing(_ events: [SensorEvent], file: StaticString = #filePath, line: UInt = #line) {
    var last = Int64.min
    for e in events {
        if let s = e.sample {
            XCTAssertGreaterThan(s.timestampNanoseconds, last, "timestamps must increase", file: file, line: line)
            last = s.timestampNanoseconds
        }
    }
}
