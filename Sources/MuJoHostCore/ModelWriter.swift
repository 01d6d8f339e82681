// HOST ONLY. Serializes a ModelDescription into `.mujo` bytes (layout: ModelFormat.swift).
// The reader (ModelReader.swift) mirrors this file section by section.
import MuJoCore

public enum ModelWriter {
    /// Validates `model` (GraphValidator) and returns the file bytes, CRC included.
    public static func serialize(_ model: ModelDescription) throws(ModelError) -> [UInt8] {
        try GraphValidator.validate(model)
        var strings = StringPool()
        var data = ByteWriter()
        var sections: [(SectionTag, [UInt8])] = []
        for tag in SectionTag.allInWriteOrder {
            let body: [UInt8]
            switch tag {
            case .inputSpec: body = try inputSpecSection(model.inputSpec)
            case .tensors: body = tensorSection(model.tensors, strings: &strings, data: &data)
            case .graph: body = graphSection(model)
            case .labels: body = try labelSection(model.labels, strings: &strings)
            case .provenance: body = provenanceSection(model.provenance, strings: &strings)
            case .strings: body = strings.bytes
            case .data: body = data.bytes
            }
            sections.append((tag, body))
        }
        return assemble(sections)
    }

    /// Header + section table + 16-aligned sections + CRC trailer.
    static func assemble(_ sections: [(SectionTag, [UInt8])]) -> [UInt8] {
        var out = ByteWriter()
        out.append(ModelFormat.magic)
        out.u16(ModelFormat.versionMajor)
        out.u16(ModelFormat.versionMinor)
        out.u32(UInt32(ModelFormat.headerSize))
        out.u32(UInt32(sections.count))
        let fileSizeAt = out.count
        out.u32(0) // file size, patched below
        out.u32(0) // flags
        out.u64(0) // reserved
        let tableAt = out.count
        out.zeros(sections.count * ModelFormat.sectionEntrySize)
        for (i, (tag, body)) in sections.enumerated() {
            out.align(ModelFormat.alignment)
            let entry = tableAt + i * ModelFormat.sectionEntrySize
            out.patchU32(at: entry, tag.rawValue)
            out.patchU32(at: entry + 4, UInt32(out.count))
            out.patchU32(at: entry + 8, UInt32(body.count))
            out.append(body)
        }
        out.align(4)
        out.patchU32(at: fileSizeAt, UInt32(out.count + 4))
        let crc = CRC32.checksum(out.bytes)
        out.u32(crc)
        return out.bytes
    }

    static func inputSpecSection(_ spec: InputSpec) throws(ModelError) -> [UInt8] {
        guard spec.channels.count <= ModelFormat.maxInputChannels else {
            throw ModelError(.badInputSpec, section: "INPS", "\(spec.channels.count) channels; at most \(ModelFormat.maxInputChannels)")
        }
        let normalised = !spec.mean.isEmpty
        var w = ByteWriter()
        w.f32(spec.sampleRateHz)
        w.u32(UInt32(spec.window))
        w.u32(UInt32(spec.hop))
        w.u8(UInt8(spec.channels.count))
        w.u8(spec.units.rawValue)
        w.u8(spec.gravity.rawValue)
        w.u8(spec.sign.rawValue)
        for i in 0..<ModelFormat.maxInputChannels { w.u8(i < spec.channels.count ? spec.channels[i].rawValue : 0) }
        w.u8(normalised ? 1 : 0)
        w.zeros(7)
        for i in 0..<ModelFormat.maxInputChannels { w.f32(normalised && i < spec.mean.count ? spec.mean[i] : 0) }
        for i in 0..<ModelFormat.maxInputChannels { w.f32(normalised && i < spec.std.count ? spec.std[i] : 0) }
        return w.bytes
    }

