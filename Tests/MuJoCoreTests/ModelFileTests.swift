import XCTest
@testable import MuJoCore
@testable import MuJoHostCore

/// Issue 2, acceptance 3: the model file round-trips byte for byte, every malformed-file class has
/// a test that checks the error (kind, section, message), and flipping any byte never crashes.
final class ModelFileTests: XCTestCase {
    func smallFile() throws -> [UInt8] { try ModelWriter.serialize(SmallGraph().model(int8: true)) }

    /// Recomputes the CRC trailer so that a deliberate corruption reaches the structural checks.
    func resealed(_ bytes: [UInt8]) -> [UInt8] {
        var b = bytes
        let crc = CRC32.checksum(b, count: b.count - 4)
        for i in 0..<4 { b[b.count - 4 + i] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(i))) }
        return b
    }

    func u32(_ b: [UInt8], _ at: Int) -> Int { Int(ByteReader.u32(b, at: at)) }
    func put32(_ b: inout [UInt8], _ at: Int, _ v: UInt32) { for i in 0..<4 { b[at + i] = UInt8(truncatingIfNeeded: v >> (8 * UInt32(i))) } }

    /// (table entry offset, section offset, length) of a section.
    func section(_ b: [UInt8], _ tag: SectionTag) -> (entry: Int, offset: Int, length: Int) {
        for i in 0..<u32(b, 12) {
            let e = 32 + 16 * i
            if u32(b, e) == Int(tag.rawValue) { return (e, u32(b, e + 4), u32(b, e + 8)) }
        }
        fatalError("no section \(tag.name)")
    }

    func expectError(_ bytes: [UInt8], _ kind: ModelErrorKind, section: String, containing text: String,
                     file: StaticString = #filePath, line: UInt = #line) {
        do {
            _ = try ModelReader.parse(bytes)
            XCTFail("loaded a file that should fail with \(kind)", file: file, line: line)
        } catch {
            XCTAssertEqual(error.kind, kind, error.description, file: file, line: line)
            XCTAssertEqual(error.section, section, error.description, file: file, line: line)
            XCTAssertTrue(error.description.contains(text), "message '\(error.description)' lacks '\(text)'", file: file, line: line)
            XCTAssertTrue(error.description.contains("mujo quantize") || error.description.contains("copy it again"),
                          "message gives no advice: \(error.description)", file: file, line: line)
        }
    }

    // MARK: Round trip

    func testRoundTripIsByteForByte() throws {
        for int8 in [true, false] {
            let model = try SmallGraph().model(int8: int8)
            let bytes = try ModelWriter.serialize(model)
            let back = try ModelReader.parse(bytes)
            XCTAssertEqual(back, model)
            let again = try ModelWriter.serialize(back)
            XCTAssertEqual(again, bytes)
            for tag in SectionTag.allCases {
                let a = section(bytes, tag), b = section(again, tag)
                XCTAssertEqual(Array(bytes[a.offset..<(a.offset + a.length)]), Array(again[b.offset..<(b.offset + b.length)]), tag.name)
                XCTAssertEqual(a.offset % 16, 0, "\(tag.name) is not 16-aligned")
            }
        }
    }

    func testHeaderLayout() throws {
        let b = try smallFile()
        XCTAssertEqual(Array(b[0..<4]), Array("MUJO".utf8))
        XCTAssertEqual(b[4], 1)              // major version, little-endian
        XCTAssertEqual(u32(b, 8), 32)        // header size
        XCTAssertEqual(u32(b, 12), 7)        // sections
        XCTAssertEqual(u32(b, 16), b.count)  // file size
        XCTAssertEqual(UInt32(u32(b, b.count - 4)), CRC32.checksum(b, count: b.count - 4))
        XCTAssertEqual(CRC32.checksum(Array("123456789".utf8)), 0xCBF4_3926) // the standard check value
    }

    // MARK: Malformed classes

    func testBadMagic() throws {
        var b = try smallFile()
        b[0] = UInt8(ascii: "X")
        expectError(b, .badMagic, section: "header", containing: "does not start with \"MUJO\"")
        expectError([], .badMagic, section: "header", containing: "MUJO")
    }

    func testUnknownVersion() throws {
        var b = try smallFile()
        b[4] = 9
        expectError(resealed(b), .unsupportedVersion, section: "header", containing: "format version 9.0")
    }

    func testTruncation() throws {
        let b = try smallFile()
        for cut in [10, 40, b.count / 2, b.count - 1] {
            expectError(Array(b[0..<cut]), .truncated, section: "header", containing: cut < 36 ? "fewer than a header" : "the header says \(b.count) bytes")
        }
    }

    func testChecksumMismatch() throws {
        var b = try smallFile()
        let data = section(b, .data)
        b[data.offset + 3] ^= 0x40
        expectError(b, .checksumMismatch, section: "trailer", containing: "CRC-32 is")
    }

    func testSectionOutOfRangeAndOverlap() throws {
        var b = try smallFile()
        let graph = section(b, .graph)
        put32(&b, graph.entry + 8, UInt32(b.count))
        expectError(resealed(b), .sectionOutOfRange, section: "GRPH", containing: "outside the file body")

        var c = try smallFile()
        let tens = section(c, .tensors), grph = section(c, .graph)
        put32(&c, grph.entry + 4, UInt32(tens.offset)) // GRPH now starts where TENS does
        expectError(resealed(c), .sectionsOverlap, section: "GRPH", containing: "overlaps section TENS")
    }

    func testTensorDataOutOfRange() throws {
        var b = try smallFile()
        let tens = section(b, .tensors)
        // The first conv's weights (a constant): point their data past DATA.
        let weights = try SmallGraph().model(int8: true).ops[1].inputs[1]
        let entry = tens.offset + 8 + weights * ModelFormat.tensorEntrySize
        put32(&b, entry + 28, 0x0FFF_FFF0)
        expectError(resealed(b), .badTensor, section: "TENS", containing: "outside DATA")
    }

    func testTensorDataOverlap() throws {
        var b = try smallFile()
        let tens = section(b, .tensors)
        let conv = try SmallGraph().model(int8: true).ops[1]
        let w = tens.offset + 8 + conv.inputs[1] * ModelFormat.tensorEntrySize, bias = tens.offset + 8 + conv.inputs[2] * ModelFormat.tensorEntrySize
        put32(&b, bias + 28, UInt32(u32(b, w + 28))) // the bias now points into the weights
        expectError(resealed(b), .badTensor, section: "DATA", containing: "overlaps data of tensor")
    }

    func testUnknownOp() throws {
        var b = try smallFile()
        let graph = section(b, .graph)
        let firstOp = graph.offset + 16 + 4 * (1 + 1) // header, one input id, one output id
        b[firstOp] = 99
        expectError(resealed(b), .unknownOp, section: "GRPH", containing: "unknown op code 99")
    }

    func testTensorIdOutOfRange() throws {
        var model = try SmallGraph().model(int8: true)
        model.ops[2].inputs[0] = 500
        expectError(try rawSerialize(model), .badTensorId, section: "GRPH", containing: "input tensor id 500 is out of range")
    }

    func testShapeMismatch() throws {
        var model = try SmallGraph().model(int8: true)
        let out = model.ops[1].outputs[0]
        model.tensors[out].shape = [31, 8]
        expectError(try rawSerialize(model), .shapeMismatch, section: "GRPH", containing: "expected [32, 8]")
    }

    func testDataTypeMismatch() throws {
        var model = try SmallGraph().model(int8: true)
        let w = model.ops[1].inputs[1]
        model.tensors[w] = TensorDescription(name: "float weights", dataType: .float32, shape: model.tensors[w].shape,
                                             data: [UInt8](repeating: 0, count: model.tensors[w].elementCount * 4))
        expectError(try rawSerialize(model), .dataTypeMismatch, section: "GRPH", containing: "is float32, expected int8")
    }

    func testRequantShiftOutOfRange() throws {
        var model = try SmallGraph().model(int8: true)
        let rq = model.ops[1].inputs[3]
        model.tensors[rq].data!.replaceSubrange(4..<8, with: [77, 0, 0, 0]) // shift of channel 0
        expectError(try rawSerialize(model), .badAttribute, section: "GRPH", containing: "shift 77")
    }

    func testLabelDimensionMismatch() throws {
        var model = try SmallGraph().model(int8: true)
        model.labels.labels[0].embedding = [1, 0, 0]
        XCTAssertThrowsError(try ModelWriter.serialize(model)) { e in
            XCTAssertEqual((e as? ModelError)?.kind, .badLabels)
            XCTAssertTrue("\(e)".contains("has 3 values, the table's dimension is 6"), "\(e)")
        }
    }

    /// Serializes without the writer's validation, to produce files only a broken tool would write.
    func rawSerialize(_ m: ModelDescription) throws -> [UInt8] {
        var strings = StringPool(), data = ByteWriter()
        var sections: [(SectionTag, [UInt8])] = []
        for tag in SectionTag.allInWriteOrder {
            switch tag {
            case .inputSpec: sections.append((tag, try ModelWriter.inputSpecSection(m.inputSpec)))
            case .tensors: sections.append((tag, ModelWriter.tensorSection(m.tensors, strings: &strings, data: &data)))
            case .graph: sections.append((tag, ModelWriter.graphSection(m)))
            case .labels: sections.append((tag, try ModelWriter.labelSection(m.labels, strings: &strings)))
            case .provenance: sections.append((tag, ModelWriter.provenanceSection(m.provenance, strings: &strings)))
            case .strings: sections.append((tag, strings.bytes))
            case .data: sections.append((tag, data.bytes))
            }
        }
        return ModelWriter.assemble(sections)
    }

    // MARK: Byte flips

    func testFlippingEveryByteNeverCrashes() throws {
        let original = try smallFile()
        var loaded = 0, failed = 0
        for i in 0..<original.count {
            var b = original
            b[i] ^= 0xFF
            do {
                let model = try ModelReader.parse(b)
                // Only possible if the CRC still matches, which a one-byte change cannot achieve.
                XCTAssertEqual(CRC32.checksum(b, count: b.count - 4), UInt32(u32(b, b.count - 4)))
                _ = Interpreter(model: model)
                loaded += 1
            } catch {
                XCTAssertFalse(error.description.isEmpty)
                failed += 1
            }
        }
        XCTAssertEqual(loaded + failed, original.count)
        XCTAssertEqual(loaded, 0, "a flipped byte went unnoticed")
        // The same with the CRC recomputed: every structural check must hold without it.
        var structural = 0
        for i in 0..<(original.count - 4) {
            var b = original
            b[i] ^= 0xFF
            if let model = try? ModelReader.parse(resealed(b)) {
                // A flip the validator accepts must still give a runnable model.
                let interpreter = Interpreter(model: model)
                let input = [Float](repeating: 0.5, count: model.tensors[model.inputs[0]].elementCount)
                if model.tensors[model.inputs[0]].dataType == .float32 {
                    input.withUnsafeBufferPointer { interpreter.inputPointer().copyMemory(from: $0.baseAddress!, byteCount: $0.count * 4) }
                }
                interpreter.invoke()
            } else { structural += 1 }
        }
        XCTAssertGreaterThan(structural, 0)
    }
}
