import Output
import Publishing

/// Figures written by extension: `.svg` as drawn, `.pdf` and `.png` rendered in-process from the same SVG
/// (librsvg + cairo). Every command that writes a plot goes through here, so that the formats, `--dpi` and the
/// companion-file names (`coef.pdf` → `coef-qq.pdf`) are the same everywhere.
enum FigureOutput {
    /// The format of a figure path; an unknown or missing extension is a usage error naming the option.
    static func format(of path: String, option: String) throws -> FigureFormat {
        guard let format = FigureFormat(fileExtensionOf: path) else {
            throw CLIError.usage(FigureFormat.unknownExtensionMessage(option: option, path: path))
        }
        return format
    }

    /// Checks a figure path and `--dpi` before any work is done.
    static func validate(_ path: String?, option: String, dpi: Double) throws {
        guard let path else { return }
        _ = try format(of: path, option: option)
        guard dpi >= 36 && dpi <= 2400 else {
            throw CLIError.usage(FigureError.invalidResolution(dpi).description)
        }
    }

    /// A companion figure's path: `figs/coef.pdf` with `qq` → `figs/coef-qq.pdf`.
    static func companion(of path: String, suffix: String) -> String {
        let ext = FigureFormat.fileExtension(of: path).map { "." + $0 } ?? ".svg"
        return FigureFormat.stem(of: path) + "-" + suffix + ext
    }
}

extension RunContext {
    /// Writes `plot` to `path` in the format its extension names and returns the resolved path.
    @discardableResult
    func writeFigure(_ plot: Plot, to path: String, dpi: Double = FigureRenderer.defaultDPI,
                     option: String = "--plot") throws -> String {
        let format = try FigureOutput.format(of: path, option: option)
        let bytes: [UInt8]
        do {
            bytes = try FigureRenderer.render(svg: plot.svg(), width: plot.width, height: plot.height, format: format,
                                              dpi: dpi, title: plot.title)
        } catch {
            if case .invalidResolution = error { throw CLIError.usage(error.description) }
            throw CLIError(.cannotCreate, "\(path): \(error.description)")
        }
        return try writeFile(bytes, to: path)
    }
}
