import Hummingbird

/// Who may do what on the explorer's server, and from where.
///
/// Two tokens, like a Jupyter server's, asked for on loopback too, because any web page a person
/// visits can send requests to `127.0.0.1`:
/// - the **page token** is in the URL `descent serve` prints (`http://HOST:PORT/?token=...`); the page
///   keeps it for its tab and sends it as `X-Descent-Token` with every request that changes something;
/// - the **teacher's token** replaces the model everyone sees (a full training), cancels it, and clears
///   the class. The server prints it on a line of its own and never puts it in a page.
///
/// On a personal server (loopback) there is one person, and the page token is the teacher's. On a
/// classroom server (`--host 0.0.0.0`, or `--classroom`) students get the page token, which changes only
/// their own copy of the model and their own digits.
///
/// Requests are also refused when they come from another site: a `Host` that is not a name of this
/// server (DNS rebinding), an `Origin` of another site, or `Sec-Fetch-Site: cross-site` on the API.
public struct ExplorerAccess: Sendable {
    /// What a request may do, from its token.
    public enum Role: Int, Sendable, Comparable {
        /// A student: their own copy and digits.
        case student
        /// The teacher: everything, the model everyone sees included.
        case teacher

        public static func < (a: Role, b: Role) -> Bool { a.rawValue < b.rawValue }
    }

    /// The token of the page a student opens; nil on a personal server, where the page gets the teacher's.
    public let studentToken: String?
    /// The token that may replace the model everyone sees.
    public let teacherToken: String
    /// The names a request's `Host` may give.
    public let hosts: AllowedHosts

    /// Access with these tokens and host names.
    /// - Parameters:
    ///   - studentToken: The students' page token; nil for a personal server (one person, the teacher).
    ///   - teacherToken: The teacher's token.
    ///   - hosts: The names a request's `Host` may give.
    public init(studentToken: String?, teacherToken: String, hosts: AllowedHosts) {
        self.studentToken = studentToken
        self.teacherToken = teacherToken
        self.hosts = hosts
    }

    /// A server for one person on this machine: one token (the teacher's), loopback names only.
    public static func personal(using generator: inout some RandomNumberGenerator) -> ExplorerAccess {
        ExplorerAccess(studentToken: nil, teacherToken: newToken(using: &generator), hosts: .loopback)
    }

    /// A classroom's server: a students' token and a teacher's token, and `hosts`.
    public static func classroom(hosts: AllowedHosts, using generator: inout some RandomNumberGenerator) -> ExplorerAccess {
        ExplorerAccess(studentToken: newToken(using: &generator), teacherToken: newToken(using: &generator), hosts: hosts)
    }

    /// 32 bytes (256 bits) from `generator` as 64 hex digits. Pass the system's secure generator
    /// (`SystemRandomNumberGenerator`, the kernel's CSPRNG), or a seeded one in tests.
    public static func newToken(using generator: inout some RandomNumberGenerator) -> String {
        let digits = Array("0123456789abcdef")
        return (0..<32).map { _ -> String in
            let byte = UInt8.random(in: 0...255, using: &generator)
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]])
        }.joined()
    }

    /// Whether each browser has a copy of the model and digits of its own (a classroom).
    public var isClassroom: Bool { studentToken != nil }

    /// The token in the URL printed for the page: the students' on a classroom server, else the teacher's.
    public var pageToken: String { studentToken ?? teacherToken }

    /// Whether a server listening on `host` can be reached from this machine only: `localhost`,
    /// `::1` or an address in 127.0.0.0/8.
    public static func isLoopback(host: String) -> Bool {
        AllowedHosts.isLoopbackName(host.lowercased())
    }

    /// `X-Descent-Token` (lowercase, as header names compare), the header that carries a token;
    /// `Authorization: Bearer TOKEN` does too.
    static let tokenHeader = "x-descent-token"

    /// The role `request`'s token gives, compared in constant time; nil for no token or a wrong one.
    func role(of request: Request) -> Role? {
        var presented = request.headers.first { $0.name.canonicalName == Self.tokenHeader }?.value ?? ""
        if let authorization = request.headers[.authorization], authorization.lowercased().hasPrefix("bearer ") {
            presented = String(authorization.dropFirst(7)).trimmingWhitespace()
        }
        let bytes = Array(presented.utf8)
        if Self.constantTimeEqual(bytes, Array(teacherToken.utf8)) { return .teacher }
        if let studentToken, Self.constantTimeEqual(bytes, Array(studentToken.utf8)) { return .student }
        return nil
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

/// The names a request's `Host` (and a browser's `Origin`) may give for this server. A DNS-rebinding
/// page reaches the server under its own domain name, so a name that is not this server's is refused;
/// an IP address cannot be rebound, so a classroom server accepts any address it is reached at.
public struct AllowedHosts: Sendable, Equatable {
    /// Whether any IP address is accepted (a classroom server listening on every interface).
    public let acceptsAddresses: Bool
    /// The host names accepted besides (lowercase).
    public let names: Set<String>

    /// Loopback only: `localhost`, `127.x.y.z`, `[::1]`.
    public static let loopback = AllowedHosts(acceptsAddresses: false, names: [])

    /// - Parameters:
    ///   - acceptsAddresses: Whether any IPv4 or bracketed IPv6 address is accepted.
    ///   - names: Host names accepted besides loopback's (the machine's name, `--allow-host` names).
    public init(acceptsAddresses: Bool, names: Set<String>) {
        self.acceptsAddresses = acceptsAddresses
        self.names = Set(names.map { $0.lowercased() })
    }

    /// Whether `authority` (a `Host` header, `name[:port]` or `[v6][:port]`) names this server.
    public func allows(authority: String) -> Bool {
        let name = Self.hostName(of: authority.lowercased())
        if Self.isLoopbackName(name) || names.contains(name) { return true }
        return acceptsAddresses && (Self.isIPv4(name) || (name.hasPrefix("[") && name.hasSuffix("]")))
    }

    /// `authority` without its port.
    static func hostName(of authority: String) -> String {
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") { return String(authority[...close]) }
        return String(authority.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
    }

    static func isLoopbackName(_ name: String) -> Bool {
        if name == "localhost" || name == "::1" || name == "[::1]" { return true }
        return isIPv4(name) && name.hasPrefix("127.")
    }

    static func isIPv4(_ name: String) -> Bool {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { UInt8($0) != nil }
    }
}

extension String {
    /// Without spaces and tabs at either end.
    fileprivate func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        return String(drop(while: isSpace).reversed().drop(while: isSpace).reversed())
    }
}
