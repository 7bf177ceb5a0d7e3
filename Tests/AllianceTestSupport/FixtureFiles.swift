import Foundation

public enum FixtureError: Error, CustomStringConvertible {
    case missing(String)
    case malformed(String)

    public var description: String {
        switch self {
        case .missing(let name): return "fixture \(name) is not in the test bundle"
        case .malformed(let what): return "malformed fixture: \(what)"
        }
    }
}

/// The files under Fixtures/ in one resource bundle: each test target passes its own `Bundle.module`
/// (declared with `resources: [.copy("Fixtures")]`); `FixtureFiles.shared` holds the data sets more than one
/// target reads (Tests/AllianceTestSupport/Fixtures). Names may include subfolders: "correlate/reference.csv".
public struct FixtureFiles: Sendable {
    public let bundle: Bundle
    public let folder: String

    public init(bundle: Bundle, folder: String = "Fixtures") {
        self.bundle = bundle
        self.folder = folder
    }

    /// The fixtures shared by every test target.
    public static let shared = FixtureFiles(bundle: .module)

    /// The fixtures folder itself.
    public func directory() throws -> URL {
        guard let base = bundle.resourceURL else { throw FixtureError.missing(folder) }
        let url = base.appendingPathComponent(folder, isDirectory: true)
        guard FileManager.default.fileExists(atPath: url.path) else { throw FixtureError.missing(folder) }
        return url
    }

    /// A file of this bundle's fixtures, or else of the shared ones: a data set more than one target reads is kept
    /// once, in Tests/AllianceTestSupport/Fixtures, under the same relative name.
    public func url(_ name: String) throws -> URL {
        if let url = try? directory().appendingPathComponent(name), FileManager.default.fileExists(atPath: url.path) {
            return url
        }
        let shared = Self.shared
        guard bundle.bundleURL != shared.bundle.bundleURL || folder != shared.folder,
              let url = try? shared.directory().appendingPathComponent(name),
              FileManager.default.fileExists(atPath: url.path) else { throw FixtureError.missing(name) }
        return url
    }

    public func path(_ name: String) throws -> String {
        try url(name).path
    }

    public func data(_ name: String) throws -> Data {
        try Data(contentsOf: url(name))
    }

    public func text(_ name: String) throws -> String {
        try String(contentsOf: url(name), encoding: .utf8)
    }

    /// The non-empty lines of a text fixture.
    public func lines(_ name: String) throws -> [String] {
        try text(name).split(whereSeparator: \.isNewline).map(String.init)
    }
}
