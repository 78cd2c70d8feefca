import DescentDatasets
import DescentExperiments
import DescentNetwork
import Foundation
import Hummingbird

/// One frame of the Playground: the few numbers as JSON (the step, the costs, the accuracies, how
/// the points fall into the regions), the many in binary (the map, every hidden neuron's map, the
/// weights and, when asked, the points). `response()` writes it as `DPF1`, after the `DGR1` of
/// `/api/gradient`.
struct PlaygroundFrame: Encodable {
    /// The page's copy: the id to send back.
    let session: String
    /// Counts the copy's setups.
    let setup: Int
    /// Mini-batches taken, the epoch under way and its batch.
    let steps: Int
    let epoch: Int
    /// The network's sizes (inputs, hidden layers, classes) and its weights and biases.
    let sizes: [Int]
    let parameterCount: Int
    /// The names of the network's inputs (`x`, `y`, `x2`, ... or a CSV's columns).
    let inputs: [String]
    /// The names of the columns the map's axes show, and of every column of the data.
    let axes: [String]
    let columns: [String]
    let classNames: [String]
    let source: String
    let activation: String
    /// The map's rectangle.
    let area: GridArea
    /// The share of the map each class holds.
    let areaShares: [Double]
    let training: SplitSummary
    let test: SplitSummary
    /// The newest point of the curves, and the whole curve when asked (after a setup, a reset).
    let point: PlaygroundCurvePoint
    let curve: [PlaygroundCurvePoint]?
    /// Whether this frame carries the points (`P` > 0 in the binary part), and how many were added by clicking.
    let includesPoints: Bool
    let addedPoints: Int

    /// How one split falls into the regions.
    struct SplitSummary: Encodable {
        let count: Int
        let cost: Double
        let accuracy: Double
        let correct: Int
        /// counts[actual][predicted]: points of each class in each class's region.
        let counts: [[Int]]
        /// One sentence a class, the library's (`RegionCensus.sentences`).
        let sentences: [String]

        init(_ census: RegionCensus, cost: Double) {
            (count, self.cost, accuracy, correct, counts, sentences) = (census.total, cost, census.accuracy, census.correct, census.counts, census.sentences)
        }
    }

    private enum CodingKeys: String, CodingKey {
        case session, setup, steps, epoch, sizes, parameterCount, inputs, axes, columns, classNames, source, activation, area, areaShares, training, test,
             point, curve, includesPoints, addedPoints
    }

    // Binary parts, not in the JSON.
    let regions: RegionGrid
    let weights: [[Float]]
    let points: [(x: Float, y: Float, label: UInt8, split: UInt8)]

    init(session: String, copy: PlaygroundCopy, regions: RegionGrid, point: PlaygroundCurvePoint, training: RegionCensus, test: RegionCensus,
         includingPoints: Bool, fullCurve: Bool) {
        self.session = session
        setup = copy.setup
        steps = copy.steps
        epoch = copy.checkpoint?.epoch ?? 1
        let network = copy.model.network
        sizes = network.sizes
        parameterCount = network.parameterCount
        inputs = copy.data.width == 2 ? copy.features.names : copy.data.columnNames
        axes = copy.axes.map { copy.data.columnNames[$0] }
        columns = copy.data.columnNames
        classNames = copy.data.classNames
        source = copy.data.source
        activation = copy.network.activation.rawValue
        area = regions.area
        areaShares = regions.areaShares
        self.training = SplitSummary(training, cost: point.trainingCost)
        self.test = SplitSummary(test, cost: point.testCost)
        self.point = point
        curve = fullCurve ? copy.curve : nil
        includesPoints = includingPoints
        addedPoints = copy.data.added
        self.regions = regions
        weights = network.layers.map(\.weights.elements)
        var points: [(x: Float, y: Float, label: UInt8, split: UInt8)] = []
        if includingPoints {
            for (split, set) in [copy.data.training, copy.data.test].enumerated() {
                let width = set.points.columns
                for row in 0..<set.count {
                    points.append((set.points.elements[row * width + copy.axes[0]], set.points.elements[row * width + copy.axes[1]],
                                   UInt8(set.labels[row]), UInt8(split)))
                }
            }
        }
        self.points = points
    }

