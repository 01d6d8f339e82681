// mujod's exit statuses, from sysexits.h, so a service manager can tell a bad configuration
// (don't restart) from a vanished chip (restart with back-off). `mujo run` exits with the same
// statuses in table and --json mode (its flag errors are ArgumentParser's 64 too); `mujo probe`
// exits `unavailable` when it finds no sensor.
import MuJoSystem

public enum ExitStatus: Int32 {
    case ok = 0
    /// A bad flag or configuration line, or a sensor path that is not an I²C adapter (EX_USAGE).
    case usage = 64
    /// The model or a recording is not valid (EX_DATAERR).
    case dataError = 65
    /// The model or recording file does not exist or cannot be read (EX_NOINPUT).
    case noInput = 66
    /// The sensor is absent, busy or went away (EX_UNAVAILABLE).
    case unavailable = 69
    /// The event output cannot be opened or written (EX_IOERR).
    case ioError = 74
    /// The model file, or its directory, is writable by any user: refused (EX_NOPERM;
    /// ModelPermissions.swift, --allow-writable-model).
    case noPermission = 77
}

/// A failure that ends mujod: what to tell the user, and the exit status.
public struct DaemonFailure: Error {
    public var message: String
    public var status: ExitStatus
    public init(_ message: ErrorText, _ status: ExitStatus) {   // MuJoSystem/ErrorText.swift
        self.message = message.string
        self.status = status
    }
}
