import Foundation

/// The inputs (and `text/plain` results) of the cells run with `store_history`, for
/// `history_request` (IPython `HistoryManager` semantics, kept in memory): entries are
/// `(session, line, input, output)` where `line` is the cell's execution count and `session`
/// counts kernel restarts from 1.
public struct HistoryStore {
    public struct Entry: Equatable {
        public var session: Int
        public var line: Int
        public var input: String
        public var output: String?
    }

    public private(set) var entries: [Entry] = []
    public private(set) var session = 1

    public init() {}

    public mutating func append(line: Int, input: String, output: String?) {
        entries.append(Entry(session: session, line: line, input: input, output: output))
    }

    /// A restart starts a new session; earlier sessions stay searchable.
    public mutating func newSession() { session += 1 }

    /// The last `n` entries, oldest first.
    public func tail(_ n: Int) -> [Entry] { Array(entries.suffix(max(0, n))) }

    /// Lines `start ..< stop` (`stop` nil: to the end) of `session`; 0 or negative counts back
    /// from the current session, as IPython's `get_range`.
    public func range(session requested: Int, start: Int, stop: Int?) -> [Entry] {
        let target = requested > 0 ? requested : session + requested
        return entries.filter { entry in
            entry.session == target && entry.line >= start && (stop.map { entry.line < $0 } ?? true)
        }
    }

    /// Entries whose whole input matches the glob `pattern` (`*`, `?`, `[...]`, as SQLite GLOB),
    /// the last `n` of them (nil: all), oldest first; with `unique`, only the latest of equal inputs.
    public func search(pattern: String, n: Int?, unique: Bool) -> [Entry] {
        let glob = Glob(pattern)
        var matches = entries.filter { glob.matches($0.input) }
        if unique {
            var seen = Set<String>()
            matches = matches.reversed().filter { seen.insert($0.input).inserted }.reversed()
        }
        if let n { matches = Array(matches.suffix(max(0, n))) }
        return matches
    }
}
