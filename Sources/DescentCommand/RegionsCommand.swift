public import ArgumentParser
import DescentDatasets
import DescentExperiments
import DescentPictures
import DescentTraining

struct RegionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "regions",
        abstract: "Draw a 2-D model's decision regions as a PNG, with a point set over them.",
        discussion: """
            For a model trained on a point set (descent train --dataset spirals): every pixel is the \
            class the network picks at that point of the square -1.2...1.2, tinted by how sure it is. \
            The model's test points are drawn over it, or those of --dataset and its options. It also \
            says in numbers what the picture shows: each class's share of the area, and where its \
            points fall.
            """)

    @OptionGroup var model: ModelOption

    @Option(help: ArgumentHelp("Where to write the PNG.", valueName: "file"))
    var out = "regions.png"

    @Option(help: ArgumentHelp("The picture's width and height in pixels, one cell each (8 to 1000).", valueName: "pixels"))
    var size = 400

    @Option(name: .customLong("dataset"), help: ArgumentHelp("Draw the points of this point set instead of the model's test points.", valueName: "shape"))
    var shape: PointShape?

    @OptionGroup var pointSet: PointSetOptions

    @Flag(name: .customLong("no-points"), help: "Draw the regions alone.")
    var noPoints = false

    mutating func validate() throws {
        guard (8...1000).contains(size) else { throw ValidationError("--size \(size) is not allowed; expected 8 to 1000 pixels") }
        if pointSet.testShare != nil { throw ValidationError("--test-share is for train; regions draws the whole set named, or the model's test points") }
    }

    mutating func run() async throws {
        let loaded = try Model.load(model.path)
        let features = try pointSet.derivedFeatures(or: loaded.derivedFeatures ?? .coordinates)
        let area = GridArea(size: size)
        let grid: RegionGrid
        do {
            grid = try loaded.network.regions(over: area, features: features, includingNeurons: false)
        } catch {
            throw CommandError("\(model.path): \(error.description); it reads \(loaded.network.inputCount) inputs, "
                + "so it is not a model of 2-D points (train one with descent train --dataset spirals)")
        }
        let set = try points(for: loaded)
        var dots: [(x: Double, y: Double, label: Int)] = []
        if let set, !noPoints {
            let scaleX = Double(size) / Double(area.xMax - area.xMin), scaleY = Double(size) / Double(area.yMax - area.yMin)
            for index in 0..<set.count {
                let x = Double(set.points[index, 0] - area.xMin) * scaleX - 0.5
                let y = Double(area.yMax - set.points[index, 1]) * scaleY - 0.5
                dots.append((x: x, y: y, label: set.labels[index]))
            }
        }
        let image = RegionPicture.image(classes: grid.classes, confidences: grid.confidences, columns: size, rows: size,
                                        classCount: loaded.network.outputCount, points: dots)
        try Output.write(image, to: out)
        print("Regions of \(model.path) over -1.2...1.2 on both axes, \(size)x\(size): "
            + grid.areaShares.enumerated().map { "class \($0.offset) \(Format.percent($0.element))" }.joined(separator: ", ") + " of the area")
        if let set {
            let census = try loaded.network.regionCensus(of: set, features: features)
            print("\(census.total) points\(set.recipe.map { " of \($0.summary)" } ?? ""): \(census.correct) in their own class's region (\(Format.percent(census.accuracy)))")
            for sentence in census.sentences { print("  " + sentence) }
        }
        print("Picture written to \(out)")
    }

    /// The points to draw: those named by --dataset, else the model's test points (nil when it records none).
    func points(for loaded: Model) throws -> PointSet? {
        if let shape {
            return try PointSet.generate(pointSet.recipe(shape: shape, base: loaded.pointSetRecipe))
        }
        if let option = pointSet.given.first(where: { $0 != "--features" }) { throw ValidationError("\(option) needs --dataset") }
        return loaded.pointSetTestPoints
    }
}

extension PointShape: ExpressibleByArgument {}
