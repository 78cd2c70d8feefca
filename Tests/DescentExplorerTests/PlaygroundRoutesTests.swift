import DescentDatasets
import DescentExperiments
import DescentExplorer
import DescentLinearAlgebra
import DescentNetwork
import DescentTraining
import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import Testing

/// A Playground frame (`DPF1`) read back as the page reads it, every length checked.
struct PlaygroundFrameBytes {
    struct Malformed: Error, CustomStringConvertible { let description: String }

    let json: [String: Any]
    let width: Int, height: Int, maps: Int, classes: Int, weights: [Float], points: Int
    let ranges: [Float]
    let cellClasses: [UInt8]
    let confidences: [UInt8]
    let neuronMaps: [UInt8]
    let pointLabels: [UInt8]
    let pointSplits: [UInt8]

    init(_ bytes: [UInt8]) throws {
        guard bytes.count >= 8, Array(bytes[0..<4]) == Array("DPF1".utf8) else { throw Malformed(description: "no DPF1 magic: \(String(decoding: bytes.prefix(300), as: UTF8.self))") }
        func uint32(_ at: Int) -> Int { (0..<4).reduce(0) { $0 | Int(bytes[at + $1]) << (8 * $1) } }
        func float(_ at: Int) -> Float { Float(bitPattern: UInt32(truncatingIfNeeded: uint32(at))) }
        let count = uint32(4), padded = (count + 3) & ~3
        guard bytes.count >= 8 + padded + 24 else { throw Malformed(description: "JSON of \(count) bytes in \(bytes.count)") }
        guard let object = try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + count)])) as? [String: Any] else {
            throw Malformed(description: "the JSON part is not an object")
        }
        guard bytes[(8 + count)..<(8 + padded)].allSatisfy({ $0 == 0 }) else { throw Malformed(description: "padding is not zeros") }
        json = object
        let header = 8 + padded
        (width, height, maps, classes) = (uint32(header), uint32(header + 4), uint32(header + 8), uint32(header + 12))
        let weightCount = uint32(header + 16)
        points = uint32(header + 20)
        let cells = width * height
        var at = header + 24
        guard bytes.count == at + 4 * (2 * maps + weightCount + 2 * points) + cells * (2 + maps) + 2 * points else {
            throw Malformed(description: "\(bytes.count) bytes for \(width)x\(height), \(maps) maps, \(weightCount) weights, \(points) points")
        }
        ranges = (0..<(2 * maps)).map { float(at + 4 * $0) }
        at += 8 * maps
        weights = (0..<weightCount).map { float(at + 4 * $0) }
        at += 4 * weightCount + 8 * points
        cellClasses = Array(bytes[at..<(at + cells)])
        confidences = Array(bytes[(at + cells)..<(at + 2 * cells)])
        neuronMaps = Array(bytes[(at + 2 * cells)..<(at + (2 + maps) * cells)])
        at += (2 + maps) * cells
        pointLabels = Array(bytes[at..<(at + points)])
        pointSplits = Array(bytes[(at + points)...])
    }

    var session: String { json["session"] as? String ?? "" }
    var steps: Int { json["steps"] as? Int ?? -1 }
    func split(_ name: String) -> [String: Any] { json[name] as? [String: Any] ?? [:] }
    var testAccuracy: Double { split("test")["accuracy"] as? Double ?? -1 }
    var trainingCost: Double { split("training")["cost"] as? Double ?? -1 }
}

