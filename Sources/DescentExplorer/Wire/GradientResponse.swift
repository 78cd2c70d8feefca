import DescentExperiments
import DescentNetwork
import Foundation
import Hummingbird

/// The answer to `POST /api/gradient`: what one labelled example asks of the network, from the
/// library's `ExampleNudges`. It travels in binary (`response()`): the few numbers as JSON, the first
/// layer's nudge pictures and the input as raw values behind them.
struct GradientResponse: Encodable {
    /// The example's class, and the one the network reads.
    let label: Int
    let digit: Int
    /// The model's cost (`quadratic` or `cross-entropy`) and its output activation (`sigmoid`, `softmax`).
    let costName: String
    let outputActivation: String
    /// The example's cost and its terms, one an output, adding up to it.
    let cost: Float
    let costTerms: [Float]
    let outputs: [Float]
    /// Every layer's activations after the input, the outputs last.
    let activations: [[Float]]
    /// −∂C/∂a for each output.
    let desiredOutputChanges: [Float]
    /// −∂C/∂a for each hidden layer's neurons, the first hidden layer first.
    let hiddenDesires: [[Float]]
    /// −∂C/∂w of the first layer, one picture a neuron, for at most `ExplorerRoutes.maximumNudgePictures` neurons.
    let firstLayerNudges: [NeuronNudgesSummary]
    /// The largest components of the gradient, each with its share of the squared norm.
    let largest: [ComponentSummary]
    /// The gradient's Euclidean norm, and the shares of its squared norm held by its largest 1% and 10%.
    let norm: Double
    let top1PercentShare: Double
    let top10PercentShare: Double
    let parameterCount: Int
    /// The 784 bytes the network saw, 0 background ... 255 ink.
    let input: [UInt8]
    /// The served model's version.
    let modelVersion: Int
    /// The page's copy, when the gradient is of it rather than of the served model.
    let session: SessionSummary?

    /// Everything but the pictures and the input, which travel in binary after the JSON.
    private enum CodingKeys: String, CodingKey {
        case label, digit, costName, outputActivation, cost, costTerms, outputs, activations, desiredOutputChanges, hiddenDesires,
             firstLayerNudges, largest, norm, top1PercentShare, top10PercentShare, parameterCount, modelVersion, session
    }

    /// The first four bytes of the binary answer.
    static let magic: [UInt8] = Array("DGR1".utf8)

    /// The answer as `application/octet-stream`, little-endian: the magic "DGR1"; a UInt32 J; J bytes
    /// of UTF-8 JSON (every field but the pictures' nudges and the input); zeros up to a multiple of 4;
    /// UInt32 P pictures and UInt32 N values each; P x N Float32, picture by picture, in the order of
    /// `firstLayerNudges`; then the N input bytes the network saw.
    /// - Throws: when the JSON part cannot be encoded.
    func response() throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let json = try encoder.encode(self)
        let pictures = firstLayerNudges.count
        let values = input.count
        let padded = (json.count + 3) & ~3
        var buffer = ByteBuffer()
        buffer.reserveCapacity(16 + padded + 4 * pictures * values + values)
        buffer.writeBytes(Self.magic)
        buffer.writeInteger(UInt32(json.count), endianness: .little)
        buffer.writeBytes(json)
        buffer.writeRepeatingByte(0, count: padded - json.count)
        buffer.writeInteger(UInt32(pictures), endianness: .little)
        buffer.writeInteger(UInt32(values), endianness: .little)
        for picture in firstLayerNudges {
            precondition(picture.nudges.count == values, "GradientResponse: \(picture.nudges.count) nudges for \(values) inputs")
            picture.nudges.withUnsafeBytes { bytes in
                #if _endian(little)
                buffer.writeBytes(bytes)
                #else
                for value in picture.nudges { buffer.writeInteger(value.bitPattern, endianness: .little) }
                #endif
            }
        }
        buffer.writeBytes(input)
        return Response(status: .ok, headers: [.contentType: "application/octet-stream", .cacheControl: "no-cache"],
                        body: ResponseBody(byteBuffer: buffer))
    }

    /// - Throws: `APIError` (422) when a number is not finite (a copy stepped too far).
    init(_ nudges: ExampleNudges, network: Network<Float>, input: [UInt8], modelVersion: Int, session: SessionSummary?) throws {
        let example = nudges.example
        let analysis = nudges.highlights(largest: ExplorerRoutes.largestComponentCount, fractions: [0.01, 0.1])
        guard example.cost.isFinite, analysis.squaredNorm.isFinite,
              example.activationGradients.allSatisfy({ $0.allSatisfy(\.isFinite) }),
              example.activations.allSatisfy({ $0.allSatisfy(\.isFinite) }) else {
            throw APIError(.unprocessableContent, "the network's numbers for this example are not finite; reset the copy")
        }
        label = nudges.label
        digit = example.predictedClass
        costName = nudges.cost.rawValue
        outputActivation = network.layers[network.layers.count - 1].activation.rawValue
        cost = example.cost
        costTerms = example.costTerms
        outputs = nudges.outputs
        activations = example.activations
        desiredOutputChanges = nudges.desiredOutputChanges
        hiddenDesires = nudges.hiddenDesires
        firstLayerNudges = nudges.firstLayerNudges(limit: ExplorerRoutes.maximumNudgePictures).map(NeuronNudgesSummary.init)
        largest = analysis.largest.map { ComponentSummary($0, share: analysis.share(of: $0)) }
        norm = analysis.norm
        (top1PercentShare, top10PercentShare) = (analysis.sharesOfLargest[0], analysis.sharesOfLargest[1])
        parameterCount = network.parameterCount
        self.input = input
        self.modelVersion = modelVersion
        self.session = session
    }
}

/// One first-layer neuron's weight nudges.
struct NeuronNudgesSummary: Encodable {
    let neuron: Int
    /// −∂C/∂w for each input, row by row (28x28 for MNIST): in the binary part of the answer.
    let nudges: [Float]
    /// Its share of the first layer's squared weight gradient.
    let share: Double

    private enum CodingKeys: String, CodingKey { case neuron, share }

    init(_ value: NeuronNudges) {
        (neuron, nudges, share) = (value.neuron, value.nudges, value.share)
    }
}

/// One component of the gradient, numbered as the API numbers layers (1 = the input's weights).
struct ComponentSummary: Encodable {
    let layer: Int
    let neuron: Int
    /// The input the weight comes from (a pixel for layer 1, a neuron below otherwise); nil for a bias.
    let input: Int?
    /// ∂C/∂θ: descent moves the parameter by −learningRate times this.
    let derivative: Double
    /// (∂C/∂θ)² / Σ(∂C/∂θ)².
    let share: Double

    init(_ component: GradientComponent, share: Double) {
        layer = component.layer + 1
        (neuron, input, derivative, self.share) = (component.neuron, component.input, component.derivative, share)
    }
}
