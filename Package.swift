// swift-tools-version:6.0
//
// MuJo Edge: an int8 IMU-encoder runtime that recognises activities on the wearable itself.
//
// Target map (the core builds as Embedded Swift; host-only targets are marked):
//   CMuJoSystem     C: the few system headers the core needs (libi2c, ioctl, poll, clock) and
//                   wrappers for variadic calls Swift cannot make (open, ioctl). Links i2c, openblas, m.
//   MuJoCore        model file, int8/float kernels, interpreter, label scoring. No Foundation.
//   MuJoSensors     accelerometer drivers (I²C via libi2c, Linux IIO), CSV replay. No Foundation.
//   MuJoEmulators   Firmware-host: register-level chip emulators and fake IIO trees for tests.
//   MuJoTools       HOST ONLY: the `mujo` CLI's commands (Foundation + swift-argument-parser).
//   mujo            HOST ONLY: the CLI entry point.
//   mujo-selftest   an Embedded-Swift-compatible self-test executable (see cross/embedded-selftest.sh).
//   CMallocCounter  TESTS ONLY: malloc interposer that counts allocations made on one thread.
import PackageDescription

let package = Package(
    name: "MuJoEdge",
    products: [
        .executable(name: "mujo", targets: ["mujo"]),
        .executable(name: "mujo-selftest", targets: ["MuJoSelfTest"]),
        .executable(name: "mujo-device-host", targets: ["MuJoDeviceHost"]),
        .executable(name: "mujo-kernel-check", targets: ["MuJoKernelCheck"]),
        .library(name: "MuJoCore", targets: ["MuJoCore"]),
        .library(name: "MuJoSensors", targets: ["MuJoSensors"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        .target(
            name: "CMuJoSystem",
            linkerSettings: [
                .linkedLibrary("i2c"),
                .linkedLibrary("openblas"),
                .linkedLibrary("m"),
            ]
        ),
        .target(name: "CMallocCounter"),
        .target(name: "MuJoCore", dependencies: ["CMuJoSystem"]),
        .target(name: "MuJoSensors", dependencies: ["CMuJoSystem"]),
        .target(name: "MuJoDevice", dependencies: ["MuJoCore", "MuJoSensors"]),
        .target(
            name: "MuJoEmulators",
            dependencies: ["MuJoSensors", "CMuJoSystem"],
            path: "Firmware-host/Emulators"
        ),
        // HOST ONLY: ONNX import (swift-protobuf), calibration, int8 model construction, fidelity report.
        .target(
            name: "MuJoONNX",
            dependencies: ["MuJoCore", .product(name: "SwiftProtobuf", package: "swift-protobuf")]
        ),
        .target(
            name: "MuJoTools",
            dependencies: [
                "MuJoCore", "MuJoSensors", "MuJoDevice", "MuJoONNX",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "mujo", dependencies: ["MuJoTools"]),
        .executableTarget(name: "MuJoSelfTest", dependencies: ["MuJoCore"]),
        // HOST ONLY: the device loop against emulated sensors and real recordings (the demo).
        .executableTarget(
            name: "MuJoDeviceHost",
            dependencies: ["MuJoDevice", "MuJoEmulators", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Firmware-host/DeviceHost"
        ),
        .executableTarget(name: "MuJoKernelCheck", dependencies: ["MuJoSensors"], path: "Firmware-host/KernelCheck"),
        .testTarget(
            name: "MuJoCoreTests",
            dependencies: ["MuJoCore", "CMallocCounter"],
            exclude: ["Vectors", "Fixtures"]
        ),
        .testTarget(name: "MuJoSensorsTests", dependencies: ["MuJoSensors", "MuJoEmulators"]),
        .testTarget(name: "MuJoDeviceTests", dependencies: ["MuJoDevice", "MuJoEmulators", "CMallocCounter"]),
        .testTarget(name: "MuJoToolsTests", dependencies: ["MuJoTools"]),
        .testTarget(name: "MuJoONNXTests", dependencies: ["MuJoONNX", "MuJoCore"]),
    ],
    swiftLanguageModes: [.v5]
)
