import DescentPictures
import Testing

@Suite("Colours and colour maps")
struct ColorMapTests {
    @Test("hex strings and mixing")
    func colors() {
        #expect(Color(hex: 0x0072B2).hexString == "#0072b2")
        #expect(Color.black.mixed(with: .white, by: 0.5) == Color(red: 128, green: 128, blue: 128))
        #expect(Color.black.mixed(with: .white, by: 7) == .white)
        #expect(Color.black.contrastingText == .white && Color.white.contrastingText == .black)
    }

    @Test("the diverging map is white at zero, blue below and red above, on a symmetric scale")
    func diverging() {
        let scale = ColorScale.symmetric(limit: 2)
        #expect(scale.color(for: 0) == .white)
        let negative = scale.color(for: -2), positive = scale.color(for: 2)
        #expect(negative.blue > negative.red && positive.red > positive.blue)
        #expect(scale.color(for: -50) == negative && scale.color(for: 50) == positive)
        #expect(ColorScale.symmetric(limit: 0).upper == 1)
    }

    @Test("maps interpolate between stops and clamp", arguments: [ColorMap.blues, .reds, .viridis, .diverging])
    func maps(map: ColorMap) {
        #expect(map.color(at: 0) == map.stops[0])
        #expect(map.color(at: 1) == map.stops[map.stops.count - 1])
        #expect(map.color(at: -1) == map.stops[0] && map.color(at: .nan) == map.stops[0])
    }
}
