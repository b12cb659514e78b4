import Numerics
import XCTest

/// A dropout mask element's random number names the element (example of the whole batch, head,
/// positions, column), not its place in a buffer: padding a batch longer, or cutting it into the
/// ranks' shares, must leave every real element's draw as it was (issue 20: R processes reach
/// the weights of one with dropout on). Checked as exact equality: the same draw is the same bits.
final class DropoutMaskKeyTests: XCTestCase {
    /// (B·G·T, W) mask of examples `first ..< first + B`, positions counted to 16, width up to 16.
    private func mask(first: Int, examples B: Int, groups G: Int, positions T: Int, columns W: Int) -> [Float] {
        let keys = G == 1
            ? Dropout.MaskKeys.activations(firstExample: first, examples: B, positions: 16, width: W)
            : Dropout.MaskKeys.attention(firstExample: first, examples: B, heads: G, positions: 16)
        var values = [Float](repeating: -1, count: B * G * T * W)
        values.withMutableMatrixView(rows: B * G * T, columns: W) {
            Dropout.makeMask($0, keys: keys, probability: 0.5, seed: 99)
        }
        return values
    }

    /// Element (b, g, t, w) of a mask made by `mask` with `T` positions and `W` columns.
    private func element(_ m: [Float], _ b: Int, _ g: Int, _ t: Int, _ w: Int, groups G: Int, positions T: Int,
                         columns W: Int) -> Float {
        m[((b * G + g) * T + t) * W + w]
    }

    func testAnActivationMaskIsTheSameForTheSameTokensWhateverTheBatchIsPaddedTo() {
        let short = mask(first: 0, examples: 3, groups: 1, positions: 5, columns: 8)
        let long = mask(first: 0, examples: 3, groups: 1, positions: 9, columns: 8)
        for b in 0..<3 { for t in 0..<5 { for w in 0..<8 {
            XCTAssertEqual(element(short, b, 0, t, w, groups: 1, positions: 5, columns: 8),
                           element(long, b, 0, t, w, groups: 1, positions: 9, columns: 8), "(\(b), \(t), \(w))")
        } } }
        XCTAssertTrue(short.allSatisfy { $0 == 0 || $0 == 2 }, "every element drawn: 0 or 1 / (1 - p)")
        XCTAssertNotEqual(Array(short[0..<40]), Array(short[40..<80]), "examples draw different masks")
    }

    func testAnAttentionMaskIsTheSameForTheSameQueryAndKeyWhateverTheBatchIsPaddedTo() {
        // (B, H, T, T): both the query (row) and the key (column) positions grow with padding.
        let short = mask(first: 0, examples: 2, groups: 3, positions: 4, columns: 4)
        let long = mask(first: 0, examples: 2, groups: 3, positions: 7, columns: 7)
        for b in 0..<2 { for h in 0..<3 { for i in 0..<4 { for j in 0..<4 {
            XCTAssertEqual(element(short, b, h, i, j, groups: 3, positions: 4, columns: 4),
                           element(long, b, h, i, j, groups: 3, positions: 7, columns: 7), "(\(b), \(h), \(i), \(j))")
        } } } }
    }

    func testTheRanksSharesOfABatchDrawWhatTheWholeBatchDraws() {
        // Five examples cut as two ranks would (rows 0..<3 and 3..<5), each share padded to its
        // own length, against the whole batch padded to the longest.
        for (G, W) in [(1, 8), (2, 6)] {
            let whole = mask(first: 0, examples: 5, groups: G, positions: 6, columns: W)
            let first = mask(first: 0, examples: 3, groups: G, positions: 4, columns: G == 1 ? W : 4)
            let second = mask(first: 3, examples: 2, groups: G, positions: 6, columns: W)
            let firstW = G == 1 ? W : 4
            for b in 0..<3 { for g in 0..<G { for t in 0..<4 { for w in 0..<firstW {
                XCTAssertEqual(element(first, b, g, t, w, groups: G, positions: 4, columns: firstW),
                               element(whole, b, g, t, w, groups: G, positions: 6, columns: W))
            } } } }
            for b in 0..<2 { for g in 0..<G { for t in 0..<6 { for w in 0..<W {
                XCTAssertEqual(element(second, b, g, t, w, groups: G, positions: 6, columns: W),
                               element(whole, b + 3, g, t, w, groups: G, positions: 6, columns: W))
            } } } }
        }
    }

    /// Each element draws by its own counter, whatever the width of the rows that cut the
    /// counters up (an odd width starts every other row on an odd counter, which a draw shared
    /// by two neighbouring counters, tried for speed, has to respect): a (41, 5) mask is, element
    /// for element, the (1, 205) mask of the same counters 0 ..< 205.
    func testAnElementDrawsByItsCounterWhereverItsRowStarts() {
        let rows = 41, width = 5
        var cut = [Float](repeating: -1, count: rows * width), flat = cut
        cut.withMutableMatrixView(rows: rows, columns: width) {
            Dropout.makeMask($0, keys: .activations(firstExample: 0, examples: 1, positions: rows, width: width),
                             probability: 0.5, seed: 7)
        }
        flat.withMutableMatrixView(rows: 1, columns: rows * width) {
            Dropout.makeMask($0, keys: .activations(firstExample: 0, examples: 1, positions: 1, width: rows * width),
                             probability: 0.5, seed: 7)
        }
        XCTAssertEqual(cut, flat)
        XCTAssertTrue(flat.contains(0) && flat.contains(2), "both outcomes drawn")
    }
}
