/// One axis of a plot: label, scale, optional fixed limits, or named categories.
public struct Axis: Sendable {
    public var label: String?
    public var scale: ScaleKind
    /// Fixed range; nil: from the data, widened to whole tick steps.
    public var limits: ClosedRange<Double>?
    /// Named positions 0, 1, 2, ... (bars, heatmap rows/columns); nil: numeric ticks.
    public var categories: [String]?
    /// Always include zero in the range (counts, bars).
    public var includeZero: Bool
    public var showTickLabels: Bool
    /// Use only integer tick values (steps, epochs).
    public var integerTicks: Bool

    public init(label: String? = nil, scale: ScaleKind = .linear, limits: ClosedRange<Double>? = nil,
                categories: [String]? = nil, includeZero: Bool = false, showTickLabels: Bool = true,
                integerTicks: Bool = false) {
        self.label = label
        self.scale = scale
        self.limits = limits
        self.categories = categories
        self.includeZero = includeZero
        self.showTickLabels = showTickLabels
        self.integerTicks = integerTicks
    }
}
