// Photos of digits written on paper. A phone's picture of a page is not a drawing: the paper is lit
// unevenly (brighter near the lamp, darker at the corners), it has texture and the camera adds noise,
// so no one brightness tells ink from paper across the picture. The steps below first estimate the
// paper's own brightness everywhere (a grayscale closing, which removes dark features narrower than
// its window, then a box blur: "background estimation" as in Gonzalez & Woods, Digital Image
// Processing, 9.6.3, top-hat transformation), read ink as the share of the paper's light it takes
// away, and split ink from paper by Otsu's threshold (N. Otsu, "A threshold selection method from
// gray-level histograms", IEEE SMC 9(1), 1979). Specks left by paper texture are dropped. The result
// is black and white, as NIST's forms were before MNIST's size normalisation made its gray levels,
// and then goes through the same preparation as a drawing.

extension DigitPreparation {
    /// How a picture is read before MNIST's preparation.
    public enum Mode: String, CaseIterable, Sendable {
        /// A photo when `looksLikePhoto` says so (a ground that is not evenly lit), otherwise a drawing.
        case automatic = "auto"
        /// A clean picture: a canvas drawing, a scan, an MNIST-like image (`mnistInput(from:source:)`).
        case drawing
        /// A photo of a digit on paper: the lighting and paper texture are removed first (`photoInk`).
        case photo
    }

    /// The longest side a photo is worked on at; larger photos are first shrunk by area averaging.
    /// The digit ends up 20 pixels tall, so this keeps strokes many pixels wide and the work small.
    public static let photoSide = 512
    /// Border pixels' spread (90th minus 10th percentile, of 255) above which the ground counts as
    /// unevenly lit: a canvas or a clean scan has almost none, a photo's lighting and noise give more.
    static let photoBorderSpread = 12
    /// Less than this difference (a share of the paper's light) between the mean ink and the mean
    /// paper that Otsu's threshold separates is no ink: a blank page's texture.
    static let minimumPhotoContrast: Float = 0.15
    /// Pieces of ink smaller than this share of the largest piece are specks of texture, not strokes.
    static let speckShare = 0.05

    /// Prepares a picture as MNIST's digits were, reading it as `mode` says.
    ///
    /// - Parameters:
    ///   - image: The picture, any size.
    ///   - mode: A drawing, a photo, or `automatic` (`looksLikePhoto` decides).
    ///   - source: Names the picture in errors (usually its path).
    /// - Returns: 784 bytes, row-major, 0 background, 255 ink.
    /// - Throws: `ImageError.noInk` when the picture is blank.
    /// - Complexity: O(`image.width * image.height`).
    public static func mnistInput(from image: GrayImage, mode: Mode, source: String = "image") throws(ImageError) -> [UInt8] {
        switch mode {
        case .drawing: return try mnistInput(from: image, source: source)
        case .photo: return try mnistInput(from: photoInk(of: image, source: source), source: source)
        case .automatic: return try mnistInput(from: image, mode: looksLikePhoto(image) ? .photo : .drawing, source: source)
        }
    }

    /// Whether a picture looks like a photo: its border (the paper, or a board) is uneven, its 90th
    /// and 10th percentiles more than 12 levels apart. A canvas, a clean scan and MNIST's digits are
    /// not; a phone's picture of a page or a board almost always is.
    /// - Complexity: O(`image.width + image.height`).
    public static func looksLikePhoto(_ image: GrayImage) -> Bool {
        var border: [UInt8] = []
        for x in 0..<image.width where image.height > 0 {
            border.append(image[x, 0])
            border.append(image[x, image.height - 1])
        }
        for y in 0..<image.height where image.width > 0 {
            border.append(image[0, y])
            border.append(image[image.width - 1, y])
        }
        guard !border.isEmpty else { return false }
        border.sort()
        let spread = Int(border[border.count * 9 / 10]) - Int(border[border.count / 10])
        return spread > photoBorderSpread
    }

