public import DescentDatasets
public import DescentNetwork
public import DescentLinearAlgebra

/// A rectangle of the plane cut into `columns x rows` cells, where a 2-D network is asked its answer.
/// Cell (row, column) is centred at x = xMin + (column + ½)·(xMax − xMin)/columns and
/// y = yMax − (row + ½)·(yMax − yMin)/rows: row 0 is the top, as in a picture.
public struct GridArea: Sendable, Equatable, Codable {
    /// The left edge.
    public var xMin: Float
    /// The right edge.
    public var xMax: Float
    /// The bottom edge.
    public var yMin: Float
    /// The top edge.
    public var yMax: Float
    /// Cells across.
    public var columns: Int
    /// Cells down.
    public var rows: Int

    /// The square −extent...extent on both axes, `size x size` cells: the frame the point sets are drawn in (extent 1.2 by default).
    public init(size: Int = 100, extent: Float = 1.2) {
        self.init(xMin: -extent, xMax: extent, yMin: -extent, yMax: extent, columns: size, rows: size)
    }

    /// A rectangle and its resolution.
    public init(xMin: Float, xMax: Float, yMin: Float, yMax: Float, columns: Int, rows: Int) {
        self.xMin = xMin
        self.xMax = xMax
        self.yMin = yMin
        self.yMax = yMax
        self.columns = columns
        self.rows = rows
    }

    /// The number of cells.
    public var cellCount: Int { rows * columns }

    /// The most cells an area may have (a 1000 x 1000 map).
    public static let maximumCells = 1_000_000

    /// Checks the rectangle and its resolution.
    /// - Throws: `PointSetError.invalid` naming `columns`, `rows`, `x` or `y`: fewer than one cell a
    ///   side, more than `maximumCells`, or edges not finite and increasing.
    public func validate() throws(PointSetError) {
        guard columns >= 1 else { throw .invalid(field: "columns", value: "\(columns)", expected: "1 or more") }
        guard rows >= 1 else { throw .invalid(field: "rows", value: "\(rows)", expected: "1 or more") }
        guard rows <= Self.maximumCells / columns else {
            throw .invalid(field: "rows", value: "\(rows) x \(columns) cells", expected: "at most \(Self.maximumCells) cells")
        }
        guard xMin.isFinite, xMax.isFinite, xMin < xMax else { throw .invalid(field: "x", value: "\(xMin)...\(xMax)", expected: "finite edges, left below right") }
        guard yMin.isFinite, yMax.isFinite, yMin < yMax else { throw .invalid(field: "y", value: "\(yMin)...\(yMax)", expected: "finite edges, bottom below top") }
    }

    /// Every cell's centre, `cellCount x 2`, row by row from the top left.
    public var centres: Matrix<Float> {
        var elements: [Float] = []
        elements.reserveCapacity(2 * cellCount)
        let width = (xMax - xMin) / Float(columns), height = (yMax - yMin) / Float(rows)
        for row in 0..<rows {
            let y = yMax - (Float(row) + 0.5) * height
            for column in 0..<columns {
                elements.append(xMin + (Float(column) + 0.5) * width)
                elements.append(y)
            }
        }
        return Matrix(rows: cellCount, columns: 2, elements: elements)
    }

    /// The cell holding (x, y), clamped to the edge cells; row 0 is the top.
    public func cell(x: Float, y: Float) -> (row: Int, column: Int) {
        let column = Int(((x - xMin) / (xMax - xMin) * Float(columns)).rounded(.down))
        let row = Int(((yMax - y) / (yMax - yMin) * Float(rows)).rounded(.down))
        return (min(max(row, 0), rows - 1), min(max(column, 0), columns - 1))
    }
}