    /// The first four bytes of the binary answer.
    static let magic: [UInt8] = Array("DPF1".utf8)

    /// The frame as `application/octet-stream`, every number little-endian:
    ///
    ///     "DPF1"; UInt32 J; J bytes of UTF-8 JSON (the fields above); zeros to a multiple of 4;
    ///     UInt32 W, H (the map's cells across and down), M (hidden neurons' maps), C (classes),
    ///            K (weights, every layer's rows one after another), P (points);
    ///     Float32 x 2M    each neuron map's lowest and highest value;
    ///     Float32 x K     the weights, layer by layer, row by row (a row is a neuron's inputs);
    ///     Float32 x 2P    each point's x, y (the map's two columns);
    ///     UInt8 x WH      each cell's class, row by row from the top left;
    ///     UInt8 x WH      how sure: 255 x that class's probability;
    ///     UInt8 x MWH     each neuron's map, 255 x (value − lowest) / (highest − lowest), layer by layer;
    ///     UInt8 x P       each point's class;  UInt8 x P  its split (0 training, 1 test)
    ///
    /// and nothing after.
    /// - Throws: when the JSON part cannot be encoded.
    func response() throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let json = try encoder.encode(self)
        let cells = regions.area.cellCount
        let maps = regions.neurons.reduce(0) { $0 + $1.rows }
        let weightCount = weights.reduce(0) { $0 + $1.count }
        let padded = (json.count + 3) & ~3
        var buffer = ByteBuffer()
        buffer.reserveCapacity(8 + padded + 24 + 4 * (2 * maps + weightCount + 2 * points.count) + cells * (2 + maps) + 2 * points.count)
        buffer.writeBytes(Self.magic)
        buffer.writeInteger(UInt32(json.count), endianness: .little)
        buffer.writeBytes(json)
        buffer.writeRepeatingByte(0, count: padded - json.count)
        for count in [regions.area.columns, regions.area.rows, maps, classNames.count, weightCount, points.count] {
            buffer.writeInteger(UInt32(count), endianness: .little)
        }
        var ranges: [Float] = []
        var quantized: [UInt8] = []
        quantized.reserveCapacity(maps * cells)
        for layer in regions.neurons {
            for neuron in 0..<layer.rows {
                let values = layer.elements[neuron * cells ..< (neuron + 1) * cells]
                let (low, high) = (values.min() ?? 0, values.max() ?? 0)
                ranges += [low, high]
                let scale = high > low ? 255 / (high - low) : 0
                for value in values { quantized.append(UInt8(max(0, min(255, ((value - low) * scale).rounded())))) }
            }
        }
        Self.write(ranges, to: &buffer)
        for layer in weights { Self.write(layer, to: &buffer) }
        Self.write(points.flatMap { [$0.x, $0.y] }, to: &buffer)
        buffer.writeBytes(regions.classes.map { UInt8(truncatingIfNeeded: $0) })
        buffer.writeBytes(regions.confidences.map { UInt8(max(0, min(255, ($0 * 255).rounded()))) })
        buffer.writeBytes(quantized)
        buffer.writeBytes(points.map(\.label))
        buffer.writeBytes(points.map(\.split))
        return Response(status: .ok, headers: [.contentType: "application/octet-stream", .cacheControl: "no-store"],
                        body: ResponseBody(byteBuffer: buffer))
    }

    static func write(_ values: [Float], to buffer: inout ByteBuffer) {
        #if _endian(little)
        values.withUnsafeBytes { buffer.writeBytes($0) }
        #else
        for value in values { buffer.writeInteger(value.bitPattern, endianness: .little) }
        #endif
    }
}
