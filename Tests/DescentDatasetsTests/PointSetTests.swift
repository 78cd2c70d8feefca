import DescentDatasets
import DescentLinearAlgebra
import Testing

@Suite("Point sets")
struct PointSetTests {
    static let classification: [PointShape] = [.spirals, .circles, .xor, .blobs, .moons]

    @Test("every shape draws the points asked for, 2 wide, in the frame, classes balanced", arguments: PointShape.allCases)
    func shapes(shape: PointShape) throws {
        for classes in shape.classRange {
            let set = try PointSet.generate(PointSetRecipe(shape: shape, classes: classes, points: 1001, noise: 0, seed: 7))
            #expect(set.points.rows == 1001 && set.points.columns == 2 && set.labels.count == 1001)
            let frame: Float = shape == .blobs ? 1.2 : 1.0001  // blobs are Gaussian even without noise
            #expect(set.points.elements.allSatisfy { abs($0) <= frame }, "\(shape) \(classes): a point outside the frame without noise")
            if shape.isRegression {
                #expect(set.classCount == 1 && set.targets?.count == 1001 && set.labels.allSatisfy { $0 == 0 })
            } else {
                #expect(set.classCount == classes && set.targets == nil)
                let counts = set.classCounts
                #expect(counts.max()! - counts.min()! <= 1, "\(shape) \(classes): \(counts)")
                #expect(counts.reduce(0, +) == 1001)
            }
        }
    }

    @Test("the same seed draws the same set; another seed another", arguments: PointShape.allCases)
    func seeds(shape: PointShape) throws {
        let recipe = PointSetRecipe(shape: shape, classes: shape.classRange.upperBound, points: 300, noise: 0.2, seed: 3)
        #expect(try PointSet.generate(recipe) == PointSet.generate(recipe))
        var other = recipe
        other.seed = 4
        #expect(try PointSet.generate(recipe).points != PointSet.generate(other).points)
        #expect(try PointSet.generate(recipe).recipe == recipe)
    }

    @Test("noise moves points by about noise/2 and no more than a few deviations", arguments: [PointShape.circles, .moons, .xor, .spirals])
    func noise(shape: PointShape) throws {
        let clean = try PointSet.generate(PointSetRecipe(shape: shape, points: 2000, noise: 0, seed: 5))
        let noisy = try PointSet.generate(PointSetRecipe(shape: shape, points: 2000, noise: 0.2, seed: 5))
        let extent = { (set: PointSet) in set.points.elements.map { abs($0) }.max()! }
        // With jitter of deviation 0.1, points go a little beyond the clean frame, and not far.
        #expect(extent(noisy) > extent(clean) && extent(noisy) < extent(clean) + 0.6)
    }

