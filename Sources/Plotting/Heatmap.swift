/// A matrix drawn as coloured cells: row 0 at the top, column 0 at the left. Row and
/// column names come from the axes' `categories` (y for rows, x for columns).
public struct Heatmap: Sendable {
    /// The colour ramp.
    public enum Ramp: Sendable {
        case viridis
        case blues

        func color(_ t: Double) -> Color {
            switch self {
            case .viridis: return Palette.viridis(t)
            case .blues: return Palette.blues(t)
            }
        }
    }

    /// (rows, columns); rows may be ragged (missing cells are not drawn); non-finite cells are grey.
    public var values: [[Double]]
    /// The values mapped to the two ends of the ramp; nil: the finite minimum and maximum.
    public var domain: ClosedRange<Double>?
    public var ramp: Ramp
    /// Text in each cell (e.g. counts), coloured for contrast; nil: none.
    public var cellLabels: [[String]]?
    /// Draw a colour bar to the right of the plot area.
    public var colorBar: Bool
    public var colorBarLabel: String?

    public init(values: [[Double]], domain: ClosedRange<Double>? = nil, ramp: Ramp = .viridis,
                cellLabels: [[String]]? = nil, colorBar: Bool = true, colorBarLabel: String? = nil) {
        self.values = values
        self.domain = domain
        self.ramp = ramp
        self.cellLabels = cellLabels
        self.colorBar = colorBar
        self.colorBarLabel = colorBarLabel
    }

    var rows: Int { values.count }
    var columns: Int { values.map(\.count).max() ?? 0 }

    /// The domain in use: given, or from the finite values (widened if constant), or 0...1.
    var resolvedDomain: ClosedRange<Double> {
        if let domain, domain.lowerBound.isFinite, domain.upperBound.isFinite,
           domain.upperBound > domain.lowerBound {
            return domain
        }
        let finite = values.joined().filter { $0.isFinite }
        guard let lo = finite.min(), let hi = finite.max() else { return 0...1 }
        if hi > lo { return lo...hi }
        return lo == 0 ? 0...1 : min(0, lo)...max(0, hi)
    }
}
