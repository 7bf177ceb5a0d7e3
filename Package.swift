// swift-tools-version: 6.0
// alliance: a Swift toolkit for psychotherapy outcome research.
// Layers (data flows down; a target never imports one listed above it in DESIGN.md §2):
// CLapack → LinearAlgebra; CNLopt → Optimization; Distributions; DataTable → Models / Measures / Privacy;
// CReadStat → StatFiles (SPSS/Stata/SAS files into DataTable's Table); Output; Reporting; Commands; alliance.
import Foundation
import PackageDescription

/// OpenBLAS, LAPACKE and libcrypto are linked from their static archives where the system has them (Debian's
/// libopenblas-pthread-dev, liblapacke-dev and libssl-dev install them): a process then maps and relocates six shared
/// libraries fewer (≈ 16,000 symbol look-ups fewer), and every command starts ≈ 5 ms sooner (docs/decisions.md). The archives
/// are found by name in the linker's search path (`-l:libopenblas.a`, the threading variant Debian's alternatives
/// chose); without them the shared libraries are linked as before.
let libraryDirectories = ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib"]
/// Whether a library file (a static archive, or a shared library by its run-time name) is in one of those directories.
func hasLibraryFile(_ file: String) -> Bool {
    libraryDirectories.contains { FileManager.default.fileExists(atPath: "\($0)/\(file)") }
}
// OpenBLAS's LAPACK is Fortran: libgfortran by its run-time file name where the development link (`libgfortran.so`,
// from gfortran's packages, which the set-up does not install) may be absent; libopenblas0 brings libgfortran5.
let gfortran: LinkerSetting = hasLibraryFile("libgfortran.so.5") ? .linkedLibrary(":libgfortran.so.5") : .linkedLibrary("gfortran")
let blasLinking: [LinkerSetting] = hasLibraryFile("libopenblas.a") && hasLibraryFile("liblapacke.a")
    // LAPACKE before OpenBLAS (it calls OpenBLAS's LAPACK).
    ? [.linkedLibrary(":liblapacke.a"), .linkedLibrary(":libopenblas.a"), gfortran, .linkedLibrary("pthread"), .linkedLibrary("m")]
    : [.linkedLibrary("lapacke"), .linkedLibrary("openblas")]
let cryptoLinking: [LinkerSetting] = hasLibraryFile("libcrypto.a") ? [.linkedLibrary(":libcrypto.a"), .linkedLibrary("dl"), .linkedLibrary("pthread")] : [.linkedLibrary("crypto")]

let package = Package(
    name: "alliance",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "alliance", targets: ["alliance"]),
        .library(name: "AllianceCommands", targets: ["Commands"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/JohnSundell/Ink", from: "0.6.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // Headers only: the libraries are linked by LinearAlgebra and Commands (blasLinking, cryptoLinking above).
        .systemLibrary(name: "CLapack", providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]),
        .systemLibrary(name: "CNLopt", pkgConfig: "nlopt", providers: [.apt(["libnlopt-dev"])]),
        .systemLibrary(name: "CCrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CMalloc"),
        .systemLibrary(name: "CPrefetch"),
        // Debian's libreadstat-dev ships no pkg-config file: readstat.h is in /usr/include.
        .systemLibrary(name: "CReadStat", providers: [.apt(["libreadstat-dev"])]),
        .target(name: "LinearAlgebra", dependencies: ["CLapack"], linkerSettings: blasLinking),
        .target(name: "Optimization", dependencies: ["CNLopt", "LinearAlgebra"]),
        .target(name: "Distributions"),
        .target(name: "DataTable"),
        // SPSS, Stata and SAS files through ReadStat; kept apart so DataTable (and its fuzz target) need no C library.
        .target(name: "StatFiles", dependencies: ["CReadStat", "DataTable"]),
        .target(name: "Models", dependencies: ["LinearAlgebra", "Distributions", "DataTable", "Optimization", "CPrefetch"]),
        .target(
            name: "Measures",
            dependencies: ["LinearAlgebra", "Distributions", "DataTable"],
            resources: [.copy("Keys")]
        ),
        .target(name: "Privacy", dependencies: ["DataTable"]),
        .target(name: "Output"),
        .target(name: "Simulation", dependencies: ["Distributions", "DataTable"]),
        // Paper-ready files from Output's tables and SVG: Word (.docx, zipped by ZIPFoundation), PDF and PNG figures.
        .target(name: "Publishing", dependencies: ["Output", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        // Result values → JSON, tables and plot specifications; shared by the CLI and the notebook runner.
        .target(name: "Reporting", dependencies: ["DataTable", "Models", "Measures", "Privacy", "Output", "Simulation"]),
        .target(
            name: "Commands",
            dependencies: [
                "CCrypto", "LinearAlgebra", "Distributions", "DataTable", "StatFiles", "Models", "Measures", "Privacy", "Output", "Reporting", "Simulation", "Publishing",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Ink", package: "Ink"),
            ],
            linkerSettings: cryptoLinking
        ),
        // The processor check of a release build compiled for x86-64-v3 (Scripts/cpu-flags.sh); C, compiled for any x86-64.
        .target(name: "CPUCheck"),
        .executableTarget(name: "alliance", dependencies: ["Commands", "CMalloc", "CPUCheck"]),
        // Shared by every test target: approximate equality, fixture files and the data sets more than one target reads.
        .target(
            name: "AllianceTestSupport",
            dependencies: ["DataTable"],
            path: "Tests/AllianceTestSupport",
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra", "AllianceTestSupport"]),
        .testTarget(name: "OptimizationTests", dependencies: ["Optimization", "LinearAlgebra", "CNLopt", "AllianceTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "DistributionsTests", dependencies: ["Distributions", "AllianceTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "DataTableTests", dependencies: ["DataTable", "AllianceTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "StatFilesTests", dependencies: ["StatFiles", "DataTable", "AllianceTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ModelsTests", dependencies: ["Models", "DataTable", "LinearAlgebra", "AllianceTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "MeasuresTests", dependencies: ["Measures", "DataTable", "Distributions", "AllianceTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "PrivacyTests", dependencies: ["Privacy", "DataTable", "AllianceTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "OutputTests", dependencies: ["Output", "AllianceTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "SimulationTests", dependencies: ["Simulation", "Models", "DataTable", "Distributions"]),
        .testTarget(name: "PublishingTests", dependencies: ["Publishing", "Output", "AllianceTestSupport", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        .testTarget(name: "ReportingTests", dependencies: ["Reporting", "Output", "DataTable", "Models", "Measures", "Privacy"]),
        .testTarget(name: "CommandsTests", dependencies: ["Commands", "Reporting", "DataTable", "StatFiles", "Models", "Privacy", "Publishing", "AllianceTestSupport", .product(name: "ZIPFoundation", package: "ZIPFoundation")], resources: [.copy("Fixtures")]),
    ]
)
