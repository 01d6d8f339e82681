// Loads the numpy-generated test vectors (Tests/Vectors/generate_kernel_vectors.py) and builds
// tensors from them. Host-only test code.
import Foundation
import XCTest
@testable import MuJoCore

let vectorsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Vectors")
let fixturesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

/// A JSON value decoded exactly: integers as Int64, other numbers as Double (JSONDecoder parses
/// doubles exactly; JSONSerialization on Linux does not).
enum JSONValue: Decodable {
    case int(Int64), double(Double), string(String), bool(Bool), array([JSONValue]), object([String: JSONValue]), null

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let v = try? c.decode(Int64.self) { self = .int(v) }
        else if let v = try? c.decode(Double.self) { self = .double(v) }
        else if let v = try? c.decode(Bool.self) { self = .bool(v) }
        else if let v = try? c.decode(String.self) { self = .string(v) }
        else if let v = try? c.decode([JSONValue].self) { self = .array(v) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    var number: NSNumber? {
        switch self {
        case .int(let v): return NSNumber(value: v)
        case .double(let v): return NSNumber(value: v)
        default: return nil
        }
    }
    var array: [JSONValue] { if case .array(let a) = self { return a }; return [] }
    var object: [String: JSONValue] { if case .object(let o) = self { return o }; return [:] }
    var string: String? { if case .string(let s) = self { return s }; return nil }
    subscript(key: String) -> JSONValue? { object[key] }

    static func load(_ url: URL) throws -> JSONValue { try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: url)) }
}

struct VectorTensor {
    var dtype: String
    var shape: [Int]
    /// Exact: integers stay integers (JSONSerialization keeps int64), floats are float64.
    var numbers: [NSNumber]

    init(dtype: String, shape: [Int], numbers: [NSNumber]) {
        self.dtype = dtype
        self.shape = shape
        self.numbers = numbers
    }

    init(_ json: JSONValue) {
        dtype = json["dtype"]!.string!
        shape = json["shape"]!.array.map { $0.number!.intValue }
        numbers = json["data"]!.array.map { $0.number! }
    }

    var values: [Double] { numbers.map { $0.doubleValue } }
    var int64: [Int64] { numbers.map { $0.int64Value } }
    var int8: [Int8] { numbers.map { Int8($0.int64Value) } }
    var int32: [Int32] { numbers.map { Int32($0.int64Value) } }
    var float: [Float] { numbers.map { Float($0.doubleValue) } }
    var count: Int { numbers.count }

    /// Constant bytes for a TensorDescription.
    var bytes: [UInt8] {
        switch dtype {
        case "int8": return int8.map { UInt8(bitPattern: $0) }
        case "int32": return int32.flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: UInt32(bitPattern: v) >> (8 * $0)) } }
        default: return float.flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: v.bitPattern >> (8 * $0)) } }
        }
    }
}

struct VectorCase {
    var name: String
    var kernel: String
    var params: [String: NSNumber]
    var tensors: [String: VectorTensor]
    var expected: VectorTensor

    func p(_ key: String) -> Int { params[key]!.intValue }
    func i64(_ key: String) -> Int64 { params[key]!.int64Value }
    func i32(_ key: String) -> Int32 { Int32(params[key]!.int64Value) }
    func f(_ key: String) -> Float { Float(params[key]!.doubleValue) }
    func d(_ key: String) -> Double { params[key]!.doubleValue }
    func t(_ key: String) -> VectorTensor { tensors[key]! }

    /// (multiplier, shift) pairs interleaved, the layout of a requantization table.
    func requantTable(_ m: String = "multiplier", _ s: String = "shift") -> [Int32] {
        let mm = t(m).int32, ss = t(s).int32
        return (0..<mm.count).flatMap { [mm[$0], ss[$0]] }
    }
}

func loadVectorFile(_ name: String) throws -> (header: JSONValue, cases: [VectorCase]) {
    let json = try JSONValue.load(vectorsDirectory.appendingPathComponent(name))
    let cases = (json["cases"]?.array ?? []).map { c in
        VectorCase(name: c["name"]!.string!, kernel: c["kernel"]!.string!,
                   params: (c["params"]?.object ?? [:]).compactMapValues { $0.number },
                   tensors: (c["tensors"]?.object ?? [:]).mapValues { VectorTensor($0) },
                   expected: VectorTensor(c["expected"]!))
    }
    return (json, cases)
}

func cases(_ file: String, kernel: String) throws -> [VectorCase] {
    let all = try loadVectorFile(file).cases.filter { $0.kernel == kernel }
    XCTAssertFalse(all.isEmpty, "no \(kernel) cases in \(file)")
    return all
}

/// Asserts two float arrays agree within an absolute tolerance, naming the worst element.
func assertClose(_ got: [Float], _ want: [Float], tolerance: Float, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(got.count, want.count, what, file: file, line: line)
    var worst: Float = 0, at = 0
    for i in 0..<min(got.count, want.count) where abs(got[i] - want[i]) > worst { worst = abs(got[i] - want[i]); at = i }
    XCTAssertLessThanOrEqual(worst, tolerance, "\(what): element \(at) got \(got.isEmpty ? 0 : got[at]) want \(want.isEmpty ? 0 : want[at])", file: file, line: line)
}

func assertEqualInt8(_ got: [Int8], _ want: [Int8], _ what: String, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(got.count, want.count, what, file: file, line: line)
    if let i = zip(got, want).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
        XCTFail("\(what): first difference at element \(i): got \(got[i]) want \(want[i])", file: file, line: line)
    }
}
