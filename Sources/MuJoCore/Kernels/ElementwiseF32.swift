// Reference float element-wise Add and Mul with the same broadcasting as the int8 kernels.

public func addF32(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int, bCount: Int,
                   output: UnsafeMutablePointer<Float>, activation: FusedActivation) {
    for i in 0..<count { output[i] = activate(a[i] + b[i % bCount], activation) }
}

public func mulF32(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int, bCount: Int,
                   output: UnsafeMutablePointer<Float>, activation: FusedActivation) {
    for i in 0..<count { output[i] = activate(a[i] * b[i % bCount], activation) }
}

public func reluF32(_ x: UnsafePointer<Float>, count: Int, output: UnsafeMutablePointer<Float>) {
    for i in 0..<count { output[i] = max(x[i], 0) }
}

public func reluS8(_ x: UnsafePointer<Int8>, count: Int, zeroPoint: Int32, output: UnsafeMutablePointer<Int8>) {
    let z = Int8(truncatingIfNeeded: zeroPoint)
    for i in 0..<count { output[i] = max(x[i], z) }
}
