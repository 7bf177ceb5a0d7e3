import ArgumentParser
import Output

/// `--dpi`, shared by every command that writes a figure, with the check of a figure path against it.
public struct FigureResolution: ParsableArguments {
    @Option(name: .long, help: "Resolution of PNG figures in dots per inch, for the figure's size at 96 px per inch.")
    public var dpi: Double = 300

    public init() {}

    /// Checks a figure path's extension and `--dpi` before any work is done (`option` names the path's flag).
    func check(_ path: String?, option: String) throws {
        try FigureOutput.validate(path, option: option, dpi: dpi)
    }

    /// Writes `figure` to `path` at `--dpi` and returns the path as the report names it.
    func write(_ figure: Plot, to path: String, option: String, in context: RunContext) throws -> String {
        try context.writeFigure(figure, to: path, dpi: dpi, option: option)
    }
}

/// What a command's `--plot` draws, for its help: each command names its own figure.
public protocol FigureKind {
    static var help: ArgumentHelp { get }
}

/// `--plot FILE` (.svg, .pdf or .png by extension) and `--dpi`: the figure a command writes beside its result.
public struct FigureOptions<Kind: FigureKind>: ParsableArguments {
    @Option(name: .long, help: Kind.help)
    public var plot: String?

    @OptionGroup public var resolution: FigureResolution

    public init() {}

    /// Checks `--plot`'s extension and `--dpi` before any work is done.
    func check() throws {
        try resolution.check(plot, option: "--plot")
    }

    /// Writes `main` to `--plot` and then each companion beside it (`coef.svg`, `coef-qq.svg`, …); nothing without
    /// `--plot` or a main figure, and the companions are only drawn when there is one.
    func write(_ main: Plot?, companions: () -> [(String, Plot)], in context: RunContext) throws -> [String] {
        guard let plot, let main else { return [] }
        var written = [try write(main, to: plot, in: context)]
        for (suffix, companion) in companions() {
            written.append(try write(companion, to: plot, suffix: suffix, in: context))
        }
        return written
    }

    /// Writes `figure` to `--plot`, or with `suffix` to its companion (`coef.pdf` → `coef-qq.pdf`).
    func write(_ figure: Plot, to path: String, suffix: String? = nil, in context: RunContext) throws -> String {
        try resolution.write(figure, to: suffix.map { FigureOutput.companion(of: path, suffix: $0) } ?? path, option: "--plot",
                             in: context)
    }
}
