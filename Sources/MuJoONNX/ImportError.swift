// HOST ONLY. The one error type of MuJoONNX: reading an ONNX model, a data file or a labels file
// fails with a message that names the file and says what was wrong.

/// An error while reading a model, a data file or a labels file: names the file and the problem.
public struct ImportError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
