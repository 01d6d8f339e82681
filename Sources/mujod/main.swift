// mujod, the program that runs on the wearable: reads an accelerometer (I²C, IIO or a CSV
// recording), classifies every window with the int8 model and writes JSON-line events
// (docs/events.md). Embedded Swift on the board, an ordinary Swift program on a host, from the
// same sources. Everything it does is in MuJoDaemon; this file only hands it the arguments.
import CMuJoSystem
import MuJoDaemon

mujo_stdout_line_buffered()
var arguments: [String] = []
var index: Int32 = 1
while index < mujo_argc() {
    if let a = mujo_argv(index) { arguments.append(String(cString: a)) }
    index += 1
}
exit(Daemon.main(arguments))
