import Display
import XCTest
@testable import CellLanguage

final class DisplayHelperTests: XCTestCase {
    func testProgressSendsOneDisplayThenThrottledUpdatesAndAlwaysTheFinalOne() {
        let sink = RecordingSink()
        var now = 100.0
        let progress = ProgressBar(output: sink, title: "train", total: 10, unit: "step", minimumInterval: 0.25, clock: { now })
        progress.update(0)
        now += 0.1
        progress.update(1, metrics: [("loss", "0.9")])  // dropped: 0.1 s after the first
        now += 0.2
        progress.update(2, samples: 64, metrics: [("loss", "0.8")])  // sent: 0.3 s
        now += 0.01
        progress.finish(metrics: [("loss", "0.5")])
        progress.update(3)  // after finish: ignored
        XCTAssertEqual(progress.updatesSent, 3)
        let events = sink.events
        XCTAssertEqual(events.count, 3)
        guard case .display(let first, let id?) = events[0], case .update(let second, id) = events[1], case .update(let last, id) = events[2] else {
            return XCTFail("expected display then updates with one display id: \(events)")
        }
        XCTAssertEqual(id, progress.displayID)
        XCTAssertEqual(first.plainText, "train 0/10  [........................]    0%  ETA ?")
        XCTAssertEqual(second.plainText, "train 2/10  [####....................]   20%  loss 0.8  213.3 samples/s  ETA 0:01")
        XCTAssertEqual(last.plainText, "train 10/10  [########################]  100%  loss 0.5  32.3 steps/s  took 0:00")
        XCTAssertNotNil(second.data["text/html"])
    }

    func testProgressHTMLEscapesTheTitleAndMetrics() {
        let bar = ProgressBar(output: RecordingSink(), title: "<script>", total: 1)
        let html = bar.render(completed: 0, samples: nil, metrics: [("a&b", "<1>")], elapsed: 0, done: false).data["text/html"]?.stringValue ?? ""
        XCTAssertFalse(html.contains("<script>"))
        XCTAssertTrue(html.contains("&lt;script&gt;") && html.contains("a&amp;b") && html.contains("&lt;1&gt;"), html)
    }

    func testHTMLEscape() {
        XCTAssertEqual(HTML.escape("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
    }

    func testTableRendersAlignedTextAndEscapedHTML() {
        let table = HTMLTable(columns: ["label", "f1"], rows: [["pos<", "0.91"], ["negative", "0.8"]], caption: "scores")
        XCTAssertEqual(table.rightAligned, [1])
        XCTAssertEqual(table.plainText, """
            scores
            label       f1
            --------  ----
            pos<      0.91
            negative   0.8
            """)
        XCTAssertTrue(table.html.hasPrefix("<table><caption>scores</caption><thead><tr><th style=\"text-align: left\">label</th>"))
        XCTAssertTrue(table.html.contains("<td style=\"text-align: left\">pos&lt;</td><td style=\"text-align: right\">0.91</td>"))
        XCTAssertEqual(table.bundle(json: ["f1": [0.91, 0.8]]).data[MimeBundle.numbersType], ["f1": [0.91, 0.8]])
    }

    func testNumbersTravelAsTheVendorJSONTypeNeverAsApplicationJSON() {
        // JupyterLab ranks application/json above text/html and would show the table as a JSON
        // tree (issue 13 part 7); the numbers go under our own +json type instead.
        let bundle = HTMLTable(columns: ["f1"], rows: [["0.9"]]).bundle(json: ["f1": [0.9]])
        XCTAssertEqual(Set(bundle.data.keys), ["text/plain", "text/html", "application/vnd.bert-kernel+json"])
        XCTAssertNil(bundle.data["application/json"])
    }

    func testValueRendering() {
        XCTAssertEqual(Value.format(5e-5), "5e-5")
        XCTAssertEqual(Value.format(1e20), "1e+20".replacingOccurrences(of: "+", with: ""))
        XCTAssertEqual(Value.format(0.1), "0.1")
        XCTAssertEqual(Value.quoted("a\"b\\c\n\u{1}"), "\"a\\\"b\\\\c\\n\\u{1}\"")
        XCTAssertEqual(Value.array([.string("a"), .null, .bool(false)]).json, ["a", nil, false])
    }
}