    @Test("the shapes are what they say without noise")
    func geometry() throws {
        let circles = try PointSet.generate(PointSetRecipe(shape: .circles, points: 500, noise: 0))
        for index in 0..<circles.count {
            let radius = (circles.points[index, 0] * circles.points[index, 0] + circles.points[index, 1] * circles.points[index, 1]).squareRoot()
            #expect(circles.labels[index] == 0 ? radius <= 0.5 + 1e-5 : radius >= 0.7 - 1e-5)
        }
        let xor = try PointSet.generate(PointSetRecipe(shape: .xor, points: 500, noise: 0))
        for index in 0..<xor.count { #expect((xor.points[index, 0] * xor.points[index, 1] > 0) == (xor.labels[index] == 0)) }
        let plane = try PointSet.generate(PointSetRecipe(shape: .plane, points: 100, noise: 0))
        for index in 0..<plane.count { #expect(abs(plane.targets![index] - (plane.points[index, 0] + plane.points[index, 1]) / 2) < 1e-6) }
        let bump = try PointSet.generate(PointSetRecipe(shape: .bump, points: 100, noise: 0))
        #expect(bump.targets!.allSatisfy { $0 > 0 && $0 <= 1 })
    }

    @Test("bad recipes are refused naming the field", arguments: [
        (PointSetRecipe(shape: .spirals, classes: 9), "classes"),
        (PointSetRecipe(shape: .blobs, classes: 1), "classes"),
        (PointSetRecipe(shape: .circles, classes: 3), "classes"),
        (PointSetRecipe(shape: .moons, classes: 3), "classes"),
        (PointSetRecipe(shape: .xor, classes: 4), "classes"),
        (PointSetRecipe(shape: .plane, classes: 2), "classes"),
        (PointSetRecipe(shape: .spirals, points: 0), "points"),
        (PointSetRecipe(shape: .spirals, points: 100_001), "points"),
        (PointSetRecipe(shape: .spirals, noise: -0.1), "noise"),
        (PointSetRecipe(shape: .spirals, noise: 1.5), "noise"),
        (PointSetRecipe(shape: .spirals, noise: .nan), "noise"),
    ])
    func refusals(recipe: PointSetRecipe, field: String) {
        #expect(throws: PointSetError.self) { try PointSet.generate(recipe) }
        do {
            try recipe.validate()
        } catch {
            #expect(error.field == field)
            #expect(error.description.hasPrefix(field + " "), "\(error.description)")
        }
    }

    @Test("a split keeps every point once, the test share rounded, and is seeded")
    func split() throws {
        let set = try PointSet.generate(PointSetRecipe(shape: .blobs, classes: 4, points: 1000))
        var generator = SplitMix64(seed: 1)
        let (training, test) = set.split(testShare: 0.2, using: &generator)
        #expect(training.count == 800 && test.count == 200)
        var again = SplitMix64(seed: 1)
        #expect(set.split(testShare: 0.2, using: &again).test == test)
        let all = (training.points.elements + test.points.elements)
        #expect(all.sorted() == set.points.elements.sorted())
        #expect((training.labels + test.labels).sorted() == set.labels.sorted())
    }

    @Test("derived features: the columns in order, their names, parsed from text")
    func derivedFeatures() throws {
        let points = Matrix<Float>(rows: 2, columns: 2, elements: [0.5, -2, 1, 0])
        let all = try DerivedFeatures(parsing: "siny, sinx,xy,y2,x2,y,x")
        #expect(all.width == 7 && all.names == DerivedFeatures.allNames)
        let applied = all.applied(to: points)
        #expect(applied.rows == 2 && applied.columns == 7)
        #expect(Array(applied.elements[0..<5]) == [0.5, -2, 0.25, 4, -1])
        #expect(abs(applied.elements[5] - 0.4794255) < 1e-6 && abs(applied.elements[6] + 0.9092974) < 1e-6)
        #expect(DerivedFeatures.coordinates.applied(to: points) == points)
        #expect(try DerivedFeatures(parsing: "x2,xy").applied(x: 3, y: 2) == [9, 6])
        #expect(throws: PointSetError.invalid(field: "features", value: "\"z\"", expected: "a comma-separated list of x, y, x2, y2, xy, sinx, siny")) {
            try DerivedFeatures(parsing: "x,z")
        }
    }

    @Test("examples: features with the labels; own points checked, naming the field")
    func examples() throws {
        let set = try PointSet.generate(PointSetRecipe(shape: .moons, points: 10))
        let examples = try set.examples(features: [.x, .y, .xTimesY])
        #expect(examples.width == 3 && examples.labels == set.labels)
        #expect(throws: PointSetError.self) { try set.examples(features: []) }
        let wide = try PointSet(points: Matrix(rows: 2, columns: 3, elements: [1, 2, 3, 4, 5, 6]), labels: [0, 1])
        #expect(try wide.examples(features: .coordinates).width == 3)
        do { _ = try wide.examples(features: [.x, .y, .xSquared]); Issue.record("derived features of 3-wide points") } catch { #expect(error.field == "features") }
        do { _ = try PointSet(points: Matrix(rows: 2, columns: 2, elements: [1, 2, 3, 4]), labels: [0]); Issue.record("accepted") } catch { #expect(error.field == "labels") }
        do { _ = try PointSet(points: Matrix(rows: 1, columns: 2, elements: [1, .nan]), labels: [0]); Issue.record("accepted") } catch { #expect(error.field == "points") }
        do { _ = try PointSet(points: Matrix(rows: 1, columns: 2, elements: [1, 2]), labels: [2], classCount: 2); Issue.record("accepted") } catch { #expect(error.field == "labels") }
        do { _ = try PointSet(points: Matrix(rows: 1, columns: 2, elements: [1, 2]), targets: [.infinity]); Issue.record("accepted") } catch { #expect(error.field == "targets") }
    }
}
