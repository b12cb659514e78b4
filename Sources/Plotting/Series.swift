/// Anything drawn from data inside a plot area.
public enum Series: Sendable {
    case line(LineSeries)
    case scatter(ScatterSeries)
    case bars(BarSeries)
    case histogram(Histogram)
    case heatmap(Heatmap)

    var name: String? {
        switch self {
        case .line(let s): return s.name
        case .scatter(let s): return s.name
        case .bars(let s): return s.name
        case .histogram(let s): return s.name
        case .heatmap: return nil
        }
    }
}
