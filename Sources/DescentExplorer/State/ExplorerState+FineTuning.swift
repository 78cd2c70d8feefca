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

    /// Starts, or queues, fine-tuning on `folder`'s digits: of the model in use (which it then
    /// replaces), or of a student's copy (`target` `.copy(id)`, made from `base`), which only it changes.
    /// - Parameters:
    ///   - folder: The person's digits.
    ///   - options: Epochs, share and step size.
    ///   - base: The network to start from and its preprocessing: the served model's, or the copy's.
    ///   - target: What the result replaces.
    /// - Throws: `APIError` (409) when the model records no recipe to go on with, (422) beyond the
    ///   limits, (429) when the queue is full, (400) for options that cannot be used.
    nonisolated func startFineTuning(on folder: ImageFolder, options: FineTuneOptions, base: (network: Network<Float>, preprocessing: Preprocessing)? = nil,
                                     target: JobTarget = .served) async throws -> TrainingStatus {
        try await checkQueue(for: target)  // before the work below; checked again when the job is submitted
        let (snapshot, test) = await snapshotWithEvaluation()
        let network = base?.network ?? snapshot.network
        let preprocessing = base?.preprocessing ?? snapshot.preprocessing
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
        try limits.check(configuration, trainingCount: data.training.count + folder.images.count)
        let run: TrainingRun
        let mixed: TrainingData
        do {
            mixed = try TrainingData(name: data.name, training: data.training, validation: data.validation, test: data.test)
                .mixing(folder, share: options.share)
            var named = mixed
            named.metadata["extra_images"] = "my digits"  // never a browser's folder name: that is its id
            run = try TrainingRun(fineTuning: network, configuration: configuration, data: named)
        } catch {
            throw APIError.badRequest(error.description.replacingOccurrences(of: "--", with: ""))
        }
        let digits = preprocessing.apply(to: folder.images)
        let copyTest = base == nil ? nil : await testImages(preparedWith: preprocessing)
        let testBefore = await Self.offThePool { copyTest.map { Evaluation(network: network, on: $0).accuracy } ?? test.accuracy }
        let before = FineTuneFigures.Accuracy(myDigits: Evaluation(network: network, on: digits).accuracy,
                                              myDigitsCount: digits.count, test: testBefore)
        let repeats = Int(mixed.metadata["extra_images_repeats"] ?? "") ?? 1
        let figures = FineTuneFigures(before: before, after: nil, repeats: repeats)
        var status = TrainingStatus(
            id: 0, state: .running, sizes: configuration.sizes, learningRate: configuration.learningRate,
            batchSize: configuration.batchSize, epochs: configuration.epochs, trainingCount: mixed.training.count,
            initialValidationAccuracy: nil)
        status.fineTune = figures
        if case .copy(let id) = target { status.session = id }
        return try await submitChecked(run, status: status, target: target, fineTuning: (digits: digits, figures: figures))
    }

    /// `submit`, after checking the queue, in one turn of the actor.
    private func submitChecked(_ run: TrainingRun, status: TrainingStatus, target: JobTarget,
                               fineTuning: (digits: LabeledImages, figures: FineTuneFigures)) throws -> TrainingStatus {
        try checkQueue(for: target)
        return submit(run, status: status, target: target, fineTuning: fineTuning)
    }

    /// The figures with the fine-tuned model's accuracy after: on the digits, and on the test set.
    static func fineTuneFigures(_ figures: FineTuneFigures, after result: TrainingOutcome, digits: LabeledImages) -> FineTuneFigures {
        var figures = figures
        let test = result.test?.accuracy ?? Evaluation(network: result.model.network, on: result.testExamples).accuracy
        figures.after = FineTuneFigures.Accuracy(myDigits: Evaluation(network: result.model.network, on: digits).accuracy,
                                                 myDigitsCount: digits.count, test: test)
        return figures
    }

    /// One line for the page: the two accuracies before and after, then `shown`: which model has them now.
    func fineTuneMessage(_ figures: FineTuneFigures?, shown: String) -> String {
        guard let figures, let after = figures.after else { return "finished; " + shown }
        func percent(_ value: Double) -> String { String(format: "%.1f%%", 100 * value) }
        let digits = after.myDigitsCount == 1 ? "digit" : "digits"
        return "fine-tuned: your \(after.myDigitsCount) \(digits) \(percent(figures.before.myDigits)) → \(percent(after.myDigits)), "
            + "test set \(String(format: "%.2f%%", 100 * figures.before.test)) → \(String(format: "%.2f%%", 100 * after.test)); " + shown
    }
}
