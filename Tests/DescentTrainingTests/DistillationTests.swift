import DescentDatasets
import DescentFileIO
import DescentLinearAlgebra
@testable import DescentNetwork
import DescentTestSupport
import Testing
@testable import DescentTraining

/// Knowledge distillation: the cost, its gradient, the teacher's view of the images, and the run.
@Suite("Distillation")
struct DistillationTests {
    /// A deskewing softmax teacher for `TrainingRunTests.data()`, trained briefly.
    static func teacher(alpha: Double = 0.3, temperature: Double = 4) throws -> Teacher {
        var configuration = TrainingRunTests.configuration(.videoBest, epochs: 3)
        configuration.sizes = [784, 24, 4]
        let model = try TrainingRun(configuration: configuration, data: TrainingRunTests.data()).run().model
        return Teacher(model: model, name: "teacher.safetensors", sha256: SHA256Hex.of(model.encoded()), alpha: alpha, temperature: temperature)
    }

    static func student(epochs: Int = 2) -> TrainingConfiguration {
        TrainingRunTests.configuration(.videoDistilled, epochs: epochs)
    }

    @Test("softening softmax outputs at T is the softmax of the logits over T")
    func softening() {
        let logits: [Float] = [2.5, -1, 0.3, 7, -30]
        let largest = logits.max() ?? 0
        let exps = logits.map { Float.exp($0 - largest) }
        let a = exps.map { $0 / exps.reduce(0, +) }
        for temperature: Float in [0.5, 1, 4, 20] {
            let scaled = logits.map { Float.exp(($0 - largest) / temperature) }
            let expected = scaled.map { $0 / scaled.reduce(0, +) }
            var softened = [Float](repeating: 0, count: a.count)
            a.withUnsafeBufferPointer { a in
                softened.withUnsafeMutableBufferPointer { DistillationTargets<Float>.soften(a, temperature: temperature, into: $0) }
            }
            for j in a.indices { #expect(abs(softened[j] - expected[j]) < 1e-5, "T \(temperature), output \(j): \(softened[j]) vs \(expected[j])") }
        }
    }

    @Test("the backpropagated gradient of the distillation cost matches finite differences", arguments: [(0.3, 4.0), (0.0, 2.0), (1.0, 1.0)])
    func gradientCheck(alpha: Double, temperature: Double) throws {
        var generator = SplitMix64(seed: 7)
        let network = try Network<Double>(sizes: [6, 5, 4], hidden: .tanh, output: .softmax, cost: .crossEntropy,
                                          initialization: .normal, using: &generator)
        let count = 3
        var workspace = Workspace(for: network, capacity: count)
        workspace.enableDistillation(alpha: alpha, temperature: temperature)
        for row in 0..<count {
            for column in 0..<6 { workspace.inputs[row, column] = Double(generator.next() % 1000) / 1000 }
            workspace.labels[row] = row % 4
            var raw = (0..<4).map { _ in Double(generator.next() % 1000) / 100 + 0.01 }
            let sum = raw.reduce(0, +)
            raw = raw.map { $0 / sum }
            for j in 0..<4 { workspace.distillation!.targets[row, j] = raw[j] }
        }
        var gradients = Gradients(zeroLike: network)
        _ = network.backpropagate(&workspace, count: count, into: &gradients)
        let epsilon = 1e-6
        for (layer, _) in network.layers.enumerated() {
            for index in [0, 3, 7] where index < network.layers[layer].weights.elements.count {
                var plus = network, minus = network
                plus.layers[layer].weights.elements[index] += epsilon
                minus.layers[layer].weights.elements[index] -= epsilon
                let numeric = (plus.cost(&workspace, count: count) - minus.cost(&workspace, count: count)) / (2 * epsilon)
                let analytic = gradients.weights[layer].elements[index]
                #expect(abs(numeric - analytic) <= 1e-6 * max(1, abs(numeric)), "layer \(layer) weight \(index): \(analytic) vs \(numeric)")
            }
            var plus = network, minus = network
            plus.layers[layer].biases[1] += epsilon
            minus.layers[layer].biases[1] -= epsilon
            let numeric = (plus.cost(&workspace, count: count) - minus.cost(&workspace, count: count)) / (2 * epsilon)
            #expect(abs(numeric - gradients.biases[layer][1]) <= 1e-6 * max(1, abs(numeric)), "layer \(layer) bias 1")
        }
    }

    @Test("with α = 1 the teacher is ignored: the same model, bit for bit, as the labels alone")
    func alphaOne() throws {
        let plain = try TrainingRun(configuration: Self.student(), data: TrainingRunTests.data()).run().model
        var run = try TrainingRun(configuration: Self.student(), data: TrainingRunTests.data())
        try run.distill(from: Self.teacher(alpha: 1))
        let taught = try run.run().model
        #expect(taught.network.layers.map(\.weights) == plain.network.layers.map(\.weights))
        #expect(taught.metadata["distillation_alpha"] == "1.0")
    }

    @Test("a taught run differs from a plain one, repeats itself, and records its teacher", arguments: [false, true])
    func taughtRun(distorted: Bool) throws {
        var configuration = Self.student()
        if distorted { configuration.augmentation.maxShift = 1; configuration.augmentation.maxRotation = 5 }
        let plain = try TrainingRun(configuration: configuration, data: TrainingRunTests.data()).run().model
        let teacher = try Self.teacher()
        func taught() throws -> Model {
            var run = try TrainingRun(configuration: configuration, data: TrainingRunTests.data())
            try run.distill(from: teacher)
            return try run.run().model
        }
        let first = try taught()
        #expect(first.network.layers.map(\.weights) != plain.network.layers.map(\.weights))
        #expect(try taught().encoded() == first.encoded())
        #expect(first.metadata["teacher"] == "teacher.safetensors")
        #expect(first.metadata["teacher_sha256"] == teacher.sha256)
        #expect(first.metadata["distillation_temperature"] == "4.0" && first.metadata["distillation_alpha"] == "0.3")
    }

    @Test("each batch's targets are the teacher's softened outputs for the very distorted images the student sees")
    func teacherSeesTheDistortedImages() throws {
        let teacher = try Self.teacher(temperature: 3)
        var configuration = Self.student()
        configuration.augmentation.maxRotation = 10
        configuration.augmentation.elasticAlpha = 8
        let images = TrainingRunTests.images(count: 12, seed: 5)
        var seed = SplitMix64(seed: 1)
        let network = try configuration.makeNetwork(using: &seed)
        let optimizer = configuration.makeOptimizer(trainingSetSize: images.count)
        var feeder = BatchFeeder(training: .images(images), configuration: configuration, optimizer: optimizer, network: network, capacity: 12,
                                 teacher: DistillingTeacher(network: teacher.model.network, alpha: 0.3, temperature: 3))
        var workspace = Workspace(for: network, capacity: 12)
        workspace.enableDistillation(alpha: 0.3, temperature: 3)
        let order = Array((0..<12).reversed())
        var generator = SplitMix64(seed: 11)
        feeder.load(0..<12, order: order, into: &workspace, using: &generator)

        var replay = SplitMix64(seed: 11)
        var augmenter = Augmenter(configuration.augmentation, rows: 28, columns: 28)
        var dense = Workspace(for: teacher.model.network, capacity: 12)
        var distorted = [UInt8](repeating: 0, count: 784)
        for (row, index) in order.enumerated() {
            augmenter.distort(images.image(index), into: &distorted, using: &replay)
            #expect(distorted[...] != images.image(index) || row > 0, "the distortion changed nothing")
            dense.setInput(row: row, bytes: distorted[...], label: 0)
        }
        teacher.model.network.forward(&dense, count: 12)
        var worst: Float = 0
        var softened = [Float](repeating: 0, count: 4)
        for row in 0..<12 {
            let outputs = (0..<4).map { dense.outputs[row, $0] }
            outputs.withUnsafeBufferPointer { a in softened.withUnsafeMutableBufferPointer { DistillationTargets<Float>.soften(a, temperature: 3, into: $0) } }
            for j in 0..<4 { worst = max(worst, abs(softened[j] - workspace.distillation!.targets[row, j])) }
        }
        #expect(worst < 1e-5, "targets differ from the teacher's outputs by \(worst)")
    }

    @Test("a teacher that cannot teach is refused with the reason")
    func refusals() throws {
        let teacher = try Self.teacher()
        var run = try TrainingRun(configuration: Self.student(), data: TrainingRunTests.data())
        func refusal(_ teacher: Teacher, _ run: TrainingRun, _ expected: String) {
            var run = run
            do {
                try run.distill(from: teacher)
                Issue.record("accepted; expected a refusal mentioning \(expected)")
            } catch {
                #expect(error.description.contains(expected), "\(error)")
            }
        }
        var bad = teacher
        bad.alpha = 1.5
        refusal(bad, run, "--distillation-alpha 1.5")
        bad = teacher
        bad.temperature = .nan
        refusal(bad, run, "--temperature nan")
        // The teacher deskews; a student that does not would show it other images than its own.
        var undeskewed = Self.student()
        undeskewed.preprocessing = .none
        refusal(teacher, try TrainingRun(configuration: undeskewed, data: TrainingRunTests.data()), "trained on deskew images")
        // The video's sigmoid student has no softmax to soften.
        refusal(teacher, try TrainingRun(configuration: TrainingRunTests.configuration(.video), data: TrainingRunTests.data()), "softmax output")
        var generator = SplitMix64(seed: 2)
        var sigmoid = teacher.model
        sigmoid.network = try Network(sizes: [784, 5, 4], hidden: .relu, output: .sigmoid, cost: .crossEntropy, initialization: .he,
                                      using: &generator)
        refusal(Teacher(model: sigmoid, name: "s", sha256: "x"), run, "softmax teacher")
        var narrow = teacher.model
        narrow.network = try Network(sizes: [784, 5, 3], hidden: .relu, output: .softmax, cost: .crossEntropy, initialization: .he,
                                     using: &generator)
        refusal(Teacher(model: narrow, name: "n", sha256: "x"), run, "784-5-3")
        try run.distill(from: teacher)
        #expect(run.teacher?.sha256 == teacher.sha256)
    }

    @Test("a taught run stopped and resumed with its teacher gives the uninterrupted model; without it, or with another, it is refused")
    func resume() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let teacher = try Self.teacher()
        var configuration = Self.student(epochs: 3)
        configuration.augmentation.maxShift = 1
        var whole = try TrainingRun(configuration: configuration, data: TrainingRunTests.data())
        try whole.distill(from: teacher)
        let expected = try whole.run().model.encoded()
        var run = whole
        run.checkpointing = .init(path: folder.file("c.safetensors"))
        var asked = 0
        _ = try run.run(shouldStop: { asked += 1; return asked > 6 })
        let checkpoint = try TrainingCheckpoint.load(folder.file("c.safetensors"))
        do {
            _ = try TrainingRun(resuming: checkpoint, data: TrainingRunTests.data()).run()
            Issue.record("resumed without its teacher")
        } catch {
            #expect(error.description.contains("taught by teacher.safetensors"), "\(error)")
        }
        var other = teacher
        other.temperature = 2
        var wrong = try TrainingRun(resuming: checkpoint, data: TrainingRunTests.data())
        #expect(throws: TrainingError.self) { try wrong.distill(from: other) }
        var resumed = try TrainingRun(resuming: checkpoint, data: TrainingRunTests.data())
        try resumed.distill(from: teacher)
        #expect(try resumed.run().model.encoded() == expected)
    }
}

