// Parses and validates untrusted `.mujo` bytes into a ModelDescription. Mirrors MuJoHostCore/ModelWriter.swift.
// Order of checks: header → size → CRC → section table → each section → graph semantics
// (GraphValidator). Every failure is a ModelError naming the section and byte offset.
import MuJoSystem

public enum ModelReader {
    public static func parse(_ bytes: [UInt8]) throws(ModelError) -> ModelDescription {
        let sections = try readHeaderAndTable(bytes)
        let strings = StringsSection(bytes: bytes, range: sections.range(.strings))
        let dataRange = sections.range(.data)
        let spec = try readInputSpec(bytes, sections.range(.inputSpec))
        let tensors = try readTensors(bytes, sections.range(.tensors), strings: strings, data: dataRange)
        let (ops, inputs, outputs) = try readGraph(bytes, sections.range(.graph))
        let labels = try readLabels(bytes, sections.range(.labels), strings: strings)
        let provenance = try readProvenance(bytes, sections.range(.provenance), strings: strings)
        let model = ModelDescription(tensors: tensors, ops: ops, inputs: inputs, outputs: outputs,
                                     inputSpec: spec, labels: labels, provenance: provenance)
        try GraphValidator.validate(model)
        return model
    }

    // MARK: - Header, size, CRC, section table

    /// Tag → byte range. At most 64 entries (7 kinds): a list searched in order, not a Dictionary
    /// (whose hashing and storage code is ~2.5 KB of the Embedded board binary).
    struct SectionMap {
        var entries: [(tag: UInt32, range: Range<Int>)] = []
        subscript(_ tag: UInt32) -> Range<Int>? {
            for e in entries where e.tag == tag { return e.range }
            return nil
        }
        func range(_ tag: SectionTag) -> Range<Int> { self[tag.rawValue]! }
    }

    static func readHeaderAndTable(_ bytes: [UInt8]) throws(ModelError) -> SectionMap {
        guard bytes.count >= 4, Array(bytes[0..<4]) == ModelFormat.magic else {
            throw ModelError(.badMagic, section: "header", offset: 0, "the file does not start with \"MUJO\"")
        }
        guard bytes.count >= ModelFormat.headerSize + 4 else {
            throw ModelError(.truncated, section: "header", offset: bytes.count, "the file has \(bytes.count) bytes, fewer than a header")
        }
        var r = ByteReader(bytes, start: 4)
        let major = r.u16()!, minor = r.u16()!
        guard major == ModelFormat.versionMajor else {
            throw ModelError(.unsupportedVersion, section: "header", offset: 4,
                             "format version \(major).\(minor); this runtime reads \(ModelFormat.versionMajor).x")
        }
        let headerSize = Int(r.u32()!), sectionCount = Int(r.u32()!), fileSize = Int(r.u32()!)
        let flags = r.u32()!, reserved = r.u64()!
        guard headerSize == ModelFormat.headerSize, flags == 0, reserved == 0 else {
            throw ModelError(.badSectionTable, section: "header", offset: 8, "header size \(headerSize) / flags \(flags) / reserved \(reserved) are not those of version 1")
        }
        guard fileSize <= bytes.count else {
            throw ModelError(.truncated, section: "header", offset: bytes.count,
                             "the header says \(fileSize) bytes but the file has \(bytes.count)")
        }
        guard fileSize == bytes.count else {
            throw ModelError(.badSectionTable, section: "header", offset: 16,
                             "the header says \(fileSize) bytes but the file has \(bytes.count) (trailing data)")
        }
        let stored = ByteReader.u32(bytes, at: fileSize - 4)
        let computed = CRC32.checksum(bytes, count: fileSize - 4)
        guard stored == computed else {
            throw ModelError(.checksumMismatch, section: "trailer", offset: fileSize - 4,
                             "CRC-32 is \(hex(computed)) but the file stores \(hex(stored))")
        }
        let tableEnd = ModelFormat.headerSize + sectionCount * ModelFormat.sectionEntrySize
        guard sectionCount <= 64, tableEnd <= fileSize - 4 else {
            throw ModelError(.badSectionTable, section: "header", offset: 12, "\(sectionCount) sections do not fit in the file")
        }
        var map = SectionMap()
        var claimed: [(Range<Int>, String)] = []
        for i in 0..<sectionCount {
            let at = ModelFormat.headerSize + i * ModelFormat.sectionEntrySize
            var e = ByteReader(bytes, start: at)
            let rawTag = e.u32()!, offset = Int(e.u32()!), length = Int(e.u32()!), res = e.u32()!
            guard let tag = SectionTag(rawValue: rawTag) else {
                throw ModelError(.unknownSection, section: "table", offset: at, "section tag \(hex(rawTag)) is not one of STRS TENS GRPH DATA INPS LABL PROV")
            }
            guard res == 0, offset % ModelFormat.alignment == 0 else {
                throw ModelError(.badSectionTable, section: tag.name, offset: at, "entry has offset \(offset) (must be 16-aligned) or a non-zero reserved field")
            }
            guard offset >= tableEnd, length <= fileSize - 4, offset <= fileSize - 4 - length else {
                throw ModelError(.sectionOutOfRange, section: tag.name, offset: at,
                                 "section spans \(offset)..<\(offset + length), outside the file body \(tableEnd)..<\(fileSize - 4)")
            }
            guard map[rawTag] == nil else {
                throw ModelError(.duplicateSection, section: tag.name, offset: at, "section \(tag.name) appears twice")
            }
            let range = offset..<(offset + length)
            for (other, name) in claimed where other.overlaps(range) {
                throw ModelError(.sectionsOverlap, section: tag.name, offset: offset, "section \(tag.name) overlaps section \(name)")
            }
            claimed.append((range, tag.name))
            map.entries.append((rawTag, range))
        }
        for tag in SectionTag.allInWriteOrder where map[tag.rawValue] == nil {
            throw ModelError(.missingSection, section: tag.name, "required section \(tag.name) is missing")
        }
        return map
    }

