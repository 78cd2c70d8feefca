import DescentDatasets
import DescentNetwork
import DescentTraining
import Foundation

/// Fine-tuning on a person's digits: a short training of the model in use, MNIST's training images with
/// the digits mixed in (`TrainingData.mixing`, as `descent train --extra-images` mixes them), started from
/// the model's own weights and recipe, run as a training job (the same events, cancel and replacement).
extension ExplorerState {
    /// What a fine-tuning may be asked for.
    struct FineTuneOptions: Sendable {
        /// Passes over the mixed training images, 1...10.
        var epochs = 1
        /// The share of every epoch the digits make up, above 0 and below 1.
        var share = TrainingData.defaultExtraShare
        /// The step size; nil: the model's own recipe's.
        var learningRate: Double?
    }

    /// Starts fine-tuning the model in use on `folder`'s digits.
    /// - Throws: `APIError` (409) while another job runs or when the model records no recipe to go on
    ///   with, (400) for options that cannot be used.
    func startFineTuning(on folder: ImageFolder, options: FineTuneOptions) throws -> TrainingStatus {
        if let job, job.state == .running {
            throw APIError(.conflict, "training \(job.id) is still running; one training at a time (cancel it first)")
        }
        let snapshot = snapshot()
        var configuration: TrainingConfiguration
        do {
            configuration = try TrainingConfiguration(metadata: snapshot.model.metadata)
        } catch {
            throw APIError(.conflict, "the model in use does not record the recipe it was trained with (\(error.description.replacingOccurrences(of: "--", with: ""))), "
                + "so it cannot be fine-tuned; train one from the Train page first")
        }
        configuration.epochs = options.epochs
        configuration.schedule.warmupEpochs = 0  // a short run has no room for a warm-up
        configuration.patience = nil
        if let learningRate = options.learningRate { configuration.learningRate = learningRate }
        let run: TrainingRun
        let mixed: TrainingData
        do {
            mixed = try TrainingData(name: data.name, training: data.training, validation: data.validation, test: data.test)
                .mixing(folder, share: options.share)
            var named = mixed
            named.metadata["extra_images"] = "my digits"  // never a browser's folder name: that is its id
            run = try TrainingRun(fineTuning: snapshot.network, configuration: configuration, data: named)
        } catch {
            throw APIError.badRequest(error.description.replacingOccurrences(of: "--", with: ""))
        }
        let digits = snapshot.preprocessing.apply(to: folder.images)
        let (_, test) = snapshotWithEvaluation()
        let before = FineTuneFigures.Accuracy(myDigits: Evaluation(network: snapshot.network, on: digits).accuracy,
                                              myDigitsCount: digits.count, test: test.accuracy)
        let repeats = Int(mixed.metadata["extra_images_repeats"] ?? "") ?? 1
        let figures = FineTuneFigures(before: before, after: nil, repeats: repeats)
        var status = TrainingStatus(
            id: (job?.id ?? 0) + 1, state: .running, sizes: configuration.sizes, learningRate: configuration.learningRate,
            batchSize: configuration.batchSize, epochs: configuration.epochs, trainingCount: mixed.training.count,
            initialValidationAccuracy: nil)
        status.fineTune = figures
        fineTuning = (digits, figures)
        return begin(run, status: status)
    }

    /// The figures with the fine-tuned model's accuracy after: on the digits, and on the test set.
    func fineTuneFigures(_ figures: FineTuneFigures, after result: TrainingRunResult, digits: LabeledImages) -> FineTuneFigures {
        var figures = figures
        let test = result.test?.accuracy ?? Evaluation(network: result.model.network, on: result.testExamples).accuracy
        figures.after = FineTuneFigures.Accuracy(myDigits: Evaluation(network: result.model.network, on: digits).accuracy,
                                                 myDigitsCount: digits.count, test: test)
        return figures
    }

    /// One line for the page: the two accuracies before and after.
    func fineTuneMessage(_ figures: FineTuneFigures?) -> String {
        guard let figures, let after = figures.after else { return "finished" }
        func percent(_ value: Double) -> String { String(format: "%.1f%%", 100 * value) }
        let digits = after.myDigitsCount == 1 ? "digit" : "digits"
        return "fine-tuned: your \(after.myDigitsCount) \(digits) \(percent(figures.before.myDigits)) → \(percent(after.myDigits)), "
            + "test set \(String(format: "%.2f%%", 100 * figures.before.test)) → \(String(format: "%.2f%%", 100 * after.test)); "
            + "the Draw page now uses this model (version \(version))"
    }
}
