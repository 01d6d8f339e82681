import XCTest
@testable import MuJoCore

/// The `.npy` reader: round trip, numpy-written headers, and a clear error for each bad file.
final class NPYTests: XCTestCase {
    func testRoundTrip() throws {
        let values: [Float] = [1, -2.5, 3.25, .pi, 0, -0, 1e-30, 65504]
        let bytes = NPY.serializeFloat32(shape: [2, 4], values: values)
        XCTAssertEqual((bytes.count - values.count * 4) % 64, 0, "header padded to 64 bytes like numpy")
        let a = try NPY.parseFloat32(bytes)
        XCTAssertEqual(a.shape, [2, 4])
        XCTAssertEqual(a.values, values)
        XCTAssertEqual(try NPY.parseFloat32(NPY.serializeFloat32(shape: [3], values: [1, 2, 3])).shape, [3])
        XCTAssertEqual(try NPY.parseFloat32(NPY.serializeFloat32(shape: [], values: [7])).values, [7])
    }

    /// The exact header numpy 1.x/2.x writes (np.save of float32 zeros((2, 3))).
    func testNumpyHeader() throws {
        var header = Array("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }".utf8)
        while (10 + header.count + 1) % 64 != 0 { header.append(0x20) }
        header.append(0x0A)
        let bytes = NPY.magic + [1, 0, UInt8(header.count), 0] + header + [UInt8](repeating: 0, count: 24)
        let a = try NPY.parseFloat32(bytes)
        XCTAssertEqual(a.shape, [2, 3])
        XCTAssertEqual(a.values, [Float](repeating: 0, count: 6))
    }

    private func file(descr: String, fortran: Bool = false, shape: String, dataBytes: Int) -> [UInt8] {
        let header = Array("{'descr': '\(descr)', 'fortran_order': \(fortran ? "True" : "False"), 'shape': \(shape), }\n".utf8)
        return NPY.magic + [1, 0, UInt8(header.count), 0] + header + [UInt8](repeating: 0, count: dataBytes)
    }

    private func message(_ bytes: [UInt8]) -> String {
        do { _ = try NPY.parseFloat32(bytes); return "no error" } catch { return error.message }
    }

    func testErrors() {
        XCTAssertTrue(message(Array("hello world".utf8)).contains("not a .npy file"))
        XCTAssertTrue(message(file(descr: "<f8", shape: "(2,)", dataBytes: 16)).contains("dtype is '<f8'; expected float32"))
        XCTAssertTrue(message(file(descr: "<i8", shape: "(2,)", dataBytes: 16)).contains("expected float32"))
        XCTAssertTrue(message(file(descr: "<f4", fortran: true, shape: "(2, 2)", dataBytes: 16)).contains("Fortran order"))
        XCTAssertTrue(message(file(descr: "<f4", shape: "(4, 3)", dataBytes: 20)).contains("truncated"))
        XCTAssertTrue(message(Array(NPY.serializeFloat32(shape: [4], values: [1, 2, 3, 4]).prefix(30))).contains("truncated .npy header"))
    }
}
