import DescentDatasets
@testable import DescentExplorer
import DescentFileIO
import DescentTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import Testing
import ZIPFoundation

@Suite("A class learns together: the teacher's pace, the class set, its fine-tuning, the dashboard")
struct ClassRoutesTests {
    static let student = MyDigitsServer.token
    static let teacher = ExplorerFixture.teacherToken

    /// A vertical bar's 784 pixels as the API takes them, a little different for each `variant`.
    static func digitBody(label: Int, variant: Int = 0, count: Int = 784) -> [UInt8] {
        let pixels = (0..<count).map { index -> String in
            let (row, column) = (index / 28, index % 28)
            return (4..<24).contains(row) && (12 + variant % 5...14 + variant % 5).contains(column) ? "1" : "0"
        }
        return Array("{\"pixels\": [\(pixels.joined(separator: ","))], \"label\": \(label)}".utf8)
    }

    static func json(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    @Test("only the teacher paces the class; a chapter outside 1...10 and an empty request are 400")
    func pace() async throws {
        let server = try MyDigitsServer(shared: true, recipe: true)
        try await server.test { client in
            let move = Array("{\"chapter\": 5}".utf8)
            #expect(try await client.send(.post, "/api/class/pace", body: move, contentType: "application/json", token: Self.student).status == .forbidden)
            #expect(try await client.send(.post, "/api/class/pace", body: move, contentType: "application/json", token: nil).status == .forbidden)
            let moved = try await client.send(.post, "/api/class/pace", body: move, contentType: "application/json", token: Self.teacher)
            #expect(moved.status == .ok, "\(moved.text)")
            #expect(Self.json(try await client.send(.get, "/api/class/pace", token: nil).text)["chapter"] as? Int == 5)
            for body in ["{\"chapter\": 11}", "{\"chapter\": 0}", "{}", "{\"chapter\": \"5\"}"] {
                let refused = try await client.send(.post, "/api/class/pace", body: Array(body.utf8), contentType: "application/json", token: Self.teacher)
                #expect(refused.status == .badRequest, "\(body): \(refused.status)")
            }
            let pause = Array("{\"paused\": true, \"message\": \"eyes on the board\"}".utf8)
            let paused = Self.json(try await client.send(.post, "/api/class/pace", body: pause, contentType: "application/json", token: Self.teacher).text)
            #expect(paused["paused"] as? Bool == true && paused["message"] as? String == "eyes on the board" && paused["chapter"] as? Int == 5)
            // A paused class's digits are refused with 423, saying why.
            let locked = try await client.send(.post, "/api/class/digits", body: Self.digitBody(label: 1), contentType: "application/json", token: Self.student)
            #expect(locked.status.code == 423 && locked.text.contains("eyes on the board"), "\(locked.text)")
        }
    }

    @Test("every page connected hears the teacher move, the pause and the class set grow, as server-sent events")
    func events() async throws {
        let classroom = Classroom()
        let first = await classroom.subscribe(browser: String(repeating: "a", count: 32))
        let second = await classroom.subscribe(browser: nil)
        try await classroom.lead(to: 5)
        await classroom.pause(true, message: "listen")
        _ = try await classroom.addDigit(Array(repeating: 9, count: 784), label: 3, browser: String(repeating: "b", count: 32))
        for stream in [first, second] {
            var iterator = stream.makeAsyncIterator()
            var seen: [String] = []
            for _ in 0..<4 { if let event = await iterator.next() { seen.append(event.serverSentEvent) } }
            #expect(seen.count == 4)
            #expect(seen[0].hasPrefix("event: pace\ndata: {") && seen[0].contains("\"chapter\":1") && seen[0].hasSuffix("\n\n"))
            #expect(seen[1].contains("\"chapter\":5") && seen[1].contains("\"paused\":false"))
            #expect(seen[2].contains("\"paused\":true") && seen[2].contains("listen"))
            #expect(seen[3] == "event: classSet\ndata: {\"count\":1}\n\n")
        }
        #expect(await classroom.connectedPages == 2)
    }

    @Test("students' digits pool anonymously; the grid reads them; bounds, shapes and tokens are refused; the teacher clears them")
    func classSet() async throws {
        let server = try MyDigitsServer(shared: true, recipe: true)
        try await server.test { client in
            let alice = "0123456789abcdef0123456789abcdef", bob = "fedcba9876543210fedcba9876543210"
            for variant in 0..<3 {
                let added = try await client.send(.post, "/api/class/digits", body: Self.digitBody(label: 1, variant: variant), contentType: "application/json",
                                                  token: Self.student, cookie: alice)
                #expect(added.status == .created, "\(added.text)")
            }
            for variant in 0..<2 {
                _ = try await client.send(.post, "/api/class/digits", body: Self.digitBody(label: 7, variant: variant), contentType: "application/json",
                                          token: Self.student, cookie: bob)
            }
            // 783 pixels, a label of 10, no token.
            #expect(try await client.send(.post, "/api/class/digits", body: Self.digitBody(label: 1, count: 783), contentType: "application/json",
                                          token: Self.student, cookie: alice).status == .badRequest)
            #expect(try await client.send(.post, "/api/class/digits", body: Self.digitBody(label: 10), contentType: "application/json",
                                          token: Self.student, cookie: alice).status == .badRequest)
            #expect(try await client.send(.post, "/api/class/digits", body: Self.digitBody(label: 1), contentType: "application/json",
                                          token: nil, cookie: alice).status == .forbidden)

            let grid = Self.json(try await client.send(.get, "/api/class/digits", token: nil).text)
            #expect(grid["count"] as? Int == 5)
            let digits = try #require(grid["digits"] as? [[String: Any]])
            #expect(digits.map { $0["label"] as? Int } == [1, 1, 1, 7, 7])
            #expect(digits.allSatisfy { ($0["predicted"] as? Int).map { (0...9).contains($0) } ?? false })
            #expect(digits.allSatisfy { $0["student"] == nil }, "students see no one's number")
            let confusion = try #require(grid["confusion"] as? [[Int]])
            #expect(confusion.joined().reduce(0, +) == 5 && confusion[1].reduce(0, +) == 3 && confusion[7].reduce(0, +) == 2)
            let accuracy = try #require(grid["accuracy"] as? Double)
            #expect(abs(accuracy - Double(confusion[1][1] + confusion[7][7]) / 5) < 1e-12)
            #expect((grid["testConfusion"] as? [[Int]])?.joined().reduce(0, +) == 100)
            let pixels = try await client.send(.get, "/api/class/digits/pixels", token: nil)
            #expect(pixels.status == .ok)

            let dashboard = try await client.send(.get, "/api/class", token: Self.teacher)
            #expect(try await client.send(.get, "/api/class", token: Self.student).status == .forbidden)
            let students = try #require(Self.json(dashboard.text)["students"] as? [[String: Any]])
            #expect(students.map { $0["digits"] as? Int } == [3, 2])
            #expect(students.map { $0["student"] as? Int } == [1, 2])
            #expect(!dashboard.text.contains(alice) && !dashboard.text.contains(bob), "no browser id reaches the teacher")

            #expect(try await client.send(.delete, "/api/class/digits", token: Self.student).status == .forbidden)
            let cleared = try await client.send(.delete, "/api/class/digits", token: Self.teacher)
            #expect(Self.json(cleared.text)["deleted"] as? Int == 5)
            #expect(Self.json(try await client.send(.get, "/api/class/digits", token: nil).text)["count"] as? Int == 0)
        }
    }

    @Test("one student may give at most digitsPerStudent digits")
    func perStudentBound() async throws {
        let classroom = Classroom()
        let browser = String(repeating: "c", count: 32)
        for _ in 0..<Classroom.digitsPerStudent { _ = try await classroom.addDigit(Array(repeating: 1, count: 784), label: 2, browser: browser) }
        await #expect(throws: APIError.self) { try await classroom.addDigit(Array(repeating: 1, count: 784), label: 2, browser: browser) }
        _ = try await classroom.addDigit(Array(repeating: 1, count: 784), label: 2, browser: String(repeating: "d", count: 32))
        #expect(await classroom.digits.count == Classroom.digitsPerStudent + 1)
    }

    @Test("--class-dir: the digits are PNGs in label folders, read back by a new server, and deleted by clear")
    func folder() async throws {
        let scratch = try TemporaryDirectory("class-dir")
        defer { scratch.remove() }
        let path = scratch.path + "/class"
        let classroom = try Classroom(folder: path)
        let pixels = (0..<784).map { UInt8(($0 * 7) % 256) }
        _ = try await classroom.addDigit(pixels, label: 4, browser: String(repeating: "e", count: 32))
        #expect(Files.exists(path + "/4/00001.png"))
        let again = try Classroom(folder: path)
        let kept = await again.digits
        #expect(kept.count == 1 && kept[0].label == 4)
        #expect(try await again.clearDigits() == 1)
        #expect(!Files.exists(path + "/4/00001.png"))
    }

    @Test("export: a zip of one folder a label, each digit a 28x28 PNG; the teacher's alone")
    func export() async throws {
        let server = try MyDigitsServer(shared: true, recipe: true)
        try await server.test { client in
            for label in [3, 3, 8] {
                _ = try await client.send(.post, "/api/class/digits", body: Self.digitBody(label: label), contentType: "application/json", token: Self.student)
            }
            #expect(try await client.send(.get, "/api/class/export.zip", token: Self.student).status == .forbidden)
            var headers: HTTPFields = [:]
            headers[.authorization] = "Bearer \(Self.teacher)"
            try await client.execute(uri: "/api/class/export.zip", method: .get, headers: headers, body: nil) { response in
                #expect(response.status == .ok && response.headers[.contentType] == "application/zip")
                let archive = try Archive(data: Data(response.body.readableBytesView), accessMode: .read)
                let files = archive.filter { $0.type == .file }.map(\.path).sorted()
                #expect(files == ["class-digits/3/00001.png", "class-digits/3/00002.png", "class-digits/8/00003.png"])
                var png = Data()
                let entry = try #require(archive["class-digits/8/00003.png"])
                _ = try archive.extract(entry) { png.append($0) }
                let image = try GrayImage(pngBytes: Array(png), source: "zip")
                #expect(image.width == 28 && image.height == 28)
            }
        }
    }

    @Test("the teacher fine-tunes a copy on the class set: before and after on the held-out part and the test set; the served model changes only on adopt")
    func fineTune() async throws {
        let server = try MyDigitsServer(shared: true, recipe: true, trainingCount: 200)
        try await server.test { client in
            #expect(try await client.send(.post, "/api/class/fine-tune", token: Self.teacher).status == .conflict, "no digits yet")
            for index in 0..<12 {
                _ = try await client.send(.post, "/api/class/digits", body: Self.digitBody(label: index % 2 == 0 ? 1 : 7, variant: index),
                                          contentType: "application/json", token: Self.student)
            }
            #expect(try await client.send(.post, "/api/class/fine-tune", token: Self.student).status == .forbidden)
            let started = try await client.send(.post, "/api/class/fine-tune", body: Array("{\"epochs\": 1, \"heldOut\": 0.25}".utf8),
                                                contentType: "application/json", token: Self.teacher)
            #expect(started.status == .accepted, "\(started.text)")
            let id = try #require(Self.json(started.text)["id"] as? Int)
            var final: [String: Any] = [:]
            for _ in 0..<600 where !["finished", "failed", "cancelled"].contains(final["state"] as? String ?? "") {
                final = Self.json(try await client.send(.get, "/api/train?id=\(id)", token: nil).text)
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(final["state"] as? String == "finished", "\(final)")
            let figures = try #require(final["fineTune"] as? [String: Any])
            let before = try #require(figures["before"] as? [String: Any]), after = try #require(figures["after"] as? [String: Any])
            #expect(before["myDigitsCount"] as? Int == 3 && after["myDigitsCount"] as? Int == 3, "a quarter of 12 held out")
            #expect(after["test"] as? Double != nil && before["test"] as? Double != nil)
            #expect(Self.json(try await client.send(.get, "/api/model", token: nil).text)["version"] as? Int == 1)
            #expect(try await client.send(.post, "/api/class/adopt", token: Self.student).status == .forbidden)
            let adopted = try await client.send(.post, "/api/class/adopt", token: Self.teacher)
            #expect(Self.json(adopted.text)["version"] as? Int == 2, "\(adopted.text)")
            let model = Self.json(try await client.send(.get, "/api/model", token: nil).text)
            #expect((model["metadata"] as? [String: String])?["adopted"] == "fine-tuned on the class set")
            // The grid reads every digit again with the new model, not from version 1's readings.
            let grid = Self.json(try await client.send(.get, "/api/class/digits", token: Self.student).text)
            #expect(grid["modelVersion"] as? Int == 2)
            let digits = grid["digits"] as? [[String: Any]] ?? []
            #expect(digits.count == 12 && digits.allSatisfy { (0..<10).contains($0["predicted"] as? Int ?? -1) }, "\(grid)")
        }
    }

    @Test("the class set's readings are kept per model version: another version starts afresh, deleted digits drop out")
    func readingsPerVersion() async throws {
        let classroom = Classroom()
        #expect(await classroom.readings(for: 1).isEmpty)
        let first = try await classroom.addDigit(Array(repeating: 0, count: 784), label: 3, browser: "a")
        let second = try await classroom.addDigit(Array(repeating: 9, count: 784), label: 4, browser: "a")
        await classroom.keepReadings([first.id: 3], for: 1)
        await classroom.keepReadings([second.id: 5], for: 1)
        #expect(await classroom.readings(for: 1) == [first.id: 3, second.id: 5])
        #expect(await classroom.readings(for: 2).isEmpty, "version 2 read from version 1's table")
        await classroom.keepReadings([first.id: 8], for: 2)
        #expect(await classroom.readings(for: 2) == [first.id: 8])
        #expect(await classroom.readings(for: 1).isEmpty)
        _ = try await classroom.clearDigits()
        let third = try await classroom.addDigit(Array(repeating: 1, count: 784), label: 1, browser: "a")
        await classroom.keepReadings([third.id: 1], for: 2)
        #expect(await classroom.readings(for: 2) == [third.id: 1], "a deleted digit's reading was kept")
    }
}