/// The next batch's distortions are made on a worker thread while the current batch trains.
@Suite("Distortions ahead")
struct DistortionsAheadTests {
    @Test("distorting ahead on a worker gives the same model, bit for bit, as distorting in line", arguments: [false, true])
    func sameModel(dropout: Bool) throws {
        var configuration = TrainingRunTests.configuration(.videoBest, epochs: 3)
        configuration.augmentation = Augmentation(maxShift: 1, maxRotation: 8, maxScaling: 0.1, elasticAlpha: 10, elasticSigma: 3)
        configuration.batchSize = 16
        if dropout { configuration.dropout = 0.2 }
        let images = TrainingRunTests.images(count: 200, seed: 4)
        func train(ahead: Bool, configuration: TrainingConfiguration = configuration) throws -> [UInt8] {
            var generator = SplitMix64(seed: 3)
            let network = try configuration.makeNetwork(using: &generator)
            var trainer = Trainer(configuration: configuration)
            trainer.distortsAhead = ahead
            let result = try trainer.train(network, on: images, validation: images.prefix(20), using: &generator)
            return Model(network: result.network).encoded() + Array("\(generator.next())".utf8)
        }
        let inline = try train(ahead: false)
        #expect(try train(ahead: true) == inline)
        var plain = configuration
        plain.augmentation = Augmentation()
        #expect(try train(ahead: true, configuration: plain) != inline, "the distortions changed nothing")
    }
}

/// A model's bytes' SHA-256, as `Teacher.load` records it.
enum SHA256Hex {
    static func of(_ bytes: [UInt8]) -> String {
        var hash = DescentFileIO.SHA256()
        hash.update(bytes)
        return DescentFileIO.SHA256.hex(hash.finalize())
    }
}
