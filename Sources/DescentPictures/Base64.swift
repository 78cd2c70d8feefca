// Base64 through Foundation: `Data.base64EncodedString()` writes RFC 4648's standard alphabet with
// `=` padding and no line breaks, the same text the hand-written encoder that stood here produced.
// FoundationEssentials where the toolchain has it (Swift 6 on Linux), so the pictures do not link
// all of Foundation.
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Base64 (RFC 4648, section 4: the standard alphabet, with `=` padding), for images inlined as
/// `data:` URIs.
package enum Base64 {
    /// The encoding of `bytes`.
    /// - Complexity: O(`bytes.count`).
    package static func encoded(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
    }

    /// A `data:` URI holding `bytes` of the given media type, e.g. `image/png`.
    package static func dataURI(_ bytes: [UInt8], mediaType: String) -> String {
        "data:\(mediaType);base64,\(encoded(bytes))"
    }
}
