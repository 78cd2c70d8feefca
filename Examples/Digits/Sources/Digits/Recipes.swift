import Descent

/// MNIST's four files, and the video's recipe (784-16-16-10, sigmoid, quadratic cost, SGD) for 3 of
/// its 30 epochs.
func mnistRecipe(_ folder: String) throws -> (TrainingData, TrainingConfiguration) {
    let mnist = try MNIST(folder: folder)                       // the four IDX files, gzipped or not
    var configuration = TrainingConfiguration(preset: .video)
    configuration.epochs = 3
    return (TrainingData(mnist), configuration)
}

/// A CSV table of your own: a header line, numeric columns, and the class of each row in a column
/// called `label`. Its rows are taken in order: the first 80% to train on, the next 10% to validate
/// after each epoch, the last 10% to test at the end.
func tableRecipe(_ path: String) throws -> (TrainingData, TrainingConfiguration) {
    let table = try CSVDataset.read(path, labelColumn: "label")
    let rows = table.examples
    let (trainingEnd, validationEnd) = (rows.count * 8 / 10, rows.count * 9 / 10)
    let data = TrainingData(name: path, training: rows.slice(0..<trainingEnd), validation: rows.slice(trainingEnd..<validationEnd),
                            test: rows.slice(validationEnd..<rows.count), classNames: table.classNames)
    var options = TrainingOptions()
    options.preset = .videoBest                                 // ReLU, softmax and cross-entropy, Adam
    options.layers = [rows.width, 16, 16, table.classNames.count]
    options.batchSize = 16
    options.epochs = 40
    let configuration = try options.configuration(inputCount: rows.width, classCount: table.classNames.count, images: false)
    return (data, configuration)
}
