import Foundation
import TestSupport
import XCTest
@testable import Numerics

/// Every malformed file is a thrown `SafetensorsError` whose text names the file (and tensor).
final class SafetensorsValidationTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try makeTemporaryDirectory("safetensors")
    }

    /// Writes `length (8 bytes LE) + header + data` to a temp file.
    private func makeFile(_ header: String, data: [UInt8], length: UInt64? = nil,
                          name: String = "bad.safetensors") throws -> URL {
        let headerBytes = Array(header.utf8)
        var bytes = withUnsafeBytes(of: (length ?? UInt64(headerBytes.count)).littleEndian) { Array($0) }
        bytes += headerBytes + data
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    /// Asserts that opening `url` fails with a message containing every fragment and the file name.
    private func assertRejected(_ url: URL, _ fragments: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try SafetensorsFile(contentsOf: url), file: file, line: line) { error in
            let text = String(describing: error)
            XCTAssertTrue(error is SafetensorsError, text, file: file, line: line)
            for fragment in [url.lastPathComponent] + fragments {
                XCTAssertTrue(text.contains(fragment), "'\(fragment)' missing from: \(text)", file: file, line: line)
            }
        }
    }

    private let goodHeader = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F16","shape":[1,2],"data_offsets":[8,12]}}"#
    private let goodData: [UInt8] = [0, 0, 128, 63, 0, 0, 0, 64, 0, 60, 0, 192]  // 1, 2 (F32); 1, -2 (F16)

    func testAWellFormedHandWrittenFileReads() throws {
        let file = try SafetensorsFile(contentsOf: makeFile(goodHeader, data: goodData))
        XCTAssertEqual(try file.floats("a"), [1, 2])
        XCTAssertEqual(try file.floats("b"), [1, -2])
        XCTAssertEqual(file.namesInFileOrder, ["a", "b"])
        XCTAssertEqual(file.metadata, [:])
    }

    func testMissingFile() {
        assertRejected(directory.appendingPathComponent("absent.safetensors"), ["cannot open"])
    }

    func testEmptyAndTooShortFiles() throws {
        let url = directory.appendingPathComponent("short.safetensors")
        try Data([1, 2, 3]).write(to: url)
        assertRejected(url, ["too short"])
        try Data().write(to: url)
        assertRejected(url, ["too short"])
    }

    func testOversizedHeaderLength() throws {
        assertRejected(try makeFile(goodHeader, data: goodData, length: 100_000_001), ["exceeds the limit"])
        assertRejected(try makeFile(goodHeader, data: goodData, length: UInt64.max), ["exceeds the limit"])
    }

    func testHeaderLengthPastEndOfFile() throws {
        assertRejected(try makeFile(goodHeader, data: [], length: 10_000), ["runs past the end", "truncated"])
    }

    func testTruncatedData() throws {
        assertRejected(try makeFile(goodHeader, data: Array(goodData.dropLast(2))), ["'b'", "past the 10-byte data buffer"])
    }

    func testTrailingBytesAfterTheLastTensor() throws {
        assertRejected(try makeFile(goodHeader, data: goodData + [0, 0]), ["cover 12 bytes", "holds 14"])
    }

    func testInvalidUTF8() throws {
        let url = directory.appendingPathComponent("utf8.safetensors")
        var bytes = withUnsafeBytes(of: UInt64(4).littleEndian) { Array($0) }
        bytes += [0x7B, 0xFF, 0xFE, 0x7D]
        try Data(bytes).write(to: url)
        assertRejected(url, ["not valid UTF-8"])
    }

    func testInvalidJSON() throws {
        assertRejected(try makeFile(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}"#, data: Array(goodData.prefix(8))),
                       ["invalid header JSON"])
        assertRejected(try makeFile(#"{"a":1} x"#, data: []), ["invalid header JSON", "after the JSON value"])
        assertRejected(try makeFile(#"[1,2]"#, data: []), ["expected a JSON object"])
        assertRejected(try makeFile("", data: []), ["invalid header JSON"])
    }

    func testDuplicateTensorNamesAreCaughtInTheRawJSON() throws {
        let header = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#
        assertRejected(try makeFile(header, data: Array(goodData.prefix(8))), ["'a'", "more than once"])
    }

    func testUnknownDtype() throws {
        let header = #"{"a":{"dtype":"F8_E4M3","shape":[2],"data_offsets":[0,2]}}"#
        assertRejected(try makeFile(header, data: [0, 0]), ["'a'", "unsupported dtype 'F8_E4M3'"])
    }

    func testHeaderThatLiesAboutTheSize() throws {
        let header = #"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#
        assertRejected(try makeFile(header, data: Array(goodData.prefix(8))), ["'a'", "hold 8 bytes", "needs 12"])
    }

    func testGapBetweenTensors() throws {
        let header = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#
        assertRejected(try makeFile(header, data: goodData), ["'b'", "gap"])
    }

    func testGapAtTheStart() throws {
        let header = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#
        assertRejected(try makeFile(header, data: Array(goodData.prefix(8))), ["'a'", "gap"])
    }

    func testOverlappingTensors() throws {
        let header = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#
        assertRejected(try makeFile(header, data: goodData), ["'b'", "overlap"])
    }

    func testOffsetsEndingBeforeTheyBegin() throws {
        let header = #"{"a":{"dtype":"F32","shape":[0],"data_offsets":[8,4]}}"#
        assertRejected(try makeFile(header, data: Array(goodData.prefix(8))), ["'a'", "end before they begin"])
    }

    func testShapeOverflow() throws {
        let huge = #"{"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,0]}}"#
        assertRejected(try makeFile(huge, data: []), ["'a'", "overflows the element count"])
        let bytes = #"{"a":{"dtype":"F64","shape":[2305843009213693952],"data_offsets":[0,0]}}"#
        assertRejected(try makeFile(bytes, data: []), ["'a'", "overflows the byte count"])
        let tooBig = #"{"a":{"dtype":"F32","shape":[99999999999999999999],"data_offsets":[0,0]}}"#
        assertRejected(try makeFile(tooBig, data: []), ["'a'", "fit in 64 bits"])
    }

    func testNegativeOrFractionalShapes() throws {
        assertRejected(try makeFile(#"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}"#, data: []), ["'a'", "non-negative"])
        assertRejected(try makeFile(#"{"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,0]}}"#, data: []), ["'a'", "non-negative"])
    }

    func testMissingFieldsAndBadMetadata() throws {
        assertRejected(try makeFile(#"{"a":{"dtype":"F32","shape":[0]}}"#, data: []), ["'a'", "missing 'data_offsets'"])
        assertRejected(try makeFile(#"{"a":{"dtype":"F32","shape":[0],"data_offsets":[0]}}"#, data: []), ["'a'", "expected [begin, end]"])
        assertRejected(try makeFile(#"{"__metadata__":{"k":1}}"#, data: []), ["__metadata__", "expected a string"])
    }

    func testMetadataAndEmptyFileWithoutTensors() throws {
        let file = try SafetensorsFile(contentsOf: makeFile(#"{"__metadata__":{"format":"pt","k":"\u00e9\n"}}   "#, data: []))
        XCTAssertEqual(file.metadata, ["format": "pt", "k": "é\n"])
        XCTAssertTrue(file.tensorInfos.isEmpty)
    }

    func testUnalignedDataIsReadCorrectly() throws {
        // A 5-byte header puts the data at offset 13: nothing may assume 4-byte alignment.
        let header = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"BF16","shape":[1],"data_offsets":[8,10]}}"# + " "
        XCTAssertNotEqual((8 + header.utf8.count) % 4, 0)
        let file = try SafetensorsFile(contentsOf: makeFile(header, data: Array(goodData.prefix(8)) + [0x80, 0x3F]))
        XCTAssertEqual(try file.floats("a"), [1, 2])
        XCTAssertEqual(try file.floats("b"), [1])
    }
}
