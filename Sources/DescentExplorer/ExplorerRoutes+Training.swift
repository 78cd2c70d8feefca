import Hummingbird
import DescentTraining

/// Training from the page: one job at a time, its progress as server-sent events.
extension ExplorerRoutes {
    static func addTrainingRoutes(to router: Router<BasicRequestContext>, state: ExplorerState) {
        router.post("/api/train") { request, _ in
            let body = try await JSONResponse.decode(TrainingRequest.self, from: request, expected: "a training request such as {\"preset\": \"video\", \"epochs\": 1}")
            let configuration = try body.configuration()
            let status = try await state.startTraining(configuration, trainingLimit: body.trainingLimit)
            return try JSONResponse.make(status, status: .accepted)
        }
        router.get("/api/presets") { _, _ in
            // Each preset's values, as the model file would record them: the page fills its form from these.
            // Those that need a teacher are left out: the page trains from labels alone.
            let presets = Dictionary(uniqueKeysWithValues: TrainingConfiguration.Preset.allCases.filter { $0.distillation == nil }.map {
                ($0.rawValue, TrainingConfiguration(preset: $0).metadata)
            })
            return try JSONResponse.make(presets)
        }
        router.get("/api/model/file") { _, _ in
            // The model in use as a safetensors file, byte for byte what `Model.save` writes.
            let snapshot = await state.snapshot()
            return Response(status: .ok, headers: [.contentType: "application/octet-stream",
                                                   .contentDisposition: "attachment; filename=\"model-v\(snapshot.version).safetensors\""],
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: snapshot.model.encoded())))
        }
        router.get("/api/train") { _, _ in
            guard let status = await state.trainingStatus() else { throw APIError.notFound("no training has been started") }
            return try JSONResponse.make(status)
        }
        router.post("/api/train/cancel") { _, _ in
            try JSONResponse.make(try await state.cancelTraining(), status: .accepted)
        }
        router.get("/api/train/events") { _, _ in
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
