import Foundation

/// An sRGB colour written as `#RRGGBB`.
public struct Color: Sendable, Equatable, Hashable {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8

    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// A colour from `#RRGGBB` (the `#` is optional); `nil` for anything else.
    public init?(hex: String) {
        let digits = hex.hasPrefix("#") ? String(hex.dropFirst()) : hex
        guard digits.count == 6, let value = UInt32(digits, radix: 16) else { return nil }
        self.init(red: UInt8((value >> 16) & 0xFF), green: UInt8((value >> 8) & 0xFF), blue: UInt8(value & 0xFF))
    }

    /// `#RRGGBB` in upper case.
    public var hex: String {
        let digits = Array("0123456789ABCDEF")
        return "#" + [red, green, blue].map { String(digits[Int($0 >> 4)]) + String(digits[Int($0 & 0x0F)]) }.joined()
    }

    /// The Okabe–Ito palette (R 4's `palette.colors()` order): orange, sky blue, bluish green, yellow, blue,
    /// vermillion, reddish purple, grey. Distinguishable with the common colour-vision deficiencies.
    public static let okabeIto: [Color] = [
        Color(red: 0xE6, green: 0x9F, blue: 0x00), Color(red: 0x56, green: 0xB4, blue: 0xE9),
        Color(red: 0x00, green: 0x9E, blue: 0x73), Color(red: 0xF5, green: 0xC7, blue: 0x10),
        Color(red: 0x00, green: 0x72, blue: 0xB2), Color(red: 0xD5, green: 0x5E, blue: 0x00),
        Color(red: 0xCC, green: 0x79, blue: 0xA7), Color(red: 0x99, green: 0x99, blue: 0x99),
    ]

    public static let black = Color(red: 0, green: 0, blue: 0)
    public static let white = Color(red: 255, green: 255, blue: 255)
    /// Text and axis colour: near-black, softer than pure black.
    public static let ink = Color(red: 0x22, green: 0x22, blue: 0x22)
    /// Reference lines.
    public static let gray = Color(red: 0x66, green: 0x66, blue: 0x66)
    /// Grid lines.
    public static let grid = Color(red: 0xE3, green: 0xE3, blue: 0xE3)

    /// WCAG 2 relative luminance (0 black … 1 white).
    public var relativeLuminance: Double {
        func linear(_ channel: UInt8) -> Double {
            let c = Double(channel) / 255
            return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    }

    /// WCAG contrast ratio between two colours (1 … 21).
    public static func contrastRatio(_ a: Color, _ b: Color) -> Double {
        let (la, lb) = (a.relativeLuminance, b.relativeLuminance)
        return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
    }

    /// `black` or `white`, whichever contrasts more with this colour as a background. Pure black (not `ink`)
    /// guarantees a WCAG ratio of at least 4.58 on any background, above the 4.5 AA threshold for text.
    public var contrastingText: Color {
        Color.contrastRatio(self, .black) >= Color.contrastRatio(self, .white) ? .black : .white
    }

    /// Linear interpolation in sRGB.
    static func mix(_ a: Color, _ b: Color, _ t: Double) -> Color {
        let t = min(1, max(0, t))
        func channel(_ x: UInt8, _ y: UInt8) -> UInt8 {
            UInt8((Double(x) + (Double(y) - Double(x)) * t).rounded())
        }
        return Color(red: channel(a.red, b.red), green: channel(a.green, b.green), blue: channel(a.blue, b.blue))
    }
}

/// A diverging colour scale (ColorBrewer RdBu, colour-blind safe): negative values red, the midpoint
/// near-white, positive values blue, as correlation plots conventionally show them.
public struct DivergingPalette: Sendable, Equatable {
    public var domain: ClosedRange<Double>
    public var midpoint: Double

    /// RdBu stops from the negative end to the positive end.
    static let stops: [Color] = ["#B2182B", "#EF8A62", "#F7F7F7", "#67A9CF", "#2166AC"].compactMap(Color.init(hex:))

    public init(domain: ClosedRange<Double> = -1...1, midpoint: Double? = nil) {
        self.domain = domain
        self.midpoint = midpoint ?? (domain.lowerBound + domain.upperBound) / 2
    }

    /// The colour for `value` (clamped to the domain).
    public func color(for value: Double) -> Color {
        let stops = DivergingPalette.stops
        let position: Double  // 0 … 1 along the stops, midpoint at 0.5
        if value <= midpoint {
            let width = midpoint - domain.lowerBound
            position = width > 0 ? 0.5 * (1 - (midpoint - value) / width) : 0.5
        } else {
            let width = domain.upperBound - midpoint
            position = width > 0 ? 0.5 + 0.5 * (value - midpoint) / width : 0.5
        }
        let scaled = min(1, max(0, position.isNaN ? 0.5 : position)) * Double(stops.count - 1)
        let index = min(stops.count - 2, Int(scaled.rounded(.down)))
        return Color.mix(stops[index], stops[index + 1], scaled - Double(index))
    }
}
