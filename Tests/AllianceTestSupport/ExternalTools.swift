import Foundation

/// Command-line tools some tests use when they are installed (Scripts/install-deps.sh installs them): LibreOffice to
/// read .docx files as Word users would, pdftoppm (poppler-utils) to render PDF pages. Tests without them still
/// check the files by parsing them in Swift.
public enum ExternalTools {
    /// The executable `name` on PATH, or nil.
    public static func find(_ name: String) -> String? {
        let search = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return search.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs `tool` with `arguments`; returns its exit status.
    @discardableResult
    public static func run(_ tool: String, _ arguments: [String], environment: [String: String]? = nil) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// The text LibreOffice extracts from a .docx (`soffice --headless --convert-to txt`), or nil without LibreOffice.
    /// A private profile directory keeps parallel conversions from waiting on each other's lock.
    public static func libreOfficeText(of docx: String) throws -> String? {
        guard let soffice = find("soffice") ?? find("libreoffice") else { return nil }
        let work = (NSTemporaryDirectory() as NSString).appendingPathComponent("alliance-lo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        let status = try run(soffice, ["-env:UserInstallation=file://\(work)/profile", "--headless",
                                       "--convert-to", "txt:Text (encoded):UTF8", "--outdir", work, docx])
        let name = ((docx as NSString).lastPathComponent as NSString).deletingPathExtension + ".txt"
        guard status == 0, let data = FileManager.default.contents(atPath: (work as NSString).appendingPathComponent(name)) else {
            return ""
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Renders page 1 of a PDF to an 8-bit grey PGM with pdftoppm at `dpi`; returns the fraction of pixels darker
    /// than mid-grey (a blank page gives 0), or nil without pdftoppm.
    public static func pdfInkFraction(of pdf: String, dpi: Int = 50) throws -> Double? {
        guard let pdftoppm = find("pdftoppm") else { return nil }
        let work = (NSTemporaryDirectory() as NSString).appendingPathComponent("alliance-pdf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        let stem = (work as NSString).appendingPathComponent("page")
        guard try run(pdftoppm, ["-gray", "-r", String(dpi), "-f", "1", "-l", "1", "-singlefile", pdf, stem]) == 0,
              let data = FileManager.default.contents(atPath: stem + ".pgm") else { return -1 }
        return PGM.inkFraction(Array(data))
    }
}

/// Binary PGM (P5, 8-bit) pixel statistics.
enum PGM {
    /// The fraction of pixels below 128; -1 when the bytes are not an 8-bit P5 file.
    static func inkFraction(_ bytes: [UInt8]) -> Double {
        // Header: "P5", width, height, maxval, each separated by whitespace, then one byte per pixel.
        var fields: [String] = [], current = "", index = 0
        while index < bytes.count && fields.count < 4 {
            let c = Character(UnicodeScalar(bytes[index]))
            if c.isWhitespace {
                if !current.isEmpty { fields.append(current); current = "" }
            } else {
                current.append(c)
            }
            index += 1
        }
        guard fields.count == 4, fields[0] == "P5", let w = Int(fields[1]), let h = Int(fields[2]), fields[3] == "255",
              bytes.count - index >= w * h, w * h > 0 else { return -1 }
        let pixels = bytes[index..<(index + w * h)]
        return Double(pixels.filter { $0 < 128 }.count) / Double(w * h)
    }
}
