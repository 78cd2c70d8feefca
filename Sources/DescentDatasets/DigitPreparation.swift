// How MNIST's digits were prepared (LeCun, Cortes & Burges, the MNIST page): "The original black
// and white images from NIST were size normalized to fit in a 20x20 pixel box while preserving their
// aspect ratio. The resulting images contain grey levels as a result of the anti-aliasing technique
// used by the normalization algorithm. The images were centered in a 28x28 image by computing the
// center of mass of the pixels, and translating the image so as to position this point at the center
// of the 28x28 field." Measured on the MNIST test set: the ink's bounding box at a quarter of the
// brightest pixel is 20 pixels on its longer side, and the centre of mass, in pixel-index coordinates,
// lies in 13.5...14.5 on both axes; so this places it at (14, 14) rounded, as MNIST did.

/// Prepares a person's picture of a digit the way MNIST's digits were prepared, so that a network
/// trained on MNIST sees it as it saw its training data.
public enum DigitPreparation {
    /// The side of MNIST's images.
    public static let side = 28
    /// The side of the box the ink is scaled to fit.
    public static let boxSide = 20
    /// A pixel counts as ink for the bounding box when it is at least this fraction of the brightest.
    static let inkThreshold: Float = 0.25
    /// Less difference than this between the brightest pixel and the background (of 255) is no ink.
    static let minimumContrast: Float = 16
    /// Output pixels kept around the ink's bounding box, so faint anti-aliased edges survive.
    static let margin = 2

    /// Prepares a person's picture of a digit as MNIST's digits were prepared: 28x28 bytes,
    /// 0 background, 255 ink.
    ///
    /// 1. When the border is mostly light (mean above 127) the picture is inverted, so ink is bright
    ///    on dark; the border's median is taken as the background and the ink stretched to 0...255.
    /// 2. The ink's bounding box is found (pixels of at least a quarter of the brightest).
    /// 3. The box, with a small margin, is scaled so its longer side is 20 pixels, keeping the aspect
    ///    ratio: area-averaging when shrinking (thin strokes stay anti-aliased), bilinear when enlarging.
    /// 4. The result is placed in a black 28x28 field with its intensity-weighted centre of mass, in
    ///    pixel-index coordinates, at (14, 14) rounded; anything falling outside is clipped.
    /// - Parameters:
    ///   - image: The picture, any size, dark ink on light paper or light ink on dark.
    ///   - source: Names the picture in errors (usually its path).
    /// - Returns: 784 bytes, row-major.
    /// - Throws: `ImageError.noInk` when the picture is blank.
    /// - Complexity: O(`image.width * image.height`).
    public static func mnistInput(from image: GrayImage, source: String = "image") throws(ImageError) -> [UInt8] {
        guard let ink = inkPlane(of: image) else { throw .noInk(source: source) }
        let box = ink.boundingBox(atLeast: inkThreshold * 255)
        let scaled = normalized(ink, box: box)
        guard let field = centred(scaled) else { throw .noInk(source: source) }
        return field
    }

    /// A text picture of an image for a terminal, one character a pixel from the ramp `" .:-=+*#%@"`
    /// (0 a blank, 255 an `@`): for 28x28 input, 28 lines of 28 characters, separated by newlines.
    ///
    /// - Parameters:
    ///   - pixels: Row-major bytes, a multiple of `width` of them.
    ///   - width: The number of columns.
    public static func textPicture(of pixels: [UInt8], width: Int = 28) -> String {
        precondition(width > 0 && pixels.count % width == 0, "textPicture: \(pixels.count) pixels in rows of \(width)")
        let ramp = Array(" .:-=+*#%@")
        var lines: [String] = []
        for start in stride(from: 0, to: pixels.count, by: width) {
            lines.append(String(pixels[start..<(start + width)].map { ramp[Int($0) * ramp.count / 256] }))
        }
        return lines.joined(separator: "\n")
    }

    // MARK: - The steps

    /// Step 1: ink as bright values on a background of 0, stretched so the brightest is 255;
    /// nil when there is no ink.
    static func inkPlane(of image: GrayImage) -> Plane? {
        var border: [Float] = []
        for x in 0..<image.width where image.height > 0 {
            border.append(Float(image[x, 0]))
            border.append(Float(image[x, image.height - 1]))
        }
        for y in 0..<image.height where image.width > 0 {
            border.append(Float(image[0, y]))
            border.append(Float(image[image.width - 1, y]))
        }
        guard !border.isEmpty else { return nil }
        let inverted = border.reduce(0, +) / Float(border.count) > 127
        if inverted { border = border.map { 255 - $0 } }
        border.sort()
        let background = border[border.count / 2]
        var values = image.pixels.map { inverted ? 255 - Float($0) : Float($0) }
        let peak = values.max() ?? 0
        guard peak - background >= minimumContrast else { return nil }
        let gain = 255 / (peak - background)
        for index in values.indices { values[index] = max(0, (values[index] - background) * gain) }
        return Plane(width: image.width, height: image.height, values: values)
    }

