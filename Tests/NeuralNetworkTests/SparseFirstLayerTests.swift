import LinearAlgebra
import NeuralNetwork
import Testing

@Suite("First layer over sparse inputs")
struct SparseFirstLayerTests {
    @Test("a sparse SGD step equals the dense fused step", arguments: [[20, 16, 16, 10], [20, 30, 10], [20, 5, 3]])
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
}
