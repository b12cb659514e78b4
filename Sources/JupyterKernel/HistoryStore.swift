import Foundation

/// The inputs (and `text/plain` results) of the cells run with `store_history`, for
/// `history_request` (IPython `HistoryManager` semantics, kept in memory): entries are
/// `(session, line, input, output)` where `line` is the cell's execution count and `session`
/// counts kernel restarts from 1.
///
/// It keeps the latest `maximumEntries` entries and at most `maximumBytes` of text, dropping the
/// oldest first, so a kernel that runs for weeks (or a loop of `execute_request`s) cannot grow
/// without bound. 10,000 entries is IPython's `InteractiveShell.history_length` default ("Total
/// length of command history", IPython `core/interactiveshell.py`), far more than a notebook
/// session runs. IPython keeps its history on disk (SQLite) and this store is in memory, and a
/// cell's text result can be large, so the text is bounded too: 64 MiB, room for 10,000 entries of
/// over 6 KB each.
public struct HistoryStore {
    public struct Entry: Equatable {
        public var session: Int
        public var line: Int
        public var input: String
        public var output: String?
    }

    public static let defaultMaximumEntries = 10_000
    public static let defaultMaximumBytes = 64 << 20

    public private(set) var entries: [Entry] = []
    public private(set) var session = 1
    public let maximumEntries: Int
    public let maximumBytes: Int
    /// UTF-8 bytes of the inputs and outputs held.
    public private(set) var bytes = 0

    public init(maximumEntries: Int = HistoryStore.defaultMaximumEntries,
                maximumBytes: Int = HistoryStore.defaultMaximumBytes) {
        precondition(maximumEntries > 0 && maximumBytes > 0, "a history holds at least one entry")
        self.maximumEntries = maximumEntries
        self.maximumBytes = maximumBytes
    }

    public mutating func append(line: Int, input: String, output: String?) {
        entries.append(Entry(session: session, line: line, input: input, output: output))
        bytes += Self.size(of: entries[entries.count - 1])
        // Drop the oldest, but never the entry just added (a single huge cell stays findable
        // until the next one arrives).
        var drop = max(0, entries.count - maximumEntries)
        var remaining = bytes
        for entry in entries[..<drop] { remaining -= Self.size(of: entry) }
        while remaining > maximumBytes, drop < entries.count - 1 {
            remaining -= Self.size(of: entries[drop])
            drop += 1
        }
        if drop > 0 {
            entries.removeFirst(drop)
            bytes = remaining
        }
    }

    private static func size(of entry: Entry) -> Int { entry.input.utf8.count + (entry.output?.utf8.count ?? 0) }

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
