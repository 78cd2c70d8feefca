import Hummingbird

/// Who may change what the server holds. On loopback (only this machine can connect) everyone may,
/// as before. A server that listens beyond loopback (`descent serve --host 0.0.0.0`, a classroom)
/// has a token, like a Jupyter server's: every request that changes state (training, cancelling,
/// adding and deleting digits, fine-tuning, stepping a copy of the network) must carry it, as
/// `Authorization: Bearer TOKEN` or `X-Descent-Token: TOKEN`, or gets a 403. Reading and predicting
/// stay open. The server prints the token once, in the URL to open (`http://HOST:PORT/?token=...`);
/// the page takes it from there and keeps it for the tab.
public struct ExplorerAccess: Sendable {
    /// The token state-changing requests must carry; nil on loopback, where none is needed.
    public let token: String?

    /// Loopback: nothing needs a token.
    public static let loopback = ExplorerAccess(token: nil)

    /// Access with `token` required for changes (nil: none required).
    public init(token: String?) {
        self.token = token
    }

    /// A shared server's access, with a new token: 32 bytes (256 bits) from `generator` as 64 hex
    /// digits. Pass the system's secure generator (`SystemRandomNumberGenerator`, which reads the
    /// kernel's CSPRNG), or a seeded one in tests.
    public static func shared(using generator: inout some RandomNumberGenerator) -> ExplorerAccess {
        let digits = Array("0123456789abcdef")
        let token = (0..<32).map { _ -> String in
            let byte = UInt8.random(in: 0...255, using: &generator)
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]])
        }.joined()
        return ExplorerAccess(token: token)
    }

    /// Whether a server listening on `host` can be reached from this machine only: `localhost`,
    /// `::1` or an address in 127.0.0.0/8.
    public static func isLoopback(host: String) -> Bool {
        let name = host.lowercased()
        if name == "localhost" || name == "::1" || name == "[::1]" { return true }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// Whether the server is shared (a token is required for changes).
    public var isShared: Bool { token != nil }

    /// Requests that change nothing though they are POSTs: a prediction, a gradient (for the pages
    /// that show one), and a path down a test surface (`requiresToken`). Every other request but GET
    /// and HEAD changes state.
    static let openPaths: Set<String> = ["/api/predict", "/api/gradient"]

    /// Whether `request` must carry the token: on a shared server, every method but GET and HEAD on
    /// every path but those that only compute.
    func requiresToken(_ request: Request) -> Bool {
        guard isShared, request.method != .get, request.method != .head else { return false }
        let path = request.uri.path
        if Self.openPaths.contains(path) { return false }
        return !(path.hasPrefix("/api/landscapes/") && path.hasSuffix("/descent"))
    }

    /// `X-Descent-Token` (lowercase, as header names compare), the header that may carry the token
    /// instead of `Authorization`.
    static let tokenHeader = "x-descent-token"

    /// Whether `request` carries the token, compared in constant time.
    func isAuthorised(_ request: Request) -> Bool {
        guard let token else { return true }
        var presented = request.headers.first { $0.name.canonicalName == Self.tokenHeader }?.value ?? ""
        if let authorization = request.headers[.authorization], authorization.lowercased().hasPrefix("bearer ") {
            presented = String(authorization.dropFirst(7)).trimmingWhitespace()
        }
        return Self.constantTimeEqual(Array(presented.utf8), Array(token.utf8))
    }

    /// Whether `a` and `b` are equal, in time that depends only on their lengths (the token's length
    /// is no secret), so a client cannot find the token a byte at a time by timing refusals.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}

extension String {
    /// Without spaces and tabs at either end.
    fileprivate func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        return String(drop(while: isSpace).reversed().drop(while: isSpace).reversed())
    }
}

/// Refuses, with a 403, a state-changing request without the token on a shared server.
struct AccessMiddleware<Context: RequestContext>: RouterMiddleware {
    let access: ExplorerAccess

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if access.requiresToken(request), !access.isAuthorised(request) {
            throw APIError(.forbidden, "\(request.method) \(request.uri.path) changes what the server holds, so it needs the token "
                + "this server printed when it started: open the URL it printed (…/?token=…), or send Authorization: Bearer TOKEN")
        }
        return try await next(request, context)
    }
}
