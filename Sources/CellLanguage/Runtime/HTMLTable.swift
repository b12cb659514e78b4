import Foundation
import Display

/// A table of strings rendered as aligned `text/plain` and as an escaped HTML `<table>`.
///
///     let table = HTMLTable(columns: ["label", "precision"], rows: [["pos", "0.91"], ["neg", "0.88"]])
///     context.display(table.bundle(json: ["precision": [0.91, 0.88]]))
public struct HTMLTable: Equatable {
    public var columns: [String]
    public var rows: [[String]]
    public var caption: String?
    /// Indices of columns aligned right (numbers). By default, columns whose cells all parse as numbers.
    public var rightAligned: Set<Int>

    public init(columns: [String], rows: [[String]], caption: String? = nil, rightAligned: Set<Int>? = nil) {
        self.columns = columns
        self.rows = rows
        self.caption = caption
        self.rightAligned = rightAligned ?? Set(columns.indices.filter { column in
            !rows.isEmpty && rows.allSatisfy { column < $0.count && Double($0[column].trimmingCharacters(in: .whitespaces)) != nil }
        })
    }

    private func cell(_ row: [String], _ column: Int) -> String { column < row.count ? row[column] : "" }

    public var html: String {
        var out = "<table>"
        if let caption { out += "<caption>\(HTML.escape(caption))</caption>" }
        out += "<thead><tr>"
        for (i, c) in columns.enumerated() {
            out += "<th style=\"text-align: \(rightAligned.contains(i) ? "right" : "left")\">\(HTML.escape(c))</th>"
        }
        out += "</tr></thead><tbody>"
        for row in rows {
            out += "<tr>"
            for i in columns.indices {
                out += "<td style=\"text-align: \(rightAligned.contains(i) ? "right" : "left")\">\(HTML.escape(cell(row, i)))</td>"
            }
            out += "</tr>"
        }
        return out + "</tbody></table>"
    }

    /// Columns padded to their widest cell (in Characters), separated by two spaces.
    public var plainText: String {
        let widths = columns.indices.map { i in ([columns[i]] + rows.map { cell($0, i) }).map(\.count).max() ?? 0 }
        func line(_ cells: [String]) -> String {
            columns.indices.map { i in
                let text = i < cells.count ? cells[i] : ""
                let pad = String(repeating: " ", count: widths[i] - text.count)
                return rightAligned.contains(i) ? pad + text : text + pad
            }.joined(separator: "  ").replacingTrailingSpaces()
        }
        var lines: [String] = []
        if let caption { lines.append(caption) }
        lines.append(line(columns))
        lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        lines += rows.map(line)
        return lines.joined(separator: "\n")
    }

    /// `text/plain` + `text/html`, and `application/vnd.bert-kernel+json` when given.
    public func bundle(json: JSON? = nil) -> MimeBundle {
        MimeBundle(plain: plainText, html: html, json: json)
    }
}

extension String {
    fileprivate func replacingTrailingSpaces() -> String {
        var s = self
        while s.hasSuffix(" ") { s.removeLast() }
        return s
    }
}
