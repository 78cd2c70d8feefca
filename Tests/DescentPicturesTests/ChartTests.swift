import DescentDatasets
import DescentPictures
import Testing

@Suite("SVG charts parse as XML and hold what was drawn")
struct ChartTests {
    static let hostile = "cost <&> \"quoted\" 'single' \u{01}"

    @Test("a figure of two line charts with a legend")
    func figure() {
        let series = [
            LineChart.Series(name: Self.hostile, points: [(1, 0.5), (2, 0.25), (3, .nan), (4, 0.1), (5, 0.05)], color: Color.series(0)),
            LineChart.Series(name: "test", points: [(1, 0.9), (4, 0.95)], color: Color.series(1), dashed: true, markers: true),
        ]
        let figure = Figure(title: "Curves & more", notes: ["a < b"], panels: [
            LineChart(title: "left", xLabel: "epoch", yLabel: "cost", series: series),
            LineChart(title: "right", xLabel: "epoch", yLabel: "accuracy", series: series, yRange: 0...1, yPercent: true),
        ])
        let xml = XMLSummary(figure.svg().text)
        #expect(xml.parsed, "\(xml.error ?? "")")
        #expect(xml.root == "svg")
        #expect(xml.allText.contains("cost <&> \"quoted\" 'single' \u{FFFD}"))
        #expect(xml.allText.contains("Curves & more") && xml.allText.contains("100%"))
        // The NaN breaks the first series into two polylines in each panel; the second is one.
        #expect(xml.count("polyline") == 2 * 3)
        #expect(xml.count("clipPath") == 2)
        #expect(figure.legend.count == 2)
    }

    @Test("a confusion chart has a cell with its count for every pair, and two colour bars")
    func confusion() {
        let counts = [[50, 2, 0], [1, 40, 9], [0, 0, 30]]
        let chart = ConfusionChart(counts: counts, classNames: ["a", "b", "<c>"], title: "Test")
        let xml = XMLSummary(chart.svg().text)
        #expect(xml.parsed, "\(xml.error ?? "")")
        #expect(xml.allText.contains("true b, predicted <c>: 9"))
        #expect(xml.texts.contains("40") && xml.texts.contains("80.0%"))
        #expect(xml.texts.contains("right answers: share of the true class") && xml.texts.contains("mistakes: count"))
    }

    @Test("a contour map embeds its colours as a PNG and draws contours, paths and marks")
    func contour() throws {
        let size = 41
        let values = (0..<size).map { row in
            (0..<size).map { column in
                let x = -2 + 4 * Double(column) / Double(size - 1), y = -2 + 4 * Double(row) / Double(size - 1)
                return x * x + y * y
            }
        }
        let map = ContourMap(title: "Bowl", xLabel: "x", yLabel: "y", valueLabel: "f", xRange: -2...2, yRange: -2...2,
                             values: values, paths: [ContourMap.Path(name: "walk", points: [(1.5, 1), (0.5, 0.3), (0, 0)], color: .red)],
                             marks: [ContourMap.Mark(name: "minimum", x: 0, y: 0)])
        let xml = XMLSummary(try map.svg().text)
        #expect(xml.parsed, "\(xml.error ?? "")")
        let image = try #require(xml.attributes["image"]?.first?["xlink:href"])
        #expect(image.hasPrefix("data:image/png;base64,iVBORw0KGgo"))  // The PNG signature, in Base64.
        #expect(xml.count("path") >= 10)
        #expect(xml.texts.contains("walk") && xml.texts.contains("minimum") && xml.texts.contains("f"))
    }

    @Test("contour lines of a bowl lie on circles")
    func contourLines() {
        let size = 81
        let values = (0..<size).map { row in
            (0..<size).map { column in
                let x = Double(column - 40) / 20, y = Double(row - 40) / 20
                return x * x + y * y
            }
        }
        let segments = ContourLines.segments(values, level: 1)
        #expect(segments.count > 40)
        for (a, b) in segments {
            for point in [a, b] {
                let radius = (((point.x - 40) / 20) * ((point.x - 40) / 20) + ((point.y - 40) / 20) * ((point.y - 40) / 20)).squareRoot()
                #expect(abs(radius - 1) < 0.01)
            }
        }
    }
}
