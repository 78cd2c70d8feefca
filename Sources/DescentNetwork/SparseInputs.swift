import CDescentKernels
import DescentLinearAlgebra

/// Byte-valued examples (digit images) held as lists of their non-zero entries. Encoded once
/// before training, so that each epoch reads about 3 bytes for each lit pixel, in one run,
/// instead of scanning all 784 bytes of every image for the few lit ones: the scan was a fifth of
/// an epoch of the video's network.
///
/// Each example is one block of `storage`: its lit positions as 16-bit integers, then the bytes
/// there, the block padded to an even length so the next one's positions stay aligned.
package struct SparseInputs: Sendable {
    /// Where one example's block is: its byte offset in the storage and how many inputs are lit.
    package struct Entry: Sendable, Equatable {
        package var offset: Int32
        package var count: Int32
    }

    /// How many examples.
    package let count: Int
    /// How many inputs each example has (784 for MNIST).
    package let inputCount: Int
    /// One entry an example.
    package let entries: [Entry]
    let storage: [UInt8]

    /// Encodes `count` examples, each `inputCount` bytes, given by `example`.
    /// - Parameters:
    ///   - count: How many examples.
    ///   - inputCount: The bytes of each.
    ///   - threads: How many threads share the work (each takes a contiguous part of the examples);
    ///     `example` must then be safe to call from several threads at once.
    ///   - example: Example `index`'s bytes.
    /// - Precondition: at most 65,536 inputs (positions are 16-bit); every example has
    ///   `inputCount` bytes; the encoding fits in 2 GB.
    /// - Complexity: O(count · inputCount), two passes.
    package init(count: Int, inputCount: Int, threads: Int = 1, example: (Int) -> ArraySlice<UInt8>) {
        precondition(inputCount <= 1 << 16, "SparseInputs: \(inputCount) inputs; at most 65536")
        // Below a few thousand examples a second thread costs more than it saves.
        let parts = count >= 8192 ? max(1, min(threads, 8)) : 1
        func part(_ index: Int) -> Range<Int> { (count * index / parts)..<(count * (index + 1) / parts) }
        var entries = [Entry](repeating: Entry(offset: 0, count: 0), count: count)
        entries.withUnsafeMutableBufferPointer { entries in
            Parallel.forEach(parts) { index in
                for item in part(index) {
                    let source = example(item)
                    precondition(source.count == inputCount, "SparseInputs: example \(item) has \(source.count) bytes, not \(inputCount)")
                    entries[item].count = Int32(source.withUnsafeBufferPointer { descent_count_nonzero($0.baseAddress, $0.count) })
                }
            }
        }
        var size = 0
        for index in 0..<count {
            let lit = Int(entries[index].count)
            precondition(size + 3 * lit < Int(Int32.max), "SparseInputs: more than 2 GB of lit inputs")
            entries[index].offset = Int32(size)
            size += (3 * lit + 1) & ~1
        }
        // Every byte is written below (positions, values, and the pad byte of an odd block), so the
        // storage starts uninitialised; in huge pages, as it is read in a shuffled order (`HugePages`).
        let storage = [UInt8](unsafeUninitializedCapacity: size) { raw, initialized in
            HugePages.advise(UnsafeMutableRawBufferPointer(raw))
            entries.withUnsafeBufferPointer { entries in
                Parallel.forEach(parts) { index in
                    for item in part(index) {
                        let entry = entries[item]
                        let block = UnsafeMutableRawPointer(raw.baseAddress!) + Int(entry.offset)
                        let positions = block.assumingMemoryBound(to: UInt16.self)
                        let bytes = (block + 2 * Int(entry.count)).assumingMemoryBound(to: UInt8.self)
                        example(item).withUnsafeBufferPointer { source in
                            _ = descent_sparse_encode(source.baseAddress, source.count, positions, bytes)
                        }
                        if entry.count % 2 == 1 { bytes[Int(entry.count)] = 0 }
                    }
                }
            }
            initialized = size
        }
        self.count = count
        self.inputCount = inputCount
        self.entries = entries
        self.storage = storage
    }

    /// Sets `result` to the entries of the examples `order` names, in that order.
    package func gather(_ order: [Int], into result: inout [Entry]) {
        result.removeAll(keepingCapacity: true)
        result.reserveCapacity(order.count)
        for index in order { result.append(entries[index]) }
    }

    /// Asks the CPU to start loading the block of `entry` into cache: training visits the
    /// examples in a shuffled order the hardware prefetcher cannot guess.
    package func prefetch(_ entry: Entry) {
        guard entry.count > 0 else { return }
        storage.withUnsafeBytes { descent_prefetch($0.baseAddress! + Int(entry.offset), 3 * Int(entry.count)) }
    }

    /// Calls `body` with the lit positions of `entry`'s example and the bytes there.
    func withValues<Result>(
        of entry: Entry, _ body: (UnsafePointer<UInt16>, UnsafePointer<UInt8>) -> Result
    ) -> Result {
        storage.withUnsafeBytes { raw in
            let block = raw.baseAddress! + Int(entry.offset)
            return body(block.assumingMemoryBound(to: UInt16.self),
                        (block + 2 * Int(entry.count)).assumingMemoryBound(to: UInt8.self))
        }
    }
}
