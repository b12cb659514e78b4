/// One value per category of the x axis (`Axis.categories`). Several bar series in the same
/// axes are drawn side by side within each category (grouped bars).
public struct BarSeries: Sendable {
    public var name: String?
    /// values[i] belongs to category i; non-finite values draw no bar.
    public var values: [Double]
    public var color: Color?
    /// Print each value above its bar.
    public var valueLabels: Bool

    public init(name: String? = nil, values: [Double], color: Color? = nil, valueLabels: Bool = false) {
        self.name = name
        self.values = values
        self.color = color
        self.valueLabels = valueLabels
    }
}
