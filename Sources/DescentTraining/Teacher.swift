import DescentDatasets
import DescentFileIO
import DescentNetwork

/// A trained model that teaches a run by its softened outputs (knowledge distillation; Hinton,
/// Vinyals & Dean, 2015). The student's cost on each example becomes
///
///     α · (cross-entropy with the label) + (1 − α) · T² · (cross-entropy with the teacher's softmax at T)
///
/// with the teacher's outputs computed for the very images the student sees: after the
/// preprocessing, and after each epoch's distortions when the run has them.
///
/// ```swift
/// var run = try TrainingRun(configuration: TrainingConfiguration(preset: .videoDistilled), data: TrainingData(mnist))
/// try run.distill(from: Teacher.load("mlp99.safetensors"))
/// let result = try run.run()
/// ```
public struct Teacher: Sendable {
    /// The teacher: a softmax network whose inputs are the student's (the same width, the same preprocessing).
    public let model: Model
    /// What the student's model file records as `teacher`: the teacher file's name.
    public let name: String
    /// The SHA-256 of the teacher's file (hexadecimal), recorded as `teacher_sha256`.
    public let sha256: String
    /// α, the weight of the label's cross-entropy, in 0...1 (0.3 by default); the teacher's term weighs 1 − α.
    public var alpha: Double
    /// T, the temperature that softens both networks' outputs, in 0<...100 (4 by default).
    public var temperature: Double

    /// A teacher from a model already in memory.
    /// - Parameters:
    ///   - model: The teacher network with its metadata (its `preprocessing` is checked against the run's).
    ///   - name: What the student's model file records as the teacher.
    ///   - sha256: The teacher file's SHA-256, recorded beside the name; use `Teacher.load` to compute it.
    ///   - alpha: The weight of the label's cross-entropy, in 0...1.
    ///   - temperature: The softening temperature, in 0<...100.
    public init(model: Model, name: String, sha256: String, alpha: Double = 0.3, temperature: Double = 4) {
        self.model = model
        self.name = name
        self.sha256 = sha256
        self.alpha = alpha
        self.temperature = temperature
    }

    /// The teacher in the model file at `path`, with the file's SHA-256 and its last path component as its name.
    /// - Throws: `FileError`, `SafetensorsError` or `ModelFileError`, each naming `path`.
    public static func load(_ path: String, alpha: Double = 0.3, temperature: Double = 4) throws -> Teacher {
        let bytes = try Files.read(path)
        let model = try Model(bytes: bytes, source: path)
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return Teacher(model: model, name: name, sha256: SHA256.hex(SHA256.hash(bytes)), alpha: alpha, temperature: temperature)
    }

    /// The keys the student's model file (and a checkpoint of its run) records about the teacher, in `metadata`'s order.
    static let keys = ["teacher", "teacher_sha256", "distillation_alpha", "distillation_temperature"]

    /// The keys the student's model file (and a checkpoint of its run) records about the teacher.
    var metadata: [String: String] {
        ["teacher": name, "teacher_sha256": sha256, "distillation_alpha": "\(alpha)", "distillation_temperature": "\(temperature)"]
    }

    /// Checks that this teacher can teach a run of `configuration` on examples `width` wide (images or not).
    /// - Throws: `TrainingError.configuration` naming the option, or `.data` naming the teacher and what does not match.
    func check(against configuration: TrainingConfiguration, width: Int, images: Bool) throws(TrainingError) {
        guard alpha.isFinite, (0...1).contains(alpha) else {
            throw .configuration(.invalid(option: "distillation-alpha", value: "\(alpha)", expected: "a number in 0...1"))
        }
        guard temperature.isFinite, temperature > 0, temperature <= 100 else {
            throw .configuration(.invalid(option: "temperature", value: "\(temperature)", expected: "a number in 0<...100"))
        }
        guard configuration.output == .softmax, configuration.cost == .crossEntropy else {
            throw .configuration(.invalid(option: "teacher", value: name,
                                          expected: "a student with a softmax output and cross-entropy cost (this one has \(configuration.output.rawValue) and \(configuration.cost.rawValue))"))
        }
        let network = model.network
        guard network.layers.last?.activation == .softmax else {
            throw .data("the teacher \(name) has a \(network.layers.last?.activation.rawValue ?? "missing") output layer; distillation needs a softmax teacher")
        }
        guard network.inputCount == width, network.outputCount == configuration.sizes.last else {
            throw .data("the teacher \(name) is \(network.sizes.map(String.init).joined(separator: "-")), "
                + "but the student takes \(width) inputs and has \(configuration.sizes.last ?? 0) outputs")
        }
        let preprocessing: Preprocessing
        do {
            preprocessing = try Preprocessing(metadata: model.metadata, source: name)
        } catch {
            throw .data(error.description)
        }
        guard preprocessing == configuration.preprocessing || !images else {
            throw .data("the teacher \(name) was trained on \(preprocessing.rawValue) images, but this run's preprocessing is "
                + "\(configuration.preprocessing.rawValue): the teacher would see images unlike its own; "
                + "use --preprocessing \(preprocessing.rawValue) or a teacher trained with \(configuration.preprocessing.rawValue)")
        }
    }
}
