// swift-tools-version:6.0
//
// MuJo Edge: an int8 IMU-encoder runtime that recognises activities on the wearable itself.
// docs/architecture.md draws this map with the life of a window through it.
//
// ON THE BOARD (compiled as Embedded Swift in CI: no Foundation, no existentials, typed throws)
//   CMuJoSystem     C: system headers and wrappers for calls Swift cannot make (variadic open/ioctl,
//                   errno). Links libi2c and libm, nothing else.
//   MuJoSystem      the one seam to the operating system (`SystemCalls`, `Errno`) and the small
//                   text formatting every module shares.
//   CMuJoKernels    C: optimized int8 kernels (portable C, x86-64 AVX2/AVX-VNNI, ARM NEON/sdot chosen at run time), bit-exact to
//                   MuJoCore's reference kernels. libc only.
//   MuJoCore        model file reader and loader, int8/float reference kernels and their variants,
//                   interpreter, label scoring. Pure computation plus the model loader.
//   MuJoSensors     accelerometer drivers (I²C via libi2c, Linux IIO), CSV replay.
//   MuJoDevice      the device loop: resampler, windows, recognizer, activity tracker, event lines.
//   MuJoDaemon      mujod's parts: options and config parser, sensor choice, event sinks, the run loop.
//   mujod           the board program (docs/events.md).
//   mujo-selftest   the Embedded self-test executable (cross/embedded-selftest.sh).
// HOST ONLY (Foundation, swift-argument-parser, OpenBLAS allowed; never linked into the board)
//   CMuJoBLAS       C: OpenBLAS's cblas.h. Links libopenblas.
//   MuJoHostCore    what builds and measures models: ModelWriter, lookup-table generation, scale →
//                   multiplier conversion, model statistics, float GEMM kernels (`KernelSet.host`).
//   MuJoONNX        ONNX import (swift-protobuf), calibration, int8 model construction, fidelity.
//   MuJoTools, mujo the `mujo` CLI.
//   MuJoEmulators, mujo-device-host, mujo-kernel-check, mujo-soak   Firmware-host: emulators, the
//                   demo, the real-kernel check, the fault soak.
// TESTS ONLY
//   CMallocCounter  malloc interposer that counts allocations made on one thread.
import PackageDescription

/// The C targets compile warning-free (issue 12); cross/build passes the same flags to the board's clang.
let strictC: [CSetting] = [.unsafeFlags(["-Wall", "-Wextra", "-Werror"])]

let package = Package(
    name: "MuJoEdge",
    products: [
        .executable(name: "mujo", targets: ["mujo"]),
        .executable(name: "mujod", targets: ["mujod"]),
        .executable(name: "mujo-selftest", targets: ["MuJoSelfTest"]),
        .executable(name: "mujo-device-host", targets: ["MuJoDeviceHost"]),
        .executable(name: "mujo-kernel-check", targets: ["MuJoKernelCheck"]),
        .executable(name: "mujo-soak", targets: ["MuJoSoak"]),
        .library(name: "MuJoCore", targets: ["MuJoCore"]),
        .library(name: "MuJoSensors", targets: ["MuJoSensors"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        // ---- on the board ----
        .target(name: "CMuJoSystem", cSettings: strictC, linkerSettings: [.linkedLibrary("i2c"), .linkedLibrary("m")]),
        .target(name: "MuJoSystem", dependencies: ["CMuJoSystem"]),
        .target(name: "CMuJoKernels", cSettings: strictC),
        .target(name: "MuJoCore", dependencies: ["MuJoSystem", "CMuJoSystem", "CMuJoKernels"]),
        .target(name: "MuJoSensors", dependencies: ["MuJoSystem", "CMuJoSystem"]),
        .target(name: "MuJoDevice", dependencies: ["MuJoCore", "MuJoSensors"]),
        .target(name: "MuJoDaemon", dependencies: ["MuJoDevice", "MuJoSensors", "MuJoCore", "CMuJoSystem"]),
        .executableTarget(name: "mujod", dependencies: ["MuJoDaemon"]),
        .executableTarget(name: "MuJoSelfTest", dependencies: ["MuJoCore", "MuJoSystem", "MuJoSensors", "MuJoDevice"]),

        // ---- host only ----
        .target(name: "CMuJoBLAS", cSettings: strictC, linkerSettings: [.linkedLibrary("openblas")]),
        .target(name: "MuJoHostCore", dependencies: ["MuJoCore", "CMuJoBLAS"]),
        .target(
            name: "MuJoONNX",
            dependencies: ["MuJoCore", "MuJoHostCore", .product(name: "SwiftProtobuf", package: "swift-protobuf")]
        ),
        .target(
            name: "MuJoTools",
            dependencies: [
                "MuJoCore", "MuJoHostCore", "MuJoSensors", "MuJoDevice", "MuJoDaemon", "MuJoONNX",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "mujo", dependencies: ["MuJoTools"]),
        .target(
            name: "MuJoEmulators",
            dependencies: ["MuJoSensors", "MuJoSystem", "CMuJoSystem"],
            path: "Firmware-host/Emulators"
        ),
        .executableTarget(
            name: "MuJoDeviceHost",
            dependencies: ["MuJoDaemon", "MuJoDevice", "MuJoEmulators", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Firmware-host/DeviceHost"
        ),
        .executableTarget(name: "MuJoKernelCheck", dependencies: ["MuJoSensors"], path: "Firmware-host/KernelCheck"),
        .executableTarget(
            name: "MuJoSoak",
            dependencies: ["MuJoDaemon", "MuJoDevice", "MuJoEmulators", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Firmware-host/Soak"
        ),

        // ---- tests ----
        .target(name: "CMallocCounter", cSettings: strictC),
        .testTarget(
            name: "MuJoCoreTests",
            dependencies: ["MuJoCore", "MuJoHostCore", "CMallocCounter"],
            exclude: ["Vectors", "Fixtures"]
        ),
        .testTarget(name: "MuJoSensorsTests", dependencies: ["MuJoSensors", "MuJoEmulators"]),
        .testTarget(name: "MuJoDeviceTests", dependencies: ["MuJoDevice", "MuJoHostCore", "MuJoEmulators", "CMallocCounter"]),
        .testTarget(name: "MuJoToolsTests", dependencies: ["MuJoTools"]),
        .testTarget(name: "MuJoDaemonTests", dependencies: ["MuJoDaemon", "MuJoHostCore", "MuJoEmulators", "MuJoSoak", "CMallocCounter"]),
        .testTarget(name: "MuJoONNXTests", dependencies: ["MuJoONNX", "MuJoHostCore", "MuJoCore"]),
    ],
    swiftLanguageModes: [.v5]
)
