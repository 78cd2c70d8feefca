import LinearAlgebra

/// Applies an `Augmentation` to images of one size, with every buffer made once: distorting an image
/// allocates nothing.
///
/// For output pixel p (column x, row y) the input is sampled bilinearly at
///   c + (1/s)·R(−θ)·(p − c) − t + α·(G_σ ∗ u)(p),
/// with c the image centre, t the shift, θ the rotation, s the scaling, and u a field of independent
/// uniform(−1, 1) displacements on each axis smoothed by a normalised Gaussian G_σ truncated at 3σ,
/// zero outside the image (Simard et al. 2003, section 2). Input outside the image is 0.
public struct Augmenter: Sendable {
    public let augmentation: Augmentation
    public let rows: Int
    public let columns: Int
    /// The Gaussian's taps from −radius to radius, summing to 1.
    private let kernel: [Float]
    /// The elastic field's two axes, and a row-pass scratch plane, each rows x columns.
    private var fieldX: [Float]
    private var fieldY: [Float]
    private var scratch: [Float]

    /// Buffers for images of `rows` x `columns`.
    public init(_ augmentation: Augmentation, rows: Int, columns: Int) {
        self.augmentation = augmentation
        self.rows = rows
        self.columns = columns
        let sigma = augmentation.elasticSigma
        let radius = augmentation.elasticAlpha > 0 ? Int((3 * sigma).rounded(.up)) : 0
        var taps = (-radius...radius).map { Float(exp(-Double($0 * $0) / (2 * sigma * sigma))) }
        let total = taps.reduce(0, +)
        for index in taps.indices { taps[index] /= total }
        kernel = taps
        let planeSize = augmentation.elasticAlpha > 0 ? rows * columns : 0
        fieldX = Array(repeating: 0, count: planeSize)
        fieldY = fieldX
        scratch = fieldX
    }

    /// Writes a distorted copy of `image` (rows x columns bytes) into `output`, drawing from `generator`.
    /// - Complexity: O(rows · columns · σ) with an elastic field, else O(rows · columns).
    @_specialize(exported: true, where Generator == SplitMix64)
    public mutating func distort<Generator: RandomNumberGenerator>(
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
    @inline(__always)
    private func sample(_ source: UnsafeBufferPointer<UInt8>, x: Float, y: Float) -> UInt8 {
        let left = x.rounded(.down), top = y.rounded(.down)
        let fx = x - left, fy = y - top
        let column = Int(left), row = Int(top)
        @inline(__always) func pixel(_ r: Int, _ c: Int) -> Float {
            r >= 0 && r < rows && c >= 0 && c < columns ? Float(source[r * columns + c]) : 0
        }
        guard row >= -1, row < rows, column >= -1, column < columns else { return 0 }
        let upper = pixel(row, column) * (1 - fx) + pixel(row, column + 1) * fx
        let lower = pixel(row + 1, column) * (1 - fx) + pixel(row + 1, column + 1) * fx
        return UInt8(min(255, max(0, (upper * (1 - fy) + lower * fy).rounded())))
    }

    /// fieldX, fieldY ← α·(G_σ ∗ u) for fresh uniform(−1, 1) fields u, the x field drawn first.
    private mutating func drawElasticField(using generator: inout some RandomNumberGenerator) {
        let alpha = Float(augmentation.elasticAlpha)
        for index in fieldX.indices { fieldX[index] = Float(2 * generator.uniformDouble() - 1) }
        for index in fieldY.indices { fieldY[index] = Float(2 * generator.uniformDouble() - 1) }
        Self.smooth(&fieldX, scratch: &scratch, kernel: kernel, rows: rows, columns: columns, scale: alpha)
        Self.smooth(&fieldY, scratch: &scratch, kernel: kernel, rows: rows, columns: columns, scale: alpha)
    }

    /// plane ← scale · (G ∗ plane), separably: along rows into `scratch`, then along columns back.
    private static func smooth(_ plane: inout [Float], scratch: inout [Float], kernel: [Float], rows: Int, columns: Int, scale: Float) {
        let radius = kernel.count / 2
        kernel.withUnsafeBufferPointer { taps in
            plane.withUnsafeMutableBufferPointer { values in
                scratch.withUnsafeMutableBufferPointer { across in
                    for y in 0..<rows {
                        for x in 0..<columns {
                            var sum: Float = 0
                            for k in max(-radius, -x)...min(radius, columns - 1 - x) {
                                sum += taps[k + radius] * values[y * columns + x + k]
                            }
                            across[y * columns + x] = sum
                        }
                    }
                    for y in 0..<rows {
                        for x in 0..<columns { values[y * columns + x] = 0 }
                        for k in max(-radius, -y)...min(radius, rows - 1 - y) {
                            let weight = taps[k + radius] * scale
                            for x in 0..<columns { values[y * columns + x] += weight * across[(y + k) * columns + x] }
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
