// Types shared by the per-chip register code (ChipMPU6050.swift, ChipADXL345.swift,
// ChipLIS3DH.swift, ChipLSM6DS.swift). Internal: the public face is I2CAccelerometer.

/// One FIFO entry in chip counts (before scaling).
struct RawFrame {
    var accel: SIMD3<Int32>
    var gyro: SIMD3<Int32>
    /// False when the gyroscope is on but no gyro value belongs to this sample (never invented).
    var gyroValid: Bool
    init(accel: SIMD3<Int32>, gyro: SIMD3<Int32> = .zero, gyroValid: Bool = true) {
        self.accel = accel; self.gyro = gyro; self.gyroValid = gyroValid
    }
}

/// LSM6DSOX tagged-FIFO pairing state: a gyro and an accel record with the same TAG_CNT make
/// one sample. Kept by the driver across polls (a poll may end between the two records).
struct TaggedPairing {
    var gyro: SIMD3<Int32>? = nil
    var gyroCount: UInt8 = 0
    var accel: SIMD3<Int32>? = nil
    var accelCount: UInt8 = 0
}

/// What the caller asks of a chip.
struct ChipSettings {
    var rateHz: Int
    var rangeG: Int
    var gyroscope: Bool
}

/// How the chip ended up configured.
struct ChipSetup {
    /// The rate the chip really samples at (e.g. 104 Hz for an LSM6 asked for 100).
    var outputDataRate: Double
    /// m/s² per count.
    var accelScale: Float
    /// rad/s per count (0 without gyroscope).
    var gyroScale: Float
    /// Bytes per FIFO frame as read over the bus.
    var frameBytes: Int
    /// Frames the FIFO holds.
    var fifoFrames: Int
    var gyroscope: Bool
    /// FIFO frames per sample: 2 where accelerometer and gyroscope are separate records (LSM6 with
    /// the gyroscope), else 1. Bounds the count a status read may plausibly report.
    var framesPerSample = 1
}

/// The FIFO state read at the start of a poll.
struct FIFOStatus {
    var frames: Int
    var overflow: Bool
}

func gToMetersPerSecondSquared(_ g: Double) -> Float { Float(g * standardGravity) }

func int16BE(_ b: [UInt8], _ i: Int) -> Int32 { Int32(Int16(bitPattern: UInt16(b[i]) << 8 | UInt16(b[i + 1]))) }
func int16LE(_ b: [UInt8], _ i: Int) -> Int32 { Int32(Int16(bitPattern: UInt16(b[i + 1]) << 8 | UInt16(b[i]))) }

/// Range code 0…3 for ±2/4/8/16 g, or an error naming the valid choices.
func rangeCode(_ chip: AccelerometerChip, _ rangeG: Int) throws(LinkError) -> UInt8 {
    switch rangeG {
    case 2: return 0
    case 4: return 1
    case 8: return 2
    case 16: return 3
    default:
        throw .fatal(.unsupportedSetting("\(chip.name) range ±\(rangeG) g is not supported; use 2, 4, 8 or 16"))
    }
}
