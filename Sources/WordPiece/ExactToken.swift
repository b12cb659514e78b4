/// A token compared by its exact scalars. Swift's `String` equality and hashing follow
/// canonical equivalence ("한" == its jamo, "é" == "e" U+0301), but the Rust vocabulary is a
/// plain byte-keyed map, so lookups must not merge forms.
struct ExactToken: Hashable {
    let text: String

    init(_ text: String) { self.text = text }

    static func == (lhs: ExactToken, rhs: ExactToken) -> Bool { lhs.text.utf8.elementsEqual(rhs.text.utf8) }

    func hash(into hasher: inout Hasher) {
        // The UTF-8 bytes, as == compares them (not the canonical form String hashes).
        for byte in text.utf8 { hasher.combine(byte) }
    }
}
