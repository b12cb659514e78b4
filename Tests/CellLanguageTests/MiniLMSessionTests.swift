import Display
import Foundation
import TestSupport
import XCTest
@testable import CellLanguage

/// The real all-MiniLM-L6-v2 checkpoint through the session (skipped when it is not installed).
final class MiniLMSessionTests: XCTestCase {
    func testLoadReportsTheNewClassifierAndPredictsProbabilities() throws {
        let directory = try FixturePaths.requireMiniLM()
        let session = Session()
        let summary = try session.load(model: directory.path, labels: 2)
        XCTAssertEqual(summary.json["layers"], .int(6))
        XCTAssertEqual(summary.json["hidden_size"], .int(384))
        XCTAssertEqual(summary.json["heads"], .int(12))
        XCTAssertEqual(summary.json["vocab_size"], .int(30522))
        XCTAssertEqual(Set(summary.json["initialized"]?.arrayValue?.compactMap(\.stringValue) ?? []),
                       ["classifier.weight", "classifier.bias"], "only the classifier is new")
        XCTAssertEqual(summary.json["classifier_fresh"], .bool(true))
        let tokens = try session.tokenize("Tokenization isn't trivial!")
        XCTAssertEqual(tokens.encoding.tokens, ["[CLS]", "token", "##ization", "isn", "'", "t", "trivial", "!", "[SEP]"])
        let predictions = try session.predict(["What a wonderful film.", "Two hours I will never get back."])
        for item in predictions.items {
            XCTAssertEqual(item.probabilities.reduce(0, +), 1, accuracy: 1e-5)
            XCTAssertTrue(item.logits.allSatisfy(\.isFinite))
        }
    }
}