extension TestClientProtocol {
    /// POSTs `body` (JSON unless `contentType` says otherwise) and returns the status, the frame (nil for a refusal) and the text.
    func frame(_ uri: String, json: String? = nil, body: [UInt8]? = nil, contentType: String = "application/json",
               token: String? = ExplorerFixture.teacherToken, headers extra: [String: String] = [:]) async throws
        -> (status: HTTPResponse.Status, frame: PlaygroundFrameBytes?, text: String, cookie: String?) {
        var headers: HTTPFields = [:]
        if let token, let name = HTTPField.Name("X-Descent-Token") { headers[name] = token }
        for (name, value) in extra { if let name = HTTPField.Name(name) { headers[name] = value } }
        var buffer: ByteBuffer?
        if let json { buffer = ByteBuffer(string: json) }
        if let body { buffer = ByteBuffer(bytes: body) }
        if buffer != nil { headers[.contentType] = contentType }
        return try await execute(uri: uri, method: .post, headers: headers, body: buffer) { response in
            let bytes = Array(response.body.readableBytesView)
            let frame = response.status == .ok ? try PlaygroundFrameBytes(bytes) : nil
            return (response.status, frame, String(decoding: bytes.prefix(2000), as: UTF8.self), response.headers[.setCookie])
        }
    }

    func bytes(_ uri: String) async throws -> (status: HTTPResponse.Status, bytes: [UInt8]) {
        try await execute(uri: uri, method: .get, headers: [:], body: nil) { ($0.status, Array($0.body.readableBytesView)) }
    }
}

