import DescentDatasets
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

    @Test("options out of range are named", arguments: [
        (Augmentation(maxShift: 9), "shift"), (Augmentation(maxRotation: -1), "rotation"),
        (Augmentation(maxScaling: 1), "scaling"), (Augmentation(elasticAlpha: 34, elasticSigma: 0), "elastic-sigma"),
    ])
    func invalid(augmentation: Augmentation, option: String) {
        #expect(augmentation.invalidOption?.option == option)
        #expect(Augmentation(maxShift: 2, maxRotation: 10, maxScaling: 0.1, elasticAlpha: 34).invalidOption == nil)
    }
}
