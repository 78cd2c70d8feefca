@testable import DescentDatasets
import DescentLinearAlgebra
import Testing

@Suite("Augmentation")
struct AugmenterTests {
    /// A 28x28 image with a filled 6x10 block whose top-left corner is at (column 11, row 9).
    func block() -> [UInt8] {
        var image = [UInt8](repeating: 0, count: 784)
        for y in 9..<19 { for x in 11..<17 { image[y * 28 + x] = 200 } }
        return image
    }

    func centre(_ image: [UInt8]) -> (x: Double, y: Double, mass: Double) {
        var mass = 0.0, x = 0.0, y = 0.0
        for (index, value) in image.enumerated() {
            mass += Double(value)
            x += Double(value) * Double(index % 28)
            y += Double(value) * Double(index / 28)
        }
        return (x / mass, y / mass, mass)
    }

    @Test("off: the image comes back unchanged and the generator is untouched")
    func identity() {
        var augmenter = Augmenter(Augmentation(), rows: 28, columns: 28)
        var generator = SplitMix64(seed: 1)
        var output = [UInt8](repeating: 9, count: 784)
        augmenter.distort(block()[...], into: &output, using: &generator)
        #expect(output == block())
        #expect(generator == SplitMix64(seed: 1))
    }

    @Test("shifts are whole pixels within the limit, pixels copied exactly, and all shifts occur")
    func shifts() {
        var augmenter = Augmenter(Augmentation(maxShift: 2), rows: 28, columns: 28)
        var generator = SplitMix64(seed: 2)
        var output = [UInt8](repeating: 0, count: 784)
        let original = centre(block())
        var seen = Set<[Int]>()
        for _ in 0..<200 {
            augmenter.distort(block()[...], into: &output, using: &generator)
            let moved = centre(output)
            let dx = moved.x - original.x, dy = moved.y - original.y
            #expect(dx == dx.rounded() && dy == dy.rounded() && abs(dx) <= 2 && abs(dy) <= 2)
            #expect(moved.mass == original.mass)
            seen.insert([Int(dx), Int(dy)])
        }
        #expect(seen.count == 25)
    }

    @Test("rotation and scaling keep the ink near the centre and change the image")
    func rotationAndScaling() {
        var augmenter = Augmenter(Augmentation(maxRotation: 15, maxScaling: 0.15), rows: 28, columns: 28)
        var generator = SplitMix64(seed: 3)
        var output = [UInt8](repeating: 0, count: 784)
        let original = centre(block())
        var changed = 0
        for _ in 0..<50 {
            augmenter.distort(block()[...], into: &output, using: &generator)
            let moved = centre(output)
            #expect(abs(moved.x - original.x) < 0.6 && abs(moved.y - original.y) < 0.6)
            // Area scales by s² with s in 0.85...1.15.
            #expect(moved.mass > 0.65 * original.mass && moved.mass < 1.4 * original.mass)
            if output != block() { changed += 1 }
        }
        #expect(changed == 50)
    }

