/// One self-contained HTML file: the report's text (from the Markdown the report already
/// writes) and the figures as inline SVG. No scripts, no fonts or styles from the
/// network, so it opens offline and can be attached to an email.
public struct HTMLPage: Sendable {
    public struct Figure: Sendable {
        /// The file name it is also written under (`--figures DIR`).
        public var name: String
        public var svg: String
        public var caption: String
        public init(name: String, svg: String, caption: String) {
            self.name = name
            self.svg = svg
            self.caption = caption
        }
    }

    public var title: String
    public var markdown: String
    public var figures: [Figure]

    public init(title: String, markdown: String, figures: [Figure]) {
        self.title = title
        self.markdown = markdown
        self.figures = figures
    }

    static let style = """
        body{font-family:"DejaVu Sans",Arial,sans-serif;margin:2em auto;padding:0 24px;max-width:1100px;color:#000;line-height:1.4}
        table{border-collapse:collapse;margin:0.5em 0 1.2em}th,td{border:1px solid #BBB;padding:2px 8px;font-size:13px}
        td.num{text-align:right;font-variant-numeric:tabular-nums}th{background:#F0F0F0}
        figure{margin:1.5em 0}figcaption{font-size:13px;max-width:720px}
        """

    public func render() -> String {
        var out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        out += "<title>\(MarkupText.escape(title))</title>\n<style>\n\(Self.style)\n</style>\n</head>\n<body>\n"
        out += MarkdownHTML.render(markdown)
        if !figures.isEmpty {
            out += "<h2 id=\"figures\">Figures</h2>\n"
            for figure in figures {
                out += "<figure id=\"\(MarkupText.escape(figure.name))\">\n\(figure.svg)"
                out += "<figcaption>\(MarkupText.escape(figure.caption))</figcaption>\n</figure>\n"
            }
        }
        return out + "</body>\n</html>\n"
    }
}

/// The Markdown the reports write — headings, paragraphs, lists, pipe tables — as HTML,
/// every piece of text escaped. Not a general Markdown reader: only what the reports use.
enum MarkdownHTML {
    static func render(_ markdown: String) -> String {
        var out = "", paragraph: [String] = [], list: [String] = [], table: [[String]] = []
        func flush() {
            if !paragraph.isEmpty { out += "<p>\(paragraph.map(MarkupText.escape).joined(separator: " "))</p>\n" }
            if !list.isEmpty { out += "<ul>\n" + list.map { "<li>\(MarkupText.escape($0))</li>\n" }.joined() + "</ul>\n" }
            if !table.isEmpty { out += renderTable(table) }
            paragraph = []
            list = []
            table = []
        }
        for raw in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(raw)
            if line.hasPrefix("|") {
                if table.isEmpty { flush() }
                table.append(cells(line))
            } else if line.hasPrefix("#") {
                flush()
                let level = min(6, line.prefix { $0 == "#" }.count)
                out += "<h\(level)>\(MarkupText.escape(line.drop { $0 == "#" }.trimmingLeadingSpaces()))</h\(level)>\n"
            } else if line.hasPrefix("- ") {
                if list.isEmpty { flush() }
                list.append(String(line.dropFirst(2)))
            } else if line.trimmingLeadingSpaces().isEmpty {
                flush()
            } else {
                if !list.isEmpty || !table.isEmpty { flush() }
                paragraph.append(line)
            }
        }
        flush()
        return out
    }

    static func cells(_ line: String) -> [String] {
        var parts = line.split(separator: "|", omittingEmptySubsequences: false).map {
            String($0).trimmingLeadingSpaces().trimmingTrailingSpaces()
        }
        if parts.first == "" { parts.removeFirst() }
        if parts.last == "" { parts.removeLast() }
        return parts
    }

    /// The first row is the header; a row of dashes (the alignment row) marks numeric columns.
    static func renderTable(_ rows: [[String]]) -> String {
        guard let header = rows.first else { return "" }
        let alignment = rows.count > 1 && rows[1].allSatisfy { $0.allSatisfy { "-:".contains($0) } } ? rows[1] : nil
        let body = rows.dropFirst(alignment == nil ? 1 : 2)
        var out = "<table>\n<tr>" + header.map { "<th>\(MarkupText.escape($0))</th>" }.joined() + "</tr>\n"
        for row in body {
            out += "<tr>" + row.enumerated().map { index, cell in
                let numeric = alignment.map { index < $0.count && $0[index].hasSuffix(":") } ?? false
                return (numeric ? "<td class=\"num\">" : "<td>") + MarkupText.escape(cell) + "</td>"
            }.joined() + "</tr>\n"
        }
        return out + "</table>\n"
    }
}

extension StringProtocol {
    func trimmingLeadingSpaces() -> String { String(drop { $0 == " " }) }
    func trimmingTrailingSpaces() -> String { String(String(reversed()).drop { $0 == " " }.reversed()) }
}
