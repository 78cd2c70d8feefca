public import Hummingbird

/// A request the API refuses: the status and a sentence saying what was expected. It becomes the
/// response `{"error": message}`.
public struct APIError: Error, Sendable, Equatable {
    /// The HTTP status the response carries (400, 404, 413, 409, ...).
    public let status: HTTPResponse.Status
    /// A sentence saying what was expected, sent as `{"error": message}`.
    public let message: String

    /// A refusal with `status` and a `message` for the person or program that sent the request.
    public init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    static func badRequest(_ message: String) -> APIError { APIError(.badRequest, message) }
    static func notFound(_ message: String) -> APIError { APIError(.notFound, message) }
}

/// Turns every error thrown below it into a JSON body `{"error": "..."}` with a 4xx or 5xx status,
/// unknown routes and over-long bodies included, so that a client always gets JSON back.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return JSONResponse.error(error.status, error.message)
        } catch let error as any HTTPResponseError {
            return JSONResponse.error(error.status, Self.message(for: error.status, request: request))
        } catch {
            context.logger.error("\(request.method) \(request.uri.path): \(error)")
            return JSONResponse.error(.internalServerError, "internal error: \(error)")
        }
    }

    static func message(for status: HTTPResponse.Status, request: Request) -> String {
        switch status {
        case .notFound: "no such endpoint: \(request.method) \(request.uri.path)"
        case .contentTooLarge: "the request body is over the limit of \(ExplorerRoutes.bodyLimit) bytes (1 MB)"
        case .methodNotAllowed: "\(request.method) is not allowed on \(request.uri.path)"
        default: status.reasonPhrase
        }
    }
}
