import CDescentKernels
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
    let kernel: [Float]
    /// The elastic field's two axes, each rows x columns.
    var fieldX: [Float]
    var fieldY: [Float]
    /// The raw uniform field, (rows + 2·radius) x (columns + 2·radius) with a border of zeros that is
    /// never written, so both passes of the smoothing run over whole rows without bounds tests.
    var noise: [Float]
    /// The row pass's result, (rows + 2·radius) x columns, its top and bottom `radius` rows zero.
    var across: [Float]

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
        distort(image, into: &output, using: &generator, implementation: .kernels)
    }

    /// Who smooths the elastic field and samples the image: the C kernels, or the Swift loops they
    /// replaced, which `distortByReference` keeps as the judge of their bytes.
    enum Implementation { case kernels, reference }

    @inline(__always)
    mutating func distort<Generator: RandomNumberGenerator>(
        _ image: ArraySlice<UInt8>, into output: inout [UInt8], using generator: inout Generator, implementation: Implementation
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
        if augmentation.elasticAlpha > 0 { drawElasticField(using: &generator, implementation: implementation) }
        // Input = c + M·(p − c) − t + field, with M = R(−θ)/s.
        let cosine = Float(cos(angle) / scale), sine = Float(sin(angle) / scale)
        guard implementation == .kernels else {
            sampleByReference(image, into: &output, cosine: cosine, sine: sine, shiftX: shiftX, shiftY: shiftY)
            return
        }
        let elastic = augmentation.elasticAlpha > 0, rows = rows, columns = columns
        image.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                fieldX.withUnsafeBufferPointer { fieldX in
                    fieldY.withUnsafeBufferPointer { fieldY in
                        descent_distortion_sample(source.baseAddress, rows, columns, cosine, sine, shiftX, shiftY,
                                                  elastic ? fieldX.baseAddress : nil, elastic ? fieldY.baseAddress : nil,
                                                  target.baseAddress)
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

    /// fieldX, fieldY ← α·(G_σ ∗ u) for fresh uniform(−1, 1) fields u, drawn row by row, the x field first.
    private mutating func drawElasticField(using generator: inout some RandomNumberGenerator, implementation: Implementation) {
        let alpha = Float(augmentation.elasticAlpha)
        let radius = kernel.count / 2, width = columns + 2 * radius
        // Each 64-bit draw gives two uniforms in [−1, 1) of 24 bits each: high half first, then low half.
        let unit = Float(0x1p-23)
        var spare: UInt64 = 0, hasSpare = false
        let rows = rows, columns = columns
        for index in 0..<2 {
            // Through a pointer: subscripting the stored array would check it is unique at every write.
            noise.withUnsafeMutableBufferPointer { noise in
                for y in 0..<rows {
                    let target = noise.baseAddress! + (y + radius) * width + radius
                    for x in 0..<columns {
                        if !hasSpare { spare = generator.next() }
                        let bits = hasSpare ? spare & 0xFF_FFFF : spare >> 40
                        hasSpare.toggle()
                        target[x] = Float(bits) * unit - 1
                    }
                }
            }
            let smooth = implementation == .kernels ? Self.smooth : Self.smoothByReference
            if index == 0 {
                smooth(noise, &across, &fieldX, kernel, rows, columns, alpha)
            } else {
                smooth(noise, &across, &fieldY, kernel, rows, columns, alpha)
            }
        }
    }

    /// field ← scale · (G ∗ noise) by descent_gaussian_smooth: the loops of `smoothByReference`,
    /// vectorised across each row in C in every kernel family, each sum in the same order and unfused.
    private static func smooth(_ noise: [Float], across: inout [Float], into field: inout [Float], kernel: [Float],
                               rows: Int, columns: Int, scale: Float) {
        noise.withUnsafeBufferPointer { noise in
            kernel.withUnsafeBufferPointer { taps in
                across.withUnsafeMutableBufferPointer { across in
                    field.withUnsafeMutableBufferPointer { field in
                        descent_gaussian_smooth(noise.baseAddress, across.baseAddress, field.baseAddress, taps.baseAddress,
                                                taps.count, rows, columns, scale)
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
