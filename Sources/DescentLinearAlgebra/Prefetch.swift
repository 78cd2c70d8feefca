import CDescentKernels

/// Cache hints for data read in an order the hardware prefetcher cannot guess.
package enum Prefetch {
    /// Asks the CPU to start loading `bytes` into cache now. Training reads images in a shuffled
    /// order, so without this each batch waits on memory for its first cache lines.
    @inlinable
    package static func bytes(_ bytes: ArraySlice<UInt8>) {
        bytes.withUnsafeBytes { raw in
            if let base = raw.baseAddress { prefetchLines(base, raw.count) }
        }
    }

    @usableFromInline
    static func prefetchLines(_ address: UnsafeRawPointer, _ count: Int) {
        descent_prefetch(address, count)
    }
}
