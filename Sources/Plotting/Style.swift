/// Font sizes and spacing in CSS pixels, chosen to stay readable in a notebook cell
/// at 1x and in the 2x PNG.
enum Style {
    static let figureTitleSize = 15.0
    static let panelTitleSize = 13.0
    static let axisLabelSize = 12.0
    static let tickLabelSize = 11.0
    static let legendSize = 11.0
    static let annotationSize = 11.0
    static let noteSize = 13.0
    static let tickLength = 4.0
    static let padding = 8.0
    static let legendRowHeight = 18.0
    static let axisLineWidth = 1.0
    static let gridLineWidth = 1.0
    static let markerDash: [Double] = [5, 4]
    static let colorBarWidth = 12.0
    /// Colour-bar and legend swatch sizes.
    static let swatch = 10.0
}
