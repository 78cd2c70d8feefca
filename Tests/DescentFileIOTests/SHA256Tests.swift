import DescentFileIO
import Testing

@Suite("SHA-256")
struct SHA256Tests {
    /// The FIPS 180-4 examples (NIST CSRC "SHA-256" example values and FIPS 180-2 appendix B).
    static let nistVectors: [(message: String, digest: String)] = [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
        (
            "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
        ),
    ]

    @Test("NIST example messages", arguments: nistVectors.indices)
    func nistVector(index: Int) {
        let (message, digest) = Self.nistVectors[index]
        #expect(SHA256.hex(SHA256.hash(Array(message.utf8))) == digest)
    }

    @Test("one million 'a' (FIPS 180-2, appendix B.3)")
    func millionA() {
        let message = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(SHA256.hex(SHA256.hash(message)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Bytes `(31 i + 7) mod 256`, hashed by Python's `hashlib`: lengths around the padding
    /// boundaries (55 is the longest message padded within one block, 56 the shortest that needs two).
    static let paddingVectors: [(length: Int, digest: String)] = [
        (55, "8aa994584139d128848eeebc4e815639ba5ab6e6e39574195a63ac4f14f7c43b"),
        (56, "ad574708f75c044c9b85de64cb568ee7711ff4f36448c6242f053ba8f6cc2b63"),
        (57, "5b46e502092be01b1100193e089fdda95638c12e19a1d24f308eb2c3d3ae849d"),
        (63, "280ed3e8ff1df845b2e7dfe6ac6cee817bef20e783cc65abc41b818b4d2fe076"),
        (64, "c6ab9724ade5b6a7a1edfffb12f3aa9181351355af8fd08c919952ad211339dd"),
        (65, "788367c73c7ddf4c53f65e68cc0d943e6227ab55b0e78ba63ace822b1c6301c0"),
        (119, "3d610547d68216dedf7435a4fb6260353911f6b3fd3f18805ddb8be285d726fe"),
        (120, "1f80156a804cb7862ad113e8200e9d74499723e7c7854d5f48776d3148e09656"),
        (128, "cc548ca2dec1f6fe4f58b2e27aa9c7521607df1130d140b55a4dad0665302356"),
    ]

    static func pattern(_ count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
    }

    @Test("lengths around the padding boundaries", arguments: paddingVectors.indices)
    func paddingBoundary(index: Int) {
        let (length, digest) = Self.paddingVectors[index]
        #expect(SHA256.hex(SHA256.hash(Self.pattern(length))) == digest)
    }

    @Test("updates split at odd boundaries equal the one-shot hash", arguments: [1, 3, 7, 55, 63, 64, 65, 127, 200])
    func incremental(chunk: Int) {
        let message = Self.pattern(1_000)
        var hasher = SHA256()
        var start = 0
        var size = chunk
        while start < message.count {
            let end = min(start + size, message.count)
            hasher.update(Array(message[start..<end]))
            start = end
            size = size % 5 + chunk  // vary the pieces so they straddle block edges differently
        }
        #expect(hasher.finalize() == SHA256.hash(message))
    }

    @Test("raw-buffer updates, empty updates, and a reset after finalize")
    func rawBuffers() {
        let message = Self.pattern(300)
        var hasher = SHA256()
        message.withUnsafeBytes { buffer in
            hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<100]))
            hasher.update(UnsafeRawBufferPointer(start: nil, count: 0))
            hasher.update([])
            hasher.update(UnsafeRawBufferPointer(rebasing: buffer[100...]))
        }
        #expect(hasher.finalize() == SHA256.hash(message))
        hasher.update(Array("abc".utf8))
        #expect(SHA256.hex(hasher.finalize()) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test("digests are 32 bytes and hex is lowercase, two digits a byte")
    func hex() {
        #expect(SHA256.hash([1, 2, 3]).count == 32)
        #expect(SHA256.hex([0x00, 0x0f, 0xa0, 0xff]) == "000fa0ff")
        #expect(SHA256.hex([]) == "")
    }
}
