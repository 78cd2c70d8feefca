/// Random distortions of training images, drawn afresh for every image every epoch: the network sees
/// a slightly different digit each time, which makes it generalise better (Simard, Steinkraus & Platt
/// 2003, "Best practices for convolutional neural networks applied to visual document analysis").
///
/// Each enabled part is drawn from the generator passed in, in this order: the shift, the rotation,
/// the scaling, then the elastic field. A part that is off draws nothing, so with everything off the
/// generator's stream is untouched. The parts compose into one map from output pixels to input
/// positions, sampled bilinearly (see `Augmenter`).
public struct Augmentation: Sendable, Equatable {
    /// Whole-pixel shifts, uniform in -maxShift...maxShift on each axis.
    public var maxShift: Int = 0
    /// Rotations about the image centre, uniform in ±maxRotation degrees.
    public var maxRotation: Double = 0
    /// Scalings about the image centre, each axis by the same factor, uniform in 1 ± maxScaling.
    public var maxScaling: Double = 0
    /// The elastic field's strength α in pixels (0: no elastic distortion). Simard et al. used 34.
    public var elasticAlpha: Double = 0
    /// The standard deviation σ in pixels of the Gaussian that smooths the elastic field. Simard et al. used 4.
    public var elasticSigma: Double = 4

    /// No augmentation.
    public init() {}

    /// Distortions with the given bounds; each left at its default is off (`elasticSigma` matters only
    /// when `elasticAlpha` is above 0).
    /// - Parameters:
    ///   - maxShift: Whole pixels each axis may shift, in -maxShift...maxShift.
    ///   - maxRotation: Degrees the image may turn either way.
    ///   - maxScaling: The largest change of scale, as a fraction (0.1: 90% to 110%).
    ///   - elasticAlpha: The elastic field's strength α in pixels.
    ///   - elasticSigma: The smoothing Gaussian's σ in pixels.
    public init(maxShift: Int = 0, maxRotation: Double = 0, maxScaling: Double = 0, elasticAlpha: Double = 0, elasticSigma: Double = 4) {
        self.maxShift = maxShift
        self.maxRotation = maxRotation
        self.maxScaling = maxScaling
        self.elasticAlpha = elasticAlpha
        self.elasticSigma = elasticSigma
    }

    /// Whether every part is off: images pass through unchanged and no draws are made.
    public var isIdentity: Bool { maxShift == 0 && maxRotation == 0 && maxScaling == 0 && elasticAlpha == 0 }

    /// Whether the parts are only whole-pixel shifts, which copy pixels without resampling.
    var isShiftOnly: Bool { maxRotation == 0 && maxScaling == 0 && elasticAlpha == 0 }

    /// The first option whose value is out of range, with what is allowed.
    /// - Returns: (option name, value, expected) or nil when every value can be used.
    public var invalidOption: (option: String, value: String, expected: String)? {
        if maxShift < 0 || maxShift > 8 { return ("shift", "\(maxShift)", "0 to 8 pixels") }
        if !(maxRotation >= 0 && maxRotation <= 90) { return ("rotation", "\(maxRotation)", "0 to 90 degrees") }
        if !(maxScaling >= 0 && maxScaling < 1) { return ("scaling", "\(maxScaling)", "a fraction in 0..<1") }
        if !(elasticAlpha >= 0 && elasticAlpha <= 1000) { return ("elastic-alpha", "\(elasticAlpha)", "0 to 1000 pixels") }
        if !(elasticSigma >= 0.5 && elasticSigma <= 20) { return ("elastic-sigma", "\(elasticSigma)", "0.5 to 20 pixels") }
        return nil
    }

    /// The command-line name and value of the first distortion that is on (nil when none is).
    public var firstOptionInUse: (option: String, value: String)? {
        if maxShift > 0 { return ("shift", "\(maxShift)") }
        if maxRotation > 0 { return ("rotation", "\(maxRotation)") }
        if maxScaling > 0 { return ("scaling", "\(maxScaling)") }
        if elasticAlpha > 0 { return ("elastic-alpha", "\(elasticAlpha)") }
        return nil
    }

    /// A short description for model metadata, e.g. `shift 2, rotation 10, scaling 0.1, elastic 34/4`.
    public var summary: String {
        guard !isIdentity else { return "none" }
        var parts: [String] = []
        if maxShift > 0 { parts.append("shift \(maxShift)") }
        if maxRotation > 0 { parts.append("rotation \(maxRotation)") }
        if maxScaling > 0 { parts.append("scaling \(maxScaling)") }
        if elasticAlpha > 0 { parts.append("elastic \(elasticAlpha)/\(elasticSigma)") }
        return parts.joined(separator: ", ")
    }
}
