import Foundation
import XCTest
@testable import Bert

/// `TrainOptions.declarations` is the one place the options' defaults and ranges are written.
final class TrainOptionsTests: XCTestCase {
    func testEveryStoredOptionIsDeclaredOnceInSignatureOrder() {
        let stored = Mirror(reflecting: TrainOptions()).children.compactMap(\.label)
        XCTAssertEqual(TrainOptions.declarations.map(\.name), stored)
    }

    func testTheInitialiserDefaultsAreTheDeclaredOnes() {
        XCTAssertEqual(TrainOptions(), TrainOptions.defaults)
        for option in TrainOptions.declarations {
            XCTAssertEqual(option.read(TrainOptions()), option.defaultValue, option.name)
            if let range = option.range, let number = option.defaultValue.number {
                XCTAssertTrue(range.contains(number), "\(option.name)'s default is in its range")
            }
        }
        XCTAssertNoThrow(try TrainOptions().validate())
    }

    /// Each declared bound: an included end is accepted, an excluded one and anything beyond is
    /// rejected (by 1 for integers, 1e-9 for doubles), NaN never passes, and the error names the option.
    func testValidateChecksEveryDeclaredBound() throws {
        for option in TrainOptions.declarations {
            guard let range = option.range else { continue }
            // freeze (an Int or "encoder") has its range on the Int.
            let integral = option.kind == .int || option.kind == .intOrString
            func value(_ x: Double) -> TrainOptions.OptionValue { integral ? .int(Int(x)) : .double(x) }
            let step = integral ? 1.0 : 1e-9
            func check(_ x: Double, accepted: Bool, line: UInt = #line) {
                var options = TrainOptions()
                option.write(value(x), &options)
                if accepted {
                    XCTAssertNoThrow(try options.validate(), "\(option.name) = \(x)", line: line)
                } else {
                    XCTAssertThrowsError(try options.validate(), "\(option.name) = \(x)", line: line) { error in
                        XCTAssertEqual((error as? BertError)?.kind, .argument)
                        XCTAssertTrue("\(error)".hasPrefix("\(option.name) must be "), "\(error)")
                    }
                }
            }
            if range.lower.isFinite {
                check(range.lower, accepted: range.includesLower)
                check(range.lower - step, accepted: false)
            }
            if range.upper.isFinite {
                check(range.upper, accepted: range.includesUpper)
                check(range.upper + step, accepted: false)
            }
            if option.kind == .double { check(.nan, accepted: false) }
        }
    }

    func testRangesReadAsTheReferenceWritesThem() {
        XCTAssertEqual(OptionRange(1...10_000).text(), "1...10000")
        XCTAssertEqual(OptionRange(1...10_000).phrase(), "between 1 and 10000")
        XCTAssertEqual(OptionRange.open(0, 1).text(), "(0, 1)")
        XCTAssertEqual(OptionRange.upperOpen(0, 1).phrase(), "in [0, 1)")
        XCTAssertEqual(OptionRange.atLeast(0).text(), "[0, ∞)")
        XCTAssertEqual(OptionRange.greaterThan(0).text(), "(0, ∞)")
        XCTAssertFalse(OptionRange.greaterThan(0).contains(.infinity))
    }

    /// The trainer checks the ranges too, before it touches the step.
    func testTheTrainerRejectsAnOptionOutOfRangeBeforeChangingTheStep() throws {
        let (network, _) = try BertCheckpoint.load(from: BertFixtures.tinyClassifier)
        let step = try TrainingStep(network: network, options: .init(learningRate: 1, totalSteps: 1))
        let before = step.options
        let example = EncodedExample(ids: [2, 7, 3], typeIds: [0, 0, 0], label: 1)
        XCTAssertThrowsError(try Trainer(step: step, paddingId: 0).run(train: [example], validation: [],
                                                                      options: TrainOptions(batch: 0))) { error in
            XCTAssertEqual("\(error)", "batch must be between 1 and 65536, got 0")
        }
        XCTAssertEqual(step.options, before)
        XCTAssertEqual(step.step, 0)
    }
}