    // MARK: - Sections

    static func readInputSpec(_ bytes: [UInt8], _ range: Range<Int>) throws(ModelError) -> InputSpec {
        guard range.count == ModelFormat.inputSpecSize else {
            throw ModelError(.badInputSpec, section: "INPS", offset: range.lowerBound, "section is \(range.count) bytes, expected \(ModelFormat.inputSpecSize)")
        }
        var r = ByteReader(bytes, start: range.lowerBound, end: range.upperBound)
        let rate = r.f32()!, window = Int(r.u32()!), hop = Int(r.u32()!)
        let count = Int(r.u8()!), unitsRaw = r.u8()!, gravityRaw = r.u8()!, signRaw = r.u8()!
        let fail = { (what: ErrorText) in ModelError(.badInputSpec, section: "INPS", offset: range.lowerBound, what) }
        guard rate.isFinite, rate > 0, window > 0, window <= 1 << 16, hop > 0, hop <= window else {
            throw fail("sample rate \(rate) Hz, window \(window), hop \(hop) are not a usable window")
        }
        guard count >= 1, count <= ModelFormat.maxInputChannels, let units = AccelUnits(rawValue: unitsRaw),
              let gravity = GravityHandling(rawValue: gravityRaw), let sign = AxisSign(rawValue: signRaw) else {
            throw fail("channel count \(count), units \(unitsRaw), gravity \(gravityRaw) or sign \(signRaw) is unknown")
        }
        var channels: [SensorChannel] = []
        for i in 0..<ModelFormat.maxInputChannels {
            let code = r.u8()!
            if i < count {
                guard let c = SensorChannel(rawValue: code) else { throw fail("channel \(i) has unknown code \(code)") }
                channels.append(c)
            }
        }
        let normalised = r.u8()!
        _ = r.skip(7)
        var mean: [Float] = [], std: [Float] = []
        for _ in 0..<ModelFormat.maxInputChannels { mean.append(r.f32()!) }
        for _ in 0..<ModelFormat.maxInputChannels { std.append(r.f32()!) }
        if normalised == 1 {
            mean = Array(mean[0..<count])
            std = Array(std[0..<count])
            for s in std where !(s.isFinite && s > 0) { throw fail("normalisation std \(s) must be positive") }
        } else {
            mean = []
            std = []
        }
        return InputSpec(sampleRateHz: rate, window: window, hop: hop, channels: channels, units: units,
                         gravity: gravity, sign: sign, mean: mean, std: std)
    }

