import DescentDatasets
import DescentLinearAlgebra
import DescentNetwork
import Testing
import DescentTraining

/// Training on 2-D point sets through the one training run, as `descent train --dataset spirals` does.
@Suite("Training on point sets")
struct PointSetTrainingTests {
    /// Trains as `descent train --dataset <shape> --seed <recipe.seed>` does: the seed draws the
    /// points, the split and the first weights.
    func train(_ recipe: PointSetRecipe, features: DerivedFeatures = .coordinates, epochs: Int? = nil) throws -> TrainingOutcome {
        let data = try TrainingData(points: PointSet.generate(recipe), features: features, testShare: 0.2, splitSeed: recipe.seed)
        var options = TrainingOptions()
        options.preset = .playground
        options.epochs = epochs
        options.seed = recipe.seed
        let configuration = try options.configuration(inputCount: features.width, classCount: recipe.classes, images: false)
        return try TrainingRun(configuration: configuration, data: data).run()
    }

    @Test("the playground preset learns spirals (1,000 points, noise 0.1) to 95% on the test split", arguments: [
        (2, 0), (2, 1), (2, 2), (3, 0), (3, 1), (3, 2),
    ] as [(Int, UInt64)])
    func spirals(classes: Int, seed: UInt64) throws {
        let outcome = try train(PointSetRecipe(shape: .spirals, classes: classes, seed: seed))
        let test = try #require(outcome.test)
        #expect(test.total == 200)
        #expect(test.accuracy >= 0.95, "\(classes) classes, seed \(seed): test accuracy \(test.accuracy)")
    }

    @Test("4-class blobs are learnt to 95% in a few epochs")
    func blobs() throws {
        let outcome = try train(PointSetRecipe(shape: .blobs, classes: 4), epochs: 20)
        #expect(try #require(outcome.test).accuracy >= 0.95)
    }

    @Test("the model records the recipe, features and split, from which the same test split is rebuilt")
    func metadata() throws {
        let recipe = PointSetRecipe(shape: .circles, points: 200, noise: 0.05, seed: 9)
        let outcome = try train(recipe, features: [.x, .y, .xSquared], epochs: 2)
        let model = outcome.model
        #expect(model.pointSetRecipe == recipe)
        #expect(model.derivedFeatures == [.x, .y, .xSquared])
        #expect(model.pointSetSplit?.testShare == 0.2 && model.pointSetSplit?.seed == 9)
        #expect(model.metadata["dataset"] == "circles")
        let rebuilt = try #require(try TrainingData(recordedIn: model.metadata))
        #expect(rebuilt.test == outcome.testExamples)
        #expect(try TrainingData(recordedIn: ["dataset": "mnist"]) == nil)
    }

    @Test("a regression set and a test share out of range are refused naming the field")
    func refusals() throws {
        let plane = try PointSet.generate(PointSetRecipe(shape: .plane))
        do { _ = try TrainingData(points: plane, features: .coordinates, testShare: 0.2, splitSeed: 0); Issue.record("accepted") } catch { #expect(error.field == "shape") }
        let moons = try PointSet.generate(PointSetRecipe(shape: .moons))
        do { _ = try TrainingData(points: moons, features: .coordinates, testShare: 1, splitSeed: 0); Issue.record("accepted") } catch { #expect(error.field == "testShare") }
    }
}
