import XCTest

/// Closeness checks that say which element failed and by how much.
public enum Closeness {
    /// max |a - b| over all elements.
    public static func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
        precondition(a.count == b.count, "compared arrays differ in length")
        var worst: Float = 0
        for i in a.indices { worst = max(worst, abs(a[i] - b[i])) }
        return worst
    }

    /// Asserts |a - b| <= tolerance element-wise (absolute).
    public static func assertMaxAbs(_ actual: [Float], _ expected: [Float], tolerance: Float, _ what: String,
                                    file: StaticString = #filePath, line: UInt = #line) {
        guard actual.count == expected.count else {
            XCTFail("\(what): \(actual.count) values, expected \(expected.count)", file: file, line: line)
            return
        }
        var worst: Float = 0, at = 0
        for i in actual.indices where !(abs(actual[i] - expected[i]) <= worst) { worst = abs(actual[i] - expected[i]); at = i }
        XCTAssert(worst <= tolerance, "\(what): max |diff| \(worst) at \(at) (got \(actual[at]), expected \(expected[at])) > \(tolerance)",
                  file: file, line: line)
    }

    /// Asserts |a - b| <= tolerance · max(‖b‖∞, floor) element-wise: an error relative to the
    /// tensor's largest value, so tiny entries of a tensor are not held to a relative error of their
    /// own (which float rounding cannot meet), and an all-near-zero tensor to `floor`.
    public static func assertRelativeToMax(_ actual: [Float], _ expected: [Float], tolerance: Float, floor: Float = 1e-6,
                                           _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        guard actual.count == expected.count else {
            XCTFail("\(what): \(actual.count) values, expected \(expected.count)", file: file, line: line)
            return
        }
        let scale = max(expected.map { abs($0) }.max() ?? 0, floor)
        var worst: Float = 0, at = 0
        for i in actual.indices where !(abs(actual[i] - expected[i]) <= worst) { worst = abs(actual[i] - expected[i]); at = i }
        XCTAssert(worst <= tolerance * scale,
                  "\(what): max |diff| \(worst) at \(at) (got \(actual[at]), expected \(expected[at])) > \(tolerance) x \(scale)",
                  file: file, line: line)
    }
}