    static func tensorSection(_ tensors: [TensorDescription], strings: inout StringPool, data: inout ByteWriter) -> [UInt8] {
        var w = ByteWriter()
        w.u32(UInt32(tensors.count))
        w.u32(0)
        for t in tensors {
            let name = strings.intern(t.name)
            var quantOffset = 0
            if let q = t.quantization {
                data.align(ModelFormat.alignment)
                quantOffset = data.count
                for s in q.scales { data.f32(s) }
                for z in q.zeroPoints { data.i32(z) }
            }
            var dataOffset = 0
            if let bytes = t.data {
                data.align(ModelFormat.alignment)
                dataOffset = data.count
                data.append(bytes)
            }
            w.u32(name.offset)
            w.u32(name.length)
            w.u8(t.dataType.rawValue)
            w.u8(UInt8(t.shape.count))
            w.u8(t.isConstant ? 1 : 0)
            w.i8(Int8(t.quantization?.axis ?? -1))
            for i in 0..<ModelFormat.maxRank { w.u32(i < t.shape.count ? UInt32(t.shape[i]) : 0) }
            w.u32(UInt32(dataOffset))
            w.u32(UInt32(t.data?.count ?? 0))
            w.u32(UInt32(t.quantization?.scales.count ?? 0))
            w.u32(UInt32(quantOffset))
            w.zeros(ModelFormat.tensorEntrySize - 44)
        }
        return w.bytes
    }

    static func graphSection(_ model: ModelDescription) -> [UInt8] {
        var w = ByteWriter()
        w.u32(UInt32(model.ops.count))
        w.u32(UInt32(model.inputs.count))
        w.u32(UInt32(model.outputs.count))
        w.u32(0)
        for i in model.inputs { w.u32(UInt32(i)) }
        for o in model.outputs { w.u32(UInt32(o)) }
        for op in model.ops {
            w.u16(op.code.rawValue)
            w.u8(UInt8(op.inputs.count))
            w.u8(UInt8(op.outputs.count))
            w.u8(UInt8(op.attributes.count))
            w.u8(op.activation.rawValue)
            w.u16(0)
            for i in op.inputs { w.i32(Int32(i)) }
            for o in op.outputs { w.i32(Int32(o)) }
            for a in op.attributes { w.i32(a) }
        }
        return w.bytes
    }

    static func labelSection(_ table: LabelTable, strings: inout StringPool) throws(ModelError) -> [UInt8] {
        var w = ByteWriter()
        let encoder = strings.intern(table.textEncoder)
        w.u32(UInt32(table.labels.count))
        w.u32(UInt32(table.dimension))
        w.u32(encoder.offset)
        w.u32(encoder.length)
        for label in table.labels {
            for p in label.prompts where p.utf8.contains(10) {
                throw ModelError(.badLabels, section: "LABL", "a prompt of label '\(label.name)' contains a line break")
            }
            let name = strings.intern(label.name)
            var joined = ""
            for (i, p) in label.prompts.enumerated() { joined += (i == 0 ? "" : "\n") + p }
            let prompts = strings.intern(joined)
            w.u32(name.offset)
            w.u32(name.length)
            w.u32(prompts.offset)
            w.u32(prompts.length)
            w.f32(label.threshold ?? Float.nan)
            w.u32(0)
        }
        w.align(ModelFormat.alignment)
        for label in table.labels { for v in label.embedding { w.f32(v) } }
        return w.bytes
    }

    static func provenanceSection(_ entries: [ProvenanceEntry], strings: inout StringPool) -> [UInt8] {
        var w = ByteWriter()
        w.u32(UInt32(entries.count))
        w.u32(0)
        for e in entries {
            let k = strings.intern(e.key)
            let v = strings.intern(e.value)
            w.u32(k.offset)
            w.u32(k.length)
            w.u32(v.offset)
            w.u32(v.length)
        }
        return w.bytes
    }
}

/// The STRS section under construction: each distinct string stored once.
struct StringPool {
    var bytes: [UInt8] = []
    var index: [String: UInt32] = [:]

    mutating func intern(_ s: String) -> (offset: UInt32, length: UInt32) {
        let utf8 = Array(s.utf8)
        if let at = index[s] { return (at, UInt32(utf8.count)) }
        let at = UInt32(bytes.count)
        bytes.append(contentsOf: utf8)
        index[s] = at
        return (at, UInt32(utf8.count))
    }
}
