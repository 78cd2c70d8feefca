public import DescentDatasets

/// The images the explorer shows and trains on: MNIST's three splits, or small stand-ins in tests.
public struct ExplorerData: Sendable {
    /// The data set's name, recorded in the models trained from the page.
    public let name: String
    /// The images a model trained from the page learns from.
    public let training: LabeledImages
    /// The images measured after each epoch of a training from the page.
    public let validation: LabeledImages
    /// The images the pages show, evaluate and draw from.
    public let test: LabeledImages

    /// The three splits under a data set name.
    /// - Parameters:
    ///   - name: The data set's name, recorded in the models trained from the page.
    ///   - training: The images training learns from.
    ///   - validation: The images measured after each epoch.
    ///   - test: The images the pages show and evaluate.
    public init(name: String = "mnist", training: LabeledImages, validation: LabeledImages, test: LabeledImages) {
        self.name = name
        self.training = training
        self.validation = validation
        self.test = test
    }

    /// MNIST's (or Fashion-MNIST's) three splits, named after its kind.
    public init(_ mnist: MNIST) {
        self.init(name: mnist.kind.rawValue, training: mnist.training, validation: mnist.validation, test: mnist.test)
    }
}
