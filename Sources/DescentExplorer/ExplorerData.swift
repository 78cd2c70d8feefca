public import DescentDatasets

/// The images the explorer shows and trains on: MNIST's three splits, or small stand-ins in tests.
public struct ExplorerData: Sendable {
    public let training: LabeledImages
    public let validation: LabeledImages
    public let test: LabeledImages

    public init(training: LabeledImages, validation: LabeledImages, test: LabeledImages) {
        self.training = training
        self.validation = validation
        self.test = test
    }

    public init(_ mnist: MNIST) {
        self.init(training: mnist.training, validation: mnist.validation, test: mnist.test)
    }
}
