import XCTest
import MuJoCore
import MuJoHostCore
import MuJoSystem

/// The one model loader: valid files load, and a foreign, huge, cut or missing file is refused
/// after reading its header — never by reading it whole.
final class ModelLoaderTests: XCTestCase {
    func temp(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("loader-\(getpid())-\(name)").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    func testLoadsWhatTheWriterWrites() throws {
        let bytes = try ModelWriter.serialize(SmallGraph().model(int8: true))
        let path = try temp("ok.mujo", bytes)
        let m = try ModelLoader.load(path, system: LinuxSystemCalls())
        XCTAssertEqual(try ModelWriter.serialize(m), bytes)
    }

    func testRefusalsSayWhatAndWhere() throws {
        let good = try ModelWriter.serialize(SmallGraph().model(int8: true))
        let system = LinuxSystemCalls()
        func message(_ path: String, limit: Int = ModelLoader.maximumBytes) -> String {
            do { _ = try ModelLoader.load(path, system: system, maximumBytes: limit); return "" } catch { return error.description }
        }
        XCTAssertTrue(message("/no/such.mujo").hasPrefix("cannot read model /no/such.mujo: ENOENT (2)"))
        XCTAssertTrue(message(try temp("text.mujo", Array("name,value\n1,2\n".utf8))).contains("does not start with \"MUJO\""))
        XCTAssertTrue(message(try temp("cut.mujo", Array(good.prefix(200)))).contains("the header says \(good.count) bytes but the file has 200"))
        // A header claiming 3 GB: refused from the header alone.
        var huge = Array(good.prefix(32))
        huge[16] = 0; huge[17] = 0; huge[18] = 0; huge[19] = 0xC0
        XCTAssertEqual(message(try temp("huge.mujo", huge)),
                       "model \(FileManager.default.temporaryDirectory.path)/loader-\(getpid())-huge.mujo says it is 3221225472 bytes, more than this runtime loads (67108864); it is not a MuJo model or is damaged")
        XCTAssertTrue(message(try temp("trailing.mujo", good + [0])).contains("trailing data"))
        XCTAssertTrue(message(try temp("small-limit.mujo", good), limit: 100).contains("more than this runtime loads (100)"))
    }
}
