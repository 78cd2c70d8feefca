import Hummingbird
import Foundation

/// JSON in and out of the API.
enum JSONResponse {
    /// `value` encoded as the body of a response.
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// `{"error": message}` with `status`.
    static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let body = (try? encoder.encode(["error": message])) ?? Data("{\"error\":\"error\"}".utf8)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// The request's body, at most `ExplorerRoutes.bodyLimit` bytes (413 beyond), as bytes.
    ///
    /// A body that cannot be read (broken chunked encoding, a connection closed mid-body) is the
    /// client's fault: a 400, where the HTTP parser's error would otherwise have become a 500
    /// (found by tests/robustness/abuse.py).
    static func bodyBytes(of request: Request) async throws -> [UInt8] {
        do {
            let buffer = try await request.body.collect(upTo: ExplorerRoutes.bodyLimit)
            return Array(buffer.readableBytesView)
        } catch let error as any HTTPResponseError {
            throw error
        } catch {
            throw APIError.badRequest("the request body could not be read: \(error)")
        }
    }

    /// The request's body decoded as `T`; a 415 when it is not sent as JSON, a 400 naming what was
    /// expected when it is not `T`.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, expected: String) async throws -> T {
        try checkJSONContentType(request.headers[.contentType])
        return try decode(type, from: try await bodyBytes(of: request), expected: expected)
    }

    /// Refuses, with a 415, a body not sent as `application/json`: a page of another site can send
    /// `text/plain` (or no type at all) without the browser asking the server first, but not JSON.
    static func checkJSONContentType(_ contentType: String?) throws(APIError) {
        guard let contentType, isJSON(contentType) else {
            throw APIError(.unsupportedMediaType, "Content-Type is \(contentType.map { "\($0.prefix(80))" } ?? "missing"); send the body as application/json")
        }
    }

    /// Whether `contentType` is `application/json`, with or without parameters (`; charset=utf-8`).
    static func isJSON(_ contentType: String) -> Bool {
        let type = contentType.lowercased().split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
        return type.trimmingCharacters(in: .whitespaces) == "application/json"
    }

    /// `bytes` decoded as `T`; a 400 naming what was expected when they are not.
    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8], expected: String) throws -> T {
        guard !bytes.isEmpty else { throw APIError.badRequest("the body is empty; expected \(expected)") }
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw APIError.badRequest("the body is not \(expected): \(describe(error))")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return keys.isEmpty ? "" : " at \(keys)"
        }
        switch error {
        case .typeMismatch(_, let context): return "wrong type\(path(context))"
        case .valueNotFound(_, let context): return "missing value\(path(context))"
        case .keyNotFound(let key, _): return "missing key \"\(key.stringValue)\""
        // A value the type refused (an unknown name, say) at a key: its own words, which name the key.
        case .dataCorrupted(let context) where !context.codingPath.isEmpty: return context.debugDescription
        case .dataCorrupted(let context): return "not valid JSON\(path(context))"
        @unknown default: return "not valid JSON"
        }
    }
}
