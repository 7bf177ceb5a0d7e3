/// Why a figure could not be turned into PDF or PNG bytes.
public enum FigureError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `--dpi` outside the range a journal figure needs (and a PNG can hold).
    case invalidResolution(Double)
    /// librsvg refused the SVG, or cairo failed to draw or encode it.
    case renderFailed(String)

    public var description: String {
        switch self {
        case .invalidResolution(let dpi):
            return "--dpi \(dpi) is outside 36–2400; journals ask for 300 (the default) to 600 for line art"
        case .renderFailed(let reason):
            return "could not render the figure: \(reason)"
        }
    }
}

/// SVG → PDF or PNG in-process, through librsvg (parsing and drawing) and cairo (the surfaces and encoders), so a
/// PDF or PNG figure is the same drawing as the SVG one.
///
/// Sizes follow CSS: the SVG's pixels are 1/96 inch. A 640 × 420 px figure is 6.67 × 4.38 in: a 480 × 315 pt
/// PDF page, and a 2000 × 1313 px PNG at the default 300 dpi (with a pHYs chunk saying 300 dpi).
/// PDF bytes are deterministic: cairo's creation date (the current time by default) is fixed to the epoch
/// written in `fixedCreationDate`.
public enum FigureRenderer {
    public static let defaultDPI = 300.0
    public static let cssPixelsPerInch = 96.0
    /// Written as the PDF's CreationDate and ModDate so that the same figure always has the same bytes.
    public static let fixedCreationDate = "2000-01-01T00:00:00Z"
    static let resolutionRange = 36.0...2400.0

    /// The figure in `format`: the SVG text itself for `.svg`, otherwise its rendering. `width` and `height` are
    /// the SVG's size in CSS pixels; `title` becomes the PDF's Title.
    public static func render(svg: String, width: Double, height: Double, format: FigureFormat,
                              dpi: Double = defaultDPI, title: String? = nil) throws(FigureError) -> [UInt8] {
        switch format {
        case .svg: return Array(svg.utf8)
        case .pdf: return try pdf(svg: svg, width: width, height: height, title: title)
        case .png: return try png(svg: svg, width: width, height: height, dpi: dpi)
        }
    }

    static func pdf(svg: String, width: Double, height: Double, title: String?) throws(FigureError) -> [UInt8] {
        let cairo = try RenderingLibraries.load()
        let sink = ByteSink()
        let points = 72.0 / cssPixelsPerInch
        let surface = cairo.pdfSurfaceCreateForStream(ByteSink.write, sink.pointer, width * points, height * points)
        defer { cairo.surfaceDestroy(surface) }
        cairo.pdfSurfaceSetMetadata(surface, RenderingLibraries.pdfMetadataCreateDate, fixedCreationDate)
        cairo.pdfSurfaceSetMetadata(surface, RenderingLibraries.pdfMetadataModDate, fixedCreationDate)
        cairo.pdfSurfaceSetMetadata(surface, RenderingLibraries.pdfMetadataCreator, "alliance")
        if let title { cairo.pdfSurfaceSetMetadata(surface, RenderingLibraries.pdfMetadataTitle, title) }
        try draw(svg: svg, on: surface, scale: points, width: width, height: height, with: cairo)
        cairo.surfaceFinish(surface)
        try check(cairo.surfaceStatus(surface), doing: "writing the PDF", with: cairo)
        return sink.bytes
    }

    static func png(svg: String, width: Double, height: Double, dpi: Double) throws(FigureError) -> [UInt8] {
        guard resolutionRange.contains(dpi) else { throw .invalidResolution(dpi) }
        let cairo = try RenderingLibraries.load()
        let scale = dpi / cssPixelsPerInch
        let pixelWidth = Int32((width * scale).rounded()), pixelHeight = Int32((height * scale).rounded())
        let surface = cairo.imageSurfaceCreate(RenderingLibraries.formatARGB32, pixelWidth, pixelHeight)
        defer { cairo.surfaceDestroy(surface) }
        try check(cairo.surfaceStatus(surface), doing: "allocating a \(pixelWidth) × \(pixelHeight) image", with: cairo)
        // An opaque white page: figures are pasted into documents, where a transparent background shows grey.
        let cr = cairo.create(surface)
        cairo.setSourceRGB(cr, 1, 1, 1)
        cairo.paint(cr)
        cairo.destroy(cr)
        try draw(svg: svg, on: surface, scale: scale, width: width, height: height, with: cairo)
        cairo.surfaceFlush(surface)
        let sink = ByteSink()
        try check(cairo.surfaceWriteToPNGStream(surface, ByteSink.write, sink.pointer), doing: "encoding the PNG", with: cairo)
        return PNGResolution.inserting(dotsPerInch: dpi, into: sink.bytes)
    }

    /// Draws the SVG scaled by `scale` onto `surface`, filling a `width` × `height` CSS-pixel viewport.
    private static func draw(svg: String, on surface: OpaquePointer?, scale: Double, width: Double,
                             height: Double, with cairo: RenderingLibraries) throws(FigureError) {
        var error: UnsafeMutableRawPointer?
        let bytes = Array(svg.utf8)
        let handle = bytes.withUnsafeBufferPointer { buffer in
            cairo.handleNewFromData(buffer.baseAddress, UInt(buffer.count), &error)
        }
        guard let handle else { throw .renderFailed("librsvg could not parse the SVG: " + message(taking: error, with: cairo)) }
        defer { cairo.objectUnref(UnsafeMutableRawPointer(handle)) }
        let cr = cairo.create(surface)
        defer { cairo.destroy(cr) }
        cairo.scale(cr, scale, scale)
        // RsvgRectangle: x, y, width, height.
        let viewport = [0, 0, width, height]
        let drawn = viewport.withUnsafeBufferPointer { cairo.handleRenderDocument(handle, cr, $0.baseAddress, &error) }
        guard drawn != 0 else {
            throw .renderFailed("librsvg could not draw the SVG: " + message(taking: error, with: cairo))
        }
        try check(cairo.status(cr), doing: "drawing", with: cairo)
    }

    private static func message(taking error: UnsafeMutableRawPointer?, with cairo: RenderingLibraries) -> String {
        guard let error else { return "no reason given" }
        defer { cairo.errorFree(error) }
        return RenderingLibraries.message(of: error).map { String(cString: $0) } ?? "no reason given"
    }

    private static func check(_ status: Int32, doing what: String, with cairo: RenderingLibraries) throws(FigureError) {
        guard status != RenderingLibraries.statusSuccess else { return }
        throw .renderFailed("cairo failed \(what): " + (cairo.statusToString(status).map { String(cString: $0) } ?? "status \(status)"))
    }
}

/// Collects what cairo writes through its stream callbacks.
private final class ByteSink {
    var bytes: [UInt8] = []

    var pointer: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    static let write: RenderingLibraries.WriteFunction = { closure, data, length in
        guard let closure, let data else { return RenderingLibraries.statusWriteError }
        let sink = Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue()
        sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
        return RenderingLibraries.statusSuccess
    }
}
