/// SHA-256 as specified in FIPS 180-4 (Secure Hash Standard, 2015), sections 4.1.2, 4.2.2, 5.1.1,
/// 5.3.3 and 6.2, used to check that a file holds exactly the expected bytes.
///
/// Feed it with `update(_:)` as many times as needed, then call `finalize()`; or hash a whole
/// buffer at once with `SHA256.hash(_:)`.
///
/// ```swift
/// let digest = SHA256.hash(Array("abc".utf8))
/// SHA256.hex(digest)  // "ba7816bf..."
/// ```
public struct SHA256: Sendable {
    /// The hash value H(i) of FIPS 180-4, section 6.2.2: eight 32-bit words.
    private var state: [UInt32]
    /// Bytes of a block not yet complete; always 64 long, the first `pendingCount` in use.
    private var pending: [UInt8]
    private var pendingCount = 0
    /// Total message length in bytes so far (the spec counts bits modulo 2^64).
    private var length: UInt64 = 0

    /// Creates a hasher holding the initial hash value H(0) (FIPS 180-4, section 5.3.3).
    public init() {
        state = [
            0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a,
            0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19,
        ]
        pending = [UInt8](repeating: 0, count: 64)
    }

    /// Adds `bytes` to the message.
    ///
    /// Whole 64-byte blocks are compressed straight from `bytes`; only a leftover tail is copied.
    /// - Complexity: O(`bytes.count`).
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard var input = bytes.baseAddress, bytes.count > 0 else { return }
        var remaining = bytes.count
        length &+= UInt64(remaining)
        if pendingCount > 0 {
            let taken = min(64 - pendingCount, remaining)
            let offset = pendingCount
            pending.withUnsafeMutableBytes { buffer in
                (buffer.baseAddress! + offset).copyMemory(from: input, byteCount: taken)
            }
            pendingCount += taken
            input += taken
            remaining -= taken
            guard pendingCount == 64 else { return }
            pending.withUnsafeBytes { buffer in
                Self.compress(&state, blocks: buffer.baseAddress!, count: 1)
            }
            pendingCount = 0
        }
        let blocks = remaining / 64
        if blocks > 0 {
            Self.compress(&state, blocks: input, count: blocks)
            input += blocks * 64
            remaining -= blocks * 64
        }
        if remaining > 0 {
            pending.withUnsafeMutableBytes { buffer in
                buffer.baseAddress!.copyMemory(from: input, byteCount: remaining)
            }
            pendingCount = remaining
        }
    }

    /// Adds `bytes` to the message.
    /// - Complexity: O(`bytes.count`).
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Pads the message (FIPS 180-4, section 5.1.1) and returns its 32-byte digest, big-endian.
    ///
    /// The hasher is then reset to a fresh one, ready for another message.
    public mutating func finalize() -> [UInt8] {
        let bitLength = length &* 8
        // A 1 bit, zeros up to 56 bytes modulo 64, then the length in bits as a 64-bit big-endian word.
        var padding = [UInt8](repeating: 0, count: pendingCount < 56 ? 64 - pendingCount : 128 - pendingCount)
        padding[0] = 0x80
        for index in 0..<8 {
            padding[padding.count - 1 - index] = UInt8(truncatingIfNeeded: bitLength >> (8 * UInt64(index)))
        }
        update(padding)
        var digest = [UInt8](repeating: 0, count: 32)
        for (index, word) in state.enumerated() {
            digest[4 * index] = UInt8(truncatingIfNeeded: word >> 24)
            digest[4 * index + 1] = UInt8(truncatingIfNeeded: word >> 16)
            digest[4 * index + 2] = UInt8(truncatingIfNeeded: word >> 8)
            digest[4 * index + 3] = UInt8(truncatingIfNeeded: word)
        }
        self = SHA256()
        return digest
    }

    /// The digest of `bytes`.
    /// - Complexity: O(`bytes.count`).
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// `digest` written as lowercase hexadecimal, two digits a byte, as `sha256sum` prints it.
    public static func hex(_ digest: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(digest.count * 2)
        for byte in digest {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Runs the compression function (FIPS 180-4, section 6.2.2) over `count` 64-byte blocks at `blocks`.
    ///
    /// The message schedule W is kept as 16 words in a ring (W[t] only needs W[t-2], W[t-7], W[t-15]
    /// and W[t-16]); all additions are modulo 2^32, hence `&+`.
    private static func compress(_ state: inout [UInt32], blocks: UnsafeRawPointer, count: Int) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 16) { w in
            roundConstants.withUnsafeBufferPointer { k in
                state.withUnsafeMutableBufferPointer { h in
                    for block in 0..<count {
                        let base = blocks + block &* 64
                        var a = h[0], b = h[1], c = h[2], d = h[3]
                        var e = h[4], f = h[5], g = h[6], hh = h[7]
                        for t in 0..<16 {
                            w[t] = UInt32(bigEndian: base.loadUnaligned(fromByteOffset: t &* 4, as: UInt32.self))
                            round(&a, &b, &c, &d, &e, &f, &g, &hh, k[t] &+ w[t])
                        }
                        for t in 16..<64 {
                            let w15 = w[(t &- 15) & 15], w2 = w[(t &- 2) & 15]
                            let s0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 &>> 3)
                            let s1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 &>> 10)
                            w[t & 15] = s1 &+ w[(t &- 7) & 15] &+ s0 &+ w[t & 15]
                            round(&a, &b, &c, &d, &e, &f, &g, &hh, k[t] &+ w[t & 15])
                        }
                        h[0] = h[0] &+ a; h[1] = h[1] &+ b; h[2] = h[2] &+ c; h[3] = h[3] &+ d
                        h[4] = h[4] &+ e; h[5] = h[5] &+ f; h[6] = h[6] &+ g; h[7] = h[7] &+ hh
                    }
                }
            }
        }
    }

    /// One round of FIPS 180-4, section 6.2.2, step 3, given K[t] + W[t]: computes T1 and T2 and
    /// shifts the eight working variables along.
    @_transparent
    private static func round(
        _ a: inout UInt32, _ b: inout UInt32, _ c: inout UInt32, _ d: inout UInt32,
        _ e: inout UInt32, _ f: inout UInt32, _ g: inout UInt32, _ h: inout UInt32,
        _ constantPlusWord: UInt32
    ) {
        let sum1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
        let choose = (e & f) ^ (~e & g)
        let t1 = h &+ sum1 &+ choose &+ constantPlusWord
        let sum0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
        let majority = (a & b) ^ (a & c) ^ (b & c)
        h = g; g = f; f = e; e = d &+ t1
        d = c; c = b; b = a; a = t1 &+ sum0 &+ majority
    }

    /// Rotation right by `count` bits (ROTR of FIPS 180-4, section 3.2); `count` is in 1...31.
    ///
    /// `@_transparent`, like `round`, so that it is inlined even in debug builds, where a call per
    /// rotation made hashing the 47 MB training images take 7 s instead of under 2.
    @_transparent
    private static func rotr(_ value: UInt32, _ count: UInt32) -> UInt32 {
        (value &>> count) | (value &<< (32 &- count))
    }

    /// The 64 constants K of FIPS 180-4, section 4.2.2: the first 32 bits of the fractional parts
    /// of the cube roots of the first 64 primes.
    private static let roundConstants: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]
}
