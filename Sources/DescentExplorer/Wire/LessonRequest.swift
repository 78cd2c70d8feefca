import Foundation

/// The body of the Lesson page's POSTs: each route reads the fields it needs, in the range it allows,
/// and refuses a missing or out-of-range one with a 400 that names it. Unknown fields are ignored.
struct LessonRequest: Decodable {
    let seed: Int?
    let epochs: Int?
    let trainingLimit: Int?
    let digit: Int?
    let steps: Int?
    let seeds: Int?
    let start: Double?
    let learningRate: Double?
    let session: String?

    private enum Key: String, CodingKey { case seed, epochs, trainingLimit, digit, steps, seeds, start, learningRate, session }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        func field<T: Decodable>(_ key: Key, _ what: String) throws -> T? {
            do {
                return try container.decodeIfPresent(T.self, forKey: key)
            } catch let error as DecodingError {
                throw APIError.badRequest("\(key.rawValue) is not \(what): \(JSONResponse.describe(error))")
            }
        }
        seed = try field(.seed, "an integer")
        epochs = try field(.epochs, "an integer")
        trainingLimit = try field(.trainingLimit, "an integer")
        digit = try field(.digit, "an integer")
        steps = try field(.steps, "an integer")
        seeds = try field(.seeds, "an integer")
        start = try field(.start, "a number")
        learningRate = try field(.learningRate, "a number")
        session = try field(.session, "a string")
    }

    /// `value`, or `fallback` when it was not sent, checked to lie in `range`.
    /// - Throws: `APIError` (400) naming `name` and the range.
    static func checked<T: Comparable>(_ value: T?, _ name: String, in range: ClosedRange<T>, default fallback: T? = nil) throws -> T {
        guard let value = value ?? fallback else {
            throw APIError.badRequest("\(name) is missing; expected \(range.lowerBound)...\(range.upperBound)")
        }
        guard range.contains(value) else {
            throw APIError.badRequest("\(name) \(value) is not allowed; expected \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    /// `seed`, 0 when not sent, in 0...2³²−1.
    func validatedSeed() throws -> UInt64 {
        UInt64(try Self.checked(seed, "seed", in: 0...Int(UInt32.max), default: 0))
    }

    /// `learningRate`, finite and in `range`.
    func validatedLearningRate(in range: ClosedRange<Double>, default fallback: Double) throws -> Double {
        let value = learningRate ?? fallback
        guard value.isFinite else { throw APIError.badRequest("learningRate is not a finite number") }
        return try Self.checked(value, "learningRate", in: range)
    }
}
