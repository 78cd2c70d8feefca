import DescentLinearAlgebra

/// Applies an `Augmentation` to images of one size, with every buffer made once: distorting an image
/// allocates nothing.
///
/// For output pixel p (column x, row y) the input is sampled bilinearly at
///   c + (1/s)·R(−θ)·(p − c) − t + α·(G_σ ∗ u)(p),
/// with c the image centre, t the shift, θ the rotation, s the scaling, and u a field of independent
/// uniform(−1, 1) displacements on each axis smoothed by a normalised Gaussian G_σ truncated at 3σ,
/// zero outside the image (Simard et al. 2003, section 2). Input outside the image is 0.
package struct Augmenter: Sendable {
    /// The distortions this augmenter draws.
    package let augmentation: Augmentation
    /// The height of the images it distorts, in pixels.
    package let rows: Int
    /// The width of the images it distorts, in pixels.
    package let columns: Int
    /// The Gaussian's taps from −radius to radius, summing to 1.
    private let kernel: [Float]
    /// The elastic field's two axes, each rows x columns.
    private var fieldX: [Float]
    private var fieldY: [Float]
    /// The raw uniform field, (rows + 2·radius) x (columns + 2·radius) with a border of zeros that is
    /// never written, so both passes of the smoothing run over whole rows without bounds tests.
    private var noise: [Float]
    /// The row pass's result, (rows + 2·radius) x columns, its top and bottom `radius` rows zero.
    private var across: [Float]

    /// Buffers for images of `rows` x `columns`.
    package init(_ augmentation: Augmentation, rows: Int, columns: Int) {
        self.augmentation = augmentation
        self.rows = rows
        self.columns = columns
        let sigma = augmentation.elasticSigma
        let radius = augmentation.elasticAlpha > 0 ? Int((3 * sigma).rounded(.up)) : 0
        var taps = (-radius...radius).map { Float(exp(-Double($0 * $0) / (2 * sigma * sigma))) }
        let total = taps.reduce(0, +)
        for index in taps.indices { taps[index] /= total }
        kernel = taps
        let elastic = augmentation.elasticAlpha > 0
        fieldX = Array(repeating: 0, count: elastic ? rows * columns : 0)
        fieldY = fieldX
        noise = Array(repeating: 0, count: elastic ? (rows + 2 * radius) * (columns + 2 * radius) : 0)
        across = Array(repeating: 0, count: elastic ? (rows + 2 * radius) * columns : 0)
    }

    /// Writes a distorted copy of `image` (rows x columns bytes) into `output`, drawing from `generator`.
    /// - Complexity: O(rows · columns · σ) with an elastic field, else O(rows · columns).
    @_specialize(exported: true, where Generator == SplitMix64)
    package mutating func distort<Generator: RandomNumberGenerator>(
        _ image: ArraySlice<UInt8>, into output: inout [UInt8], using generator: inout Generator
    ) {
        let size = rows * columns
        precondition(image.count == size && output.count == size, "distort: \(image.count) -> \(output.count) bytes for \(rows)x\(columns)")
        let span = 2 * augmentation.maxShift + 1
        let shiftX = augmentation.maxShift > 0 ? generator.uniformInt(below: span) - augmentation.maxShift : 0
        let shiftY = augmentation.maxShift > 0 ? generator.uniformInt(below: span) - augmentation.maxShift : 0
        if augmentation.isShiftOnly {
            shift(image, into: &output, x: shiftX, y: shiftY)
            return
        }
        let angle = augmentation.maxRotation > 0 ? (2 * generator.uniformDouble() - 1) * augmentation.maxRotation * Double.pi / 180 : 0
        let scale = augmentation.maxScaling > 0 ? 1 + (2 * generator.uniformDouble() - 1) * augmentation.maxScaling : 1
        if augmentation.elasticAlpha > 0 { drawElasticField(using: &generator) }
        // Input = c + M·(p − c) − t + field, with M = R(−θ)/s.
        let cosine = Float(cos(angle) / scale), sine = Float(sin(angle) / scale)
        let centreX = Float(columns - 1) / 2, centreY = Float(rows - 1) / 2
        let elastic = augmentation.elasticAlpha > 0
        image.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                fieldX.withUnsafeBufferPointer { fieldX in
                    fieldY.withUnsafeBufferPointer { fieldY in
                        for y in 0..<rows {
                            let dy = Float(y) - centreY
                            for x in 0..<columns {
                                let dx = Float(x) - centreX
                                var sourceX = centreX + cosine * dx + sine * dy - Float(shiftX)
                                var sourceY = centreY - sine * dx + cosine * dy - Float(shiftY)
                                if elastic {
                                    sourceX += fieldX[y * columns + x]
                                    sourceY += fieldY[y * columns + x]
                                }
                                target[y * columns + x] = sample(source, x: sourceX, y: sourceY)
                            }
                        }
                    }
                }
            }
        }
    }

    /// The whole-pixel shift: output(x, y) = input(x − shiftX, y − shiftY), 0 outside.
    private func shift(_ image: ArraySlice<UInt8>, into output: inout [UInt8], x shiftX: Int, y shiftY: Int) {
        image.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                for y in 0..<rows {
                    let fromY = y - shiftY
                    for x in 0..<columns {
                        let fromX = x - shiftX
                        let inside = fromY >= 0 && fromY < rows && fromX >= 0 && fromX < columns
                        target[y * columns + x] = inside ? source[fromY * columns + fromX] : 0
                    }
                }
            }
        }
    }

    /// The input at a real position by bilinear interpolation, 0 outside the image, rounded to a byte.
    /// The value is a convex combination of bytes, so it needs no clamping.
    @inline(__always)
    private func sample(_ source: UnsafeBufferPointer<UInt8>, x: Float, y: Float) -> UInt8 {
        guard x > -1, y > -1, x < Float(columns), y < Float(rows) else { return 0 }
        // x + 1 > 0, so truncation is the floor.
        let column = Int(x + 1) - 1, row = Int(y + 1) - 1
        let fx = x - Float(column), fy = y - Float(row)
        let value: Float
        if column >= 0 && row >= 0 && column + 1 < columns && row + 1 < rows {
            let at = row * columns + column
            let upper = Float(source[at]) + fx * (Float(source[at + 1]) - Float(source[at]))
            let lower = Float(source[at + columns]) + fx * (Float(source[at + columns + 1]) - Float(source[at + columns]))
            value = upper + fy * (lower - upper)
        } else {
            @inline(__always) func pixel(_ r: Int, _ c: Int) -> Float {
                r >= 0 && r < rows && c >= 0 && c < columns ? Float(source[r * columns + c]) : 0
            }
            let upper = pixel(row, column) * (1 - fx) + pixel(row, column + 1) * fx
            let lower = pixel(row + 1, column) * (1 - fx) + pixel(row + 1, column + 1) * fx
            value = upper * (1 - fy) + lower * fy
        }
        return UInt8(min(255, max(0, value + 0.5)))
    }

    /// fieldX, fieldY ← α·(G_σ ∗ u) for fresh uniform(−1, 1) fields u, drawn row by row, the x field first.
    private mutating func drawElasticField(using generator: inout some RandomNumberGenerator) {
        let alpha = Float(augmentation.elasticAlpha)
        let radius = kernel.count / 2, width = columns + 2 * radius
        // Each 64-bit draw gives two uniforms in [−1, 1) of 24 bits each: high half first, then low half.
        let unit = Float(0x1p-23)
        var spare: UInt64 = 0, hasSpare = false
        for index in 0..<2 {
            for y in 0..<rows {
                for x in 0..<columns {
                    if !hasSpare { spare = generator.next() }
                    let bits = hasSpare ? spare & 0xFF_FFFF : spare >> 40
                    hasSpare.toggle()
                    noise[(y + radius) * width + x + radius] = Float(bits) * unit - 1
                }
            }
            if index == 0 {
                Self.smooth(noise, across: &across, into: &fieldX, kernel: kernel, rows: rows, columns: columns, scale: alpha)
            } else {
                Self.smooth(noise, across: &across, into: &fieldY, kernel: kernel, rows: rows, columns: columns, scale: alpha)
            }
        }
    }

    /// field ← scale · (G ∗ noise) separably, along rows into `across`, then along columns. Each pass is
    /// a sum of shifted whole rows (contiguous, so it vectorises); the zero border stands for outside.
    private static func smooth(_ noise: [Float], across: inout [Float], into field: inout [Float], kernel: [Float],
                               rows: Int, columns: Int, scale: Float) {
        let radius = kernel.count / 2, width = columns + 2 * radius
        kernel.withUnsafeBufferPointer { taps in
            noise.withUnsafeBufferPointer { noise in
                across.withUnsafeMutableBufferPointer { across in
                    for y in radius..<(radius + rows) {
                        let target = across.baseAddress! + y * columns
                        for x in 0..<columns { target[x] = 0 }
                        for k in 0..<taps.count {
                            let weight = taps[k], source = noise.baseAddress! + y * width + k
                            for x in 0..<columns { target[x] += weight * source[x] }
                        }
                    }
                    field.withUnsafeMutableBufferPointer { field in
                        for y in 0..<rows {
                            let target = field.baseAddress! + y * columns
                            for x in 0..<columns { target[x] = 0 }
                            for k in 0..<taps.count {
                                let weight = taps[k] * scale, source = across.baseAddress! + (y + k) * columns
                                for x in 0..<columns { target[x] += weight * source[x] }
                            }
                        }
                    }
                }
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
