import Hummingbird
import Landscape

/// The Descent page's surfaces and paths, computed by the Landscape module.
extension ExplorerRoutes {
    static func addLandscapeRoutes(to router: Router<BasicRequestContext>) {
        router.get("/api/landscapes") { _, _ in
            try JSONResponse.make(Surface.allCases.map(SurfaceSummary.init))
        }
        router.get("/api/landscapes/:name") { request, context in
            let surface = try surfaceNamed(context)
            var size = 101
            if let text = request.uri.queryParameters.get("size") {
                guard let value = Int(text), (2...400).contains(value) else {
                    throw APIError.badRequest("size \"\(text)\" is not allowed; expected 2 to 400")
                }
                size = value
            }
            return try JSONResponse.make(SurfaceGrid(surface: SurfaceSummary(surface), columns: size, rows: size,
                                                      heights: surface.grid(columns: size, rows: size)))
        }
        router.post("/api/landscapes/:name/descent") { request, context in
            let surface = try surfaceNamed(context)
            let body = try await JSONResponse.decode(DescentRequest.self, from: request,
                                                     expected: "{\"start\": {\"x\": 1, \"y\": 1}, \"learningRate\": 0.1, \"momentum\": 0, \"steps\": 50}")
            try body.validate()
            let descent = GradientDescent(learningRate: body.learningRate, momentum: body.momentum ?? 0)
            return try JSONResponse.make(["path": descent.path(on: surface, from: body.start, steps: body.steps)])
        }
    }

    static func surfaceNamed(_ context: BasicRequestContext) throws -> Surface {
        let name = context.parameters.get("name") ?? ""
        guard let surface = Surface(rawValue: name) else {
            throw APIError.notFound("no landscape \"\(name)\"; there are \(Surface.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return surface
    }
}

struct SurfaceSummary: Encodable {
    let name: String
    let title: String
    let x: [Double]
    let y: [Double]
    let minima: [Point]

    init(_ surface: Surface) {
        name = surface.rawValue
        title = surface.title
        x = [surface.window.x.lowerBound, surface.window.x.upperBound]
        y = [surface.window.y.lowerBound, surface.window.y.upperBound]
        minima = surface.minima
    }
}

struct SurfaceGrid: Encodable {
    let surface: SurfaceSummary
    let columns: Int
    let rows: Int
    /// Row-major, row 0 at the lowest y.
    let heights: [Double]
}

struct DescentRequest: Decodable {
    let start: Point
    let learningRate: Double
    let momentum: Double?
    let steps: Int

    func validate() throws {
        guard start.x.isFinite, start.y.isFinite, abs(start.x) <= 1000, abs(start.y) <= 1000 else {
            throw APIError.badRequest("start must be a point with coordinates in -1000...1000")
        }
        guard learningRate.isFinite, learningRate > 0, learningRate <= 10 else {
            throw APIError.badRequest("learningRate \(learningRate) is not allowed; expected a number in (0, 10]")
        }
        if let momentum, !(momentum >= 0 && momentum < 1) {
            throw APIError.badRequest("momentum \(momentum) is not allowed; expected a number in 0..<1")
        }
        guard (1...10_000).contains(steps) else { throw APIError.badRequest("steps \(steps) is not allowed; expected 1 to 10000") }
    }
}
