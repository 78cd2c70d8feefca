// Deskewing (LeCun et al. 1998, "Gradient-based learning applied to document recognition", and the
// MNIST page's "deskewing" rows: a 2-layer network with 300 hidden units, 4.7% error on raw images,
// 1.6% on deskewed ones). A digit's slant is measured from the second moments of its ink and removed
// by a horizontal shear that keeps the centre of mass in place.

/// Removes the slant of digit images.
package enum Deskewing {
    /// The image with its slant removed: with the ink's intensity-weighted centre (m0 row, m1 column),
    /// variance v0 of the row coordinate and covariance c01 of row and column, the shear
    /// α = c01 / v0 is undone by sampling output pixel (row y, column x) at input (y, x + α·(y − m0)),
    /// bilinearly, 0 outside. A blank image, or one whose ink lies on a single row, comes back unchanged.
    /// - Parameters:
    ///   - image: rows x columns bytes, row-major.
    ///   - rows: The image's height in pixels.
    ///   - columns: The image's width in pixels.
    /// - Complexity: O(rows · columns).
    package static func deskewed(_ image: ArraySlice<UInt8>, rows: Int, columns: Int) -> [UInt8] {
        precondition(image.count == rows * columns, "deskewed: \(image.count) bytes for \(rows)x\(columns)")
        return [UInt8](unsafeUninitializedCapacity: rows * columns) { output, initialized in
            deskew(image, rows: rows, columns: columns, into: output.baseAddress!)
            initialized = rows * columns
        }
    }

    /// `deskewed(image, rows:, columns:)` written to the rows x columns bytes at `output`.
    static func deskew(_ image: ArraySlice<UInt8>, rows: Int, columns: Int, into output: UnsafeMutablePointer<UInt8>) {
        image.withUnsafeBufferPointer { source in
            guard let alpha = shear(of: image, rows: rows, columns: columns) else {
                output.update(from: source.baseAddress!, count: rows * columns)
                return
            }
            for y in 0..<rows {
                let offset = alpha.slope * (Double(y) - alpha.centreRow)
                for x in 0..<columns {
                    let position = Double(x) + offset
                    let left = position.rounded(.down)
                    let fraction = position - left
                    let column = Int(left)
                    var value = 0.0
                    if column >= 0 && column < columns { value += (1 - fraction) * Double(source[y * columns + column]) }
                    if column + 1 >= 0 && column + 1 < columns { value += fraction * Double(source[y * columns + column + 1]) }
                    output[y * columns + x] = UInt8(min(255, max(0, value.rounded())))
                }
            }
        }
    }

    /// The slope α = c01 / v0 and the centre row m0; nil for a blank image or zero row variance.
    static func shear(of image: ArraySlice<UInt8>, rows: Int, columns: Int) -> (slope: Double, centreRow: Double)? {
        var mass = 0.0, rowSum = 0.0, columnSum = 0.0
        image.withUnsafeBufferPointer { source in
            for y in 0..<rows {
                for x in 0..<columns {
                    let value = Double(source[y * columns + x])
                    mass += value
                    rowSum += value * Double(y)
                    columnSum += value * Double(x)
                }
            }
        }
        guard mass > 0 else { return nil }
        let m0 = rowSum / mass, m1 = columnSum / mass
        var variance = 0.0, covariance = 0.0
        image.withUnsafeBufferPointer { source in
            for y in 0..<rows {
                for x in 0..<columns {
                    let value = Double(source[y * columns + x])
                    variance += value * (Double(y) - m0) * (Double(y) - m0)
                    covariance += value * (Double(y) - m0) * (Double(x) - m1)
                }
            }
        }
        guard variance > 0 else { return nil }
        return (covariance / variance, m0)
    }
}