/// A 2-D network's answer over a `GridArea`: the class it picks in every cell and how sure it is,
/// and every hidden neuron's activation there (TensorFlow Playground's neuron thumbnails).
public struct RegionGrid: Sendable, Equatable {
    /// Where the cells are.
    public let area: GridArea
    /// The features the network reads of each cell's centre.
    public let features: DerivedFeatures
    /// The class with the largest output in each cell, row by row from the top left.
    public let classes: [Int]
    /// That largest output in each cell: the probability of `classes[cell]` with softmax; for a
    /// one-output network, the output itself (a regression's value, or a sigmoid's).
    public let confidences: [Float]
    /// Every output in every cell: `cellCount x outputCount`.
    public let outputs: Matrix<Float>
    /// One matrix a hidden layer, `neurons x cellCount`: row j is neuron j's activation in every cell,
    /// row by row from the top left (empty when not asked for).
    public let neurons: [Matrix<Float>]

    /// The share of the area each class holds, class by class.
    public var areaShares: [Double] {
        let counts = classes.reduce(into: Array(repeating: 0, count: outputs.columns)) { $0[$1] += 1 }
        return counts.map { Double($0) / Double(max(1, classes.count)) }
    }
}

extension Network where Scalar == Float {
    /// The network's answer in every cell of `area`, as batched forward passes through the same
    /// matrix products that train it.
    /// - Parameters:
    ///   - area: The cells; checked by `GridArea.validate()`.
    ///   - features: What the network reads of a point; its width must be the network's input count.
    ///   - includingNeurons: Whether to keep every hidden neuron's map too (`RegionGrid.neurons`).
    ///   - batchSize: Cells per forward pass.
    /// - Throws: `PointSetError.invalid` naming the area's field, or `features` when its width is not
    ///   the network's input count.
    /// - Complexity: O(area.cellCount · parameterCount).
    public func regions(over area: GridArea, features: DerivedFeatures, includingNeurons: Bool = true, batchSize: Int = 4096) throws(PointSetError) -> RegionGrid {
        try area.validate()
        guard features.width == inputCount else {
            throw .invalid(field: "features", value: features.names.joined(separator: ","),
                           expected: "\(inputCount) features, as the network reads \(inputCount) inputs")
        }
        let inputs = features.applied(to: area.centres)
        let cells = area.cellCount
        let callerMode = SubnormalFlushing.enter()  // as in training and Evaluation, so all classify alike
        defer { SubnormalFlushing.restore(callerMode) }
        var workspace = Workspace(for: self, capacity: max(1, min(batchSize, cells)))
        var outputs = Matrix<Float>(rows: cells, columns: outputCount)
        let hidden = layers.dropLast().map(\.outputCount)
        var neurons = includingNeurons ? hidden.map { Matrix<Float>(rows: $0, columns: cells) } : []
        var first = 0
        while first < cells {
            let count = min(workspace.capacity, cells - first)
            let width = inputCount
            workspace.inputs.elements.replaceSubrange(0 ..< count * width, with: inputs.elements[first * width ..< (first + count) * width])
            forward(&workspace, count: count)
            let outputWidth = outputCount
            outputs.elements.replaceSubrange(first * outputWidth ..< (first + count) * outputWidth,
                                             with: workspace.outputs.elements[0 ..< count * outputWidth])
            for layer in neurons.indices {
                // activations are count x neurons; the maps are neurons x cells.
                let activations = workspace.activations[layer]
                let layerWidth = activations.columns
                neurons[layer].elements.withUnsafeMutableBufferPointer { maps in
                    activations.elements.withUnsafeBufferPointer { batch in
                        for row in 0..<count {
                            for neuron in 0..<layerWidth { maps[neuron * cells + first + row] = batch[row * layerWidth + neuron] }
                        }
                    }
                }
            }
            first += count
        }
        var classes = Array(repeating: 0, count: cells)
        var confidences = Array(repeating: Float(0), count: cells)
        let outputWidth = outputCount
        for cell in 0..<cells {
            var best = 0
            for j in 1..<outputWidth where outputs.elements[cell * outputWidth + j] > outputs.elements[cell * outputWidth + best] { best = j }
            classes[cell] = best
            confidences[cell] = outputs.elements[cell * outputWidth + best]
        }
        return RegionGrid(area: area, features: features, classes: classes, confidences: confidences, outputs: outputs, neurons: neurons)
    }
}
