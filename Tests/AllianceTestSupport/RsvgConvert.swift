import Foundation

/// rsvg-convert (librsvg2-bin), which the plot tests render SVG with when it is installed.
public enum RsvgConvert {
    /// The executable on PATH; nil when it is not installed.
    public static let path: String? = {
        let search = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return search.split(separator: ":").map { "\($0)/rsvg-convert" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// What one conversion did: the exit status, what it wrote to standard error, and the PNG bytes written.
    public struct Outcome: Sendable {
        public let status: Int32
        public let message: String
        public let png: Data

        /// The output starts with the PNG signature.
        public var isPNG: Bool { png.starts(with: [0x89, 0x50, 0x4E, 0x47]) }
    }

    /// Renders the SVG file at `svg` to a PNG file at `png`; nil when rsvg-convert is not installed.
    public static func render(svg: String, png: String) throws -> Outcome? {
        guard let tool = path else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["-f", "png", "-o", png, svg]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let bytes = (try? Data(contentsOf: URL(fileURLWithPath: png))) ?? Data()
        return Outcome(status: process.terminationStatus, message: message, png: bytes)
    }
}
