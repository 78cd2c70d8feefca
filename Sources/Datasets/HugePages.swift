#if canImport(Glibc)
import Glibc
#endif

/// Large byte arrays backed by 2 MB pages where Linux offers them (transparent huge pages, `madvise`
/// mode). Training reads images in a random order: over 4 KB pages nearly every image costs a TLB
/// miss or two; the 47 MB of MNIST's training images fit in about 24 huge pages, whose entries stay in
/// the TLB. Elsewhere, and when the kernel declines, these are ordinary arrays.
enum HugePages {
    static let size = 2 << 20

    /// A copy of `source` whose storage was marked for huge pages before it was first written, so
    /// that the kernel can back it with them as it faults the pages in.
    static func copy(_ source: ArraySlice<UInt8>) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: source.count) { buffer, initialized in
            #if os(Linux)
            if let base = buffer.baseAddress, source.count >= 2 * size {
                // Only whole huge pages inside the buffer: round the start up and the end down.
                let start = (Int(bitPattern: base) + size - 1) / size * size
                let end = (Int(bitPattern: base) + source.count) / size * size
                if end > start, let pointer = UnsafeMutableRawPointer(bitPattern: start) {
                    _ = madvise(pointer, end - start, MADV_HUGEPAGE)  // advice only: failure leaves small pages
                }
            }
            #endif
            _ = source.withUnsafeBufferPointer { buffer.initialize(from: $0) }
            initialized = source.count
        }
    }
}
