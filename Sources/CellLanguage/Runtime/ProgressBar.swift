import Display
import Foundation

/// One progress display updated in place: the first update is a `display_data` with a
/// `display_id`, later ones `update_display_data`, at most one per `minimumInterval` (0.25 s:
/// about four a second, so IOPub is never flooded) except the final one from `finish`.
/// Shows step/total, a bar, the caller's metrics, the rate and the ETA, as `text/plain` and
/// as an HTML bar.
public final class ProgressBar {
    public let title: String
    public let total: Int
    public let unit: String
    /// The unit in the rate (`steps/s`, `MB/s`).
    public let unitPlural: String
    public let displayID: String
    /// Updates sent so far (the first one included).
    public private(set) var updatesSent = 0

    private let output: OutputSink
    private let minimumInterval: Double
    private let clock: () -> Double
    private let startTime: Double
    private var lastSent: Double?
    private var finished = false

    /// - clock: seconds from any fixed origin; injected by tests to check throttling without timing.
    public init(output: OutputSink, title: String, total: Int, unit: String = "step", unitPlural: String? = nil,
                minimumInterval: Double = 0.25, clock: @escaping () -> Double = { ProcessInfo.processInfo.systemUptime }) {
        self.output = output
        self.title = title
        self.total = max(0, total)
        self.unit = unit
        self.unitPlural = unitPlural ?? unit + "s"
        self.minimumInterval = minimumInterval
        self.clock = clock
        self.startTime = clock()
        self.displayID = "progress-" + UUID().uuidString.lowercased()
    }

    /// Reports `completed` of `total` units. `samples` (examples processed so far) gives a
    /// samples/s rate instead of units/s. Dropped when the last update was under
    /// `minimumInterval` ago, except the first.
    public func update(_ completed: Int, samples: Int? = nil, metrics: [(String, String)] = []) {
        guard !finished else { return }
        let now = clock()
        if let lastSent, now - lastSent < minimumInterval { return }
        send(completed, samples: samples, metrics: metrics, now: now, done: false)
    }

    /// The final update, always sent.
    public func finish(_ completed: Int? = nil, samples: Int? = nil, metrics: [(String, String)] = []) {
        guard !finished else { return }
        send(completed ?? total, samples: samples, metrics: metrics, now: clock(), done: true)
        finished = true
    }

    private func send(_ completed: Int, samples: Int?, metrics: [(String, String)], now: Double, done: Bool) {
        let bundle = render(completed: min(max(0, completed), total), samples: samples, metrics: metrics,
                            elapsed: max(0, now - startTime), done: done)
        if updatesSent == 0 {
            output.display(bundle, displayID: displayID)
        } else {
            output.updateDisplay(bundle, displayID: displayID)
        }
        updatesSent += 1
        lastSent = now
    }

    /// The bundle for a state; public so tests and documentation can show it.
    public func render(completed: Int, samples: Int?, metrics: [(String, String)], elapsed: Double, done: Bool) -> MimeBundle {
        let fraction = total > 0 ? Double(completed) / Double(total) : 1
        let width = 24
        let filled = Int((fraction * Double(width)).rounded(.down))
        var parts = ["\(title) \(completed)/\(total)", "[" + String(repeating: "#", count: filled)
                        + String(repeating: ".", count: width - filled) + "]",
                     String(format: "%3d%%", Int((fraction * 100).rounded(.down)))]
        parts += metrics.map { "\($0.0) \($0.1)" }
        var rateText: String?
        if elapsed > 0 {
            let (count, name) = samples.map { ($0, "samples") } ?? (completed, unitPlural)
            rateText = String(format: "%.1f %@/s", Double(count) / elapsed, name)
        }
        if let rateText { parts.append(rateText) }
        var timeText: String
        if done {
            timeText = "took " + ProgressBar.clockTime(elapsed)
        } else if completed > 0 {
            timeText = "ETA " + ProgressBar.clockTime(elapsed / Double(completed) * Double(total - completed))
        } else {
            timeText = "ETA ?"
        }
        parts.append(timeText)
        let plain = parts.joined(separator: "  ")

        let percent = String(format: "%.1f", fraction * 100)
        let details = (metrics.map { "\(HTML.escape($0.0)) <b>\(HTML.escape($0.1))</b>" } + [rateText, timeText].compactMap { $0.map(HTML.escape) })
            .joined(separator: " &middot; ")
        let html = """
            <div class="bert-progress" style="font-family: monospace; font-size: 13px;">\
            <span>\(HTML.escape(title)) \(completed)/\(total)</span> \
            <span style="display: inline-block; width: 240px; height: 10px; border: 1px solid #888; vertical-align: middle;">\
            <span style="display: block; width: \(percent)%; height: 100%; background: \(done ? "#4caf50" : "#2196f3");"></span></span> \
            <span>\(details)</span></div>
            """
        return MimeBundle(plain: plain, html: html)
    }

    /// After how many of `total` steps `train` prints its estimate: the third (the first steps
    /// include building the activation arenas, so one step alone overestimates), or the last
    /// but one of a shorter run; never for a run of one step.
    public static func estimateAfterSteps(_ total: Int) -> Int {
        total <= 1 ? .max : min(3, total - 1)
    }

    /// "about 40 s for this run (150 steps at 0.27 s per step, validation not included)", from
    /// the time the first `completed` steps took; minutes from 90 s on, hours from 90 min on.
    public static func estimateLine(elapsed: Double, completed: Int, total: Int) -> String {
        let perStep = elapsed / Double(max(1, completed))
        let seconds = perStep * Double(total)
        let amount: String
        if !seconds.isFinite {
            amount = "an unknown time"
        } else if seconds < 90 {
            amount = "about \(max(1, Int(seconds.rounded()))) s"
        } else if seconds < 90 * 60 {
            amount = "about \(Int((seconds / 60).rounded())) min"
        } else {
            amount = String(format: "about %.1f h", seconds / 3600)
        }
        return "\(amount) for this run (\(total) steps at \(String(format: "%.2g", perStep)) s per step, validation not included)"
    }

    /// `m:ss` or `h:mm:ss`.
    static func clockTime(_ seconds: Double) -> String {
        let s = Int(seconds.isFinite ? seconds.rounded() : 0)
        if s >= 3600 { return String(format: "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60) }
        return String(format: "%d:%02d", s / 60, s % 60)
    }
}
