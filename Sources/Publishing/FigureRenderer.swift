import CRsvg

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
        let sink = ByteSink()
        let points = 72.0 / cssPixelsPerInch
        let surface = cairo_pdf_surface_create_for_stream(ByteSink.write, sink.pointer, width * points, height * points)
        defer { cairo_surface_destroy(surface) }
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, fixedCreationDate)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_MOD_DATE, fixedCreationDate)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "alliance")
        if let title { cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title) }
        try draw(svg: svg, on: surface, scale: points, width: width, height: height)
        cairo_surface_finish(surface)
        try check(cairo_surface_status(surface), doing: "writing the PDF")
        return sink.bytes
    }

    static func png(svg: String, width: Double, height: Double, dpi: Double) throws(FigureError) -> [UInt8] {
        guard resolutionRange.contains(dpi) else { throw .invalidResolution(dpi) }
        let scale = dpi / cssPixelsPerInch
        let pixelWidth = Int32((width * scale).rounded()), pixelHeight = Int32((height * scale).rounded())
        let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, pixelWidth, pixelHeight)
        defer { cairo_surface_destroy(surface) }
        try check(cairo_surface_status(surface), doing: "allocating a \(pixelWidth) × \(pixelHeight) image")
        // An opaque white page: figures are pasted into documents, where a transparent background shows grey.
        let cr = cairo_create(surface)
        cairo_set_source_rgb(cr, 1, 1, 1)
        cairo_paint(cr)
        cairo_destroy(cr)
        try draw(svg: svg, on: surface, scale: scale, width: width, height: height)
        cairo_surface_flush(surface)
        let sink = ByteSink()
        try check(cairo_surface_write_to_png_stream(surface, ByteSink.write, sink.pointer), doing: "encoding the PNG")
        return PNGResolution.inserting(dotsPerInch: dpi, into: sink.bytes)
    }

    /// Draws the SVG scaled by `scale` onto `surface`, filling a `width` × `height` CSS-pixel viewport.
    private static func draw(svg: String, on surface: OpaquePointer?, scale: Double, width: Double,
                             height: Double) throws(FigureError) {
        var error: UnsafeMutablePointer<GError>?
        let bytes = Array(svg.utf8)
        let handle = bytes.withUnsafeBufferPointer { buffer in
            rsvg_handle_new_from_data(buffer.baseAddress, gsize(buffer.count), &error)
        }
        guard let handle else { throw .renderFailed("librsvg could not parse the SVG: " + message(taking: error)) }
        defer { g_object_unref(UnsafeMutableRawPointer(handle)) }
        let cr = cairo_create(surface)
        defer { cairo_destroy(cr) }
        cairo_scale(cr, scale, scale)
        var viewport = RsvgRectangle(x: 0, y: 0, width: width, height: height)
        guard rsvg_handle_render_document(handle, cr, &viewport, &error) != 0 else {
            throw .renderFailed("librsvg could not draw the SVG: " + message(taking: error))
        }
        try check(cairo_status(cr), doing: "drawing")
    }

    private static func message(taking error: UnsafeMutablePointer<GError>?) -> String {
        guard let error else { return "no reason given" }
        defer { g_error_free(error) }
        return error.pointee.message.map { String(cString: $0) } ?? "no reason given"
    }

    private static func check(_ status: cairo_status_t, doing what: String) throws(FigureError) {
        guard status != CAIRO_STATUS_SUCCESS else { return }
        throw .renderFailed("cairo failed \(what): " + String(cString: cairo_status_to_string(status)))
    }
}

/// Collects what cairo writes through its stream callbacks.
private final class ByteSink {
    var bytes: [UInt8] = []

    var pointer: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    static let write: cairo_write_func_t = { closure, data, length in
        guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
        let sink = Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue()
        sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
        return CAIRO_STATUS_SUCCESS
    }
}
