import Display
import Foundation
import TextDatasets

/// What `check()` shows: one row per finding with its count and where it is (the first few
/// lines of the source file, then "and N more"), as text, an HTML table and JSON.
public struct DataCheckReport {
    public let check: DatasetCheck
    /// The dataset's name (its file) and its test file, to say which file the lines are of.
    public let source: String
    public let testSource: String?

    /// Groups listed in the text and HTML table per finding; the JSON lists up to `jsonGroups`.
    static let shownGroups = 5
    static let jsonGroups = 1000

    /// `12`, or `test 4` for a line of the test file.
    static func place(_ place: DatasetCheck.Place) -> String {
        place.split == .test ? "test \(place.line)" : String(place.line)
    }

    /// "lines 3, 8, 12, 20, 31 and 7 more"; groups of several rows as "3 = 17" (with a note:
    /// "3 = 17 ('positive' vs 'negative')").
    static func whereText(_ finding: DatasetCheck.Finding, limit: Int = shownGroups) -> String {
        let single = finding.groups.allSatisfy { $0.count == 1 }
        let shown = finding.groups.prefix(limit).enumerated().map { index, group -> String in
            var text: String
            if single || finding.kind == .rareClass || finding.kind == .labelVariants {
                let lines = group.prefix(limit).map(place).joined(separator: ", ")
                text = group.count > limit ? lines + " and \(group.count - limit) more" : lines
            } else {
                text = group.prefix(limit).map(place).joined(separator: " = ")
                if group.count > limit { text += " = … (\(group.count) rows)" }
            }
            if index < finding.notes.count, !single || finding.kind == .truncated {
                text += " (\(finding.notes[index]))"
            }
            return text
        }
        let more = finding.groups.count > limit ? " and \(finding.groups.count - limit) more" : ""
        let noun = single ? (finding.groups.count == 1 ? "line " : "lines ") : ""
        let separator = single && finding.kind != .truncated ? ", " : "; "
        return noun + shown.joined(separator: separator) + more
    }

    public var json: JSON {
        [
            "source": .string(source), "test_source": testSource.map { .string($0) } ?? .null,
            "examples": .int(check.exampleCount), "max_length": .int(check.maxLength),
            "token_counts": .string(check.exactTokenCounts ? "tokenizer" : "lower_bound"),
            "findings": .array(check.findings.map { finding in
                [
                    "kind": .string(finding.kind.rawValue), "count": .int(finding.count), "message": .string(finding.message),
                    "groups_total": .int(finding.groups.count),
                    "groups": .array(finding.groups.prefix(Self.jsonGroups).map { group in
                        .array(group.map { ["split": .string($0.split.rawValue), "line": .int($0.line)] })
                    }),
                    "notes": JSON(Array(finding.notes.prefix(Self.jsonGroups))),
                ]
            }),
        ]
    }

    public var bundle: MimeBundle {
        let files = testSource.map { "lines of \(source); test N: line N of \($0)" } ?? "lines of \(source)"
        guard !check.findings.isEmpty else {
            let text = "\(source): no problems found in \(check.exampleCount) examples (maxLength \(check.maxLength))"
            return MimeBundle(plain: text, html: "<p>\(HTML.escape(text))</p>", json: json)
        }
        let rows = check.findings.map { [$0.kind.title, String($0.count), $0.message + ": " + Self.whereText($0)] }
        let caption = "\(source): \(check.findings.count) finding\(check.findings.count == 1 ? "" : "s") in "
            + "\(check.exampleCount) examples (\(files))"
        return HTMLTable(columns: ["finding", "count", "where"], rows: rows, caption: caption, rightAligned: [1]).bundle(json: json)
    }
}
