/// A figure-level colour scale shared by all panels (e.g. every head of a layer).
public struct ColorBar: Sendable {
    public var domain: ClosedRange<Double>
    public var ramp: Heatmap.Ramp
    public var label: String?

    public init(domain: ClosedRange<Double>, ramp: Heatmap.Ramp = .viridis, label: String? = nil) {
        self.domain = domain
        self.ramp = ramp
        self.label = label
    }
}
