import AllianceTestSupport
import Foundation
import Output
import Testing
@testable import Publishing

/// PDF and PNG figures rendered from the plots' SVG through librsvg and cairo.
@Suite struct FigureRendererTests {
    static let plot = Plot(title: "Linear regression of phq_post", description: "Three points and a line.",
                           x: .linear("x"), y: .linear("y"),
                           layers: [Layer(.points(x: [1, 2, 3], y: [2, 1, 3])), Layer(.line(x: [1, 3], y: [1.5, 2.5]))])

    static func render(_ format: FigureFormat, dpi: Double = FigureRenderer.defaultDPI) throws -> [UInt8] {
        try FigureRenderer.render(svg: plot.svg(), width: plot.width, height: plot.height, format: format, dpi: dpi,
                                  title: plot.title)
    }

    /// Big-endian UInt32 at `offset`.
    static func word(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        bytes[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }

    @Test func svgIsWrittenAsDrawn() throws {
        #expect(try Self.render(.svg) == Array(Self.plot.svg().utf8))
    }

    @Test func pdfIsOnePageAtTheSVGSizeAt96PixelsPerInch() throws {
        let pdf = try Self.render(.pdf)
        #expect(pdf.starts(with: Array("%PDF-".utf8)))
        let text = String(decoding: pdf, as: UTF8.self)
        // 640 × 420 px at 96 px per inch = 6.67 × 4.38 in = 480 × 315 pt.
        #expect(text.contains("/MediaBox [ 0 0 480 315 ]"))
        #expect(text.contains("/Title (Linear regression of phq_post)"))
        #expect(text.contains("/CreationDate (20000101000000Z)"))
    }

    @Test func pdfBytesAreDeterministic() throws {
        let first = try Self.render(.pdf)
        Thread.sleep(forTimeInterval: 1.1)  // cairo's default creation date would move by a second
        #expect(try Self.render(.pdf) == first)
    }

    @Test func pdfPageHasInk() throws {
        let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("alliance-figure-\(UUID().uuidString).pdf")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(try Self.render(.pdf)).write(to: URL(fileURLWithPath: path))
        guard let ink = try ExternalTools.pdfInkFraction(of: path) else { return }
        // Axes, ticks, labels and the points: some of the page is dark, most is not.
        #expect(ink > 0.002 && ink < 0.5, "ink fraction \(ink)")
    }

    @Test(arguments: [(300.0, 2000, 1313), (96, 640, 420), (600, 4000, 2625)])
    func pngHasJournalResolution(dpi: Double, width: Int, height: Int) throws {
        let png = try Self.render(.png, dpi: dpi)
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        #expect(Self.word(png, 16) == UInt32(width))
        #expect(Self.word(png, 20) == UInt32(height))
        // pHYs right after IHDR: pixels per metre on both axes, unit 1 (metre).
        #expect(String(decoding: png[37..<41], as: UTF8.self) == "pHYs")
        let perMetre = UInt32((dpi / 0.0254).rounded())
        #expect(Self.word(png, 41) == perMetre && Self.word(png, 45) == perMetre && png[49] == 1)
        #expect(Self.word(png, 50) == CRC32.checksum(Array(png[37..<50])))
    }

    @Test func crc32MatchesTheKnownValue() {
        // The CRC of the IEND chunk type, as in every PNG's last 4 bytes.
        #expect(CRC32.checksum(Array("IEND".utf8)) == 0xAE42_6082)
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
    }

    @Test func resolutionOutsideTheRangeIsRefused() {
        #expect(throws: FigureError.invalidResolution(10)) { try Self.render(.png, dpi: 10) }
        #expect(throws: FigureError.self) { try Self.render(.png, dpi: .nan) }
    }

    @Test func brokenSVGIsAnError() {
        #expect(throws: FigureError.self) {
            try FigureRenderer.render(svg: "<svg", width: 100, height: 100, format: .pdf)
        }
    }
}