    /// The ink of a photo of dark ink on light paper, with the lighting and the paper's texture removed:
    /// a black picture with the ink white (255), ready for `mnistInput(from:source:)`.
    ///
    /// 1. A photo whose longer side is over `photoSide` pixels is shrunk to it (area averaging); one
    ///    whose border is dark on average (chalk on a board) is inverted, so its ink is dark on light.
    /// 2. The paper's brightness is estimated at every pixel: a closing (the largest value over a
    ///    square window, then the smallest over the same window, about a fifth of the longer side, so
    ///    wider than any stroke) followed by a box blur half its size.
    /// 3. Ink is the share of the paper's light a pixel lacks: (paper − pixel) / paper, in 0...1.
    /// 4. Otsu's threshold on that share separates ink from paper; pieces of ink (8-connected) smaller
    ///    than 5% of the largest piece are dropped as specks.
    /// - Parameters:
    ///   - image: The photo, any size.
    ///   - source: Names the picture in errors (usually its path).
    /// - Throws: `ImageError.noInk` when the two sides of the threshold differ by less than 15% of the
    ///   paper's light (a blank page), or nothing is left.
    /// - Complexity: O(`image.width * image.height`).
    public static func photoInk(of image: GrayImage, source: String = "image") throws(ImageError) -> GrayImage {
        guard image.width > 0, image.height > 0 else { throw .noInk(source: source) }
        var plane = Plane(width: image.width, height: image.height, values: image.pixels.map { Float($0) })
        let longer = max(plane.width, plane.height)
        if longer > photoSide { plane = shrunk(plane, scale: Double(photoSide) / Double(longer)) }
        // Light ink on a dark ground (chalk on a board): turned into dark ink on light, as on paper.
        if plane.borderMean <= 127 { plane.values = plane.values.map { 255 - $0 } }
        let radius = max(4, max(plane.width, plane.height) / 10)
        let closed = Filter.extreme(Filter.extreme(plane, radius: radius, largest: true), radius: radius, largest: false)
        let paper = Filter.boxBlur(closed, radius: max(1, radius / 2))
        let ink = zip(plane.values, paper.values).map { pixel, light in min(1, max(0, (light - pixel) / max(light, 1))) }
        guard let threshold = otsuThreshold(ink, minimumContrast: minimumPhotoContrast) else { throw .noInk(source: source) }
        var mask = ink.map { $0 >= threshold }
        Filter.removeSpecks(&mask, width: plane.width, height: plane.height, share: speckShare)
        guard mask.contains(true) else { throw .noInk(source: source) }
        return GrayImage(width: plane.width, height: plane.height, pixels: mask.map { $0 ? 255 : 0 })
    }

    /// Otsu's threshold for values in 0...1 (a 256-bin histogram): the level that maximises the
    /// variance between the values below it and those at or above it. Nil when the two classes' means
    /// differ by less than `minimumContrast`, or one class is empty.
    static func otsuThreshold(_ values: [Float], minimumContrast: Float) -> Float? {
        var histogram = [Double](repeating: 0, count: 256)
        for value in values { histogram[min(255, Int(value * 255))] += 1 }
        let total = Double(values.count)
        let sum = histogram.enumerated().reduce(0.0) { $0 + Double($1.offset) * $1.element }
        var below = 0.0, belowSum = 0.0
        var best: (level: Int, variance: Double)?
        for level in 1..<256 {
            below += histogram[level - 1]
            belowSum += Double(level - 1) * histogram[level - 1]
            let above = total - below
            guard below > 0, above > 0 else { continue }
            let difference = belowSum / below - (sum - belowSum) / above
            let variance = below * above * difference * difference
            if variance > (best?.variance ?? 0) { best = (level, variance) }
        }
        guard let best else { return nil }
        let belowCount = histogram[..<best.level].reduce(0, +)
        let belowMean = histogram[..<best.level].enumerated().reduce(0.0) { $0 + Double($1.offset) * $1.element } / belowCount
        let aboveMean = (sum - belowMean * belowCount) / (total - belowCount)
        guard Float((aboveMean - belowMean) / 255) >= minimumContrast else { return nil }
        return Float(best.level) / 255
    }

    /// The plane scaled by `scale` < 1 on both axes, each output pixel the mean of the input it covers.
    static func shrunk(_ plane: Plane, scale: Double) -> Plane {
        let width = max(1, Int((Double(plane.width) * scale).rounded())), height = max(1, Int((Double(plane.height) * scale).rounded()))
        let columnTaps = Resampling.taps(count: plane.width, outputCount: width, scale: Double(width) / Double(plane.width))
        let rowTaps = Resampling.taps(count: plane.height, outputCount: height, scale: Double(height) / Double(plane.height))
        var across = [Float](repeating: 0, count: plane.height * width)
        for y in 0..<plane.height {
            for (x, taps) in columnTaps.enumerated() {
                var sum: Float = 0
                for tap in taps { sum += tap.weight * plane.values[y * plane.width + tap.index] }
                across[y * width + x] = sum
            }
        }
        var result = [Float](repeating: 0, count: height * width)
        for (y, taps) in rowTaps.enumerated() {
            for tap in taps {
                for x in 0..<width { result[y * width + x] += tap.weight * across[tap.index * width + x] }
            }
        }
        return Plane(width: width, height: height, values: result)
    }
}

