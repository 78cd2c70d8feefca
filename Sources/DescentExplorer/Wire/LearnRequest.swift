import DescentDatasets
import Foundation

/// The body of `POST /api/gradient`, `/api/step`, `/api/step/undo` and `/api/step/reset`: one
/// labelled example, given as `/api/predict` takes it (784 pixels, or the canvas as a PNG, here
/// base64 in JSON), and what to do with it.
///
/// Decoded field by field, so that every refusal names the field and says what was wrong.
struct LearnRequest: Decodable {
    /// Where the example's pixels come from.
    enum Source {
        /// 784 numbers in 0...1, row by row, already 28x28.
        case pixels([Double])
        /// A PNG of any size, prepared as `/api/predict` prepares a drawing.
        case drawing([UInt8])
    }

    let source: Source
    let label: Int
    /// η for `/api/step`; nil when the body has none.
    let learningRate: Double?
    /// The page's copy; nil when the body has none.
    let session: String?

    /// What every body looks like, for the error when it is not JSON at all.
    static let expected = "{\"pixels\": [784 numbers in 0...1] or \"drawing\": \"<base64 PNG>\", \"label\": 0...9, "
        + "\"learningRate\": 0.5, \"session\": \"<id>\"}"

    /// The largest learning rate a step accepts.
    static let maximumLearningRate = 100.0

    private enum Key: String, CodingKey { case pixels, drawing, label, learningRate, session }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        func field<T: Decodable>(_ key: Key, _ type: T.Type, _ what: String) throws -> T? {
            do {
                return try container.decodeIfPresent(T.self, forKey: key)
            } catch let error as DecodingError {
                throw APIError.badRequest("\(key.rawValue) is not \(what): \(JSONResponse.describe(error))")
            }
        }
        let pixels = try field(.pixels, [Double].self, "a list of 784 numbers in 0...1")
        let drawing = try field(.drawing, String.self, "a string (a PNG in base64)")
        switch (pixels, drawing) {
        case (let pixels?, nil): source = .pixels(pixels)
        case (nil, let drawing?): source = .drawing(try Self.base64PNG(drawing))
        case (nil, nil): throw APIError.badRequest("the example is missing: send \"pixels\" (784 numbers in 0...1) or \"drawing\" (a PNG in base64)")
        case (.some, .some): throw APIError.badRequest("send one of \"pixels\" and \"drawing\", not both")
        }
        guard let label = try field(.label, Int.self, "an integer") else {
            throw APIError.badRequest("label is missing; expected the digit the example shows, an integer such as 0...9")
        }
        self.label = label
        learningRate = try field(.learningRate, Double.self, "a number")
        session = try field(.session, String.self, "a string")
    }

    /// The bytes of base64 `text`, a data URL's prefix (`data:image/png;base64,`) allowed.
    static func base64PNG(_ text: String) throws -> [UInt8] {
        let payload = text.hasPrefix("data:") ? String(text.drop { $0 != "," }.dropFirst()) : text
        guard let data = Data(base64Encoded: payload) else {
            throw APIError.badRequest("drawing is not base64 (a PNG, as canvas.toDataURL(\"image/png\") gives it)")
        }
        return Array(data)
    }

    /// The example's 784 bytes, 0 background ... 255 ink, before the model's own preprocessing.
    /// - Throws: `APIError`: 400 for bad pixels or a body that is not a PNG, 413 for a huge drawing,
    ///   422 when there is no ink.
    func inputBytes() throws -> [UInt8] {
        switch source {
        case .drawing(let png):
            guard png.count >= 24, GrayImage.isPNG(png) else { throw APIError.badRequest("drawing is not a PNG image (after base64)") }
            return try ExplorerRoutes.drawingInput(png)
        case .pixels(let pixels):
            let bytes = try PredictRequest(pixels: pixels).validatedBytes()
            guard bytes.contains(where: { $0 > 0 }) else {
                throw APIError(.unprocessableContent, "pixels are all 0 (no ink); draw a digit")
            }
            return bytes
        }
    }

    /// `inputBytes()`, with a large drawing decoded on `executor`.
    func inputBytes(executor: WorkExecutor) async throws -> [UInt8] {
        if case .drawing(let png) = source, png.count >= 24, GrayImage.isPNG(png) {
            return try await ExplorerRoutes.drawingInput(png, executor: executor)
        }
        return try inputBytes()
    }

    /// The learning rate, required and in (0, `maximumLearningRate`].
    func validatedLearningRate() throws -> Float {
        guard let learningRate else {
            throw APIError.badRequest("learningRate is missing; expected a number above 0 and at most \(Self.maximumLearningRate)")
        }
        // A rate that rounds to 0 as a Float (1e-300) is as refused as 0 itself.
        guard learningRate.isFinite, Float(learningRate) > 0, learningRate <= Self.maximumLearningRate else {
            throw APIError.badRequest("learningRate is \(learningRate); expected a number above 0 and at most \(Self.maximumLearningRate)")
        }
        return Float(learningRate)
    }

    /// The label, checked against a network of `classes` outputs.
    func validatedLabel(classes: Int) throws -> Int {
        guard (0..<classes).contains(label) else {
            throw APIError.badRequest("label is \(label); expected an integer in 0..<\(classes), one of the network's classes")
        }
        return label
    }
}
