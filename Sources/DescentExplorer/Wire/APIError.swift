public import Hummingbird

/// A request the API refuses: the status and a sentence saying what was expected. It becomes the
/// response `{"error": message}`.
public struct APIError: Error, Sendable, Equatable {
    /// The HTTP status the response carries (400, 404, 413, 409, ...).
    public let status: HTTPResponse.Status
    /// A sentence saying what was expected, sent as `{"error": message}`.
    public let message: String
    /// Seconds the client is asked to wait before trying again (a `Retry-After` header), for a 429 or 503.
    public let retryAfter: Int?

    /// A refusal with `status` and a `message` for the person or program that sent the request.
    /// - Parameters:
    ///   - retryAfter: Seconds to wait before asking again, sent as `Retry-After`; nil: no such header.
    public init(_ status: HTTPResponse.Status, _ message: String, retryAfter: Int? = nil) {
        self.status = status
        self.message = message
        self.retryAfter = retryAfter
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
            var response = JSONResponse.error(error.status, error.message)
            if let seconds = error.retryAfter { response.headers[.retryAfter] = String(seconds) }
            return response
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
