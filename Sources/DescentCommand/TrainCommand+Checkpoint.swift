import DescentDatasets
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
        /// The teacher's file, and the distillation's α and T (the preset's, else 0.3 and 4, when not given).
        let teacher: String?
        let distillationAlpha: Double
        let temperature: Double

        init(command: TrainCommand, resumed: TrainingCheckpoint?) {
            let saved = resumed?.metadata ?? [:]
            let preset = command.preset?.distillation
            teacher = resumed == nil ? command.teacher : saved["teacher_path"]
            distillationAlpha = resumed == nil ? command.distillationAlpha ?? preset?.alpha ?? 0.3
                : saved["distillation_alpha"].flatMap { Double($0) } ?? 0.3
            temperature = resumed == nil ? command.temperature ?? preset?.temperature ?? 4
                : saved["distillation_temperature"].flatMap { Double($0) } ?? 4
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

        /// What a resumed run needs to find the same data and files again, kept in its checkpoints.
        var checkpointMetadata: [String: String] {
            var metadata = ["train_on_all": "\(trainOnAll)", "out": out]
            if let trainLimit { metadata["train_limit"] = "\(trainLimit)" }
            if let report { metadata["report"] = report }
            if let teacher { metadata["teacher_path"] = teacher }
            return metadata
        }
    }
}
