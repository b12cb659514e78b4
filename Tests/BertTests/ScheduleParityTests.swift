import Foundation
import Numerics
import XCTest
@testable import Bert

/// Issue 18 part 2: every schedule's learning rate at every step against transformers'
/// `get_*_schedule_with_warmup` and torch's `OneCycleLR` (scripts/reference/schedule_fixtures.py).
final class ScheduleParityTests: XCTestCase {
    func testEveryScheduleGivesTransformersRatesAtEveryStepWithinRelative1e6() throws {
        let cases = (try BertFixtures.json("schedules.json") as! [String: Any])["cases"] as! [[String: Any]]
        XCTAssertEqual(cases.count, ScheduleKind.allCases.count * 4)
        for kind in ScheduleKind.allCases {
            XCTAssertTrue(cases.contains { $0["kind"] as? String == kind.rawValue }, "no fixture for \(kind)")
        }
        for entry in cases {
            let kind = try XCTUnwrap(ScheduleKind(rawValue: entry["kind"] as! String))
            let total = entry["total_steps"] as! Int, warmup = entry["warmup_steps"] as! Int
            let peak = (entry["lr"] as! NSNumber).doubleValue
            let schedule = LearningRateSchedule(kind: kind, peakLearningRate: Float(peak), warmupSteps: warmup, totalSteps: total)
            let expected = (entry["rates"] as! [NSNumber]).map(\.doubleValue)
            XCTAssertEqual(expected.count, total)
            for (step, theirs) in expected.enumerated() {
                // Relative 1e-6: ours is a Float (the peak and the rate, 2^-24 ≈ 6e-8 each) from a
                // Double factor; torch's is a Python float. Zero (warmup's first step) must be zero.
                let ours = Double(schedule.learningRate(at: step))
                XCTAssertEqual(ours, theirs, accuracy: 1e-6 * abs(theirs),
                               "\(kind.rawValue) total \(total) warmup \(warmup) step \(step)")
            }
        }
    }

    func testOneCyclePeaksAtTheLastWarmupStepAndEndsAtPeakOver25e5() {
        let schedule = LearningRateSchedule(kind: .oneCycle, peakLearningRate: 1, warmupSteps: 4, totalSteps: 20)
        XCTAssertEqual(schedule.factor(at: 0), 1 / 25, accuracy: 1e-15)   // 1 + (1/25 − 1): one rounding
        XCTAssertEqual(schedule.factor(at: 3), 1)
        XCTAssertEqual(schedule.factor(at: 19), 1 / 25 / 1e5, accuracy: 1e-18)
        // One warmup step (torch divides 0 by 0): step 0 is the peak.
        XCTAssertEqual(LearningRateSchedule(kind: .oneCycle, peakLearningRate: 1, warmupSteps: 1, totalSteps: 5).factor(at: 0), 1)
    }
}
