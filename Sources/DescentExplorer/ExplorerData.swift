public import DescentDatasets

/// The images the explorer shows and trains on: MNIST's three splits, or small stand-ins in tests.
public struct ExplorerData: Sendable {
    /// The data set's name, recorded in the models trained from the page.
    public let name: String
    public let training: LabeledImages
    public let validation: LabeledImages
    public let test: LabeledImages

    public init(name: String = "mnist", training: LabeledImages, validation: LabeledImages, test: LabeledImages) {
        self.name = name
        self.training = training
        self.validation = validation
        self.test = test
    }

    public init(_ mnist: MNIST) {
        self.init(name: mnist.kind.rawValue, training: mnist.training, validation: mnist.validation, test: mnist.test)
    }
}