@Suite("The Playground: /api/playground and its frames")
struct PlaygroundRoutesTests {
    static func setup(shape: String = "spirals", classes: Int = 3, points: Int = 300, hidden: String = "[8, 8]", network overrides: [String: String] = [:],
                      session: String? = nil, grid: Int = 40) -> String {
        let defaults = ["hidden": hidden, "activation": "\"tanh\"", "learningRate": "0.03", "batchSize": "10", "optimizer": "\"adam\""]
        let network = defaults.merging(overrides) { _, new in new }.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ")
        return "{\(session.map { "\"session\": \"\($0)\", " } ?? "")\"data\": {\"shape\": \"\(shape)\", \"classes\": \(classes), \"points\": \(points), "
            + "\"noise\": 0.1, \"seed\": 1, \"testShare\": 0.25}, \"network\": {\(network)}, \"grid\": \(grid)}"
    }

    @Test("a setup that names no network gets the library's playground preset: its layers and activation")
    func presetNetwork() async throws {
        try await ExplorerFixture.test { client in
            let body = "{\"data\": {\"shape\": \"spirals\", \"classes\": 2, \"points\": 200, \"noise\": 0.1, \"seed\": 1, \"testShare\": 0.25}, \"grid\": 20}"
            let (status, frame, text, _) = try await client.frame("/api/playground", json: body)
            #expect(status == .ok, "\(text)")
            let answer = try #require(frame)
            let preset = TrainingConfiguration(preset: .playground)
            #expect(answer.json["sizes"] as? [Int] == [2] + preset.sizes.dropFirst().dropLast() + [2])
            #expect(answer.json["activation"] as? String == preset.hidden.rawValue)
            #expect(preset.hidden == .relu && preset.sizes.count == 4, "the preset this test reads: \(preset.sizes) \(preset.hidden)")
        }
    }

    @Test("a setup answers a DPF1 frame: the library's points, the network's sizes, every hidden neuron's map")
    func setupFrame() async throws {
        try await ExplorerFixture.test { client in
            let (status, frame, text, _) = try await client.frame("/api/playground", json: Self.setup())
            #expect(status == .ok, "\(text)")
            let answer = try #require(frame)
            #expect(answer.json["sizes"] as? [Int] == [2, 8, 8, 3])
            #expect(answer.width == 40 && answer.height == 40 && answer.maps == 16 && answer.classes == 3)
            let weightCount = 16 + 64 + 24  // 2x8, 8x8, 8x3
            #expect(answer.weights.count == weightCount)
            #expect(answer.points == 300 && answer.pointSplits.filter { $0 == 1 }.count == 75)
            #expect(answer.steps == 0 && answer.session.count == 32)
            // The points are the library's, split as the route splits them.
            let set = try PointSet.generate(PointSetRecipe(shape: .spirals, classes: 3, points: 300, noise: 0.1, seed: 1))
            #expect(answer.pointLabels.map(Int.init).sorted() == set.labels.sorted())
            // The map is the library's RegionGrid of the starting network.
            var generator = SplitMix64(seed: 0)
            var configuration = TrainingConfiguration()
            (configuration.sizes, configuration.hidden, configuration.output, configuration.cost) = ([2, 8, 8, 3], .tanh, .softmax, .crossEntropy)
            let network = try configuration.makeNetwork(using: &generator)
            let area = try #require(answer.json["area"] as? [String: Any])
            let grid = try network.regions(over: GridArea(xMin: Float(area["xMin"] as? Double ?? 0), xMax: Float(area["xMax"] as? Double ?? 0),
                                                          yMin: Float(area["yMin"] as? Double ?? 0), yMax: Float(area["yMax"] as? Double ?? 0), columns: 40, rows: 40),
                                           features: .coordinates)
            #expect(answer.cellClasses.map(Int.init) == grid.classes)
            #expect(answer.weights == network.layers.flatMap(\.weights.elements))
            let test = answer.split("test")
            #expect(test["count"] as? Int == 75 && (test["sentences"] as? [String])?.count == 3)
        }
    }

    @Test("steps, slices of time and reset: the run goes on where it stood, and reset gives back the start bit for bit")
    func training() async throws {
        try await ExplorerFixture.test { client in
            let first = try #require(try await client.frame("/api/playground", json: Self.setup()).frame)
            let id = first.session
            let one = try #require(try await client.frame("/api/playground/train", json: "{\"session\": \"\(id)\", \"steps\": 1}").frame)
            #expect(one.steps == 1 && one.points == 0)
            let five = try #require(try await client.frame("/api/playground/train", json: "{\"session\": \"\(id)\", \"steps\": 4}").frame)
            #expect(five.steps == 5)
            let timed = try #require(try await client.frame("/api/playground/train", json: "{\"session\": \"\(id)\", \"milliseconds\": 100}").frame)
            #expect(timed.steps > 5 && timed.trainingCost < first.trainingCost)
            let reset = try #require(try await client.frame("/api/playground/train", json: "{\"session\": \"\(id)\", \"reset\": true}").frame)
            #expect(reset.steps == 0 && reset.trainingCost == first.trainingCost && reset.weights == first.weights)
            // Five steps one at a time are five steps at once, to the bit: a paused run loses nothing.
            let other = try #require(try await client.frame("/api/playground", json: Self.setup()).frame)
            for _ in 0..<5 { _ = try await client.frame("/api/playground/train", json: "{\"session\": \"\(other.session)\", \"steps\": 1}") }
            let stepped = try #require(try await client.frame("/api/playground/train", json: "{\"session\": \"\(other.session)\"}").frame)
            #expect(stepped.steps == 5 && stepped.weights == five.weights)
        }
    }

    @Test("spirals of 3 classes are learned past 90% on the test points, and the map's census agrees")
    func learnsSpirals() async throws {
        try await ExplorerFixture.test { client in
            let first = try #require(try await client.frame("/api/playground", json: Self.setup(points: 600, hidden: "[16, 16]")).frame)
            var frame = first
            for _ in 0..<40 where frame.testAccuracy < 0.95 {
                frame = try #require(try await client.frame("/api/playground/train", json: "{\"session\": \"\(first.session)\", \"milliseconds\": 100}").frame)
            }
            #expect(frame.testAccuracy > 0.9, "\(frame.testAccuracy) after \(frame.steps) steps")
            let counts = try #require(frame.split("test")["counts"] as? [[Int]])
            let correct = counts.indices.reduce(0) { $0 + counts[$1][$1] }
            #expect(abs(Double(correct) / 150 - frame.testAccuracy) < 1e-12)
        }
    }

    @Test("the export: the model and the test CSV give descent evaluate's accuracy, the page's")
    func export() async throws {
        try await ExplorerFixture.test { client in
            let first = try #require(try await client.frame("/api/playground", json: Self.setup(network: ["features": "[\"x\", \"y\", \"x2\", \"xy\"]"])).frame)
            let frame = try #require(try await client.frame("/api/playground/train", json: "{\"session\": \"\(first.session)\", \"steps\": 300}").frame)
            let (status, bytes) = try await client.bytes("/api/playground/model?session=\(first.session)")
            #expect(status == .ok)
            let model = try Model(bytes: bytes, source: "export")
            #expect(model.network.sizes == [4, 8, 8, 3] && model.classNames == ["0", "1", "2"])
            #expect(model.metadata["features"] == "x,y,x2,xy")
            // The library rebuilds the same test points from what the model records.
            let rebuilt = try #require(try TrainingData(recordedIn: model.metadata))
            #expect(rebuilt.test.count == 75 && Evaluation(network: model.network, on: rebuilt.test).accuracy == frame.testAccuracy)
            let (csvStatus, csv) = try await client.bytes("/api/playground/data?session=\(first.session)&split=test")
            #expect(csvStatus == .ok)
            #expect(String(decoding: csv.prefix(14), as: UTF8.self) == "x,y,x2,xy,labe")
            let table = try CSVDataset.parse(csv, source: "test.csv", labelColumn: "label", classNames: model.classNames)
            let evaluation = Evaluation(network: model.network, on: .features(table.examples))
            #expect(evaluation.total == 75 && evaluation.accuracy == frame.testAccuracy)
            #expect(try await client.bytes("/api/playground/data?session=\(first.session)&split=nine").status == .badRequest)
            #expect(try await client.bytes("/api/playground/model").status == .badRequest)
            #expect(try await client.bytes("/api/playground/model?session=feed").status == .notFound)
        }
    }

    static let fourClasses: [UInt8] = {
        var lines = ["a,b,kind"]
        var generator = SplitMix64(seed: 3)
        for row in 0..<400 {
            let kind = row % 4
            let (cx, cy): (Float, Float) = [(-1, -1), (1, -1), (-1, 1), (1, 1)][kind]
            lines.append("\(cx + Float.random(in: -0.4...0.4, using: &generator)),\(cy + Float.random(in: -0.4...0.4, using: &generator)),\(["north", "east", "south", "west"][kind])")
        }
        return Array(lines.joined(separator: "\n").utf8)
    }()

    @Test("a CSV of 4 classes is uploaded, named and learned")
    func upload() async throws {
        try await ExplorerFixture.test { client in
            let (status, frame, text, _) = try await client.frame("/api/playground/csv?labelColumn=kind&testShare=0.25&name=four.csv",
                                                                  body: Self.fourClasses, contentType: "text/csv")
            #expect(status == .ok, "\(text)")
            let answer = try #require(frame)
            #expect(answer.json["classNames"] as? [String] == ["east", "north", "south", "west"])
            #expect(answer.json["axes"] as? [String] == ["a", "b"] && answer.points == 400)
            // Steps, not milliseconds: under ThreadSanitizer 300 ms of training was 0.47.
            let trained = try #require(try await client.frame("/api/playground/train", json: "{\"session\": \"\(answer.session)\", \"steps\": 2000}").frame)
            #expect(trained.steps == 2000 && trained.testAccuracy > 0.9, "\(trained.testAccuracy) after \(trained.steps) steps")
        }
    }

    @Test("a CSV of 3 columns: the map shows the two chosen, the third held at its mean, and the run goes on when they change")
    func wideCSV() async throws {
        var rows = ["a,b,c,label"]
        var generator = SplitMix64(seed: 9)
        for _ in 0..<300 {
            let (a, b, c) = (Float.random(in: -1...1, using: &generator), Float.random(in: -1...1, using: &generator), Float.random(in: -1...1, using: &generator))
            rows.append("\(a),\(b),\(c),\(a + c > 0 ? "high" : "low")")
        }
        let lines = rows
        try await ExplorerFixture.test { client in
            let (status, frame, text, _) = try await client.frame("/api/playground/csv", body: Array(lines.joined(separator: "\n").utf8), contentType: "text/csv")
            #expect(status == .ok, "\(text)")
            let first = try #require(frame)
            #expect(first.json["axes"] as? [String] == ["a", "b"] && first.json["columns"] as? [String] == ["a", "b", "c"])
            // No network named: the library's playground preset.
            let preset = TrainingConfiguration(preset: .playground)
            let hidden = Array(preset.sizes.dropFirst().dropLast())
            #expect(first.json["sizes"] as? [Int] == [3] + hidden + [2])
            let id = first.session
            let trained = try #require(try await client.frame("/api/playground/train", json: "{\"session\": \"\(id)\", \"steps\": 200}").frame)
            let network = "\"network\": {\"hidden\": \(hidden), \"activation\": \"\(preset.hidden.rawValue)\", \"learningRate\": \(preset.learningRate), "
                + "\"batchSize\": \(preset.batchSize), \"optimizer\": \"\(preset.optimizer.rawValue)\"}"
            let turned = try await client.frame("/api/playground", json: "{\"session\": \"\(id)\", \(network), \"axes\": [\"c\", \"a\"]}")
            let map = try #require(turned.frame, "\(turned.text)")
            #expect(map.json["axes"] as? [String] == ["c", "a"] && map.steps == trained.steps && map.weights == trained.weights)
            // The map is the full network's answer with b at its training mean.
            let (_, trainingCSV) = try await client.bytes("/api/playground/data?session=\(id)&split=training")
            let table = try CSVDataset.parse(trainingCSV, source: "training.csv", labelColumn: "label")
            let meanB = (0..<table.examples.count).reduce(Float(0)) { $0 + table.examples.row($1)[table.examples.row($1).startIndex + 1] } / Float(table.examples.count)
            let (_, modelBytes) = try await client.bytes("/api/playground/model?session=\(id)")
            let model = try Model(bytes: modelBytes, source: "export")
            let area = try #require(map.json["area"] as? [String: Any])
            let grid = GridArea(xMin: Float(area["xMin"] as? Double ?? 0), xMax: Float(area["xMax"] as? Double ?? 0), yMin: Float(area["yMin"] as? Double ?? 0),
                                yMax: Float(area["yMax"] as? Double ?? 0), columns: map.width, rows: map.height)
            let centres = grid.centres
            var agree = 0
            for cell in 0..<grid.cellCount {
                let (c, a) = (centres.elements[2 * cell], centres.elements[2 * cell + 1])
                if model.network.prediction(for: [a, meanB, c]).label == Int(map.cellClasses[cell]) { agree += 1 }
            }
            #expect(agree >= grid.cellCount * 995 / 1000, "\(agree) of \(grid.cellCount)")
            let same = try await client.frame("/api/playground", json: "{\"session\": \"\(id)\", \(network), \"axes\": [\"a\", \"a\"]}")
            #expect(same.status == .unprocessableContent && same.text.contains("axes"))
            let click = try await client.frame("/api/playground/point", json: "{\"session\": \"\(id)\", \"x\": 0, \"y\": 0, \"label\": 0}")
            #expect(click.status == .conflict)
        }
    }

    @Test("every bad CSV is refused with a status and a message naming what is wrong", arguments: [
        ("a,b,label\n1,2,x\n3,oops,y\n", "labelColumn=label", HTTPResponse.Status.unprocessableContent, "oops"),
        ("a,b,c\n1,2,x\n3,4,y\n", "labelColumn=label", .unprocessableContent, "label"),
        ("a,b,label\n1,2,x\n3,4,x\n", "labelColumn=label", .unprocessableContent, "single class"),
        ("a,label\n1,x\n3,y\n", "labelColumn=label", .unprocessableContent, "1 numeric column"),
        ("a,b,c,label\n1,2,3,x\n3,4,5,y\n", "labelColumn=nothing", .unprocessableContent, "nothing"),
        ("a,b,label\n1,2,x\n3,4,y\n", "labelColumn=label&testShare=2", .unprocessableContent, "testShare"),
        ("a,b,label\n1,2,x\n3,4,y\n", "labelColumn=label&seed=-1", .badRequest, "seed"),
    ])
    func badCSV(_ csv: String, _ query: String, _ expected: HTTPResponse.Status, _ words: String) async throws {
        try await ExplorerFixture.test { client in
            let (status, _, text, _) = try await client.frame("/api/playground/csv?\(query)", body: Array(csv.utf8), contentType: "text/csv")
            #expect(status == expected, "\(text)")
            #expect(text.contains(words), "\(text)")
        }
    }

    @Test("a CSV over 2 MB or 100,000 rows is a 413, one not sent as text/csv a 415")
    func largeCSV() async throws {
        try await ExplorerFixture.test { client in
            let big = Array(repeating: UInt8(ascii: "1"), count: (2 << 20) + 10)
            let (status, _, text, _) = try await client.frame("/api/playground/csv", body: big, contentType: "text/csv")
            #expect(status == .contentTooLarge && text.contains("2 MB"), "\(text)")
            let rows = Array(("a,b,label\n" + String(repeating: "1,2,x\n", count: 100_001)).utf8)
            let (rowStatus, _, rowText, _) = try await client.frame("/api/playground/csv", body: rows, contentType: "text/csv")
            #expect(rowStatus == .contentTooLarge && rowText.contains("100000 rows"), "\(rowText)")
            let (typeStatus, _, _, _) = try await client.frame("/api/playground/csv", body: Self.fourClasses, contentType: "text/plain")
            #expect(typeStatus == .unsupportedMediaType)
        }
    }

    @Test("each limit and bad field is a 4xx naming the field", arguments: [
        (setup(hidden: "[8, 8, 8, 8, 8, 8, 8, 8, 8]"), HTTPResponse.Status.unprocessableContent, "network.hidden"),
        (setup(hidden: "[65]"), .unprocessableContent, "network.hidden"),
        (setup(hidden: "[0]"), .unprocessableContent, "network.hidden"),
        (setup(network: ["learningRate": "0"]), .unprocessableContent, "network.learningRate"),
        (setup(network: ["batchSize": "5000"]), .unprocessableContent, "network.batchSize"),
        (setup(network: ["l2": "-1"]), .unprocessableContent, "network.l2"),
        (setup(network: ["features": "[\"z\"]"]), .badRequest, "features"),
        (setup(network: ["features": "[]"]), .unprocessableContent, "network.features"),
        (setup(network: ["activation": "\"softmax\""]), .badRequest, "network.activation"),
        (setup(network: ["optimizer": "\"lbfgs\""]), .badRequest, "network.optimizer"),
        (setup(classes: 9), .unprocessableContent, "classes"),
        (setup(shape: "circles", classes: 3), .unprocessableContent, "classes"),
        (setup(shape: "plane"), .badRequest, "data.shape"),
        (setup(points: 20_000), .unprocessableContent, "data.points"),
        (setup(grid: 5), .unprocessableContent, "grid"),
        (setup(grid: 500), .unprocessableContent, "grid"),
        ("{\"data\": {\"testShare\": 0.99}}", .unprocessableContent, "testShare"),
        ("{\"network\": {\"hidden\": \"many\"}}", .badRequest, "network.hidden"),
        ("{\"data\": {\"noise\": 3}}", .unprocessableContent, "noise"),
        ("not json", .badRequest, "not {"),
        ("{\"session\": \"feed\"}", .notFound, "session"),
    ])
    func refusals(_ body: String, _ expected: HTTPResponse.Status, _ field: String) async throws {
        try await ExplorerFixture.test { client in
            let (status, _, text, _) = try await client.frame("/api/playground", json: body)
            #expect(status == expected, "\(text)")
            #expect(text.contains(field), "\(text)")
        }
    }

    @Test("train and point refuse bad fields, unknown copies and foreign classes")
    func trainRefusals() async throws {
        try await ExplorerFixture.test { client in
            let id = try #require(try await client.frame("/api/playground", json: Self.setup()).frame).session
            for (body, expected, words) in [
                ("{\"session\": \"\(id)\", \"milliseconds\": 5000}", HTTPResponse.Status.unprocessableContent, "milliseconds"),
                ("{\"session\": \"\(id)\", \"steps\": 0}", .unprocessableContent, "steps"),
                ("{\"session\": \"\(id)\", \"steps\": 1, \"milliseconds\": 5}", .badRequest, "not both"),
                ("{\"steps\": 1}", .badRequest, "session is missing"),
                ("{\"session\": \"0123\", \"steps\": 1}", .notFound, "session"),
                ("{\"session\": \"\(id)\", \"reset\": \"yes\"}", .badRequest, "reset"),
            ] {
                let (status, _, text, _) = try await client.frame("/api/playground/train", json: body)
                #expect(status == expected && text.contains(words), "\(body): \(text)")
            }
            let point = try await client.frame("/api/playground/point", json: "{\"session\": \"\(id)\", \"x\": 0.1, \"y\": 0.2, \"label\": 2}")
            #expect(point.status == .ok && point.frame?.points == 301 && point.frame?.json["addedPoints"] as? Int == 1)
            let foreign = try await client.frame("/api/playground/point", json: "{\"session\": \"\(id)\", \"x\": 0.1, \"y\": 0.2, \"label\": 3}")
            #expect(foreign.status == .unprocessableContent && foreign.text.contains("label"))
            let far = try await client.frame("/api/playground/point", json: "{\"session\": \"\(id)\", \"x\": 1e30, \"y\": 0.2, \"label\": 0}")
            #expect(far.status == .unprocessableContent)
        }
    }

    @Test("every route is behind the guards: the token, the Origin, the Host and the JSON type")
    func guards() async throws {
        try await ExplorerFixture.test { client in
            for path in ["/api/playground", "/api/playground/train", "/api/playground/point", "/api/playground/csv"] {
                let (noToken, _, _, _) = try await client.frame(path, json: Self.setup(), token: nil)
                #expect(noToken == .forbidden, "\(path)")
                let (foreign, _, _, _) = try await client.frame(path, json: Self.setup(), headers: ["Origin": "http://evil.example"])
                #expect(foreign == .forbidden, "\(path)")
                let (host, _, _, _) = try await client.frame(path, json: Self.setup(), headers: ["Host": "evil.example"])
                #expect(host == .forbidden, "\(path)")
                let (crossSite, _, _, _) = try await client.frame(path, json: Self.setup(), headers: ["Sec-Fetch-Site": "cross-site"])
                #expect(crossSite == .forbidden, "\(path)")
            }
            for path in ["/api/playground", "/api/playground/train", "/api/playground/point"] {
                let (plain, _, _, _) = try await client.frame(path, json: Self.setup(), contentType: "text/plain")
                #expect(plain == .unsupportedMediaType, "\(path)")
            }
            let big = "{\"network\": {\"hidden\": [\(Array(repeating: "1", count: 600_000).joined(separator: ","))]}}"
            let (large, _, _, _) = try await client.frame("/api/playground", json: big)
            #expect(large == .contentTooLarge)
        }
    }

    @Test("on a classroom server a new Playground gives the browser its cookie, and its fifth takes its own oldest's place")
    func classroomCopies() async throws {
        try await ExplorerFixture.test(access: ExplorerFixture.classroom) { client in
            let (status, frame, text, cookie) = try await client.frame("/api/playground", json: Self.setup(points: 50), token: ExplorerFixture.studentToken)
            #expect(status == .ok, "\(text)")
            let value = try #require(cookie?.split(separator: ";").first.map(String.init))
            var ids = [try #require(frame).session]
            for _ in 0..<4 {
                let next = try await client.frame("/api/playground", json: Self.setup(points: 50), token: ExplorerFixture.studentToken, headers: ["Cookie": value])
                ids.append(try #require(next.frame).session)
            }
            let oldest = try await client.frame("/api/playground/train", json: "{\"session\": \"\(ids[0])\"}", token: ExplorerFixture.studentToken)
            #expect(oldest.status == .notFound)
            let newest = try await client.frame("/api/playground/train", json: "{\"session\": \"\(ids[4])\"}", token: ExplorerFixture.studentToken)
            #expect(newest.status == .ok)
        }
    }
}
