import Foundation

/// The pages: every file of the package's Site folder, read into memory once at start. Requests are
/// answered from this table by exact name, so no path from a request ever reaches the file system.
struct SiteFiles: Sendable {
    struct File: Sendable {
        let bytes: [UInt8]
        let contentType: String
    }

    let files: [String: File]

    /// Reads the bundled Site folder.
    /// - Throws: `APIError` (500) when the resources are missing from the build.
    static func bundled() throws -> SiteFiles {
        guard let folder = Bundle.module.url(forResource: "Site", withExtension: nil) else {
            throw APIError(.internalServerError, "the Site resources are missing from the build")
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        var files: [String: File] = [:]
        for name in names where !name.hasPrefix(".") {
            let data = try Data(contentsOf: folder.appendingPathComponent(name))
            files[name] = File(bytes: Array(data), contentType: contentType(of: name))
        }
        return SiteFiles(files: files)
    }

    static func contentType(of name: String) -> String {
        switch name.split(separator: ".").last {
        case "html": "text/html; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        default: "application/octet-stream"
        }
    }
}
