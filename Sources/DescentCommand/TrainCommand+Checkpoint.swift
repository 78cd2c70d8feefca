import DescentDatasets
import DescentLinearAlgebra
import DescentTraining

extension TrainCommand {
    /// What a run needs beyond its recipe: where its data, model, report and checkpoint are. A new
    /// run takes them from the options; a resumed run from its checkpoint, where they were saved.
    struct RunSettings {
        let dataset: DatasetKind
        let trainOnAll: Bool
        let trainLimit: Int?
        let out: String
        let report: String?
        let checkpointPath: String

        init(command: TrainCommand, resumed: TrainingCheckpoint?) {
            let saved = resumed?.metadata ?? [:]
            dataset = resumed == nil ? command.data.dataset : saved["dataset"].flatMap(DatasetKind.init(rawValue:)) ?? .mnist
            trainOnAll = resumed == nil ? command.trainOnAll : saved["train_on_all"] == "true"
            trainLimit = resumed == nil ? command.trainLimit : saved["train_limit"].flatMap { Int($0) }
            out = command.out ?? saved["out"] ?? "model.safetensors"
            report = resumed == nil ? command.report : saved["report"]
            checkpointPath = command.checkpoint ?? command.resume ?? Self.checkpointPath(forModel: out)
        }

        /// `model.safetensors` → `model.checkpoint.safetensors`; other names get `.checkpoint` added.
        static func checkpointPath(forModel out: String) -> String {
            let suffix = ".safetensors"
            return out.hasSuffix(suffix) ? String(out.dropLast(suffix.count)) + ".checkpoint" + suffix : out + ".checkpoint"
        }

        /// The checkpoint of `state`, with what resuming needs to find the same data and files again.
        func checkpoint(
            _ state: TrainingState<SplitMix64>, configuration: TrainingConfiguration, trainingSHA256: String, testAccuracies: [Double]
        ) -> TrainingCheckpoint {
            var metadata = ["dataset": dataset.rawValue, "train_on_all": "\(trainOnAll)", "training_sha256": trainingSHA256, "out": out]
            if let trainLimit { metadata["train_limit"] = "\(trainLimit)" }
            if let report {
                metadata["report"] = report
                metadata["test_accuracies"] = testAccuracies.map { "\($0)" }.joined(separator: ",")
            }
            return TrainingCheckpoint(configuration: configuration, state: state, metadata: metadata)
        }

        /// Refuses a checkpoint made on other training data than `training`.
        func check(_ checkpoint: TrainingCheckpoint, against training: LabeledImages, sha256: String) throws {
            let saved = checkpoint.metadata["training_sha256"] ?? "(none)"
            guard saved == sha256, checkpoint.state.order.count == training.count else {
                throw CommandError("the checkpoint was made on \(checkpoint.state.order.count) \(dataset.rawValue) training images "
                    + "with SHA-256 \(saved), but the data found has \(training.count) with SHA-256 \(sha256); point --data at the same files")
            }
        }
    }
}

extension TrainingCheckpoint {
    /// The test accuracy after each completed epoch, when the run writes a report.
    var testAccuracies: [Double] {
        (metadata["test_accuracies"] ?? "").split(separator: ",").compactMap { Double($0) }
    }
}
