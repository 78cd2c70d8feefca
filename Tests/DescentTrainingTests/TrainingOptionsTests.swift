import DescentDatasets
import DescentNetwork
import Foundation
import Testing
import DescentTraining

@Suite("Training options")
struct TrainingOptionsTests {
    func decoded(_ json: String) throws -> TrainingOptions {
        try JSONDecoder().decode(TrainingOptions.self, from: Data(json.utf8))
    }

    @Test("JSON with the web's keys gives the options the command line would")
    func decodesGoodJSON() throws {
        let options = try decoded("""
            {"preset": "video-best", "layers": [784, 32, 10], "learningRate": 0.01, "batchSize": 32, "epochs": 5,
             "activation": "tanh", "init": "he", "optimizer": "nesterov", "momentum": 0.9, "schedule": "step",
             "stepEvery": 2, "preprocessing": "none", "shift": 1, "elasticAlpha": 10, "threads": 2}
            """)
        var expected = TrainingOptions()
        expected.preset = .videoBest
        expected.layers = [784, 32, 10]
        expected.learningRate = 0.01
        expected.batchSize = 32
        expected.epochs = 5
        expected.hidden = .tanh
        expected.initialization = .he
        expected.optimizer = .nesterov
        expected.momentum = 0.9
        expected.schedule = .step
        expected.stepEvery = 2
        expected.preprocessing = Preprocessing.none  // spelled out: `.none` alone would be the optional's
        expected.shift = 1
        expected.elasticAlpha = 10
        expected.threads = 2
        #expect(options == expected)
        #expect(try options.configuration().sizes == [784, 32, 10])
    }

    @Test("an empty object is the video preset as it is")
    func decodesEmptyObject() throws {
        #expect(try decoded("{}") == TrainingOptions())
        #expect(try decoded("{}").configuration() == TrainingConfiguration(preset: .video))
    }

    @Test("a name that is not known is refused, the error naming the key, the value and the names allowed",
          arguments: [("preset", "huge"), ("activation", "swish"), ("cost", "l1"), ("init", "zeros"), ("preprocessing", "blur"), ("precision", "fp16")])
    func refusesUnknownName(key: String, value: String) throws {
        do {
            _ = try decoded("{\"epochs\": 2, \"\(key)\": \"\(value)\"}")
            Issue.record("\(key) \(value) was accepted")
        } catch DecodingError.dataCorrupted(let context) {
            #expect(context.codingPath.last?.stringValue == key)
            #expect(context.debugDescription.hasPrefix("\(key) \"\(value)\" is not known; expected one of "))
        }
    }

    @Test("a value of the wrong type is refused at its key")
    func refusesWrongType() throws {
        do {
            _ = try decoded(#"{"epochs": "ten"}"#)
            Issue.record("epochs \"ten\" was accepted")
        } catch DecodingError.typeMismatch(_, let context) {
            #expect(context.codingPath.last?.stringValue == "epochs")
        }
    }
}
