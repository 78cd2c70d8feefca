/// Finds the first byte that breaks UTF-8 (overlong forms, surrogates and values past U+10FFFF
/// included, as the standard library's decoder refuses them).
enum UTF8Validation {
    /// The offset of the first invalid sequence in `bytes`, or `nil` if all of it is valid UTF-8.
    ///
    /// - Complexity: O(`bytes.count`).
    static func firstInvalidOffset(in bytes: [UInt8]) -> Int? {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var offset = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): offset += UTF8.width(scalar)
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }
}
