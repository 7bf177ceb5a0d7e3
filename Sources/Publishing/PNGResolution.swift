/// Adds a `pHYs` chunk to a PNG, so that word processors and journal systems read the intended print size
/// (cairo writes none, and a PNG without one is taken as 72 or 96 dpi).
enum PNGResolution {
    /// `png` with a pHYs chunk (pixels per metre, unit 1) right after IHDR; `png` unchanged if it is not a PNG
    /// that starts with an IHDR chunk.
    static func inserting(dotsPerInch dpi: Double, into png: [UInt8]) -> [UInt8] {
        let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        // Signature (8) + IHDR length (4) + type (4) + data (13) + CRC (4).
        let ihdrEnd = 8 + 4 + 4 + 13 + 4
        guard png.count >= ihdrEnd, Array(png[0..<8]) == signature, Array(png[12..<16]) == Array("IHDR".utf8) else {
            return png
        }
        let perMetre = UInt32((dpi / 0.0254).rounded())
        var body = Array("pHYs".utf8)
        body += bigEndian(perMetre) + bigEndian(perMetre) + [1]
        let chunk = bigEndian(UInt32(body.count - 4)) + body + bigEndian(CRC32.checksum(body))
        return Array(png[0..<ihdrEnd]) + chunk + Array(png[ihdrEnd...])
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }
}

/// The CRC-32 of PNG chunks and ZIP entries (ISO 3309, reflected polynomial 0xEDB88320).
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for byte in bytes { c = table[Int((c ^ UInt32(byte)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }
}
