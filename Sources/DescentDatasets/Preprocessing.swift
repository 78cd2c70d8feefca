import DescentLinearAlgebra
import Dispatch
import Foundation

/// What is done to every image, in training and in every use of the model afterwards. A model file
/// records it under the metadata key `preprocessing` (its raw value), and every consumer of the model
/// (evaluate, predict, the web explorer) applies it to the images it feeds the network.
public enum Preprocessing: String, CaseIterable, Sendable {
    /// Images as they are.
    case none
    /// Each image's slant removed (`Deskewing`).
    case deskew

    /// The preprocessing a model's metadata names; `none` when it names none (files written before the key).
    /// - Throws: `PreprocessingError.unknown` for a value this version does not know.
    public init(metadata: [String: String], source: String) throws(PreprocessingError) {
        guard let value = metadata["preprocessing"] else {
            self = .none
            return
        }
        guard let known = Preprocessing(rawValue: value) else {
            throw .unknown(source: source, value: value, expected: Self.allCases.map(\.rawValue))
        }
        self = known
    }

    /// One image, rows x columns bytes, prepared.
    public func apply(to image: [UInt8], rows: Int = 28, columns: Int = 28) -> [UInt8] {
        switch self {
        case .none: return image
        case .deskew: return Deskewing.deskewed(image[...], rows: rows, columns: columns)
        }
    }

    /// Every image of `images` prepared; the labels unchanged.
    /// - Complexity: O(images.count · pixelCount).
    public func apply(to images: LabeledImages) -> LabeledImages {
        switch self {
        case .none:
            return images
        case .deskew:
            // Written once, in huge pages where Linux offers them (as MNIST's own training images
            // are), by every core: each image is deskewed on its own, so the bytes are the same.
            let size = images.pixelCount, count = images.count
            let pixels = [UInt8](unsafeUninitializedCapacity: count * size) { buffer, initialized in
                HugePages.advise(UnsafeMutableRawBufferPointer(buffer))
                let address = Int(bitPattern: buffer.baseAddress)  // disjoint images a chunk: an address is Sendable
                let chunks = count >= 2_000 ? min(64, Parallel.availableProcessors * 4) : 1
                DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                    guard let base = UnsafeMutablePointer<UInt8>(bitPattern: address) else { return }
                    for index in (count * chunk / chunks)..<(count * (chunk + 1) / chunks) {
                        Deskewing.deskew(images.image(index), rows: images.rows, columns: images.columns, into: base + index * size)
                    }
                }
                initialized = count * size
            }
            return LabeledImages(rows: images.rows, columns: images.columns, pixels: pixels, labels: images.labels)
        }
    }
}

/// A model file's preprocessing that cannot be applied.
public enum PreprocessingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A model names preprocessing `value`, which this version does not know; `expected` lists those it does.
    case unknown(source: String, value: String, expected: [String])

    /// One line for a person, advising the version of descent that wrote the model.
    public var description: String {
        switch self {
        case .unknown(let source, let value, let expected):
            return "\(source): preprocessing \"\(value)\" is not known to this version; expected one of \(expected.joined(separator: ", ")). "
                + "Use the version of descent that wrote the model."
        }
    }
}
