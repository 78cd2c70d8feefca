import DescentDatasets
import DescentExperiments
import DescentLinearAlgebra
import DescentNetwork
import Testing
import Dispatch

@Suite("Region grid")
struct RegionGridTests {
    func network(_ sizes: [Int], output: Activation = .softmax, seed: UInt64 = 1) throws -> Network<Float> {
        var generator = SplitMix64(seed: seed)
        return try Network(sizes: sizes, hidden: .tanh, output: output, cost: .crossEntropy, initialization: .glorot, using: &generator)
    }

    @Test("every cell's class, confidence and hidden activations are those of a prediction at its centre", arguments: [
        DerivedFeatures.coordinates, [.x, .y, .xSquared, .ySquared, .xTimesY, .sinX, .sinY], [.xTimesY],
    ])
    func agreesWithPrediction(features: DerivedFeatures) throws {
        let network = try network([features.width, 5, 3, 4])
        let area = GridArea(xMin: -1, xMax: 2, yMin: -0.5, yMax: 1.5, columns: 13, rows: 7)
        let grid = try network.regions(over: area, features: features, batchSize: 10)  // odd batches, a short last one
        #expect(grid.classes.count == 91 && grid.outputs.rows == 91 && grid.neurons.map(\.rows) == [5, 3])
        let centres = area.centres
        for cell in [0, 1, 12, 13, 45, 90] {
            let (x, y) = (centres[cell, 0], centres[cell, 1])
            #expect(area.cell(x: x, y: y) == (cell / 13, cell % 13))
            let prediction = network.prediction(for: features.applied(x: x, y: y))
            #expect(grid.classes[cell] == prediction.label)
            #expect(abs(Double(grid.confidences[cell]) - prediction.confidence) < 1e-5)
            for layer in 0..<2 {
                for neuron in 0..<grid.neurons[layer].rows {
                    #expect(abs(Double(grid.neurons[layer][neuron, cell]) - prediction.activations[layer][neuron]) < 1e-5)
                }
            }
        }
        #expect(abs(centres[0, 0] - (-1 + 3.0 / 26)) < 1e-6)  // the first cell's centre, half a cell in
        #expect(abs(centres[0, 1] - (1.5 - 2.0 / 14)) < 1e-6)  // row 0 is the top
        #expect(abs(grid.areaShares.reduce(0, +) - 1) < 1e-9)
    }

    @Test("bad areas and features are refused naming the field")
    func refusals() throws {
        let network = try network([2, 3, 2])
        for (area, field) in [(GridArea(size: 0), "columns"), (GridArea(xMin: 1, xMax: 0, yMin: 0, yMax: 1, columns: 2, rows: 2), "x"),
                              (GridArea(xMin: 0, xMax: 1, yMin: 0, yMax: .nan, columns: 2, rows: 2), "y"), (GridArea(size: 2000), "rows")] {
            do { _ = try network.regions(over: area, features: .coordinates); Issue.record("accepted \(area)") } catch { #expect(error.field == field) }
        }
        do { _ = try network.regions(over: GridArea(size: 4), features: [.x, .y, .xTimesY]); Issue.record("accepted") } catch { #expect(error.field == "features") }
    }

    @Test("the census counts every point by class and region, its accuracy that of the predictions")
    func census() throws {
        let network = try network([2, 8, 3])
        let set = try PointSet.generate(PointSetRecipe(shape: .blobs, classes: 3, points: 300))
        let census = try network.regionCensus(of: set, features: .coordinates)
        #expect(census.total == 300 && census.counts.map { $0.reduce(0, +) } == set.classCounts)
        var correct = 0
        for index in 0..<set.count where network.prediction(for: [set.points[index, 0], set.points[index, 1]]).label == set.labels[index] { correct += 1 }
        #expect(census.correct == correct)
        #expect(census.sentences.count == 3 && census.sentences[0].hasPrefix("class 0: 100 points"))
    }

    @Test("a 2-16-16-4 network over 100x100 cells: every cell and neuron map, the same each time (its speed printed, not asserted)")
    func speed() throws {
        let network = try network([2, 16, 16, 4])
        let area = GridArea(size: 100)
        let first = try network.regions(over: area, features: .coordinates)
        #expect(first.classes.count == 10_000 && first.confidences.count == 10_000 && first.outputs.columns == 4)
        #expect(first.neurons.map(\.rows) == [16, 16] && first.neurons.allSatisfy { $0.columns == 10_000 })
        #expect(first.classes.allSatisfy { (0..<4).contains($0) } && first.confidences.allSatisfy { $0 >= 0.25 && $0 <= 1 })
        let rounds = 50
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<rounds { #expect(try network.regions(over: area, features: .coordinates) == first) }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(rounds)
        print("RegionGrid: 2-16-16-4 over 100x100 with neuron maps: \(String(format: "%.2f", seconds * 1000)) ms a frame, \(String(format: "%.0f", 1 / seconds)) frames/s")
    }
}
