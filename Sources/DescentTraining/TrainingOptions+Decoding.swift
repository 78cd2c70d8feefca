// TrainingOptions read from JSON (or any other format with a Decoder): the body of the web
// explorer's POST /api/train, or a recipe kept in a file. Every key is optional and named like the
// command-line option it stands for, in camel case: `learningRate` for `--learning-rate`.

extension TrainingOptions: Decodable {
    /// The keys, named after `descent train`'s options: `init` for `--init`, `activation` for the
    /// hidden layers' activation, the others in camel case.
    enum CodingKeys: String, CodingKey {
        case preset, layers, activation, output, cost, initialization = "init", learningRate, momentum, weightDecay
        case batchSize, epochs, seed, optimizer, threads, schedule, warmupEpochs, stepEvery, stepFactor, patience
        case dropout, shift, rotation, scaling, elasticAlpha, elasticSigma, preprocessing, precision
    }

    /// Reads the options present; a missing key keeps the preset's value.
    ///
    /// A name (`preset`, `activation`, `output`, `cost`, `init`, `optimizer`, `schedule`,
    /// `preprocessing`, `precision`) must be one the library knows; numbers are checked later, with the data's
    /// sizes, by `configuration(inputCount:classCount:images:)`.
    /// - Throws: `DecodingError.typeMismatch` for a value of the wrong type, and
    ///   `DecodingError.dataCorrupted` for a name that is not known; either way the error's
    ///   `codingPath` ends with the key, and a `dataCorrupted` error's description names the key,
    ///   the value and the names allowed.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        preset = try container.decodeName(.preset)
        layers = try container.decodeIfPresent([Int].self, forKey: .layers)
        hidden = try container.decodeName(.activation)
        output = try container.decodeName(.output)
        cost = try container.decodeName(.cost)
        initialization = try container.decodeName(.initialization)
        learningRate = try container.decodeIfPresent(Double.self, forKey: .learningRate)
        momentum = try container.decodeIfPresent(Double.self, forKey: .momentum)
        weightDecay = try container.decodeIfPresent(Double.self, forKey: .weightDecay)
        batchSize = try container.decodeIfPresent(Int.self, forKey: .batchSize)
        epochs = try container.decodeIfPresent(Int.self, forKey: .epochs)
        seed = try container.decodeIfPresent(UInt64.self, forKey: .seed)
        optimizer = try container.decodeName(.optimizer)
        threads = try container.decodeIfPresent(Int.self, forKey: .threads)
        schedule = try container.decodeName(.schedule)
        warmupEpochs = try container.decodeIfPresent(Int.self, forKey: .warmupEpochs)
        stepEvery = try container.decodeIfPresent(Int.self, forKey: .stepEvery)
        stepFactor = try container.decodeIfPresent(Double.self, forKey: .stepFactor)
        patience = try container.decodeIfPresent(Int.self, forKey: .patience)
        dropout = try container.decodeIfPresent(Double.self, forKey: .dropout)
        shift = try container.decodeIfPresent(Int.self, forKey: .shift)
        rotation = try container.decodeIfPresent(Double.self, forKey: .rotation)
        scaling = try container.decodeIfPresent(Double.self, forKey: .scaling)
        elasticAlpha = try container.decodeIfPresent(Double.self, forKey: .elasticAlpha)
        elasticSigma = try container.decodeIfPresent(Double.self, forKey: .elasticSigma)
        preprocessing = try container.decodeName(.preprocessing)
        precision = try container.decodeName(.precision)
    }
}

extension KeyedDecodingContainer where Key == TrainingOptions.CodingKeys {
    /// The value named by the string at `key`, or nil when the key is absent or null.
    /// - Throws: `DecodingError.dataCorrupted` naming the key, the value and the names allowed.
    fileprivate func decodeName<Value: RawRepresentable & CaseIterable>(_ key: Key) throws -> Value? where Value.RawValue == String {
        guard let name = try decodeIfPresent(String.self, forKey: key) else { return nil }
        guard let value = Value(rawValue: name) else {
            let names = Value.allCases.map(\.rawValue).joined(separator: ", ")
            throw DecodingError.dataCorruptedError(
                forKey: key, in: self, debugDescription: "\(key.stringValue) \"\(name)\" is not known; expected one of \(names)")
        }
        return value
    }
}
