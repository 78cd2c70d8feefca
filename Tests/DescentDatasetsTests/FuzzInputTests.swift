import DescentDatasets
import DescentTestSupport
import Testing

/// The IDX, image, JPEG and CSV fuzzers' seeds and findings: each parses or throws its own typed error.
@Suite("Fuzz inputs: IDX, images, JPEG and CSV")
struct FuzzInputTests {
    @Test("every IDX input parses or throws IDXError / GzipError")
    func idx() {
        let inputs = FuzzInputs.all("idx")
        #expect(inputs.count >= 8)
        for (name, bytes) in inputs {
            do {
                let file = try IDXFile(contents: bytes, source: name)
                #expect(file.dimensions.reduce(1, *) == file.bytes.count, "\(name)")
            } catch is IDXError {
            } catch is GzipError {
            } catch {
                Issue.record("\(name): \(error)")
            }
        }
    }

    @Test("every image input decodes or throws ImageError")
    func images() {
        let inputs = FuzzInputs.all("png")
        #expect(inputs.count >= 8)
        for (name, bytes) in inputs {
            do {
                let image = try GrayImage(bytes: bytes, source: name)
                #expect(image.pixels.count == image.width * image.height, "\(name)")
                if let input = try? DigitPreparation.mnistInput(from: image, source: name) { #expect(input.count == 784) }
            } catch {
                // Typed throws: always an ImageError.
            }
        }
    }

    @Test("every JPEG input decodes, gray and RGB alike, or throws ImageError; the good seeds decode")
    func jpeg() {
        let inputs = FuzzInputs.all("jpeg")
        #expect(inputs.count >= 4)
        var decoded: [String] = []
        for (name, bytes) in inputs {
            do {
                let gray = try GrayImage(jpegBytes: bytes, source: name)
                #expect(gray.pixels.count == gray.width * gray.height, "\(name)")
                let color = try RGBImage(jpegBytes: bytes, source: name)
                #expect(color.pixels.count == 3 * color.width * color.height && (color.width, color.height) == (gray.width, gray.height), "\(name)")
                decoded.append(name)
            } catch {
                #expect(error.description.hasPrefix(name), "\(error)")  // typed throws: an ImageError naming the file
            }
        }
        #expect(Set(["corpus/jpeg/gray.jpg", "corpus/jpeg/rgb.jpg", "corpus/jpeg/exif-orientation-6.jpg"]).isSubset(of: decoded))
        #expect(!decoded.contains("corpus/jpeg/truncated.jpg"))
    }

    @Test("every CSV input parses to a table whose counts agree, or throws CSVError naming the file")
    func csv() {
        let inputs = FuzzInputs.all("csv")
        #expect(inputs.count >= 8)
        var parsed: [String] = []
        for (name, bytes) in inputs where !bytes.isEmpty {
            // The first byte chooses the classes, as in fuzz/Sources/FuzzCSV/main.swift.
            let known: [String]? = bytes[0] % 2 == 0 ? nil : ["0", "1", "inner", "outer"]
            do {
                let table = try CSVDataset.parse(Array(bytes.dropFirst()), source: name, labelColumn: "label", classNames: known)
                #expect(table.examples.features.rows == table.examples.labels.count, "\(name)")
                #expect(table.examples.features.columns == table.featureNames.count, "\(name)")
                #expect(table.examples.labels.allSatisfy { table.classNames.indices.contains($0) }, "\(name)")
                parsed.append(name)
            } catch {
                #expect(error.description.hasPrefix(name), "\(error)")
            }
        }
        #expect(Set(["corpus/csv/rings.csv", "corpus/csv/numbers-crlf.csv", "corpus/csv/quoted.csv", "corpus/csv/known-classes.csv"]).isSubset(of: parsed))
        #expect(!parsed.contains("corpus/csv/ragged.csv") && !parsed.contains("corpus/csv/not-finite.csv"))
    }
}
