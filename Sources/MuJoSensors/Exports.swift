// The sensors' users see the system-call seam (`SystemCalls`, `Errno`, `LinuxSystemCalls`) and
// the shared text formatting through `import MuJoSensors`.
@_exported import MuJoSystem
