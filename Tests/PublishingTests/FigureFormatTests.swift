import Testing
@testable import Publishing

@Suite struct FigureFormatTests {
    @Test func formatsByExtension() {
        #expect(FigureFormat(fileExtensionOf: "figs/coef.PDF") == .pdf)
        #expect(FigureFormat(fileExtensionOf: "coef.png") == .png)
        #expect(FigureFormat(fileExtensionOf: "coef.svg") == .svg)
        #expect(FigureFormat(fileExtensionOf: "coef.jpg") == nil)
        #expect(FigureFormat(fileExtensionOf: "figs.d/coef") == nil)
        #expect(FigureFormat(fileExtensionOf: ".pdf") == nil)
    }

    @Test func stemDropsOnlyTheFileExtension() {
        #expect(FigureFormat.stem(of: "figs/coef.pdf") == "figs/coef")
        #expect(FigureFormat.stem(of: "figs.d/coef") == "figs.d/coef")
        #expect(FigureFormat.stem(of: "a.b.png") == "a.b")
    }
}
