/// One plot panel: axes, series, annotations, legend and grid.
///
///     var axes = Axes(title: "loss", x: Axis(label: "step"), y: Axis(label: "loss"))
///     axes.series.append(.line(LineSeries(name: "train", x: steps, y: losses)))
public struct Axes: Sendable {
    public var title: String?
    public var x: Axis
    public var y: Axis
    public var series: [Series]
    public var annotations: [Annotation]
    public var grid: Bool
    /// Show a legend row for the named series (only when at least one series is named).
    public var legend: Bool
    /// Shown in the middle of the plot area when nothing is drawable; "no data" by default.
    public var emptyNote: String

    public init(title: String? = nil, x: Axis = Axis(), y: Axis = Axis(), series: [Series] = [],
                annotations: [Annotation] = [], grid: Bool = true, legend: Bool = true,
                emptyNote: String = "no data") {
        self.title = title
        self.x = x
        self.y = y
        self.series = series
        self.annotations = annotations
        self.grid = grid
        self.legend = legend
        self.emptyNote = emptyNote
    }
}
