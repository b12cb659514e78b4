/// One value per category of the x axis (`Axis.categories`). Several bar series in the same
/// axes are drawn side by side within each category (grouped bars).
public struct BarSeries: Sendable {
    public var name: String?
    /// values[i] belongs to category i; non-finite values draw no bar.
    public var values: [Double]
    public var color: Color?
    /// Print each value above its bar.
    public var valueLabels: Bool
    /// Text printed instead of the value (e.g. counts above bars that show shares); nil: the value.
    public var labels: [String]?

    public init(name: String? = nil, values: [Double], color: Color? = nil, valueLabels: Bool = false,
                labels: [String]? = nil) {
        self.name = name
        self.values = values
        self.color = color
        self.valueLabels = valueLabels
        self.labels = labels
    }
}
