// HOST ONLY. Tensor values kept outside the .onnx file (`external_data`): torch's dynamo exporter
// writes them to `MODEL.onnx.data`. Only a file beside the model is read, never an absolute path.
import Foundation

extension GraphLowering {
    /// The bytes of a tensor stored beside the model (torch's dynamo exporter writes `MODEL.onnx.data`).
    func externalBytes(_ proto: Onnx_TensorProto, what: String) throws -> [UInt8] {
        var location = "", offset: UInt64 = 0, length: Int? = nil
        for e in proto.externalData {
            switch e.key {
            case "location": location = e.value
            case "offset": offset = UInt64(e.value) ?? 0
            case "length": length = Int(e.value)
            default: break
            }
        }
        guard !location.isEmpty, !location.hasPrefix("/"), !location.split(separator: "/").contains("..") else {
            throw ImportError("\(file): \(what) has external data at '\(location)'; only a file beside the model is read")
        }
        let path = ((file as NSString).deletingLastPathComponent as NSString).appendingPathComponent(location)
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ImportError("\(file): \(what) keeps its values in '\(location)', which cannot be read at \(path); copy it next to the .onnx file")
        }
        defer { try? handle.close() }
        guard let elements = ImportBounds.elementCount(proto.dims.map { Int($0) }), (length ?? 0) >= 0 else {
            throw ImportError("\(file): \(what) has shape \(proto.dims) and external length \(length ?? 0): out of range")
        }
        let count = elements * (proto.dataType == 7 || proto.dataType == 11 ? 8 : (proto.dataType == 9 ? 1 : 4))
        try handle.seek(toOffset: offset)
        let data = try handle.read(upToCount: length ?? count) ?? Data()
        guard data.count == (length ?? count) else { throw ImportError("\(file): \(what): '\(location)' is too short (truncated?)") }
        return [UInt8](data)
    }
}
