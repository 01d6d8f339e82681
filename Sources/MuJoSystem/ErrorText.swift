// Error and usage messages built with calls, not inline code.
//
// A message like "weights \(w.shape) do not take \(k) inputs" is, with String's own
// interpolation, expanded inline at every `throw`: each literal piece materialised as an
// immediate small string, each append with its capacity and encoding checks. The board's model
// reader, validator, option parser and sensors have hundreds of such messages, and that inline
// code was a large part of them. A parameter of type `ErrorText` takes the same literal, with
// the same interpolations and the same resulting text, but every piece is one call to the
// non-inlined appenders below. Only messages are built this way (no event text).
//
// A function that takes an ErrorText must have no `String` overload beside it, not even a
// `@_disfavoredOverload` one: for a literal, String is the default literal type, and the type
// checker prefers it over any disfavoured mark, so every message went through String's inline
// interpolation (measured: 16 KB of mujod's model validator alone). Pass a computed String as
// `ErrorText(string)`.
//
// Arrays of integers (shapes, attributes) print as `[1, 2, 3]`, as on the host: Embedded Swift's own
// interpolation of an array prints "(cannot print value in embedded Swift)".

public struct ErrorText: ExpressibleByStringInterpolation {
    public var string: String

    public init(_ string: String) { self.string = string }
    public init(stringLiteral value: StaticString) { string = Builder.text(value) }
    public init(stringInterpolation: Builder) { string = stringInterpolation.string }

    public struct Builder: StringInterpolationProtocol {
        public var string = ""
        public init(literalCapacity: Int, interpolationCount: Int) {}

        @inline(never) static func text(_ s: StaticString) -> String {
            s.withUTF8Buffer { String(decoding: $0, as: UTF8.self) }
        }
        @inline(never) public mutating func appendLiteral(_ literal: StaticString) { string += Builder.text(literal) }
        @inline(never) public mutating func appendInterpolation(_ value: String) { string += value }
        @inline(never) public mutating func appendInterpolation(_ value: Int) { string += String(value) }
        @inline(never) public mutating func appendInterpolation<T: BinaryInteger>(_ value: T) { string += String(value) }
        @inline(never) public mutating func appendInterpolation(_ value: Double) { string += value.description }
        @inline(never) public mutating func appendInterpolation(_ value: Float) { string += value.description }
        @inline(never) public mutating func appendInterpolation<T: CustomStringConvertible>(_ value: T) { string += value.description }
        @inline(never) public mutating func appendInterpolation(_ values: [Int]) { appendList(values.count) { Int(values[$0]) } }
        @inline(never) public mutating func appendInterpolation(_ values: [Int32]) { appendList(values.count) { Int(values[$0]) } }

        private mutating func appendList(_ count: Int, _ element: (Int) -> Int) {
            string += "["
            for i in 0..<count {
                if i > 0 { string += ", " }
                string += String(element(i))
            }
            string += "]"
        }
    }
}
