import DescentDatasets
import DescentFileIO
import DescentPictures
import DescentTraining

/// Writing the pictures and pages the commands make: atomically, creating the folder first.
enum Output {
    static func write(_ bytes: [UInt8], to path: String) throws {
        try Files.createDirectory(Files.directory(of: path))
        try Files.writeAtomically(bytes, to: path)
    }

    static func write(_ image: RGBImage, to path: String) throws {
        try write(try image.pngEncoded(), to: path)
    }

    static func write(_ svg: SVGDocument, to path: String) throws {
        try write(svg.bytes, to: path)
    }

    /// `name` inside `folder`.
    static func path(_ name: String, in folder: String) -> String {
        folder.hasSuffix("/") ? folder + name : "\(folder)/\(name)"
    }
}

extension ModelOption {
    /// Loads the model and checks that it reads 28x28 images and answers with 10 classes.
    func loadDigitModel() throws -> Model { try Self.loadDigitModel(path) }

    /// Loads the model at `path` and checks that it reads 28x28 images and answers with 10 classes.
    static func loadDigitModel(_ path: String) throws -> Model {
        let model = try Model.load(path)
        guard model.network.inputCount == 784, model.network.outputCount == 10 else {
            throw CommandError("\(path): the network takes \(model.network.inputCount) inputs and gives "
                + "\(model.network.outputCount) outputs; MNIST needs 784 and 10")
        }
        return model
    }
}

extension LabeledImages {
    /// Image `index` as ink on paper, for pictures.
    func picture(_ index: Int) -> RGBImage {
        RGBImage(inkBytes: image(index), width: columns, height: rows)
    }
}
