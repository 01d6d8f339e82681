// libFuzzer target `npy`: untrusted `.npy` bytes through the board's reader (MuJoCore.NPY.
// parseFloat32: magic, versions 1-3, the header dict's 'descr', 'fortran_order' and 'shape', the
// size checks) and the host's window reader `mujo eval --windows` and `mujo quantize` use
// (MuJoONNX.Pipeline.parseWindows: rank 2 or 3, the model's [N, C, T], finite values).
// An accepted array must hold exactly the values its shape names, and survive
// NPY.serializeFloat32 → parseFloat32 unchanged (bit for bit). The first input byte picks the
// [C, T] the window reader is asked for: the array's own, or one of a few fixed ones.
import MuJoCore
import MuJoONNX

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNPY(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let body = [UInt8](UnsafeBufferPointer(start: data + 1, count: size - 1))
    let array: NPYArray
    do { array = try NPY.parseFloat32(body) } catch {
        _ = error.message
        return 0
    }
    var count = 1
    for d in array.shape { precondition(d >= 0); count *= d }
    precondition(array.values.count == count, "shape \(array.shape) with \(array.values.count) values")
    let again = NPY.serializeFloat32(shape: array.shape, values: array.values)
    do {
        let back = try NPY.parseFloat32(again)
        precondition(back.shape == array.shape && back.values.map(\.bitPattern) == array.values.map(\.bitPattern), "changed on the way back")
    } catch {
        preconditionFailure("parseFloat32 refuses what serializeFloat32 wrote: \(error.message)")
    }
    let asked: [(Int, Int)] = [(3, 100), (6, 50), (1, 1), (3, 4)]
    let pick = Int(data[0]) % (asked.count + 1)
    let (channels, window) = pick < asked.count ? asked[pick]
        : (array.shape.count >= 2 ? (array.shape[array.shape.count - 2], array.shape[array.shape.count - 1]) : (1, 1))
    do {
        let windows = try Pipeline.parseWindows(body, file: "fuzz.npy", channels: channels, window: window)
        precondition(windows.shape.count == 3 && windows.shape[0] >= 1 && windows.shape[1] == channels && windows.shape[2] == window)
        precondition(windows.values.count == windows.shape[0] * channels * window && windows.values.allSatisfy { $0.isFinite })
    } catch {
        _ = "\(error)"
    }
    return 0
}
