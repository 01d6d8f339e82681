// Acceptance 1 (clean part): each driver reads the real recording through its emulator at 50 and
// 100 Hz for one hour of simulated time with 0 lost and 0 duplicated samples.
import XCTest
import MuJoSensors
import MuJoEmulators

final class I2CDriverHourTests: XCTestCase {
    func hour(_ kind: ChipUnderTest, _ rate: Int, plainI2C: Bool = false) throws {
        let rig = try Rig(kind, rateHz: rate, plainI2C: plainI2C)
        try rig.driver.start()
        let events = try rig.run(seconds: 3600)
        let f = groundTruth(rig, events)
        print("FIGURES \(kind) \(rate) Hz\(plainI2C ? " I2C_RDWR" : " SMBus"): ODR \(rig.driver.outputDataRate) Hz, \(f), retries \(rig.driver.statistics.retries), transactions \(rig.driver.statistics.transactions)")
        XCTAssertEqual(f.gaps, 0)
        XCTAssertEqual(f.lost, 0)
        XCTAssertEqual(f.duplicated, 0)
        XCTAssertEqual(f.valueMismatches, 0)
        XCTAssertEqual(f.produced, f.delivered + f.inFIFO)
        XCTAssertGreaterThan(Double(f.delivered), 3590 * rig.driver.outputDataRate)
        XCTAssertLessThan(f.maxTimestampErrorMs, 1000 * (Double(rig.driver.pollIntervalNanoseconds) / 1e9 + 2 / rig.driver.outputDataRate))
        assertStrictlyIncreasing(events)
    }

    func testMPU6050_50Hz() throws { try hour(.mpu6050, 50) }
    func testMPU6050_100Hz() throws { try hour(.mpu6050, 100) }
    func testMPU6500_50Hz() throws { try hour(.mpu6500, 50) }
    func testMPU6500_100Hz() throws { try hour(.mpu6500, 100) }
    func testMPU9250_50Hz() throws { try hour(.mpu9250, 50) }
    func testMPU9250_100Hz() throws { try hour(.mpu9250, 100) }
    func testADXL345_50Hz() throws { try hour(.adxl345, 50) }
    func testADXL345_100Hz() throws { try hour(.adxl345, 100) }
    func testLIS3DH_50Hz() throws { try hour(.lis3dh, 50) }
    func testLIS3DH_100Hz() throws { try hour(.lis3dh, 100) }
    func testLSM6DS3_50Hz() throws { try hour(.lsm6ds3, 50) }
    func testLSM6DS3_100Hz() throws { try hour(.lsm6ds3, 100) }
    func testLSM6DSOX_50Hz() throws { try hour(.lsm6dsox, 50) }
    func testLSM6DSOX_100Hz() throws { try hour(.lsm6dsox, 100) }
    func testBMI160_50Hz() throws { try hour(.bmi160, 50) }
    func testBMI160_100Hz() throws { try hour(.bmi160, 100) }
    func testMPU6050_100Hz_I2CRDWR() throws { try hour(.mpu6050, 100, plainI2C: true) }
    func testLIS3DH_100Hz_I2CRDWR() throws { try hour(.lis3dh, 100, plainI2C: true) }
    func testLSM6DSOX_100Hz_I2CRDWR() throws { try hour(.lsm6dsox, 100, plainI2C: true) }
}
