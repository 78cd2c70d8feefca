public import DescentTraining
import DescentDatasets

/// Models shown beside the served one, loaded once at start: the Draw page asks each what it reads
/// in the same drawing (the video's network trained alone and taught by a big one, say). They are
/// only read; training from the page replaces the served model, never these.
public struct ModelShelf: Sendable {
    /// One model on the shelf.
    public struct Entry: Sendable {
        /// What the page calls it (the file's name).
        public let name: String
        /// The model, with its metadata.
        public let model: Model
        /// What its inputs go through, read from its metadata.
        let preprocessing: Preprocessing
    }

    /// The most models a shelf holds.
    public static let capacity = 8

    /// The models, in the order given.
    public let entries: [Entry]

    /// An empty shelf: the page shows the served model alone.
    public init() {
        entries = []
    }

    /// A shelf of `models`, each named.
    /// - Throws: `ModelShelfError` naming the model that is not a 784-input, 10-output network, whose
    ///   preprocessing this version cannot apply, or whose name is repeated; or when there are more
    ///   than `capacity`.
    public init(_ models: [(name: String, model: Model)]) throws(ModelShelfError) {
        guard models.count <= Self.capacity else { throw .tooMany(models.count, limit: Self.capacity) }
        var seen: Set<String> = []
        var entries: [Entry] = []
        for (name, model) in models {
            guard seen.insert(name).inserted else { throw .model(name, "is given twice") }
            guard model.network.inputCount == 784, model.network.outputCount == 10 else {
                throw .model(name, "is \(model.network.sizes.map(String.init).joined(separator: "-")); the explorer needs 784 inputs and 10 outputs")
            }
            let preprocessing: Preprocessing
            do {
                preprocessing = try Preprocessing(metadata: model.metadata, source: name)
            } catch {
                throw .model(name, error.description)
            }
            entries.append(Entry(name: name, model: model, preprocessing: preprocessing))
        }
        self.entries = entries
    }
}

/// A shelf that cannot be made.
public enum ModelShelfError: Error, Sendable, CustomStringConvertible {
    /// The named model cannot be shown; the reason says why.
    case model(String, String)
    /// More models than a shelf holds.
    case tooMany(Int, limit: Int)

    /// One line for a person.
    public var description: String {
        switch self {
        case .model(let name, let reason): return "\(name): \(reason)"
        case .tooMany(let count, let limit): return "\(count) models to compare; at most \(limit)"
        }
    }
}
