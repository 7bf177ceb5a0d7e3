/// A declared text encoding for a CSV file (`--encoding`). The reader works on UTF-8; other encodings are
/// transcoded to UTF-8 once, before parsing (a copy, so only declared or BOM-marked files pay for it).
public enum TextEncoding: String, Sendable, Equatable, CaseIterable {
    case utf8 = "utf-8"
    /// ISO 8859-1: every byte is the code point of the same value.
    case latin1 = "latin-1"
    /// Excel's "ANSI" on Western European Windows: Latin-1 with printable characters in 0x80–0x9F.
    /// The five bytes Windows leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) are refused.
    case windows1252 = "windows-1252"
    /// UTF-16 with a byte-order mark (little-endian when there is none, as Windows writes it).
    case utf16 = "utf-16"

    /// Accepts the usual spellings: `utf8`, `latin1`, `iso-8859-1`, `cp1252`, `utf16`, any case.
    public init?(name: String) {
        switch String(name.lowercased().map { $0 == "_" ? "-" : $0 }) {
        case "utf-8", "utf8": self = .utf8
        case "latin-1", "latin1", "iso-8859-1", "iso8859-1", "l1": self = .latin1
        case "windows-1252", "cp1252", "win-1252", "windows1252": self = .windows1252
        case "utf-16", "utf16", "utf-16le", "utf-16be", "ucs-2": self = .utf16
        default: return nil
        }
    }

    /// True when the bytes start with a UTF-16 byte-order mark (FF FE or FE FF).
    static func hasUTF16ByteOrderMark(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 2 && ((bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF))
    }

    /// Windows-1252's characters for 0x80–0x9F (0 where the byte is undefined).
    private static let windows1252High: [UInt32] = [
        0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
        0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
    ]

    /// The bytes as UTF-8. Errors name the line of the first byte that is not valid in this encoding.
    func transcodeToUTF8(_ bytes: UnsafeRawBufferPointer, sourceName: String) throws(CSVError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 8)
        switch self {
        case .utf8:
            out.append(contentsOf: bytes)
        case .latin1, .windows1252:
            var line = 1
            for byte in bytes {
                if byte == 0x0A { line += 1 }
                if byte < 0x80 { out.append(byte); continue }
                var scalar = UInt32(byte)
                if self == .windows1252 && byte < 0xA0 {
                    scalar = Self.windows1252High[Int(byte - 0x80)]
                    guard scalar != 0 else {
                        throw CSVError(kind: .invalidEncoding("byte 0x\(String(byte, radix: 16, uppercase: true)) is undefined in windows-1252"),
                                       file: sourceName, line: line)
                    }
                }
                Self.appendUTF8(scalar, to: &out)
            }
        case .utf16:
            var i = 0
            var bigEndian = false
            if bytes.count >= 2 && bytes[0] == 0xFE && bytes[1] == 0xFF { bigEndian = true; i = 2 }
            else if bytes.count >= 2 && bytes[0] == 0xFF && bytes[1] == 0xFE { i = 2 }
            guard (bytes.count - i) % 2 == 0 else {
                throw CSVError(kind: .invalidEncoding("an odd number of bytes cannot be UTF-16 (the file may be truncated)"),
                               file: sourceName)
            }
            var line = 1
            func unit(_ k: Int) -> UInt32 {
                bigEndian ? UInt32(bytes[k]) << 8 | UInt32(bytes[k + 1]) : UInt32(bytes[k + 1]) << 8 | UInt32(bytes[k])
            }
            while i < bytes.count {
                var scalar = unit(i)
                i += 2
                if scalar >= 0xD800 && scalar < 0xDC00 {
                    guard i < bytes.count, case let low = unit(i), low >= 0xDC00 && low < 0xE000 else {
                        throw CSVError(kind: .invalidEncoding("an unpaired UTF-16 surrogate"), file: sourceName, line: line)
                    }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    i += 2
                } else if scalar >= 0xDC00 && scalar < 0xE000 {
                    throw CSVError(kind: .invalidEncoding("an unpaired UTF-16 surrogate"), file: sourceName, line: line)
                }
                if scalar == 0x0A { line += 1 }
                Self.appendUTF8(scalar, to: &out)
            }
        }
        return out
    }

    @inline(__always)
    private static func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            out.append(UInt8(scalar))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | scalar >> 6)); out.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | scalar >> 12)); out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        default:
            out.append(UInt8(0xF0 | scalar >> 18)); out.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F)); out.append(UInt8(0x80 | scalar & 0x3F))
        }
    }
}
