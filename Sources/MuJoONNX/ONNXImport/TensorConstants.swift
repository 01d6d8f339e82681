// HOST ONLY. Constants of the ONNX graph (initializers, Constant nodes, folded shape arithmetic)
// as host values: a shape and its values as Double, decoded from a TensorProto.

/// A constant known on the host at import time; integer and bool tensors are held as Double too.
struct ConstantTensor {
    var shape: [Int]
    var values: [Double]
    var count: Int { values.count }
    var scalar: Double? { values.count == 1 ? values[0] : nil }
}

extension GraphLowering {
    /// The values of an ONNX tensor: typed fields, raw little-endian bytes or external data.
    func constantTensor(_ proto: Onnx_TensorProto, what: String) throws -> ConstantTensor {
        let shape = proto.dims.map { Int($0) }
        guard let count = ImportBounds.elementCount(shape) else {
            throw ImportError("\(file): \(what) has shape \(shape): no dimension may be negative and it may hold at most \(ImportBounds.maxElements) values")
        }
        var v: [Double] = []
        let raw = proto.dataLocation == .external ? try externalBytes(proto, what: what) : [UInt8](proto.rawData)
        func rawWords<T: FixedWidthInteger>(_: T.Type) -> [T] {
            let size = MemoryLayout<T>.size
            return (0..<(raw.count / size)).map { i in
                var x: T = 0
                for k in 0..<size { x |= T(truncatingIfNeeded: raw[i * size + k]) << (8 * k) }
                return x
            }
        }
        switch proto.dataType {
        case 1: v = raw.isEmpty ? proto.floatData.map(Double.init) : rawWords(UInt32.self).map { Double(Float(bitPattern: $0)) }
        case 11: v = raw.isEmpty ? proto.doubleData : rawWords(UInt64.self).map { Double(bitPattern: $0) }
        case 7: v = raw.isEmpty ? proto.int64Data.map(Double.init) : rawWords(Int64.self).map(Double.init)
        case 6: v = raw.isEmpty ? proto.int32Data.map(Double.init) : rawWords(Int32.self).map(Double.init)
        case 9: v = raw.isEmpty ? proto.int32Data.map(Double.init) : raw.map(Double.init)
        default: throw ImportError("\(file): \(what) has ONNX data type \(proto.dataType); supported: float, double, int32, int64, bool")
        }
        guard v.count == count else { throw ImportError("\(file): \(what) holds \(v.count) values for shape \(shape) (truncated file?)") }
        return ConstantTensor(shape: shape, values: v)
    }
}
