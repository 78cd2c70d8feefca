import DescentLinearAlgebra
import DescentNetwork
import Testing

@Suite("First layer over sparse inputs")
struct SparseFirstLayerTests {
    /// The kernel families this CPU runs: each one's sparse and dense kernels are checked against each other.
    static let families = KernelFamily.allCases.filter(\.isSupported)

    @Test("a sparse SGD step equals the dense fused step, in every kernel family this CPU runs",
          arguments: families, [[20, 16, 16, 10], [20, 30, 10], [20, 5, 3], [40, 150, 10]])
    func sparseEqualsDense(family: KernelFamily, sizes: [Int]) throws {
        try KernelFamily.on(family) { try sparseEqualsDense(sizes: sizes) }
    }

    func sparseEqualsDense(sizes: [Int]) throws {
        var generator = SplitMix64(seed: 8)
        var dense = try Network<Float>(sizes: sizes, using: &generator)
        var sparse = dense
        var workspace = Workspace(for: dense, capacity: 6)
        var sparseWorkspace = workspace
        var firstLayer = SparseFirstLayer(network: sparse, capacity: 6)
        for _ in 0..<4 {
            for row in 0..<6 {
                // About a third of the inputs lit, as in a digit.
                let bytes = (0..<sizes[0]).map { _ in generator.uniformInt(below: 3) == 0 ? UInt8(1 + generator.uniformInt(below: 255)) : 0 }
                let label = generator.uniformInt(below: sizes[sizes.count - 1])
                workspace.setInput(row: row, bytes: bytes[...], label: label)
                firstLayer.setInput(row: row, bytes: bytes[...])
                sparseWorkspace.labels[row] = label
            }
            let a = dense.descend(&workspace, count: 6, learningRate: 0.5, shrink: 0.999)
            let b = sparse.descend(&sparseWorkspace, sparse: &firstLayer, count: 6, learningRate: 0.5, shrink: 0.999)
            #expect(abs(a.cost - b.cost) <= 1e-5 * max(1, abs(a.cost)))
            #expect(a.correct == b.correct)
        }
        firstLayer.write(into: &sparse)
        for (x, y) in zip(dense.parameters, sparse.parameters) { #expect(abs(x - y) <= 1e-5 * max(1, abs(x))) }
    }

    @Test("examples encoded once train exactly as their bytes do, blank examples included")
    func encodedEqualsBytes() throws {
        var generator = SplitMix64(seed: 21)
        let sizes = [40, 16, 10]
        // Twelve examples: some blank, one fully lit, the rest about a quarter lit.
        let examples: [[UInt8]] = (0..<12).map { index in
            if index % 5 == 0 { return [UInt8](repeating: 0, count: sizes[0]) }
            if index == 7 { return (0..<sizes[0]).map { _ in UInt8(1 + generator.uniformInt(below: 255)) } }
            return (0..<sizes[0]).map { _ in generator.uniformInt(below: 4) == 0 ? UInt8(1 + generator.uniformInt(below: 255)) : 0 }
        }
        let encoded = SparseInputs(count: examples.count, inputCount: sizes[0]) { examples[$0][...] }
        #expect(encoded.entries.map { Int($0.count) } == examples.map { $0.filter { $0 != 0 }.count })
        var order = Array(examples.indices)
        generator.shuffle(&order)
        var entries = [SparseInputs.Entry]()
        encoded.gather(order, into: &entries)
        #expect(entries == order.map { encoded.entries[$0] })

        var fromBytes = try Network<Float>(sizes: sizes, using: &generator)
        var fromEncoded = fromBytes
        var workspace = Workspace(for: fromBytes, capacity: 4)
        var encodedWorkspace = workspace
        var bytesLayer = SparseFirstLayer(network: fromBytes, capacity: 4)
        var encodedLayer = bytesLayer
        for batch in 0..<3 {
            for row in 0..<4 {
                let index = order[batch * 4 + row]
                bytesLayer.setInput(row: row, bytes: examples[index][...])
                encodedLayer.setInput(row: row, from: encoded, entry: entries[batch * 4 + row])
                workspace.labels[row] = index % 10
                encodedWorkspace.labels[row] = index % 10
            }
            let a = fromBytes.descend(&workspace, sparse: &bytesLayer, count: 4, learningRate: 0.5, shrink: 1)
            let b = fromEncoded.descend(&encodedWorkspace, sparse: &encodedLayer, count: 4, learningRate: 0.5, shrink: 1)
            #expect(a.cost == b.cost)
        }
        bytesLayer.write(into: &fromBytes)
        encodedLayer.write(into: &fromEncoded)
        #expect(fromBytes.parameters == fromEncoded.parameters)
    }

    @Test("the forward pass and an Adam step give the same numbers on one, two or three threads", arguments: [100, 200, 800, 1000])
    func threadsChangeNothing(width: Int) throws {
        var generator = SplitMix64(seed: 12)
        let network = try Network<Float>(sizes: [784, width, 10], hidden: .relu, output: .softmax, cost: .crossEntropy,
                                         initialization: .he, using: &generator)
        let count = 64
        let bytes = (0..<(count * 784)).map { _ in generator.uniformInt(below: 5) == 0 ? UInt8(1 + generator.uniformInt(below: 255)) : 0 }
        var results: [[Float]] = []
        for threads in [1, 2, 3] {
            var trained = network
            var workspace = Workspace(for: trained, capacity: count)
            workspace.threads = threads
            var sparse = SparseFirstLayer(network: trained, capacity: count)
            sparse.enableAdam(firstMoment: nil, secondMoment: nil)
            var adam = Adam<Float>(learningRate: 1e-3)
            var gradients = Gradients(zeroLike: trained)
            for row in 0..<count {
                sparse.setInput(row: row, bytes: bytes[(row * 784)..<((row + 1) * 784)])
                workspace.labels[row] = row % 10
            }
            trained.forward(&workspace, sparse: sparse, count: count)
            var numbers = workspace.activations.flatMap(\.elements)
            for _ in 0..<2 { _ = adam.step(&trained, on: &workspace, sparse: &sparse, count: count, gradients: &gradients) }
            sparse.write(into: &trained)
            numbers += trained.layers.flatMap { $0.weights.elements + $0.biases }
            results.append(numbers)
        }
        #expect(results[1] == results[0], "two threads differ from one")
        #expect(results[2] == results[0], "three threads differ from one")
    }

    @Test("a copied layer keeps its own weights")
    func copiesAreValues() throws {
        var generator = SplitMix64(seed: 5)
        var network = try Network<Float>(sizes: [8, 4, 2], using: &generator)
        var workspace = Workspace(for: network, capacity: 1)
        var layer = SparseFirstLayer(network: network, capacity: 1)
        let copy = layer
        layer.setInput(row: 0, bytes: [255, 0, 9, 0, 0, 80, 0, 1][...])
        workspace.labels[0] = 1
        let before = network.layers[0].weights
        network.descend(&workspace, sparse: &layer, count: 1, learningRate: 1, shrink: 0.5)
        var restored = network
        copy.write(into: &restored)
        #expect(restored.layers[0].weights == before)
        layer.write(into: &network)
        #expect(network.layers[0].weights != before)
    }

    /// Sizes whose first layer exercises each path of the sparse kernels: 150 neurons take the
    /// 64-wide blocks and a masked tail; with two threads, 80 neurons split into blocks of 32 and 48.
    @Test("a sparse Adam step equals the dense Adam step, moments included, in every kernel family this CPU runs",
          arguments: families, [([40, 150, 10], 1), ([40, 150, 10], 2), ([40, 80, 10], 2), ([40, 16, 16, 10], 1)])
    func sparseAdamEqualsDense(family: KernelFamily, shape: ([Int], Int)) throws {
        try KernelFamily.on(family) { try sparseAdamEqualsDense(sizes: shape.0, threads: shape.1) }
    }

    func sparseAdamEqualsDense(sizes: [Int], threads: Int) throws {
        var generator = SplitMix64(seed: 31)
        var dense = try Network<Float>(sizes: sizes, hidden: .relu, output: .softmax, cost: .crossEntropy, using: &generator)
        var sparse = dense
        let batch = 128
        var workspace = Workspace(for: dense, capacity: batch)
        workspace.threads = threads
        var sparseWorkspace = workspace
        var denseAdam = Adam<Float>(learningRate: 3e-3, weightDecay: 5, trainingSetSize: 1000)
        var sparseAdam = denseAdam
        var denseGradients = Gradients(zeroLike: dense)
        var sparseGradients = denseGradients
        var layer = SparseFirstLayer(network: sparse, capacity: batch)
        layer.enableAdam(firstMoment: nil, secondMoment: nil)
        for step in 0..<3 {
            // The last batch is short, as an epoch's last batch may be.
            let count = step == 2 ? 37 : batch
            for row in 0..<count {
                let bytes = (0..<sizes[0]).map { _ in generator.uniformInt(below: 5) == 0 ? UInt8(1 + generator.uniformInt(below: 255)) : 0 }
                let label = generator.uniformInt(below: sizes[sizes.count - 1])
                workspace.setInput(row: row, bytes: bytes[...], label: label)
                layer.setInput(row: row, bytes: bytes[...])
                sparseWorkspace.labels[row] = label
            }
            let a = denseAdam.step(&dense, on: &workspace, count: count, gradients: &denseGradients)
            let b = sparseAdam.step(&sparse, on: &sparseWorkspace, sparse: &layer, count: count, gradients: &sparseGradients)
            #expect(abs(a.cost - b.cost) <= 1e-5 * max(1, abs(a.cost)))
            #expect(a.correct == b.correct)
        }
        layer.write(into: &sparse)
        for (x, y) in zip(dense.parameters, sparse.parameters) { #expect(abs(x - y) <= 1e-5 * max(1, abs(x))) }
        let moments = try #require(layer.adamMoments)
        let first = try #require(denseAdam.firstMoment?.weights[0].elements)
        let second = try #require(denseAdam.secondMoment?.weights[0].elements)
        // Moments are tiny numbers: compare against the largest, as rounding errors scale with it.
        let firstScale = first.map(abs).max() ?? 1, secondScale = second.map(abs).max() ?? 1
        #expect(zip(first, moments.first.elements).allSatisfy { abs($0 - $1) <= 1e-4 * firstScale })
        #expect(zip(second, moments.second.elements).allSatisfy { abs($0 - $1) <= 1e-4 * secondScale })
    }

    @Test("moments handed to a sparse layer come back as they went in")
    func momentsRoundTrip() throws {
        var generator = SplitMix64(seed: 2)
        let network = try Network<Float>(sizes: [30, 20, 5], using: &generator)
        var first = Matrix<Float>(rows: 20, columns: 30), second = first
        for index in first.elements.indices {
            first.elements[index] = Float(generator.uniformDouble() - 0.5)
            second.elements[index] = Float(generator.uniformDouble())
        }
        var layer = SparseFirstLayer(network: network, capacity: 4)
        #expect(layer.adamMoments == nil)
        layer.enableAdam(firstMoment: first, secondMoment: second)
        let moments = try #require(layer.adamMoments)
        #expect(moments.first == first)
        #expect(moments.second == second)
    }
}
