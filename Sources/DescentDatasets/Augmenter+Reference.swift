import DescentLinearAlgebra

/// The distortion as it was before its smoothing and sampling moved into C: the judge of `distort`'s bytes in the
/// tests, and its baseline in `descent bench --distortions`.
extension Augmenter {
    /// Writes what `distort` writes, drawing the same numbers from `generator`, with the elastic
    /// field smoothed and the image sampled by the plain Swift loops below instead of
    /// descent_gaussian_smooth and descent_distortion_sample.
    /// - Complexity: O(rows · columns · σ) with an elastic field, else O(rows · columns).
    @_specialize(exported: true, where Generator == SplitMix64)
    package mutating func distortByReference<Generator: RandomNumberGenerator>(
        _ image: ArraySlice<UInt8>, into output: inout [UInt8], using generator: inout Generator
    ) {
        distort(image, into: &output, using: &generator, implementation: .reference)
    }

    /// field ← scale · (G ∗ noise) separably, along rows into `across`, then along columns. Each pass is
    /// a sum of shifted whole rows; the zero border stands for outside. Each sum starts from 0 and adds
    /// its terms in tap order, each product rounded first: what the C kernels must equal bit for bit.
    static func smoothByReference(_ noise: [Float], across: inout [Float], into field: inout [Float], kernel: [Float],
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

    /// output(p) = the input sampled at c + M·(p − c) − t + field(p), M = [cosine sine; −sine cosine].
    func sampleByReference(_ image: ArraySlice<UInt8>, into output: inout [UInt8], cosine: Float, sine: Float,
                           shiftX: Int, shiftY: Int) {
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

    /// The input at a real position by bilinear interpolation, 0 outside the image, rounded to a byte.
    /// The value is a convex combination of bytes, so it needs no clamping.
    @inline(__always)
    func sample(_ source: UnsafeBufferPointer<UInt8>, x: Float, y: Float) -> UInt8 {
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
}