    static func readTensors(_ bytes: [UInt8], _ range: Range<Int>, strings: StringsSection, data: Range<Int>) throws(ModelError) -> [TensorDescription] {
        var r = ByteReader(bytes, start: range.lowerBound, end: range.upperBound)
        guard let count32 = r.u32(), r.skip(4) else {
            throw ModelError(.truncated, section: "TENS", offset: range.lowerBound, "section is too short for its count")
        }
        let count = Int(count32)
        guard count <= ModelFormat.maxCount, count * ModelFormat.tensorEntrySize <= r.remaining else {
            throw ModelError(.truncated, section: "TENS", offset: range.lowerBound, "\(count) tensor entries do not fit in \(range.count) bytes")
        }
        var tensors: [TensorDescription] = []
        var used: [(Range<Int>, Int)] = []
        for i in 0..<count {
            let at = r.position
            let fail = { (what: ErrorText) in ModelError(.badTensor, section: "TENS", offset: at, "tensor \(i): \(what.string)") }
            let nameOff = r.u32()!, nameLen = r.u32()!
            let dtypeRaw = r.u8()!, rank = Int(r.u8()!), flags = r.u8()!, axis = Int(r.i8()!)
            var dims: [Int] = []
            for d in 0..<ModelFormat.maxRank {
                let v = Int(r.u32()!)
                if d < rank { dims.append(v) } else if v != 0 { throw fail("unused dimension \(d) is \(v), not 0") }
            }
            let dataOffset = Int(r.u32()!), dataLength = Int(r.u32()!)
            let quantCount = Int(r.u32()!), quantOffset = Int(r.u32()!)
            for _ in 0..<5 where r.u32()! != 0 { throw fail("reserved bytes are not zero") }
            let name = try strings.string(nameOff, nameLen, what: "name of tensor \(i)", at: at)
            guard let dtype = DataType(rawValue: dtypeRaw) else { throw fail("unknown data type code \(dtypeRaw)") }
            guard rank >= 1, rank <= ModelFormat.maxRank, flags <= 1 else { throw fail("rank \(rank) or flags \(flags) invalid") }
            var elements = 1
            for d in dims {
                guard d >= 1, d <= 1 << 24 else { throw fail("dimension \(d) out of range 1…16777216") }
                elements *= d
                guard elements <= 1 << 26 else { throw fail("more than 2^26 elements") }
            }
            var quant: TensorQuantization? = nil
            if quantCount > 0 {
                let expected = axis < 0 ? 1 : (axis < rank ? dims[axis] : -1)
                guard quantCount == expected else { throw fail("\(quantCount) quantization parameters for axis \(axis) of shape \(dims)") }
                let span = quantOffset..<(quantOffset + 8 * quantCount)
                guard quantOffset % 4 == 0, span.upperBound <= data.count else {
                    throw fail("quantization parameters at DATA+\(quantOffset) lie outside DATA (\(data.count) bytes)")
                }
                var q = ByteReader(bytes, start: data.lowerBound + quantOffset, end: data.upperBound)
                var scales: [Float] = [], zps: [Int32] = []
                for _ in 0..<quantCount { scales.append(q.f32()!) }
                for _ in 0..<quantCount { zps.append(q.i32()!) }
                for s in scales where !(s.isFinite && s > 0) { throw fail("scale \(s) is not a positive finite number") }
                for z in zps where z < -128 || z > 127 { throw fail("zero point \(z) is outside −128…127") }
                quant = TensorQuantization(scales: scales, zeroPoints: zps, axis: axis < 0 ? nil : axis)
                used.append((span, i))
            } else if axis != -1 {
                throw fail("quantization axis \(axis) without parameters")
            }
            var payload: [UInt8]? = nil
            if flags == 1 {
                guard dataLength == elements * dtype.byteSize else {
                    throw fail("holds \(dataLength) bytes but shape \(dims) of \(dtype.name) needs \(elements * dtype.byteSize)")
                }
                guard dataOffset % ModelFormat.alignment == 0, dataOffset <= data.count, dataLength <= data.count - dataOffset else {
                    throw fail("data at DATA+\(dataOffset) (\(dataLength) bytes) is unaligned or outside DATA (\(data.count) bytes)")
                }
                let span = dataOffset..<(dataOffset + dataLength)
                used.append((span, i))
                payload = Array(bytes[(data.lowerBound + dataOffset)..<(data.lowerBound + dataOffset + dataLength)])
            } else if dataLength != 0 || dataOffset != 0 {
                throw fail("is not constant but points at data")
            }
            tensors.append(TensorDescription(name: name, dataType: dtype, shape: dims, quantization: quant, data: payload))
        }
        // Overlapping payloads would let one tensor's bytes alias another's.
        insertionSort(&used) { $0.0.lowerBound < $1.0.lowerBound }   // MuJoSystem/SmallSort.swift
        for k in used.indices.dropFirst() where used[k].0.lowerBound < used[k - 1].0.upperBound && !used[k].0.isEmpty {
            throw ModelError(.badTensor, section: "DATA", offset: data.lowerBound + used[k].0.lowerBound,
                             "data of tensor \(used[k].1) overlaps data of tensor \(used[k - 1].1)")
        }
        return tensors
    }

