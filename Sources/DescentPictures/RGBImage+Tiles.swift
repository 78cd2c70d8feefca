package import DescentDatasets

/// Small images made from numbers: a digit's pixels, or a neuron's weights in a colour scale.
extension RGBImage {
    /// A digit as ink on paper: byte 0 (MNIST's background) white, 255 black.
    /// - Parameters:
    ///   - inkBytes: `width * height` bytes, row-major, 0 background and 255 ink, as MNIST stores them.
    ///   - width: The image's width in pixels.
    ///   - height: The image's height in pixels.
    package init(inkBytes: some Collection<UInt8>, width: Int, height: Int) {
        precondition(inkBytes.count == width * height, "RGBImage(inkBytes:): \(inkBytes.count) bytes for \(width)x\(height)")
        var pixels: [UInt8] = []
        pixels.reserveCapacity(3 * inkBytes.count)
        for byte in inkBytes {
            let paper = 255 - byte
            pixels += [paper, paper, paper]
        }
        self.init(width: width, height: height, pixels: pixels)
    }

    /// A digit given as intensities in 0...1 (clamped), drawn as ink on paper like `init(inkBytes:)`.
    package init(intensities: [Double], width: Int, height: Int) {
        self.init(inkBytes: intensities.map { UInt8((min(max($0.isNaN ? 0 : $0, 0), 1) * 255).rounded()) },
                  width: width, height: height)
    }

    /// Numbers as colours: `values[y * width + x]` coloured by `scale`.
    package init(values: [Double], width: Int, height: Int, scale: ColorScale) {
        precondition(values.count == width * height, "RGBImage(values:): \(values.count) values for \(width)x\(height)")
        var image = RGBImage(width: width, height: height, color: .white)
        for (index, value) in values.enumerated() {
            image.set(x: index % width, y: index / width, to: scale.color(for: value))
        }
        self = image
    }
}
