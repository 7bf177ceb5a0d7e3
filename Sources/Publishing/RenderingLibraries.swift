#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The librsvg, cairo and GLib functions `FigureRenderer` calls, looked up with `dlopen` the first time a figure is
/// rendered to PDF or PNG. Linked into the executable, these libraries and the ~45 they depend on (pango, fontconfig,
/// X11, gio, …) were loaded and relocated at every start of every command, which costs a fit that draws nothing
/// ≈ 8 ms of CPU (docs/decisions.md). The signatures follow cairo ≥ 1.16 and librsvg ≥ 2.46 (Debian's librsvg2-2).
struct RenderingLibraries: @unchecked Sendable {
    /// `cairo_write_func_t`: closure, bytes, length → `cairo_status_t`.
    typealias WriteFunction = @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<UInt8>?, UInt32) -> Int32

    // cairo's enumerations (cairo.h, cairo-pdf.h): C enums, passed as int.
    static let statusSuccess: Int32 = 0
    static let statusWriteError: Int32 = 11
    static let formatARGB32: Int32 = 0
    static let pdfMetadataTitle: Int32 = 0
    static let pdfMetadataCreator: Int32 = 4
    static let pdfMetadataCreateDate: Int32 = 5
    static let pdfMetadataModDate: Int32 = 6

    let pdfSurfaceCreateForStream: @convention(c) (WriteFunction?, UnsafeMutableRawPointer?, Double, Double) -> OpaquePointer?
    let pdfSurfaceSetMetadata: @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?) -> Void
    let imageSurfaceCreate: @convention(c) (Int32, Int32, Int32) -> OpaquePointer?
    let surfaceWriteToPNGStream: @convention(c) (OpaquePointer?, WriteFunction?, UnsafeMutableRawPointer?) -> Int32
    let surfaceStatus: @convention(c) (OpaquePointer?) -> Int32
    let surfaceFinish: @convention(c) (OpaquePointer?) -> Void
    let surfaceFlush: @convention(c) (OpaquePointer?) -> Void
    let surfaceDestroy: @convention(c) (OpaquePointer?) -> Void
    let create: @convention(c) (OpaquePointer?) -> OpaquePointer?
    let destroy: @convention(c) (OpaquePointer?) -> Void
    let setSourceRGB: @convention(c) (OpaquePointer?, Double, Double, Double) -> Void
    let paint: @convention(c) (OpaquePointer?) -> Void
    let scale: @convention(c) (OpaquePointer?, Double, Double) -> Void
    let status: @convention(c) (OpaquePointer?) -> Int32
    let statusToString: @convention(c) (Int32) -> UnsafePointer<CChar>?
    /// `rsvg_handle_new_from_data(const guint8 *, gsize, GError **)`.
    let handleNewFromData: @convention(c) (UnsafePointer<UInt8>?, UInt, UnsafeMutablePointer<UnsafeMutableRawPointer?>?) -> OpaquePointer?
    /// `rsvg_handle_render_document(RsvgHandle *, cairo_t *, const RsvgRectangle *, GError **)` → gboolean.
    let handleRenderDocument: @convention(c) (OpaquePointer?, OpaquePointer?, UnsafePointer<Double>?,
                                              UnsafeMutablePointer<UnsafeMutableRawPointer?>?) -> Int32
    let objectUnref: @convention(c) (UnsafeMutableRawPointer?) -> Void
    let errorFree: @convention(c) (UnsafeMutableRawPointer?) -> Void

    /// The libraries, opened once for the process (a static `let` is initialised once, thread-safely).
    static func load() throws(FigureError) -> RenderingLibraries { try loaded.get() }

    private static let loaded: Result<RenderingLibraries, FigureError> = Result { () throws(FigureError) in try open() }

    /// A `GError`'s message (`struct { GQuark domain; gint code; gchar *message; }`).
    static func message(of error: UnsafeMutableRawPointer) -> UnsafePointer<CChar>? {
        error.load(fromByteOffset: MemoryLayout<UInt32>.size + MemoryLayout<Int32>.size, as: UnsafePointer<CChar>?.self)
    }

    private static func open() throws(FigureError) -> RenderingLibraries {
        #if os(macOS)
        let names = ["librsvg-2.2.dylib", "/opt/homebrew/lib/librsvg-2.2.dylib", "/usr/local/lib/librsvg-2.2.dylib"]
        #else
        let names = ["librsvg-2.so.2"]
        #endif
        // librsvg depends on cairo, GObject and GLib, so one handle finds all their symbols (dlsym searches a
        // library's dependencies too).
        var library: UnsafeMutableRawPointer?
        for name in names where library == nil { library = dlopen(name, RTLD_NOW | RTLD_LOCAL) }
        guard let library else {
            let reason = dlerror().map { String(cString: $0) } ?? "not found"
            throw .renderFailed("librsvg could not be loaded (\(reason)); install it with the README's set-up command (Debian: apt-get install librsvg2-dev)")
        }
        func symbol<F>(_ name: String, _ type: F.Type) throws(FigureError) -> F {
            guard let address = dlsym(library, name) else {
                throw .renderFailed("the installed librsvg or cairo has no \(name): cairo 1.16 and librsvg 2.46 or later are needed")
            }
            return unsafeBitCast(address, to: type)
        }
        return RenderingLibraries(
            pdfSurfaceCreateForStream: try symbol("cairo_pdf_surface_create_for_stream", (@convention(c) (WriteFunction?, UnsafeMutableRawPointer?, Double, Double) -> OpaquePointer?).self),
            pdfSurfaceSetMetadata: try symbol("cairo_pdf_surface_set_metadata", (@convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?) -> Void).self),
            imageSurfaceCreate: try symbol("cairo_image_surface_create", (@convention(c) (Int32, Int32, Int32) -> OpaquePointer?).self),
            surfaceWriteToPNGStream: try symbol("cairo_surface_write_to_png_stream", (@convention(c) (OpaquePointer?, WriteFunction?, UnsafeMutableRawPointer?) -> Int32).self),
            surfaceStatus: try symbol("cairo_surface_status", (@convention(c) (OpaquePointer?) -> Int32).self),
            surfaceFinish: try symbol("cairo_surface_finish", (@convention(c) (OpaquePointer?) -> Void).self),
            surfaceFlush: try symbol("cairo_surface_flush", (@convention(c) (OpaquePointer?) -> Void).self),
            surfaceDestroy: try symbol("cairo_surface_destroy", (@convention(c) (OpaquePointer?) -> Void).self),
            create: try symbol("cairo_create", (@convention(c) (OpaquePointer?) -> OpaquePointer?).self),
            destroy: try symbol("cairo_destroy", (@convention(c) (OpaquePointer?) -> Void).self),
            setSourceRGB: try symbol("cairo_set_source_rgb", (@convention(c) (OpaquePointer?, Double, Double, Double) -> Void).self),
            paint: try symbol("cairo_paint", (@convention(c) (OpaquePointer?) -> Void).self),
            scale: try symbol("cairo_scale", (@convention(c) (OpaquePointer?, Double, Double) -> Void).self),
            status: try symbol("cairo_status", (@convention(c) (OpaquePointer?) -> Int32).self),
            statusToString: try symbol("cairo_status_to_string", (@convention(c) (Int32) -> UnsafePointer<CChar>?).self),
            handleNewFromData: try symbol("rsvg_handle_new_from_data", (@convention(c) (UnsafePointer<UInt8>?, UInt, UnsafeMutablePointer<UnsafeMutableRawPointer?>?) -> OpaquePointer?).self),
            handleRenderDocument: try symbol("rsvg_handle_render_document", (@convention(c) (OpaquePointer?, OpaquePointer?, UnsafePointer<Double>?, UnsafeMutablePointer<UnsafeMutableRawPointer?>?) -> Int32).self),
            objectUnref: try symbol("g_object_unref", (@convention(c) (UnsafeMutableRawPointer?) -> Void).self),
            errorFree: try symbol("g_error_free", (@convention(c) (UnsafeMutableRawPointer?) -> Void).self))
    }
}
