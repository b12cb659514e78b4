import Foundation

/// An sRGB colour with straight (not premultiplied) alpha, each channel in 0...1.
///
///     let c = Color(hex: 0x0072B2)         // Okabe-Ito blue
///     c.svg                                 // "#0072b2"
public struct Color: Equatable, Sendable {
    public var red: Double
    public var green: Double
    public var blue: Double
    public var alpha: Double

    public init(red: Double, green: Double, blue: Double, alpha: Double = 1) {
        self.red = red
        self.green = green
        self.blue = blue
        self.alpha = alpha
    }

    /// `0xRRGGBB`.
    public init(hex: UInt32, alpha: Double = 1) {
        self.init(red: Double((hex >> 16) & 0xFF) / 255, green: Double((hex >> 8) & 0xFF) / 255,
                  blue: Double(hex & 0xFF) / 255, alpha: alpha)
    }

    public static let black = Color(hex: 0x000000)
    public static let white = Color(hex: 0xFFFFFF)
    /// Text and axis lines: near-black reads softer than pure black on screens.
    public static let ink = Color(hex: 0x222222)
    public static let gridGray = Color(hex: 0xDDDDDD)
    public static let noteGray = Color(hex: 0x777777)

    public func withAlpha(_ alpha: Double) -> Color {
        Color(red: red, green: green, blue: blue, alpha: alpha)
    }

    /// The 8-bit channels, rounded.
    var bytes: (r: UInt8, g: UInt8, b: UInt8, a: UInt8) {
        func byte(_ v: Double) -> UInt8 { UInt8((min(max(v, 0), 1) * 255).rounded()) }
        return (byte(red), byte(green), byte(blue), byte(alpha))
    }

    /// `#rrggbb` (alpha is written separately as `fill-opacity` / `stroke-opacity`).
    var svg: String {
        let b = bytes
        return String(format: "#%02x%02x%02x", b.r, b.g, b.b)
    }

    /// WCAG relative luminance (https://www.w3.org/TR/WCAG21/#dfn-relative-luminance).
    public var luminance: Double {
        func linear(_ c: Double) -> Double { c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4) }
        return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    }

    /// Black or white, whichever has the higher WCAG contrast ratio against this colour:
    /// cell labels on heatmaps stay readable on both ends of the colour scale.
    public var contrastingText: Color {
        let l = luminance
        let onBlack = (l + 0.05) / 0.05
        let onWhite = 1.05 / (l + 0.05)
        return onBlack >= onWhite ? .ink : .white
    }

    /// Linear interpolation in sRGB, `t` in 0...1.
    static func mix(_ a: Color, _ b: Color, _ t: Double) -> Color {
        Color(red: a.red + (b.red - a.red) * t, green: a.green + (b.green - a.green) * t,
              blue: a.blue + (b.blue - a.blue) * t, alpha: a.alpha + (b.alpha - a.alpha) * t)
    }
}