extension DigitPreparation.Plane {
    /// The mean of the pixels on the plane's edges (0 for an empty plane).
    var borderMean: Float {
        guard width > 0, height > 0 else { return 0 }
        var sum: Float = 0
        for x in 0..<width { sum += values[x] + values[(height - 1) * width + x] }
        for y in 0..<height { sum += values[y * width] + values[y * width + width - 1] }
        return sum / Float(2 * (width + height))
    }
}

extension DigitPreparation {
    /// Neighbourhood filters on planes and masks, each O(pixels) whatever the window.
    enum Filter {
        /// The largest (or smallest) value over the (2 radius + 1)-square window around each pixel,
        /// the window cut at the edges: rows, then columns, each a sliding window kept in a monotonic queue.
        static func extreme(_ plane: Plane, radius: Int, largest: Bool) -> Plane {
            var values = plane.values
            var line = [Float](repeating: 0, count: max(plane.width, plane.height))
            var queue = [Int](repeating: 0, count: line.count)
            func slide(count: Int) {
                var result = [Float](repeating: 0, count: count)
                var head = 0, tail = 0, next = 0
                for index in 0..<count {
                    while next <= min(count - 1, index + radius) {
                        let value = line[next]
                        while tail > head, largest ? line[queue[tail - 1]] <= value : line[queue[tail - 1]] >= value { tail -= 1 }
                        queue[tail] = next
                        tail += 1
                        next += 1
                    }
                    while queue[head] < index - radius { head += 1 }
                    result[index] = line[queue[head]]
                }
                line.replaceSubrange(0..<count, with: result)
            }
            for y in 0..<plane.height {
                for x in 0..<plane.width { line[x] = values[y * plane.width + x] }
                slide(count: plane.width)
                for x in 0..<plane.width { values[y * plane.width + x] = line[x] }
            }
            for x in 0..<plane.width {
                for y in 0..<plane.height { line[y] = values[y * plane.width + x] }
                slide(count: plane.height)
                for y in 0..<plane.height { values[y * plane.width + x] = line[y] }
            }
            return Plane(width: plane.width, height: plane.height, values: values)
        }

        /// The mean over the (2 radius + 1)-square window around each pixel, the window cut at the
        /// edges: rows, then columns, each from running sums.
        static func boxBlur(_ plane: Plane, radius: Int) -> Plane {
            var values = plane.values
            func blur(_ read: (Int) -> Float, count: Int, write: (Int, Float) -> Void) {
                var sums = [Double](repeating: 0, count: count + 1)
                for index in 0..<count { sums[index + 1] = sums[index] + Double(read(index)) }
                for index in 0..<count {
                    let low = max(0, index - radius), high = min(count, index + radius + 1)
                    write(index, Float((sums[high] - sums[low]) / Double(high - low)))
                }
            }
            let (width, height) = (plane.width, plane.height)
            for y in 0..<height {
                let row = values[(y * width)..<((y + 1) * width)].map { $0 }
                blur({ row[$0] }, count: width) { values[y * width + $0] = $1 }
            }
            for x in 0..<width {
                let column = (0..<height).map { values[$0 * width + x] }
                blur({ column[$0] }, count: height) { values[$0 * width + x] = $1 }
            }
            return Plane(width: width, height: height, values: values)
        }

        /// Clears the 8-connected pieces of `mask` smaller than `share` of the largest piece.
        static func removeSpecks(_ mask: inout [Bool], width: Int, height: Int, share: Double) {
            var piece = [Int](repeating: -1, count: mask.count)
            var sizes: [Int] = []
            var stack: [Int] = []
            for start in mask.indices where mask[start] && piece[start] < 0 {
                let id = sizes.count
                var size = 0
                piece[start] = id
                stack.append(start)
                while let index = stack.popLast() {
                    size += 1
                    let (x, y) = (index % width, index / width)
                    for dy in -1...1 {
                        for dx in -1...1 where (dx, dy) != (0, 0) {
                            let (nx, ny) = (x + dx, y + dy)
                            guard nx >= 0, nx < width, ny >= 0, ny < height else { continue }
                            let neighbour = ny * width + nx
                            if mask[neighbour] && piece[neighbour] < 0 {
                                piece[neighbour] = id
                                stack.append(neighbour)
                            }
                        }
                    }
                }
                sizes.append(size)
            }
            let smallest = Double(sizes.max() ?? 0) * share
            for index in mask.indices where mask[index] && Double(sizes[piece[index]]) < smallest { mask[index] = false }
        }
    }
}
