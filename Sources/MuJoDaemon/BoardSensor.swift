// The one sensor type mujod runs: whichever source was chosen, wrapped in one enum, so the
// recognition loop (RecognitionSession, DeviceLoop) is compiled once for the board instead of
// once per source type (three copies of the loop were ~20 KB of the Embedded binary). The
// generic API stays for tests and hosts; only Daemon.run uses this.
import MuJoSensors

public enum BoardSensor<S: SystemCalls>: MotionSensor {
    case csv(CSVReplay<S>)
    case i2c(I2CAccelerometer<S>)
    case iio(IIOReader<S>)

    // The three are classes: calling them through the enum's copy acts on the one instance.
    public var outputDataRate: Double {
        switch self {
        case .csv(let s): return s.outputDataRate
        case .i2c(let s): return s.outputDataRate
        case .iio(let s): return s.outputDataRate
        }
    }

    public var hasGyroscope: Bool {
        switch self {
        case .csv(let s): return s.hasGyroscope
        case .i2c(let s): return s.hasGyroscope
        case .iio(let s): return s.hasGyroscope
        }
    }

    public var statistics: SensorStatistics {
        switch self {
        case .csv(let s): return s.statistics
        case .i2c(let s): return s.statistics
        case .iio(let s): return s.statistics
        }
    }

    public mutating func start() throws(SensorError) {
        switch self {
        case .csv(let s): try s.start()
        case .i2c(let s): try s.start()
        case .iio(let s): try s.start()
        }
    }

    public mutating func read(into events: inout [SensorEvent]) throws(SensorError) {
        switch self {
        case .csv(let s): try s.read(into: &events)
        case .i2c(let s): try s.read(into: &events)
        case .iio(let s): try s.read(into: &events)
        }
    }

    public mutating func waitForData() throws(SensorError) -> Bool {
        switch self {
        case .csv(let s): return try s.waitForData()
        case .i2c(let s): return try s.waitForData()
        case .iio(let s): return try s.waitForData()
        }
    }

    public mutating func stop() {
        switch self {
        case .csv(let s): s.stop()
        case .i2c(let s): s.stop()
        case .iio(let s): s.stop()
        }
    }
}
