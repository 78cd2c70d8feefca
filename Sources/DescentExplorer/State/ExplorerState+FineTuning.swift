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

    /// The digits a fine-tuning learns from, and those it is measured on before and after.
    struct FineTuneDigits: Sendable {
        /// Mixed into the training images, as they are (a model's preprocessing applies in training).
        let training: LabeledImages
        /// Measured before and after, through the model's preprocessing: a person's own digits, or
        /// the part of the class set held out.
        let measured: LabeledImages
        /// What the model's metadata calls them (`extra_images`): never a browser's folder name, its id.
        let name: String
        /// What identifies them (`extra_images_sha256`).
        let identity: String

        /// A person's digits, learned from and measured on.
        init(folder: ImageFolder) {
            (training, measured, name, identity) = (folder.images, folder.images, "my digits", folder.sha256)
        }

        init(training: LabeledImages, measured: LabeledImages, name: String, identity: String) {
            (self.training, self.measured, self.name, self.identity) = (training, measured, name, identity)
        }
    }

    /// What a fine-tuning changes when it finishes.
    enum FineTuneTarget: Sendable, Equatable {
        /// The served model (a server on loopback: one person, one model).
        case served
        /// A student's copy: the one with this id, or (nil) a new copy of the served model for the
        /// browser `owner`, made only once the job has its place in the queue.
        case copy(String?, owner: String?)
    }

    /// Starts, or queues, fine-tuning on `digits`: of the model in use (which it then
    /// replaces), or of a student's copy, which only it changes. The job's place in the queue is taken
    /// first, so that a refused fine-tuning costs nothing; the mixing and the evaluations before run on
    /// the executor.
    /// - Parameters:
    ///   - digits: The digits to learn from and to be measured on.
    ///   - options: Epochs, share and step size.
    ///   - target: What the result replaces.
    /// - Throws: `APIError` (409) when the model records no recipe to go on with, (422) beyond the
    ///   limits, (429) when the queue or the executor is full, (404) for an unknown copy, (400) for
    ///   options that cannot be used.
    nonisolated func startFineTuning(on digits: FineTuneDigits, options: FineTuneOptions, target: FineTuneTarget = .served) async throws -> TrainingStatus {
        try await reserveQueueSlot(served: target == .served)
        var made: String?
        do {
            let (snapshot, test) = try await snapshotWithEvaluation()
            var network = snapshot.network
            var preprocessing = snapshot.preprocessing
            var jobTarget = JobTarget.served
            if case .copy(let session, let owner) = target {
                let id: String
                if let session {
                    id = session
                } else {
                    id = try await learningCopies.newCopy(of: snapshot, owner: owner)
                    made = id
                }
                let entry = try await learningCopies.entry(id)
                (network, preprocessing, jobTarget) = (entry.copy.network, entry.preprocessing, .copy(id))
            }
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
            try limits.check(configuration, trainingCount: data.training.count + digits.training.count)
            let (data, share, configured, base, prepare) = (data, options.share, configuration, network, preprocessing)
            let copyTest = jobTarget == .served ? nil : try await testImages(preparedWith: preprocessing)
            // Mixing copies the training images (60,000 of them, twice): heavy work, on the executor.
            let (run, trainingCount, repeats, before) = try await executor.run {
                let mixed: TrainingData
                let run: TrainingRun
                do {
                    mixed = try TrainingData(name: data.name, training: data.training, validation: data.validation, test: data.test)
                        .mixing(digits.training, name: digits.name, identity: digits.identity, source: digits.name, share: share)
                    run = try TrainingRun(fineTuning: base, configuration: configured, data: mixed)
                } catch {
                    throw APIError.badRequest(String(describing: error).replacingOccurrences(of: "--", with: ""))
                }
                let measured = prepare.apply(to: digits.measured)
                let testBefore = copyTest.map { Evaluation(network: base, on: $0).accuracy } ?? test.accuracy
                let before = FineTuneFigures.Accuracy(myDigits: Evaluation(network: base, on: measured).accuracy,
                                                      myDigitsCount: measured.count, test: testBefore)
                return (run, mixed.training.count, Int(mixed.metadata["extra_images_repeats"] ?? "") ?? 1, (before, measured))
            }
            let figures = FineTuneFigures(before: before.0, after: nil, repeats: repeats)
            var status = TrainingStatus(
                id: 0, state: .running, sizes: configuration.sizes, learningRate: configuration.learningRate,
                batchSize: configuration.batchSize, epochs: configuration.epochs, trainingCount: trainingCount,
                initialValidationAccuracy: nil)
            status.fineTune = figures
            if case .copy(let id) = jobTarget { status.session = id }
            return await submitReserved(run, status: status, target: jobTarget, fineTuning: (digits: before.1, figures: figures))
        } catch {
            await releaseQueueSlot(served: target == .served)
            if let made { await learningCopies.remove(made) }
            throw error
        }
    }

    /// `submit`, into the place `reserveQueueSlot` kept, in one turn of the actor.
    private func submitReserved(_ run: TrainingRun, status: TrainingStatus, target: JobTarget,
                                fineTuning: (digits: LabeledImages, figures: FineTuneFigures)) -> TrainingStatus {
        releaseQueueSlot(served: target == .served)
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
