// HOST ONLY. Static figures of a model: parameters, multiply-accumulates per window, bytes.
import MuJoCore

public struct OpStatistics: Equatable {
    public var macs: Int
    /// Learned values among the op's constant inputs (weights, biases, γ, β); not requantization
    /// tables or lookup tables.
    public var parameters: Int
}

public enum ModelStatistics {
    public static func of(_ m: ModelDescription, _ op: OpDescription) -> OpStatistics {
        func t(_ k: Int) -> TensorDescription { m.tensors[op.inputs[k]] }
        func learned(_ ks: [Int]) -> Int {
            var n = 0
            for k in ks where k < op.inputs.count && op.inputs[k] >= 0 && t(k).isConstant { n += t(k).elementCount }
            return n
        }
        let y = m.tensors[op.outputs[0]]
        switch op.code {
        case .conv1d:
            let w = t(1)
            return OpStatistics(macs: y.elementCount * w.shape[1] * w.shape[2], parameters: learned([1, 2]))
        case .fullyConnected:
            return OpStatistics(macs: y.elementCount * t(0).shape[1], parameters: learned([1, 2]))
        case .batchMatMul:
            return OpStatistics(macs: y.elementCount * t(0).shape[2], parameters: learned([1]))
        case .mul, .add:
            return OpStatistics(macs: op.code == .mul ? y.elementCount : 0, parameters: learned([1]))
        case .layerNorm:
            return OpStatistics(macs: 2 * y.elementCount, parameters: learned([1, 2]))
        default:
            return OpStatistics(macs: 0, parameters: 0)
        }
    }

    public static func totals(_ m: ModelDescription) -> OpStatistics {
        var s = OpStatistics(macs: 0, parameters: 0)
        for op in m.ops {
            let o = of(m, op)
            s.macs += o.macs
            s.parameters += o.parameters
        }
        return s
    }
}
