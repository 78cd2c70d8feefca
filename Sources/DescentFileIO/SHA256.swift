// SHA-256 (FIPS 180-4) through swift-crypto's `Crypto` module, which on Linux is BoringSSL's
// assembly (SHA-NI or AVX2 where the CPU has them) and on Apple platforms CryptoKit. This type only
// keeps the small byte-array API the rest of Descent calls: `update`, `finalize`, `hash` and `hex`.
import Crypto

/// SHA-256 as specified in FIPS 180-4 (Secure Hash Standard, 2015), used to check that a file holds
/// exactly the expected bytes.
///
/// Feed it with `update(_:)` as many times as needed, then call `finalize()`; or hash a whole
/// buffer at once with `SHA256.hash(_:)`.
///
/// ```swift
/// let digest = SHA256.hash(Array("abc".utf8))
/// SHA256.hex(digest)  // "ba7816bf..."
/// ```
package struct SHA256: Sendable {
    private var hasher = Crypto.SHA256()

    /// Creates a hasher for an empty message.
    package init() {}

    /// Adds `bytes` to the message.
    /// - Complexity: O(`bytes.count`).
    package mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.baseAddress != nil, bytes.count > 0 else { return }
        hasher.update(bufferPointer: bytes)
    }

    /// Adds `bytes` to the message.
    /// - Complexity: O(`bytes.count`).
    package mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Returns the message's 32-byte digest, big-endian.
    ///
    /// The hasher is then reset to a fresh one, ready for another message.
    package mutating func finalize() -> [UInt8] {
        let digest = Array(hasher.finalize())
        self = SHA256()
        return digest
    }

    /// The digest of `bytes`.
    /// - Complexity: O(`bytes.count`).
    package static func hash(_ bytes: [UInt8]) -> [UInt8] {
        Array(Crypto.SHA256.hash(data: bytes))
    }

    /// `digest` written as lowercase hexadecimal, two digits a byte, as `sha256sum` prints it.
    package static func hex(_ digest: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(digest.count * 2)
        for byte in digest {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
