/// The advice `check(maxLength:)` and `plot("lengths")` add when a length would cut many texts:
/// read them whole as sliding windows (`train(window:, stride:)`) instead.
///
///     WindowSuggestion.text(cut: 30, of: 100, maxLength: 128)
///     // "30% of the texts would lose their end: train(window: 128, stride: 32) ..."
public enum WindowSuggestion {
    /// "Many": at least this fraction of the texts. A few long outliers lose little; a tenth of
    /// the data losing its end (often where a review's verdict is) is worth windows.
    public static let fraction = 0.1

    /// The suggested stride: a quarter of the window, the 128 / 32 of the issue and the usual
    /// question-answering setting (384 / 128 is a third).
    public static func stride(for window: Int) -> Int { window / 4 }

    /// The advice, or nil when fewer than `fraction` of `total` texts are cut.
    public static func text(cut: Int, of total: Int, maxLength: Int) -> String? {
        guard cut > 0, total > 0, Double(cut) >= fraction * Double(total) else { return nil }
        let percent = Int((100 * Double(cut) / Double(total)).rounded())
        return "\(percent)% of the texts would lose their end: train(window: \(maxLength), stride: \(stride(for: maxLength))) "
            + "reads each text whole as overlapping windows (and evaluate and predict take the same window:)"
    }
}
