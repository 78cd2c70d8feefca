import DescentPictures
import Testing

@Suite("Numbers as text")
struct NumberTextTests {
    @Test("fixed decimals round half away from zero and never print -0")
    func fixed() {
        #expect(NumberText.fixed(0.125, decimals: 2) == "0.13")
        #expect(NumberText.fixed(-0.001, decimals: 2) == "0.00")
        #expect(NumberText.fixed(-1.5, decimals: 0) == "-2")
        #expect(NumberText.fixed(3.14159, decimals: 4) == "3.1416")
        #expect(NumberText.fixed(.nan, decimals: 1) == "NaN" && NumberText.fixed(-.infinity, decimals: 1) == "-inf")
    }

    @Test("short numbers keep about three significant digits")
    func short() {
        #expect(NumberText.short(0.0123) == "0.0123")
        #expect(NumberText.short(1.2345) == "1.23")
        #expect(NumberText.short(123.4) == "123")
        #expect(NumberText.short(2) == "2")
        #expect(NumberText.short(1.5e-5) == "1.50e-05")
        #expect(NumberText.short(-2.5e7) == "-2.50e+07")
        #expect(NumberText.scientific(9.999e3) == "1.00e+04")
    }

    @Test("percentages and signs")
    func percentAndSign() {
        #expect(NumberText.percent(0.9712) == "97.1%")
        #expect(NumberText.signed(0.5, decimals: 2) == "+0.50")
        #expect(NumberText.signed(-0.5, decimals: 2) == "-0.50")
        #expect(NumberText.signed(0, decimals: 1) == "0.0")
    }
}
