import ArgumentParser
import DescentDatasets
import DescentTraining

/// `--dataset`: one of MNIST's kind (read from IDX files) or a 2-D point set drawn by the library.
enum DatasetName: Equatable, ExpressibleByArgument {
    case images(DatasetKind)
    case points(PointShape)

    init?(argument: String) {
        if let kind = DatasetKind(rawValue: argument) { self = .images(kind) } else if let shape = PointShape(rawValue: argument) { self = .points(shape) } else { return nil }
    }

    static var allValueStrings: [String] { DatasetKind.allCases.map(\.rawValue) + PointShape.allCases.map(\.rawValue) }
    var defaultValueDescription: String {
        switch self {
        case .images(let kind): return kind.rawValue
        case .points(let shape): return shape.rawValue
        }
    }
}

/// How a 2-D point set is drawn and read (with `--dataset spirals` and the other shapes).
struct PointSetOptions: ParsableArguments {
    @Option(help: ArgumentHelp("With a point set: the number of classes (spirals and blobs 2 to 8; circles, xor and moons 2).", valueName: "n"))
    var classes: Int?

    @Option(help: ArgumentHelp("With a point set: how many points, 1 to 100000 (default 1000).", valueName: "n"))
    var points: Int?

    @Option(help: ArgumentHelp("With a point set: how far points stray from the shape, 0 to 1 (Gaussian jitter of deviation noise/2; default 0.1).", valueName: "x"))
    var noise: Float?

    @Option(name: .customLong("test-share"), help: ArgumentHelp("With a point set: the share of the points held out for the test, 0 to below 1 (default 0.2).", valueName: "fraction"))
    var testShare: Double?

    @Option(help: ArgumentHelp("With a point set: what the network reads of each point, from x,y,x2,y2,xy,sinx,siny (default x,y).", valueName: "list"))
    var features: String?

    @Option(name: .customLong("data-seed"), help: ArgumentHelp("With a point set: seeds the points and the split (default: --seed, else 0).", valueName: "n"))
    var dataSeed: UInt64?

    /// The options given, for errors when no point set is named.
    var given: [String] {
        [("--classes", classes != nil), ("--points", points != nil), ("--noise", noise != nil), ("--test-share", testShare != nil),
         ("--features", features != nil), ("--data-seed", dataSeed != nil)].filter(\.1).map(\.0)
    }

    /// The recipe for `shape`, the options over `base` (the defaults, or a model's recorded recipe).
    /// - Throws: `ValidationError` naming the option out of range.
    func recipe(shape: PointShape, base: PointSetRecipe? = nil, seed: UInt64 = 0) throws -> PointSetRecipe {
        var recipe = base ?? PointSetRecipe(shape: shape, seed: seed)
        recipe.shape = shape
        if base?.shape != shape, base != nil { recipe.classes = shape.defaultClasses }
        if let classes { recipe.classes = classes }
        if let points { recipe.points = points }
        if let noise { recipe.noise = noise }
        if let dataSeed { recipe.seed = dataSeed }
        do {
            try recipe.validate()
        } catch {
            throw ValidationError("--\(error.field) \(error.description.dropFirst(error.field.count + 1))")
        }
        return recipe
    }

    /// A point set's training and test splits, drawn from `shape` as the options say.
    func trainingData(shape: PointShape, seed: UInt64) throws -> TrainingData {
        let recipe = try recipe(shape: shape, seed: seed)
        let set = try PointSet.generate(recipe)
        let features = try derivedFeatures()
        do throws(PointSetError) {
            return try TrainingData(points: set, features: features, testShare: testShare ?? 0.2, splitSeed: recipe.seed)
        } catch {
            throw ValidationError(error.field == "testShare" ? "--test-share \(error.description.dropFirst("testShare ".count))"
                : error.field == "shape" ? "--dataset \(shape.rawValue) is a regression set: \(error.description)" : error.description)
        }
    }

    /// The training data a checkpoint's run began on, rebuilt from its model keys; nil when it was not a point set.
    static func trainingData(checkpointMetadata metadata: [String: String]) throws -> TrainingData? {
        try TrainingData(recordedIn: metadata.reduce(into: [:]) { kept, entry in
            if entry.key.hasPrefix("model.") { kept[String(entry.key.dropFirst("model.".count))] = entry.value }
        })
    }

    /// The features named by `--features`, or `fallback`.
    /// - Throws: `ValidationError` naming `--features` for an unknown name.
    func derivedFeatures(or fallback: DerivedFeatures = .coordinates) throws -> DerivedFeatures {
        guard let features else { return fallback }
        do {
            return try DerivedFeatures(parsing: features)
        } catch {
            throw ValidationError("--\(error.description)")
        }
    }
}

/// `x,y`: a point of the plane, both finite numbers.
struct PlanePoint: ExpressibleByArgument {
    let x: Double
    let y: Double

    init?(argument: String) {
        let parts = argument.split(separator: ",", omittingEmptySubsequences: false).map { Double($0.filter { $0 != " " }) }
        guard parts.count == 2, let x = parts[0], let y = parts[1], x.isFinite, y.isFinite else { return nil }
        (self.x, self.y) = (x, y)
    }
}
