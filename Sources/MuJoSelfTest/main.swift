// Embedded self-test: placeholder until the interpreter lands.
import MuJoCore
print(FixedPoint.isqrt(99))
