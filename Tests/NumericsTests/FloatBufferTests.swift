import XCTest
@testable import Numerics

/// FloatBuffer's memory: zeroed in both of its sources, and a refused request is nil, not the
/// end of the process (an arena sized by a user's batch shape must fail its cell only).
final class FloatBufferTests: XCTestCase {
    func testSmallAndMappedBuffersStartAtZero() throws {
        for count in [1, 1000, FloatBuffer.mappingThreshold / 4 + 3] {
            let buffer = try XCTUnwrap(FloatBuffer(ifAvailable: count))
            XCTAssertEqual(buffer.count, count)
            XCTAssertTrue(buffer.array.allSatisfy { $0 == 0 }, "\(count) floats")
            XCTAssertEqual(Int(bitPattern: buffer.pointer) % 64, 0, "64-byte aligned")
        }
    }

    func testMoreMemoryThanTheAddressSpaceHoldsIsNilNotACrash() {
        // 2^50 floats are 4 PiB, beyond x86-64's and arm64's 47-48-bit user address space
        // whatever the kernel's overcommit setting; and a count whose bytes overflow Int.
        XCTAssertNil(FloatBuffer(ifAvailable: 1 << 50))
        XCTAssertNil(FloatBuffer(ifAvailable: Int.max / 2))
    }
}
