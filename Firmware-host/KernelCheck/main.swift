import CMuJoSystem
import MuJoSensors
mujo_stdout_line_buffered()
print("hello from the kernel check, ns=\(mujo_monotonic_ns())")
let fd = mujo_open("/dev/null", O_RDWR)
print("smbus on /dev/null -> \(i2c_smbus_read_byte_data(fd, 0x0f))")