    static func readGraph(_ bytes: [UInt8], _ range: Range<Int>) throws(ModelError) -> ([OpDescription], [Int], [Int]) {
        var r = ByteReader(bytes, start: range.lowerBound, end: range.upperBound)
        let short = { (at: Int, what: String) in ModelError(.truncated, section: "GRPH", offset: at, "section ends inside \(what)") }
        guard let opCount = r.u32(), let inCount = r.u32(), let outCount = r.u32(), let res = r.u32() else {
            throw short(range.lowerBound, "its header")
        }
        guard res == 0, Int(opCount) <= ModelFormat.maxCount, Int(inCount) <= 64, Int(outCount) <= 64 else {
            throw ModelError(.badGraph, section: "GRPH", offset: range.lowerBound, "\(opCount) ops, \(inCount) inputs, \(outCount) outputs is not a valid graph header")
        }
        var inputs: [Int] = [], outputs: [Int] = []
        for _ in 0..<inCount { guard let v = r.u32() else { throw short(r.position, "the input list") }; inputs.append(Int(v)) }
        for _ in 0..<outCount { guard let v = r.u32() else { throw short(r.position, "the output list") }; outputs.append(Int(v)) }
        var ops: [OpDescription] = []
        for i in 0..<Int(opCount) {
            let at = r.position
            guard let code = r.u16(), let nIn = r.u8(), let nOut = r.u8(), let nAttr = r.u8(), let act = r.u8(), let pad = r.u16() else {
                throw short(at, "op \(i)")
            }
            guard let opcode = OpCode(rawValue: code) else {
                throw ModelError(.unknownOp, section: "GRPH", offset: at, "op \(i) has unknown op code \(code); this runtime knows codes 1…\(OpCode.allCases.count)")
            }
            guard let activation = FusedActivation(rawValue: act), pad == 0 else {
                throw ModelError(.badAttribute, section: "GRPH", offset: at, "op \(i) (\(opcode.name)) has unknown fused activation \(act)")
            }
            var ins: [Int] = [], outs: [Int] = [], attrs: [Int32] = []
            for _ in 0..<nIn { guard let v = r.i32() else { throw short(at, "op \(i)") }; ins.append(Int(v)) }
            for _ in 0..<nOut { guard let v = r.i32() else { throw short(at, "op \(i)") }; outs.append(Int(v)) }
            for _ in 0..<nAttr { guard let v = r.i32() else { throw short(at, "op \(i)") }; attrs.append(v) }
            ops.append(OpDescription(code: opcode, inputs: ins, outputs: outs, attributes: attrs, activation: activation))
        }
        guard r.remaining == 0 else {
            throw ModelError(.badGraph, section: "GRPH", offset: r.position, "\(r.remaining) unexplained bytes after the last op")
        }
        return (ops, inputs, outputs)
    }

