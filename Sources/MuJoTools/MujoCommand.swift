// HOST ONLY. The `mujo` command line: one subcommand per file.
import ArgumentParser

public struct MujoCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "mujo",
        abstract: "MuJo Edge: int8 IMU activity recognition on the wearable.",
        subcommands: [InspectCommand.self, RunCommand.self, BenchCommand.self, EvalCommand.self, ProbeCommand.self, QuantizeCommand.self, LabelsCommand.self, EnrollCommand.self]
    )
    public init() {}
}
