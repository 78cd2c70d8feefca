/// An image that could not be read, written or prepared, naming its source and the problem.
public enum ImageError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes are neither a PNG, a JPEG nor a PGM; `found` shows the first bytes in hex.
    case unsupportedFormat(source: String, found: String)
    /// libpng could not read the PNG; `reason` is libpng's message.
    case invalidPNG(source: String, reason: String)
    /// The JPEG could not be read: corrupt, truncated, or a colour space libjpeg cannot convert.
    /// `reason` is libjpeg's message (prefixed `libjpeg:`), or what was wrong with the header.
    case invalidJPEG(source: String, reason: String)
    /// The PGM header or pixel data is malformed; `reason` says what was expected and what was found.
    case invalidPGM(source: String, reason: String)
    /// The pixel data ends after `found` of the `expected` pixels.
    case truncated(source: String, expected: Int, found: Int)
    /// The image claims a width or height of zero.
    case emptyImage(source: String, width: Int, height: Int)
    /// The image has more than `limit` pixels; it is refused before anything is allocated.
    case tooLarge(source: String, width: Int, height: Int, limit: Int)
    /// The image holds no ink: it is blank, or too faint to tell ink from background.
    case noInk(source: String)
    /// The image could not be encoded; `reason` names the library and gives its message.
    case encodingFailed(source: String, reason: String)

    /// What was being read or written, usually a path.
    public var source: String {
        switch self {
        case .unsupportedFormat(let source, _), .invalidPNG(let source, _), .invalidJPEG(let source, _), .invalidPGM(let source, _),
            .truncated(let source, _, _), .emptyImage(let source, _, _), .tooLarge(let source, _, _, _),
            .noInk(let source), .encodingFailed(let source, _):
            return source
        }
    }

    /// One line naming the source and the problem.
    public var description: String {
        switch self {
        case .unsupportedFormat(let source, let found):
            return "\(source): not an image this program reads (expected a PNG, a JPEG, or a PGM starting P2 or P5; found bytes \(found))"
        case .invalidPNG(let source, let reason):
            return "\(source): not a readable PNG (libpng: \(reason))"
        case .invalidJPEG(let source, let reason):
            return "\(source): not a readable JPEG (\(reason))"
        case .invalidPGM(let source, let reason):
            return "\(source): malformed PGM: \(reason)"
        case .truncated(let source, let expected, let found):
            return "\(source): pixel data ends after \(found) of \(expected) pixels; the file is truncated"
        case .emptyImage(let source, let width, let height):
            return "\(source): image is \(width)x\(height) pixels; expected at least 1x1"
        case .tooLarge(let source, let width, let height, let limit):
            return "\(source): image is \(width)x\(height) pixels, more than the \(limit) allowed; scale it down first"
        case .noInk(let source):
            return "\(source): the image is blank (no ink darker or lighter than its background); draw a digit"
        case .encodingFailed(let source, let reason):
            return "\(source): cannot encode the image (\(reason))"
        }
    }
}
