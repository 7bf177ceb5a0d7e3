/// The file formats a figure is written in, chosen by the file name's extension.
public enum FigureFormat: String, Sendable, CaseIterable {
    case svg, pdf, png

    /// The format of `path`'s extension (case-insensitive), or nil for a missing or unknown extension.
    public init?(fileExtensionOf path: String) {
        guard let ext = FigureFormat.fileExtension(of: path) else { return nil }
        self.init(rawValue: ext.lowercased())
    }

    /// The text after the last dot of the file name (not of a directory), if any.
    public static func fileExtension(of path: String) -> String? {
        let name = path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
        return String(name[name.index(after: dot)...])
    }

    /// `path` without its extension (`figs/coef.pdf` → `figs/coef`), so that companion figures derive
    /// their names from the stem (`figs/coef-qq.pdf`) rather than from the whole name.
    public static func stem(of path: String) -> String {
        guard let ext = fileExtension(of: path) else { return path }
        return String(path.dropLast(ext.count + 1))
    }

    /// The error message for a figure path whose extension is not one of these formats.
    public static func unknownExtensionMessage(option: String, path: String) -> String {
        let given = fileExtension(of: path).map { "'.\($0)'" } ?? "no extension"
        return "\(option) '\(path)' has \(given); figures are written as .svg, .pdf or .png, chosen by the extension (e.g. \(option) figure.pdf)"
    }
}
