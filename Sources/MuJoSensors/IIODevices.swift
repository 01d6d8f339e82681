// The Linux IIO devices the kernel lists under /sys/bus/iio/devices: name, node, buffered or
// not, sampling frequency (`mujo probe`, `mujod --sensor auto`, IIOReader's device lookup).
import CMuJoSystem

/// One IIO device found under the sysfs base.
public struct IIODeviceInfo: Equatable {
    /// e.g. "/sys/bus/iio/devices/iio:device0".
    public var directory: String
    /// The `name` attribute (the kernel driver's chip name, e.g. "lis3dh").
    public var name: String
    /// e.g. "/dev/iio:device0".
    public var node: String
    /// True when the device has a buffer (buffer0/ or buffer/ + scan_elements/).
    public var hasBuffer: Bool
    /// `sampling_frequency`, when readable.
    public var samplingFrequency: Double?
    /// `trigger/current_trigger` (empty when none or absent).
    public var currentTrigger: String
}

/// Every `iio:deviceN` under `sysfsBase`, sorted by directory name.
public func listIIODevices<S: SystemCalls>(_ system: S, sysfsBase: String = "/sys/bus/iio/devices",
                                           devBase: String = "/dev") -> [IIODeviceInfo] {
    guard var entries = try? system.listDirectory(sysfsBase) else { return [] }
    entries.sortBytewise()
    var list: [IIODeviceInfo] = []
    for e in entries where e.hasBytePrefix("iio:device") {
        let dir = sysfsBase + "/" + e
        let name = (try? system.readText(dir + "/name")) ?? ""
        let hasBuffer = system.fileExists(dir + "/buffer0/enable") || system.fileExists(dir + "/buffer/enable")
        var rate: Double? = nil
        if let t = try? system.readText(dir + "/sampling_frequency") { rate = parseDouble(t) }
        let trig = (try? system.readText(dir + "/trigger/current_trigger")) ?? ""
        list.append(IIODeviceInfo(directory: dir, name: name, node: devBase + "/" + e, hasBuffer: hasBuffer,
                                  samplingFrequency: rate, currentTrigger: trig))
    }
    return list
}

/// Parses a decimal number (C locale); nil when malformed.
public func parseDouble(_ text: String) -> Double? {
    var ok: Int32 = 0
    let v = text.withCString { mujo_parse_double($0, &ok) }
    return ok != 0 ? v : nil
}
