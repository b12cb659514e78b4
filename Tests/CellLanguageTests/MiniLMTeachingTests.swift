import Foundation
import TestSupport
import XCTest
@testable import CellLanguage

/// The teaching commands on the real all-MiniLM-L6-v2 (skipped when it is not installed): it has
/// no MLM or NSP head, so mask and nsp explain the fix; attention and embeddings work.
final class MiniLMTeachingTests: XCTestCase {
    func testMiniLMHasNoPretrainingHeadsButShowsAttentionAndEmbeddings() throws {
        let directory = try FixturePaths.requireMiniLM()
        let session = Session()
        try session.load(model: directory.path, labels: 2)
        XCTAssertThrowsError(try session.mask("The child came home from [MASK].")) { error in
            let message = (error as? SessionError)?.message ?? ""
            XCTAssertEqual((error as? SessionError)?.kind, .state)
            XCTAssertTrue(message.contains("no masked-LM head") && message.contains("pretrain(corpus: \"demo\")"), message)
        }
        XCTAssertThrowsError(try session.nsp("I baked bread.", "It was warm.")) { error in
            XCTAssertTrue(((error as? SessionError)?.message ?? "").contains("no next-sentence head"))
        }
        let plot = try session.plotAttention("The child came home from school.", layer: 5)
        XCTAssertEqual(plot.figure.panels.count, 12, "all 12 heads of layer 5")
        let embeddings = try session.embeddings("The child", pair: "came home")
        XCTAssertEqual(embeddings.rows.map(\.token), ["[CLS]", "the", "child", "[SEP]", "came", "home", "[SEP]"])
        XCTAssertEqual(embeddings.rows.map(\.typeId), [0, 0, 0, 0, 1, 1, 1])
    }
}