    static func readLabels(_ bytes: [UInt8], _ range: Range<Int>, strings: StringsSection) throws(ModelError) -> LabelTable {
        var r = ByteReader(bytes, start: range.lowerBound, end: range.upperBound)
        guard let count = r.u32(), let dim = r.u32(), let encOff = r.u32(), let encLen = r.u32() else {
            throw ModelError(.truncated, section: "LABL", offset: range.lowerBound, "section ends inside its header")
        }
        let c = Int(count), d = Int(dim)
        let tableBytes = c * ModelFormat.labelEntrySize
        guard c <= 65536, d <= 65536, tableBytes <= r.remaining else {
            throw ModelError(.badLabels, section: "LABL", offset: range.lowerBound, "\(c) labels of dimension \(d) do not fit in \(range.count) bytes")
        }
        let encoder = try strings.string(encOff, encLen, what: "text encoder name", at: range.lowerBound + 8)
        let embedStart = range.lowerBound + (16 + tableBytes + 15) / 16 * 16
        guard embedStart + c * d * 4 == range.upperBound else {
            throw ModelError(.badLabels, section: "LABL", offset: range.lowerBound,
                             "\(c) labels × \(d) floats need the section to end at \(embedStart + c * d * 4), it ends at \(range.upperBound)")
        }
        var labels: [Label] = []
        var e = ByteReader(bytes, start: embedStart, end: range.upperBound)
        for i in 0..<c {
            let at = r.position
            let nameOff = r.u32()!, nameLen = r.u32()!, pOff = r.u32()!, pLen = r.u32()!, thr = r.f32()!, res = r.u32()!
            guard res == 0 else { throw ModelError(.badLabels, section: "LABL", offset: at, "label \(i) has non-zero reserved bytes") }
            let name = try strings.string(nameOff, nameLen, what: "name of label \(i)", at: at)
            let joined = try strings.string(pOff, pLen, what: "prompts of label \(i)", at: at)
            let prompts = joined.isEmpty ? [] : joined.splitBytes(UInt8(ascii: "\n"))
            var v: [Float] = []
            v.reserveCapacity(d)
            for _ in 0..<d { v.append(e.f32()!) }
            labels.append(Label(name: name, prompts: prompts, embedding: v, threshold: thr.isNaN ? nil : thr))
        }
        return LabelTable(textEncoder: encoder, dimension: d, labels: labels)
    }

    static func readProvenance(_ bytes: [UInt8], _ range: Range<Int>, strings: StringsSection) throws(ModelError) -> [ProvenanceEntry] {
        var r = ByteReader(bytes, start: range.lowerBound, end: range.upperBound)
        guard let count = r.u32(), r.skip(4), Int(count) * ModelFormat.provenanceEntrySize == r.remaining else {
            throw ModelError(.truncated, section: "PROV", offset: range.lowerBound, "entry count does not match the section size \(range.count)")
        }
        var out: [ProvenanceEntry] = []
        for i in 0..<Int(count) {
            let at = r.position
            let k = try strings.string(r.u32()!, r.u32()!, what: "key of provenance entry \(i)", at: at)
            let v = try strings.string(r.u32()!, r.u32()!, what: "value of provenance entry \(i)", at: at)
            out.append(ProvenanceEntry(k, v))
        }
        return out
    }
}

/// Reads strings out of STRS, checking bounds and UTF-8.
struct StringsSection {
    let bytes: [UInt8]
    let range: Range<Int>

    func string(_ offset: UInt32, _ length: UInt32, what: String, at: Int) throws(ModelError) -> String {
        let o = Int(offset), n = Int(length)
        guard o <= range.count, n <= range.count - o else {
            throw ModelError(.badString, section: "STRS", offset: at, "\(what) points at STRS+\(o) (\(n) bytes), outside STRS (\(range.count) bytes)")
        }
        let slice = bytes[(range.lowerBound + o)..<(range.lowerBound + o + n)]
        guard let s = String(validating: slice, as: UTF8.self) else {
            throw ModelError(.badString, section: "STRS", offset: range.lowerBound + o, "\(what) is not valid UTF-8")
        }
        return s
    }
}
