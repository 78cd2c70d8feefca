import Hummingbird

/// Refuses, with a 403, a request whose `Host` is not a name of this server: a DNS-rebinding page
/// reaches the server under its own domain. A request without `Host` (HTTP/1.0, a test client) comes
/// from no browser, and passes. It guards every route, the pages included.
struct HostMiddleware<Context: RequestContext>: RouterMiddleware {
    let hosts: AllowedHosts

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        for authority in Self.authorities(of: request) where !hosts.allows(authority: authority) {
            throw APIError(.forbidden, "Host \(authority.prefix(100)) is not a name of this server; open the URL descent serve printed "
                + "(a page under another name could be a DNS-rebinding attack)")
        }
        return try await next(request, context)
    }

    /// The request's `:authority` (HTTP/1.1's `Host`, as the server reads it) and any `Host` fields besides.
    static func authorities(of request: Request) -> [String] {
        [request.head.authority].compactMap { $0 } + request.headers.filter { $0.name.canonicalName == "host" }.map(\.value)
    }
}

/// The API's four kinds of route, each a route group with its own `AccessMiddleware`.
enum AccessLevel: Sendable {
    /// Reading what the server holds (GET): from this server's pages or any non-browser client.
    case read
    /// Computing without changing anything (a prediction, a gradient): as `read`.
    case compute
    /// Changing a student's own things (their copy, their digits): the page token, or the teacher's.
    case change
    /// Changing what everyone sees (a training of the served model, clearing the class): the teacher's token.
    case teach
}

/// Decides, in one place, whether a request may reach a group's routes: no other site's page may
/// call the API (`Origin`, `Sec-Fetch-Site`), and a change needs the token its level asks for.
struct AccessMiddleware<Context: RequestContext>: RouterMiddleware {
    let access: ExplorerAccess
    let level: AccessLevel

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try checkSite(request)
        switch level {
        case .read, .compute:
            break
        case .change:
            guard access.role(of: request) != nil else {
                throw APIError(.forbidden, "\(request.method) \(request.uri.path) changes what the server holds, so it needs the token "
                    + "this server printed when it started: open the URL it printed (…/?token=…), or send X-Descent-Token: TOKEN")
            }
        case .teach:
            guard access.role(of: request) == .teacher else {
                throw APIError(.forbidden, "\(request.method) \(request.uri.path) changes the model everyone sees, so it needs the teacher's token "
                    + "(the line descent serve printed for the teacher), sent as X-Descent-Token: TOKEN")
            }
        }
        return try await next(request, context)
    }

    /// Refuses a request that a page of another site sent: an `Origin` other than this server's
    /// (`null` included), or `Sec-Fetch-Site` other than `same-origin` and `none` (`same-site` too:
    /// another port of localhost is another program's page).
    func checkSite(_ request: Request) throws {
        let fetchSite = request.headers.first { $0.name.canonicalName == "sec-fetch-site" }?.value.lowercased()
        if let fetchSite, fetchSite != "same-origin", fetchSite != "none" {
            throw APIError(.forbidden, "Sec-Fetch-Site is \(fetchSite.prefix(40)): the API answers the explorer's own pages only")
        }
        if let origin = request.headers[.origin] {
            let lowered = origin.lowercased()
            let authority = lowered.hasPrefix("http://") ? String(lowered.dropFirst(7))
                : lowered.hasPrefix("https://") ? String(lowered.dropFirst(8)) : nil
            guard let authority, authority == request.head.authority?.lowercased() ?? authority, access.hosts.allows(authority: authority) else {
                throw APIError(.forbidden, "Origin \(origin.prefix(100)) is another site: the API answers the explorer's own pages only")
            }
        }
    }
}

/// The router's API groups, one a level, each behind its `AccessMiddleware`.
struct APIGroups {
    let read: RouterGroup<BasicRequestContext>
    let compute: RouterGroup<BasicRequestContext>
    let change: RouterGroup<BasicRequestContext>
    let teach: RouterGroup<BasicRequestContext>
    /// Whether the server is shared by a class (`ExplorerAccess.isClassroom`): each browser then has
    /// copies and digits of its own, told apart by its cookie.
    let classroom: Bool

    init(router: Router<BasicRequestContext>, access: ExplorerAccess) {
        classroom = access.isClassroom
        func group(_ level: AccessLevel) -> RouterGroup<BasicRequestContext> {
            router.group().add(middleware: AccessMiddleware<BasicRequestContext>(access: access, level: level))
        }
        (read, compute, change, teach) = (group(.read), group(.compute), group(.change), group(.teach))
    }
}
