/// How the explorer's server protects itself from slow, greedy or hostile clients. The request body
/// limit (`ExplorerRoutes.bodyLimit`, 1 MB) and the drawing size limit apply on top of these.
///
/// Each limit bounds the memory one client can hold: a connection that sends nothing for
/// `idleTimeout` is closed (a slowloris client must keep sending, and then holds one connection of
/// `maximumConnections`); a request head over `maximumHeaderBytes` or `maximumHeaderCount` is refused
/// by the HTTP parser before it is kept; beyond `maximumConnections` the server stops accepting, and
/// new clients wait in the kernel's backlog rather than in the server's memory.
public struct ServerLimits: Sendable, Equatable {
    /// Seconds a connection may stay silent, while a request is being read or between requests.
    public var idleTimeoutSeconds: Int
    /// The most connections open at once.
    public var maximumConnections: Int
    /// The most bytes in one header field, and in all of a request's header fields together.
    public var maximumHeaderBytes: Int
    /// The most header fields in one request.
    public var maximumHeaderCount: Int

    /// Limits generous for a browser on this machine, small enough that the server's memory is bounded
    /// (about 4,000 connections of at most 1 MB body and 32 KB of headers each).
    public static let standard = ServerLimits(
        idleTimeoutSeconds: 30, maximumConnections: 4000, maximumHeaderBytes: 32 * 1024, maximumHeaderCount: 100)

    /// Limits of your own (`standard` suits a browser on this machine).
    /// - Parameters:
    ///   - idleTimeoutSeconds: Seconds a connection may stay silent.
    ///   - maximumConnections: The most connections open at once.
    ///   - maximumHeaderBytes: The most bytes in one header field, and in all of them together.
    ///   - maximumHeaderCount: The most header fields in one request.
    public init(idleTimeoutSeconds: Int, maximumConnections: Int, maximumHeaderBytes: Int, maximumHeaderCount: Int) {
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.maximumConnections = maximumConnections
        self.maximumHeaderBytes = maximumHeaderBytes
        self.maximumHeaderCount = maximumHeaderCount
    }
}
