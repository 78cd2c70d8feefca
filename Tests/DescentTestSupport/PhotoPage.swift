import DescentLinearAlgebra
import Foundation

/// Simulated phone photos of ink on paper, for the tests of the photo preparation: light that falls
/// off from one side, a vignette darkening the corners, the paper's uneven texture and the camera's
/// noise, warm paper and blue ink. Every draw comes from the generator passed in.
public enum PhotoPage {
    /// A photo (RGB, 3 bytes a pixel, row-major) of `ink` on a lit page.
    /// - Parameters:
    ///   - ink: `width * height` bytes, 0 bare paper ... 255 full ink.
    ///   - width: The number of columns.
    ///   - height: The number of rows.
    ///   - generator: The source of the light's direction and strength, the texture and the noise.
    public static func photograph(ink: [UInt8], width: Int, height: Int, using generator: inout some RandomNumberGenerator) -> [UInt8] {
        precondition(ink.count == width * height, "PhotoPage: \(ink.count) bytes for \(width)x\(height)")
        let angle = Double.random(in: 0..<(2 * Double.pi), using: &generator)
        let falloff = Double.random(in: 0.25...0.45, using: &generator)  // share of the light lost across the page
        let vignette = Double.random(in: 0.15...0.3, using: &generator)
        // Texture: a few broad waves of the paper's brightness, a few levels each.
        let waves = (0..<4).map { _ in
            (Double.random(in: 0.02...0.12, using: &generator), Double.random(in: 0.02...0.12, using: &generator),
             Double.random(in: 0..<(2 * Double.pi), using: &generator), Double.random(in: 0.01...0.025, using: &generator))
        }
        let paper = (1.0, 0.96, 0.86), inkColour = (0.14, 0.17, 0.34)
        let (cx, cy) = (Double(width) / 2, Double(height) / 2)
        let halfDiagonal = (cx * cx + cy * cy).squareRoot()
        var pixels = [UInt8](repeating: 0, count: 3 * width * height)
        for y in 0..<height {
            for x in 0..<width {
                let (dx, dy) = (Double(x) - cx, Double(y) - cy)
                let along = (dx * cos(angle) + dy * sin(angle)) / halfDiagonal  // -1...1 across the page
                let radius = (dx * dx + dy * dy).squareRoot() / halfDiagonal
                var light = 250 * (1 - falloff * (along + 1) / 2) * (1 - vignette * radius * radius)
                for (fx, fy, phase, depth) in waves { light *= 1 + depth * sin(fx * Double(x) + fy * Double(y) + phase) }
                let amount = Double(ink[y * width + x]) / 255
                let reflectance = [paper.0 * (1 - amount) + inkColour.0 * amount, paper.1 * (1 - amount) + inkColour.1 * amount,
                                   paper.2 * (1 - amount) + inkColour.2 * amount]
                for channel in 0..<3 {
                    let value = light * reflectance[channel] + 4 * gaussian(using: &generator)
                    pixels[3 * (y * width + x) + channel] = UInt8(min(255, max(0, value.rounded())))
                }
            }
        }
        return pixels
    }

    /// A standard normal draw (Box-Muller).
    public static func gaussian(using generator: inout some RandomNumberGenerator) -> Double {
        let u = Double.random(in: Double.ulpOfOne..<1, using: &generator), v = Double.random(in: 0..<1, using: &generator)
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }

    /// `image` (`side` x `side` bytes) enlarged `factor` times by bilinear interpolation and placed
    /// with `margin` pixels of 0 on every side: a digit as it might sit on a page.
    public static func enlarged(_ image: [UInt8], side: Int, factor: Int, margin: Int) -> (pixels: [UInt8], side: Int) {
        let large = side * factor, total = large + 2 * margin
        var result = [UInt8](repeating: 0, count: total * total)
        for y in 0..<large {
            for x in 0..<large {
                let sx = min(Double(side - 1), max(0, (Double(x) + 0.5) / Double(factor) - 0.5))
                let sy = min(Double(side - 1), max(0, (Double(y) + 0.5) / Double(factor) - 0.5))
                let (x0, y0) = (Int(sx), Int(sy))
                let (x1, y1) = (min(side - 1, x0 + 1), min(side - 1, y0 + 1))
                let (fx, fy) = (sx - Double(x0), sy - Double(y0))
                func at(_ x: Int, _ y: Int) -> Double { Double(image[y * side + x]) }
                let value = (at(x0, y0) * (1 - fx) + at(x1, y0) * fx) * (1 - fy) + (at(x0, y1) * (1 - fx) + at(x1, y1) * fx) * fy
                result[(y + margin) * total + x + margin] = UInt8(value.rounded())
            }
        }
        return (result, total)
    }
}