    /// Step 3: the box, with `margin` output pixels around it where the image has them, scaled so
    /// its longer side is `boxSide`.
    static func normalized(_ plane: Plane, box: Box) -> Plane {
        let scale = Double(boxSide) / Double(max(box.xs.count, box.ys.count))
        let extra = Int((Double(margin) / scale).rounded(.up))
        let xs = max(0, box.xs.lowerBound - extra)..<min(plane.width, box.xs.upperBound + extra)
        let ys = max(0, box.ys.lowerBound - extra)..<min(plane.height, box.ys.upperBound + extra)
        let outputWidth = Int((Double(xs.count) * scale).rounded(.up))
        let outputHeight = Int((Double(ys.count) * scale).rounded(.up))
        let columnTaps = Resampling.taps(count: xs.count, outputCount: outputWidth, scale: scale)
        let rowTaps = Resampling.taps(count: ys.count, outputCount: outputHeight, scale: scale)
        // Rows first (ys.count x outputWidth), then columns (outputHeight x outputWidth).
        var across = [Float](repeating: 0, count: ys.count * outputWidth)
        for y in 0..<ys.count {
            let row = (ys.lowerBound + y) * plane.width + xs.lowerBound
            for (x, taps) in columnTaps.enumerated() {
                var sum: Float = 0
                for tap in taps { sum += tap.weight * plane.values[row + tap.index] }
                across[y * outputWidth + x] = sum
            }
        }
        var result = [Float](repeating: 0, count: outputHeight * outputWidth)
        for (y, taps) in rowTaps.enumerated() {
            for tap in taps {
                for x in 0..<outputWidth {
                    result[y * outputWidth + x] += tap.weight * across[tap.index * outputWidth + x]
                }
            }
        }
        return Plane(width: outputWidth, height: outputHeight, values: result)
    }

    /// Step 4: the plane, rounded to bytes, translated into a `side` x `side` field so that its centre
    /// of mass lands at (side / 2, side / 2) rounded; nil when it has no mass.
    static func centred(_ plane: Plane) -> [UInt8]? {
        let bytes = plane.values.map { UInt8(min(255, max(0, $0.rounded()))) }
        var mass = 0.0, columnMoment = 0.0, rowMoment = 0.0
        for y in 0..<plane.height {
            for x in 0..<plane.width {
                let value = Double(bytes[y * plane.width + x])
                mass += value
                columnMoment += value * Double(x)
                rowMoment += value * Double(y)
            }
        }
        guard mass > 0 else { return nil }
        let centre = Double(side / 2)
        let dx = Int((centre - columnMoment / mass).rounded())
        let dy = Int((centre - rowMoment / mass).rounded())
        var field = [UInt8](repeating: 0, count: side * side)
        for y in 0..<plane.height where (0..<side).contains(y + dy) {
            for x in 0..<plane.width where (0..<side).contains(x + dx) {
                field[(y + dy) * side + x + dx] = bytes[y * plane.width + x]
            }
        }
        return field
    }
}

// MARK: - Helpers, nested so their names cannot clash within the module

extension DigitPreparation {
    /// A grid of intensities, row-major.
    struct Plane {
        var width: Int
        var height: Int
        var values: [Float]

        /// The smallest box holding every value of at least `threshold` (the whole plane when none is).
        func boundingBox(atLeast threshold: Float) -> Box {
            var minX = width, maxX = -1, minY = height, maxY = -1
            for y in 0..<height {
                for x in 0..<width where values[y * width + x] >= threshold {
                    minX = min(minX, x)
                    maxX = max(maxX, x)
                    minY = min(minY, y)
                    maxY = max(maxY, y)
                }
            }
            guard maxX >= 0 else { return Box(xs: 0..<width, ys: 0..<height) }
            return Box(xs: minX..<(maxX + 1), ys: minY..<(maxY + 1))
        }
    }

    /// Columns and rows of a rectangle.
    struct Box: Equatable {
        var xs: Range<Int>
        var ys: Range<Int>
    }

    /// One-dimensional resampling weights; two passes of them scale an image.
    enum Resampling {
        /// For each of `outputCount` output samples, the input samples (indices in `0..<count`) and
        /// weights that make it, when output coordinate `v` is input coordinate `v / scale`, both
        /// measured from the left edge of the first sample. Shrinking (`scale < 1`) averages the input
        /// over each output cell, weighting each input sample by the length it covers (a box filter; the
        /// weights sum to 1 where the cell lies inside the input). Enlarging interpolates linearly between
        /// the two input samples nearest the output sample's centre. Input beyond the ends counts as 0.
        static func taps(count: Int, outputCount: Int, scale: Double) -> [[(index: Int, weight: Float)]] {
            (0..<outputCount).map { k in
                var taps: [(index: Int, weight: Float)] = []
                if scale < 1 {
                    let start = Double(k) / scale, end = min(Double(k + 1) / scale, Double(count))
                    var index = Int(start)
                    while Double(index) < end {
                        let covered = min(end, Double(index + 1)) - max(start, Double(index))
                        if covered > 0 { taps.append((index, Float(covered * scale))) }
                        index += 1
                    }
                } else {
                    let position = (Double(k) + 0.5) / scale - 0.5
                    let left = Int(position.rounded(.down))
                    let fraction = position - Double(left)
                    if (0..<count).contains(left) { taps.append((left, Float(1 - fraction))) }
                    if fraction > 0 && (0..<count).contains(left + 1) { taps.append((left + 1, Float(fraction))) }
                }
                return taps
            }
        }
    }
}
