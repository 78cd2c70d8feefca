import DescentDatasets
import DescentNetwork

extension Network where Scalar == Float {
    /// Runs `images` through the network a batch at a time, calling `body` after each forward pass
    /// with the workspace (its first `count` rows hold images `first..<first + count`).
    /// - Complexity: O(images.count · parameterCount), plus what `body` does.
    func forwardBatches(of images: LabeledImages, batchSize: Int = 500, _ body: (_ workspace: Workspace<Float>, _ first: Int, _ count: Int) -> Void) {
        var workspace = Workspace(for: self, capacity: max(1, min(batchSize, images.count)))
        var first = 0
        while first < images.count {
            let count = min(workspace.capacity, images.count - first)
            for row in 0..<count { workspace.setInput(row: row, bytes: images.image(first + row), label: Int(images.labels[first + row])) }
            forward(&workspace, count: count)
            body(workspace, first, count)
            first += count
        }
    }
}
