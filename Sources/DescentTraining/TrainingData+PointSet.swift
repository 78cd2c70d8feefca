public import DescentDatasets
import DescentLinearAlgebra
import Foundation

extension TrainingData {
    /// A point set's training and test splits as a network reads them: each point's `features`, the
    /// test split drawn at random (`PointSet.split`) from `SplitMix64(seed: splitSeed)`. There is no
    /// validation split: epochs report the training accuracy, and the test set is measured at the end.
    /// The metadata records the recipe (when the set was drawn from one), the features and the test
    /// share, so that a model trained on it can rebuild its inputs (`Model.pointSetRecipe`,
    /// `Model.derivedFeatures`).
    /// - Parameters:
    ///   - set: The points; a regression set cannot be trained on (its labels are all 0).
    ///   - features: What the network reads of each point.
    ///   - testShare: The share of the points held out for testing, 0..<1.
    ///   - splitSeed: Seeds the split.
    /// - Throws: `PointSetError.invalid` naming `features`, `testShare`, or `shape` for a regression set.
    public init(points set: PointSet, features: DerivedFeatures, testShare: Double, splitSeed: UInt64) throws(PointSetError) {
        guard !set.isRegression else {
            throw .invalid(field: "shape", value: set.recipe?.shape.rawValue ?? "targets",
                           expected: "a classification shape (spirals, circles, xor, blobs, moons): training has no regression cost yet")
        }
        guard testShare >= 0 && testShare < 1 else {
            throw .invalid(field: "testShare", value: "\(testShare)", expected: "a share from 0 to below 1, such as 0.2")
        }
        var generator = SplitMix64(seed: splitSeed)
        let (training, test) = set.split(testShare: testShare, using: &generator)
        let trainingExamples = try training.examples(features: features)
        self.init(name: set.recipe?.shape.rawValue ?? "points", training: trainingExamples, validation: trainingExamples.slice(0..<0),
                  test: try test.examples(features: features))
        metadata = Self.pointSetMetadata(recipe: set.recipe, features: features, testShare: testShare, splitSeed: splitSeed)
    }

    /// The metadata keys a point set's run writes: `point_set` (the recipe as JSON), `features`
    /// (`x,y,x2`), `test_share` and `split_seed`.
    static func pointSetMetadata(recipe: PointSetRecipe?, features: DerivedFeatures, testShare: Double, splitSeed: UInt64) -> [String: String] {
        var metadata = ["features": features.names.joined(separator: ","), "test_share": "\(testShare)", "split_seed": "\(splitSeed)"]
        if let recipe { metadata["point_set"] = recipe.json }
        return metadata
    }
}

extension PointSetRecipe {
    /// The recipe as one line of JSON with its fields in a fixed order, for a model's metadata.
    var json: String {
        "{\"shape\":\"\(shape.rawValue)\",\"classes\":\(classes),\"points\":\(points),\"noise\":\(noise),\"seed\":\(seed)}"
    }
}

extension TrainingData {
    /// The point set data a model (or a checkpoint's model keys) records, rebuilt: the same recipe,
    /// features, test share and split seed give the same splits. Nil when the metadata does not
    /// record a drawn point set.
    /// - Throws: `PointSetError` when the recorded values cannot be used.
    public init?(recordedIn metadata: [String: String]) throws(PointSetError) {
        guard let recipe = Self.recordedRecipe(metadata), let features = Self.recordedFeatures(metadata),
              let split = Self.recordedSplit(metadata) else { return nil }
        try self.init(points: PointSet.generate(recipe), features: features, testShare: split.testShare, splitSeed: split.seed)
    }

    static func recordedRecipe(_ metadata: [String: String]) -> PointSetRecipe? {
        guard let text = metadata["point_set"], let recipe = try? JSONDecoder().decode(PointSetRecipe.self, from: Data(text.utf8)),
              (try? recipe.validate()) != nil else { return nil }
        return recipe
    }

    static func recordedFeatures(_ metadata: [String: String]) -> DerivedFeatures? {
        metadata["features"].flatMap { try? DerivedFeatures(parsing: $0) }
    }

    static func recordedSplit(_ metadata: [String: String]) -> (testShare: Double, seed: UInt64)? {
        guard let share = metadata["test_share"].flatMap(Double.init), let seed = metadata["split_seed"].flatMap(UInt64.init) else { return nil }
        return (share, seed)
    }
}

extension Model {
    /// The point set the model was trained on, as its metadata records it (`point_set`); nil for
    /// other data or a value that is not a valid recipe.
    public var pointSetRecipe: PointSetRecipe? { TrainingData.recordedRecipe(metadata) }

    /// What the network reads of a 2-D point, as its metadata records it (`features`); nil for a
    /// model not trained on points.
    public var derivedFeatures: DerivedFeatures? { TrainingData.recordedFeatures(metadata) }

    /// The share of the points held out for testing and the split's seed, as recorded; nil when not recorded.
    public var pointSetSplit: (testShare: Double, seed: UInt64)? { TrainingData.recordedSplit(metadata) }
}

extension Model {
    /// The test points the model was measured on, drawn again from its recorded recipe and split;
    /// nil when its metadata records no drawn point set.
    public var pointSetTestPoints: PointSet? {
        guard let recipe = pointSetRecipe, let split = pointSetSplit, let set = try? PointSet.generate(recipe) else { return nil }
        var generator = SplitMix64(seed: split.seed)
        return set.split(testShare: split.testShare, using: &generator).test
    }
}
