import Hummingbird
import DescentTraining

/// Training from the page: one job at a time, its progress as server-sent events.
extension ExplorerRoutes {
    static func addTrainingRoutes(to groups: APIGroups, state: ExplorerState) {
        groups.teach.post("/api/train") { request, _ in
            let body = try await JSONResponse.decode(TrainingRequest.self, from: request, expected: "a training request such as {\"preset\": \"video\", \"epochs\": 1}")
            let configuration = try body.configuration()
            let status = try await state.startTraining(configuration, trainingLimit: body.trainingLimit)
            return try JSONResponse.make(status, status: .accepted)
        }
        groups.read.get("/api/presets") { _, _ in
            // Each preset's values, as the model file would record them: the page fills its form from these.
            // Those that need a teacher are left out: the page trains from labels alone.
            let presets = Dictionary(uniqueKeysWithValues: TrainingConfiguration.Preset.allCases.filter { $0.distillation == nil }.map {
                ($0.rawValue, TrainingConfiguration(preset: $0).metadata)
            })
            return try JSONResponse.make(presets)
        }
        groups.read.get("/api/model/file") { _, _ in
            // The model in use as a safetensors file, byte for byte what `Model.save` writes.
            let snapshot = await state.snapshot()
            return Response(status: .ok, headers: [.contentType: "application/octet-stream",
                                                   .contentDisposition: "attachment; filename=\"model-v\(snapshot.version).safetensors\""],
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: snapshot.model.encoded())))
        }
        groups.read.get("/api/train") { request, _ in
            // ?id=N: that job (waiting, running, or among the last finished); none: the current or last.
            var id: Int?
            if let text = request.uri.queryParameters.get("id") {
                guard let value = Int(text) else { throw APIError.badRequest("id \"\(text.prefix(40))\" is not an integer; expected a job's id") }
                id = value
            }
            guard let status = await state.trainingStatus(id: id) else {
                throw APIError.notFound(id.map { "no training \($0) is known (the server keeps the last \(ExplorerState.recentJobLimit))" } ?? "no training has been started")
            }
            return try JSONResponse.make(status)
        }
        groups.teach.post("/api/train/cancel") { _, _ in
            try JSONResponse.make(try await state.cancelTraining(), status: .accepted)
        }
        groups.teach.post("/api/class/clear") { _, _ in
            // Every student's copy goes, with their waiting fine-tunings; the class's model stays.
            let (copies, queued) = await state.clearClass()
            return try JSONResponse.make(["copiesDropped": copies, "fineTuningsCancelled": queued])
        }
        groups.read.get("/api/train/events") { _, _ in
            guard let updates = await state.subscribe() else { throw APIError.notFound("no training has been started") }
            let body = ResponseBody { writer in
                for await update in updates {
                    try await writer.write(ByteBuffer(string: update.serverSentEvent))
                }
                try await writer.finish(nil)
            }
            return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
        }
    }
}
