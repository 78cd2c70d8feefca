import DescentExperiments
import Hummingbird

/// The Descent page's surfaces and paths, computed by the same Swift code as `descent landscape`
/// (Experiments' `TestFunction` and `DescentPath`): the functions of two inputs.
extension ExplorerRoutes {
    static func addLandscapeRoutes(to groups: APIGroups) {
        groups.read.get("/api/landscapes") { _, _ in
            try JSONResponse.make(surfaces.map(SurfaceSummary.init))
        }
        groups.read.get("/api/landscapes/:name") { request, context in
            let surface = try surfaceNamed(context)
            var size = 101
            if let text = request.uri.queryParameters.get("size") {
                guard let value = Int(text), (2...400).contains(value) else {
                    throw APIError.badRequest("size \"\(text)\" is not allowed; expected 2 to 400")
                }
                size = value
            }
            return try JSONResponse.make(SurfaceGrid(surface, size: size))
        }
        groups.compute.post("/api/landscapes/:name/descent") { request, context in
            let surface = try surfaceNamed(context)
            let body = try await JSONResponse.decode(DescentRequest.self, from: request,
                                                     expected: "{\"start\": {\"x\": 1, \"y\": 1}, \"learningRate\": 0.1, \"momentum\": 0, \"steps\": 50}")
            try body.validate()
            let path = DescentPath(surface, from: [body.start.x, body.start.y], learningRate: body.learningRate,
                                   momentum: body.momentum ?? 0, steps: body.steps)
            let steps = zip(path.points, path.values).map { Step(point: Point(x: $0[0], y: $0[1]), value: $1) }
            return try JSONResponse.make(["path": steps])
        }
    }

    /// The functions of two inputs: the page draws contour maps.
    static var surfaces: [TestFunction] { TestFunction.allCases.filter { $0.dimension == 2 } }

    static func surfaceNamed(_ context: BasicRequestContext) throws -> TestFunction {
        let name = context.parameters.get("name") ?? ""
        guard let surface = TestFunction(rawValue: name), surface.dimension == 2 else {
            throw APIError.notFound("no landscape \"\(name)\"; there are \(surfaces.map(\.rawValue).joined(separator: ", "))")
        }
        return surface
    }
}

/// A point of the plane, as the page sends and receives it.
struct Point: Codable, Equatable {
    let x: Double
    let y: Double
}

/// One position along a path, with the height there.
struct Step: Encodable {
    let point: Point
    let value: Double
}

struct SurfaceSummary: Encodable {
    let name: String
    let title: String
    let x: [Double]
    let y: [Double]
    let minima: [Point]

    init(_ surface: TestFunction) {
        name = surface.rawValue
        title = surface.formula
        x = [surface.domain[0].lowerBound, surface.domain[0].upperBound]
        y = [surface.domain[1].lowerBound, surface.domain[1].upperBound]
        minima = surface.globalMinima.map { Point(x: $0[0], y: $0[1]) }
    }
}

struct SurfaceGrid: Encodable {
    let surface: SurfaceSummary
    let columns: Int
    let rows: Int
    /// Row-major, row 0 at the lowest y.
    let heights: [Double]

    init(_ function: TestFunction, size: Int) {
        let summary = SurfaceSummary(function)
        surface = summary
        columns = size
        rows = size
        var heights: [Double] = []
        heights.reserveCapacity(size * size)
        for row in 0..<size {
            let y = summary.y[0] + (summary.y[1] - summary.y[0]) * Double(row) / Double(size - 1)
            for column in 0..<size {
                let x = summary.x[0] + (summary.x[1] - summary.x[0]) * Double(column) / Double(size - 1)
                heights.append(function.value([x, y]))
            }
        }
        self.heights = heights
    }
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
