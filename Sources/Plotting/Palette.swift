/// Colour-blind-safe colours.
///
/// Categories use the Okabe-Ito palette (Okabe & Ito 2008, "Color Universal Design"),
/// distinguishable under the common colour-vision deficiencies; it starts with blue and
/// orange so that two-series charts (train/validation, MLM/NSP) contrast most.
/// Sequential data use a viridis-like ramp (van der Walt & Smith, matplotlib's `viridis`,
/// CC0), perceptually uniform and monotonic in lightness, so it also reads in grey.
public enum Palette {
    /// Okabe-Ito without its black, most-contrasting first.
    public static let categorical: [Color] = [
        Color(hex: 0x0072B2), // blue
        Color(hex: 0xE69F00), // orange
        Color(hex: 0x009E73), // bluish green
        Color(hex: 0xCC79A7), // reddish purple
        Color(hex: 0x56B4E9), // sky blue
        Color(hex: 0xD55E00), // vermillion
        Color(hex: 0xF0E442), // yellow
    ]

    /// The `index`-th category colour, cycling.
    public static func category(_ index: Int) -> Color {
        categorical[((index % categorical.count) + categorical.count) % categorical.count]
    }

    /// Ten evenly spaced samples of viridis, from dark purple (0) to yellow (1).
    static let viridisStops: [Color] = [
        Color(hex: 0x440154), Color(hex: 0x482878), Color(hex: 0x3E4989), Color(hex: 0x31688E),
        Color(hex: 0x26828E), Color(hex: 0x1F9E89), Color(hex: 0x35B779), Color(hex: 0x6ECE58),
        Color(hex: 0xB5DE2B), Color(hex: 0xFDE725),
    ]

    /// Viridis at `t` in 0...1 (clamped; NaN maps to 0), linearly interpolated between stops.
    public static func viridis(_ t: Double) -> Color {
        let clamped = t.isNaN ? 0 : min(max(t, 0), 1)
        let position = clamped * Double(viridisStops.count - 1)
        let lower = min(Int(position), viridisStops.count - 2)
        return Color.mix(viridisStops[lower], viridisStops[lower + 1], position - Double(lower))
    }

    /// A light-to-dark single-hue ramp (white to Okabe-Ito blue) for shares such as
    /// row-normalised confusion matrices, where 0 should look empty.
    public static func blues(_ t: Double) -> Color {
        let clamped = t.isNaN ? 0 : min(max(t, 0), 1)
        return Color.mix(Color(hex: 0xF7FBFF), Color(hex: 0x08306B), clamped)
    }
}
