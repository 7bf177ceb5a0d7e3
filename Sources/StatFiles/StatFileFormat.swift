/// The statistics-package file formats read through ReadStat, chosen by file extension (case-insensitive).
public enum StatFileFormat: String, Sendable, CaseIterable {
    case sav, zsav, por, dta, sas7bdat, xpt

    /// The format a path's extension names, or `nil` for anything else (CSV, TSV, …).
    public init?(path: String) {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return nil }
        self.init(rawValue: path[path.index(after: dot)...].lowercased())
    }

    /// How messages name the format: "SPSS .sav".
    public var displayName: String {
        switch self {
        case .sav, .zsav, .por: return "SPSS .\(rawValue)"
        case .dta: return "Stata .dta"
        case .sas7bdat, .xpt: return "SAS .\(rawValue)"
        }
    }

    /// Whether alliance writes this format (SPSS .sav/.zsav and Stata .dta, with value and variable labels).
    public var isWritable: Bool { self == .sav || self == .zsav || self == .dta }

    var package: Package {
        switch self {
        case .sav, .zsav, .por: return .spss
        case .dta: return .stata
        case .sas7bdat, .xpt: return .sas
        }
    }

    enum Package { case spss, stata, sas }
}
