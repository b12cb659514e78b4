import XCTest
import Foundation
import Display
@testable import JupyterKernel

final class HeaderFactoryTests: XCTestCase {
    func testHeaderHasEveryRequiredFieldAndVersion53() {
        let header = HeaderFactory(username: "me").header(msgType: "status")
        for field in ["msg_id", "session", "username", "date", "msg_type", "version"] {
            XCTAssertNotNil(header[field]?.stringValue, field)
        }
        XCTAssertEqual(header["version"], "5.3")
        XCTAssertEqual(header["username"], "me")
        XCTAssertEqual(header["msg_type"], "status")
    }

    func testDateIsISO8601UTCWithSixFractionalDigits() throws {
        let date = try XCTUnwrap(HeaderFactory(username: "u").header(msgType: "x")["date"]?.stringValue)
        let pattern = #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$"#
        XCTAssertNotNil(date.range(of: pattern, options: .regularExpression), date)
        // The same instant as Foundation's formatter, to the second.
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let parsed = try XCTUnwrap(formatter.date(from: String(date.prefix(23)) + "Z"))
        XCTAssertLessThan(abs(parsed.timeIntervalSinceNow), 5)
    }

    func testKnownInstantFormatsAsUTC() {
        // 2001-09-09T01:46:40Z is Unix time 1_000_000_000.
        XCTAssertEqual(HeaderFactory.iso8601(clock: timespec(tv_sec: 1_000_000_000, tv_nsec: 123_456_789)),
                       "2001-09-09T01:46:40.123456Z")
    }

    func testMessageIdsAreUniqueAndRenewingChangesTheSession() {
        let factory = HeaderFactory()
        let ids = (0..<1000).map { _ in factory.header(msgType: "x")["msg_id"]!.stringValue! }
        XCTAssertEqual(Set(ids).count, 1000)
        let before = factory.sessionID
        factory.renewSession()
        XCTAssertNotEqual(factory.sessionID, before)
        XCTAssertEqual(factory.header(msgType: "x")["session"]?.stringValue, factory.sessionID)
        XCTAssertFalse(ids.contains(factory.header(msgType: "x")["msg_id"]!.stringValue!))
    }
}

final class GlobTests: XCTestCase {
    func testGlobMatchesWholeStringsLikeSQLiteGLOB() {
        XCTAssertTrue(Glob("*").matches(""))
        XCTAssertTrue(Glob("let x*").matches("let x = 3"))
        XCTAssertFalse(Glob("let x").matches("let x = 3"))
        XCTAssertTrue(Glob("*x = 3*").matches("let x = 3; x"))
        XCTAssertTrue(Glob("a?c").matches("abc"))
        XCTAssertFalse(Glob("a?c").matches("ac"))
        XCTAssertTrue(Glob("[a-c]x").matches("bx"))
        XCTAssertFalse(Glob("[^a-c]x").matches("bx"))
        XCTAssertTrue(Glob("*a*b*c").matches("xxaxxbxxc"))
        XCTAssertFalse(Glob("*a*b*c").matches("xxaxxcxxb"))
        XCTAssertFalse(Glob("Print*").matches("print(1)"))
    }

    func testHeaderDatesAsClientsWriteThemParseToTheSameInstant() throws {
        // 2026-11-27T17:04:49Z is 1795799089 s since 1970 (`date -u -d 2026-11-27T17:04:49 +%s`).
        let epoch = 1_795_799_089.0
        let cases: [(String, Double)] = [
            ("2026-11-27T17:04:49.123456Z", epoch + 0.123456),  // jupyter_client
            ("2026-11-27T17:04:49.123Z", epoch + 0.123),        // JupyterLab, Date.toISOString()
            ("2026-11-27T17:04:49Z", epoch),
            ("2026-11-27T17:04:49.5+00:00", epoch + 0.5),       // Python isoformat()
            ("2026-11-27T18:04:49+01:00", epoch),
            ("2026-11-27T12:34:49-0430", epoch),
        ]
        for (text, expected) in cases {
            let seconds = try XCTUnwrap(HeaderFactory.seconds(fromISO8601: text), text)
            XCTAssertEqual(seconds, expected, accuracy: 1e-6, text)
        }
        for bad in ["", "yesterday", "2026-11-27T17:04:49", "2026-11-27", "2026-13-27T17:04:49Z", "2026-11-27T17:04:49.Z",
                    "2026-11-27T17:04:49Zjunk"] {
            XCTAssertNil(HeaderFactory.seconds(fromISO8601: bad), bad)
        }
    }

    func testOurOwnHeaderDateReadsBackAsNow() throws {
        let date = try XCTUnwrap(HeaderFactory(username: "u").header(msgType: "x")["date"]?.stringValue)
        let seconds = try XCTUnwrap(HeaderFactory.seconds(fromISO8601: date))
        XCTAssertEqual(seconds, HeaderFactory.currentSeconds(), accuracy: 1)
    }
}
