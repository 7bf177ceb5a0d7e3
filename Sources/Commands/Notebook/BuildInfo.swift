import Foundation
import LinearAlgebra

/// What built and runs this alliance: recorded in manifests so a re-run can be compared like for like.
enum BuildInfo {
    static var swiftVersion: String {
        #if swift(>=6.4)
        return "6.4+"
        #elseif swift(>=6.3)
        return "6.3"
        #elseif swift(>=6.2)
        return "6.2"
        #elseif swift(>=6.1)
        return "6.1"
        #else
        return "6.0"
        #endif
    }

    /// The commit alliance was built from, when the build recorded it (`ALLIANCE_GIT_COMMIT` in the environment,
    /// set by `make demo`); nil otherwise — never guessed.
    static var gitCommit: String? {
        guard let c = ProcessInfo.processInfo.environment["ALLIANCE_GIT_COMMIT"], !c.isEmpty else { return nil }
        return c
    }

    static var operatingSystem: String {
        var u = utsname()
        uname(&u)
        func text<T>(_ field: T) -> String {
            withUnsafeBytes(of: field) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
        }
        return "\(text(u.sysname)) \(text(u.release)) \(text(u.machine))"
    }

    static var blas: (config: String, core: String, threads: Int) {
        (BLASConfiguration.description, BLASConfiguration.coreName, BLASConfiguration.threadCount)
    }
}
