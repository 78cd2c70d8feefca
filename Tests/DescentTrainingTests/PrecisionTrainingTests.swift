import DescentDatasets
import DescentLinearAlgebra
import DescentNetwork
import Foundation
import Testing
import DescentTraining

@Suite("Training in bfloat16")
struct PrecisionTrainingTests {
    func configuration(_ precision: ProductPrecision) -> TrainingConfiguration {
        var configuration = TrainingConfiguration()
        configuration.sizes = [4, 32, 4]
        configuration.hidden = .relu
        configuration.output = .softmax
        configuration.cost = .crossEntropy
        configuration.initialization = .he
        configuration.optimizer = .adam
        configuration.learningRate = 1e-2
        configuration.batchSize = 50
        configuration.epochs = 6
        configuration.threads = 2
        configuration.precision = precision
        return configuration
    }

    func train(_ configuration: TrainingConfiguration) throws -> Trainer.Result {
        var generator = SplitMix64(seed: configuration.seed)
        let network = try configuration.makeNetwork(using: &generator)
        return try Trainer(configuration: configuration).train(
            network, on: brightestPixelImages(count: 2000, seed: 1), validation: brightestPixelImages(count: 400, seed: 2),
            using: &generator)
    }

    @Test("bfloat16 products learn as float32 does, to another model, the same for the same seed")
    func learns() throws {
        let float32 = try train(configuration(.float32))
        let bfloat16 = try train(configuration(.bfloat16))
        let again = try train(configuration(.bfloat16))
        let accuracies = (float32.epochs.last!.validationAccuracy, bfloat16.epochs.last!.validationAccuracy)
        #expect(accuracies.1 > 0.9, "bf16 validation accuracy \(accuracies.1)")
        #expect(abs(accuracies.0 - accuracies.1) < 0.03, "float32 \(accuracies.0), bf16 \(accuracies.1)")
        #expect(bfloat16.network != float32.network, "bf16 training gave float32's model: its products were not rounded")
        #expect(again.network == bfloat16.network)
        #expect(ProductPrecision.current == .float32, "the training left this thread's products in bfloat16")
    }

    @Test("the precision is in the model's metadata when it is bf16, and read back")
    func metadata() throws {
        let bfloat16 = configuration(.bfloat16)
        #expect(bfloat16.metadata["precision"] == "bf16")
        #expect(try TrainingConfiguration(metadata: bfloat16.metadata).precision == .bfloat16)
        #expect(configuration(.float32).metadata["precision"] == nil)
        var bad = bfloat16.metadata
        bad["precision"] = "fp8"
        #expect(throws: ConfigurationError.invalid(option: "precision", value: "fp8", expected: "float32 or bf16")) {
            try TrainingConfiguration(metadata: bad)
        }
    }

    @Test("--precision and the presets: auto is bf16 only where the CPU multiplies bfloat16")
    func options() throws {
        var options = TrainingOptions()
        #expect(try options.configuration().precision == .float32)
        options.precision = .bf16
        #expect(try options.configuration().precision == .bfloat16)
        options.precision = .auto
        let fast: ProductPrecision = ProductPrecision.hasFastBFloat16 ? .bfloat16 : .float32
        #expect(try options.configuration().precision == fast)
        #expect(TrainingConfiguration(preset: .mlp99).precision == fast)
        #expect(TrainingConfiguration(preset: .fast98).precision == .float32)
        options = TrainingOptions()
        options.preset = .mlp99
        options.precision = .float32
        #expect(try options.configuration().precision == .float32)
        let decoded = try JSONDecoder().decode(TrainingOptions.self, from: Data(#"{"precision": "bf16"}"#.utf8))
        #expect(decoded.precision == .bf16)
        #expect(decoded.given == ["--precision"])
    }
}