    @Test("elastic fields are smooth: neighbouring displacements differ far less than distant ones; α scales them")
    func elastic() {
        var weak = Augmenter(Augmentation(elasticAlpha: 8, elasticSigma: 4), rows: 28, columns: 28)
        var strong = Augmenter(Augmentation(elasticAlpha: 34, elasticSigma: 4), rows: 28, columns: 28)
        var first = SplitMix64(seed: 4), second = SplitMix64(seed: 4)
        var a = [UInt8](repeating: 0, count: 784), b = a
        var weakChange = 0, strongChange = 0
        for _ in 0..<20 {
            weak.distort(block()[...], into: &a, using: &first)
            strong.distort(block()[...], into: &b, using: &second)
            weakChange += zip(a, block()).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }
            strongChange += zip(b, block()).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }
        }
        #expect(weakChange > 0)
        #expect(strongChange > 2 * weakChange)
        // The same seed gives the same distortion.
        var again = Augmenter(Augmentation(elasticAlpha: 34, elasticSigma: 4), rows: 28, columns: 28)
        var third = SplitMix64(seed: 4), fourth = SplitMix64(seed: 4)
        var c = a, d = a
        strong.distort(block()[...], into: &c, using: &third)
        again.distort(block()[...], into: &d, using: &fourth)
        #expect(c == d)
    }

    /// Every setting the training uses and then some: elastic on and off, with rotation, scaling and
    /// shift alone and together, several σ (so 7 to 37 taps), and an image that is not square.
    static let settings: [(Augmentation, rows: Int, columns: Int)] = [
        (Augmentation(maxShift: 0, maxRotation: 5, maxScaling: 0.05, elasticAlpha: 20, elasticSigma: 4), 28, 28),  // mlp99's
        (Augmentation(elasticAlpha: 34, elasticSigma: 4), 28, 28),
        (Augmentation(maxShift: 2, maxRotation: 15, maxScaling: 0.15, elasticAlpha: 34, elasticSigma: 6), 28, 28),
        (Augmentation(maxShift: 1, elasticAlpha: 8, elasticSigma: 1), 28, 28),
        (Augmentation(maxRotation: 10, maxScaling: 0.1, elasticAlpha: 20, elasticSigma: 2.5), 20, 33),
        (Augmentation(maxRotation: 10, maxScaling: 0.1), 28, 28),
        (Augmentation(maxShift: 2, maxRotation: 5), 28, 28),
        (Augmentation(maxScaling: 0.2), 28, 28),
        (Augmentation(maxShift: 3), 28, 28),
    ]

    @Test("distort writes the reference's bytes, from the same draws, in every kernel family this CPU runs",
          arguments: KernelFamily.allCases.filter(\.isSupported))
    func equalsReference(family: KernelFamily) {
        var pixels = SplitMix64(seed: 77)
        for (setting, (augmentation, rows, columns)) in Self.settings.enumerated() {
            // A block, random bytes, and sparse random ink: every border and interior case of the sampling.
            var images: [[UInt8]] = [rows == 28 && columns == 28 ? block() : [UInt8](repeating: 0, count: rows * columns)]
            images.append((0..<(rows * columns)).map { _ in UInt8(truncatingIfNeeded: pixels.next()) })
            images.append((0..<(rows * columns)).map { _ in pixels.next() % 5 == 0 ? UInt8(truncatingIfNeeded: pixels.next()) : 0 })
            for seed in UInt64(0)..<6 {
                var fast = Augmenter(augmentation, rows: rows, columns: columns), slow = fast
                var first = SplitMix64(seed: seed &* 1_000_003 &+ UInt64(setting)), second = first
                var output = [UInt8](repeating: 0, count: rows * columns), expected = output
                var differing = 0, fieldsDiffering = 0
                for round in 0..<20 {
                    let image = images[round % images.count]
                    KernelFamily.on(family) { fast.distort(image[...], into: &output, using: &first) }
                    slow.distortByReference(image[...], into: &expected, using: &second)
                    differing += zip(output, expected).filter { $0 != $1 }.count
                    // The fields too, bit for bit: a field can differ by an ulp and still round to the same bytes.
                    fieldsDiffering += zip(fast.fieldX + fast.fieldY, slow.fieldX + slow.fieldY).filter { $0.bitPattern != $1.bitPattern }.count
                }
                #expect(differing == 0, "\(family), setting \(setting), seed \(seed): \(differing) bytes differ")
                #expect(fieldsDiffering == 0, "\(family), setting \(setting), seed \(seed): \(fieldsDiffering) field values differ")
                #expect(first == second, "\(family), setting \(setting), seed \(seed): the generators parted")
            }
        }
    }

    @Test("options out of range are named", arguments: [
        (Augmentation(maxShift: 9), "shift"), (Augmentation(maxRotation: -1), "rotation"),
        (Augmentation(maxScaling: 1), "scaling"), (Augmentation(elasticAlpha: 34, elasticSigma: 0), "elastic-sigma"),
    ])
    func invalid(augmentation: Augmentation, option: String) {
        #expect(augmentation.invalidOption?.option == option)
        #expect(Augmentation(maxShift: 2, maxRotation: 10, maxScaling: 0.1, elasticAlpha: 34).invalidOption == nil)
    }
}
