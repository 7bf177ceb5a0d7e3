/// The folded copy of a cell that the identifier patterns read when it holds non-ASCII text: Unicode spaces become a
/// space, Unicode hyphens and dashes a hyphen, zero-width characters go, full-width ASCII becomes ASCII and the
/// Cyrillic and Greek letters that look like Latin ones become those letters (`mаry@exаmple.com` with a Cyrillic
/// `а`). Every other character is kept as it is, so names and words in other scripts read as before.
enum ScannerFolding {
    static func fold(_ s: Bytes) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        for scalar in String(decoding: s, as: UTF8.self).unicodeScalars {
            let v = scalar.value
            if v < 0x80 {
                out.append(UInt8(v))
            } else if let ascii = folded(v) {
                if ascii != 0 { out.append(ascii) }
            } else {
                out.append(contentsOf: Array(String(scalar).utf8))
            }
        }
        return out
    }

    /// The ASCII byte a scalar reads as (0: dropped), or nil to keep it.
    private static func folded(_ v: UInt32) -> UInt8? {
        switch v {
        case 0x00A0, 0x1680, 0x2000...0x200A, 0x202F, 0x205F, 0x3000: return 0x20
        case 0x2010...0x2015, 0x2212, 0xFE58, 0xFE63, 0xFF0D: return UInt8(ascii: "-")
        case 0x200B...0x200D, 0x2060, 0xFEFF, 0x00AD: return 0
        case 0xFF01...0xFF5E: return UInt8(v - 0xFEE0)
        default: return homoglyphs[v]
        }
    }

    private static let homoglyphs: [UInt32: UInt8] = {
        let pairs: [(UInt32, Character)] = [
            (0x0430, "a"), (0x0435, "e"), (0x043E, "o"), (0x0440, "p"), (0x0441, "c"), (0x0443, "y"), (0x0445, "x"),
            (0x0456, "i"), (0x0458, "j"), (0x0455, "s"), (0x04BB, "h"), (0x0501, "d"),
            (0x0410, "A"), (0x0412, "B"), (0x0415, "E"), (0x041A, "K"), (0x041C, "M"), (0x041D, "H"), (0x041E, "O"),
            (0x0420, "P"), (0x0421, "C"), (0x0422, "T"), (0x0425, "X"), (0x0406, "I"), (0x0408, "J"), (0x0405, "S"),
            (0x03BF, "o"), (0x03B1, "a"), (0x03B5, "e"), (0x03B9, "i"), (0x03BD, "v"), (0x03C1, "p"),
            (0x039F, "O"), (0x0391, "A"), (0x0392, "B"), (0x0395, "E"), (0x0397, "H"), (0x0399, "I"), (0x039A, "K"),
            (0x039C, "M"), (0x039D, "N"), (0x03A1, "P"), (0x03A4, "T"), (0x03A7, "X"), (0x0396, "Z"),
        ]
        var table: [UInt32: UInt8] = [:]
        for (scalar, letter) in pairs { table[scalar] = letter.asciiValue }
        return table
    }()
}
