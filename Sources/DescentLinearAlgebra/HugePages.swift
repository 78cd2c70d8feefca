// madvise and MADV_HUGEPAGE are Linux's; elsewhere `advise` does nothing (see `#if os(Linux)` below).
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Large byte arrays backed by 2 MB pages where Linux offers them (transparent huge pages, `madvise`
/// mode). Training reads images in a random order: over 4 KB pages nearly every image costs a TLB
/// miss or two; the 47 MB of MNIST's training images fit in about 24 huge pages, whose entries stay in
/// the TLB. Elsewhere, and when the kernel declines, these are ordinary arrays.
///
/// Used for the training images (`LabeledImages`) and their sparse encoding (`SparseInputs`).
package enum HugePages {
    /// The size of one huge page in bytes: 2 MiB, the transparent huge page of x86-64 Linux.
    package static let size = 2 << 20

    /// Marks the whole huge pages inside `buffer` for huge pages. Call it before the memory is first
    /// written, so that the kernel can back it with them as it faults the pages in.
    package static func advise(_ buffer: UnsafeMutableRawBufferPointer) {
        #if os(Linux)
        guard let base = buffer.baseAddress, buffer.count >= 2 * size else { return }
        // Only whole huge pages inside the buffer: round the start up and the end down.
        let start = (Int(bitPattern: base) + size - 1) / size * size
        let end = (Int(bitPattern: base) + buffer.count) / size * size
        if end > start, let pointer = UnsafeMutableRawPointer(bitPattern: start) {
            _ = madvise(pointer, end - start, MADV_HUGEPAGE)  // advice only: failure leaves small pages
        }
        #endif
    }

    /// A copy of `source` in memory marked for huge pages.
    package static func copy(_ source: ArraySlice<UInt8>) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: source.count) { buffer, initialized in
            advise(UnsafeMutableRawBufferPointer(buffer))
            _ = source.withUnsafeBufferPointer { buffer.initialize(from: $0) }
            initialized = source.count
        }
    }

    /// `count` zeros in memory marked for huge pages.
    package static func zeros(_ count: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            advise(UnsafeMutableRawBufferPointer(buffer))
            buffer.initialize(repeating: 0)
            initialized = count
        }
    }
}
