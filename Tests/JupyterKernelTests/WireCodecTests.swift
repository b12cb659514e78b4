import XCTest
import Display
@testable import JupyterKernel

final class WireCodecTests: XCTestCase {
    private let key = Data("a0436f6c-1916-498b-8eb9-e81ab9368e84".utf8)

    private func sampleMessage() -> Message {
        Message(identities: [Data("id-1".utf8), Data([0, 1, 2])],
                header: ["msg_id": "m1", "msg_type": "execute_request", "session": "s", "username": "u",
                         "date": "2026-11-27T17:00:00Z", "version": "5.3"],
                parentHeader: [:], metadata: ["k": 1], content: ["code": "print(\"é\")"],
                buffers: [Data([9, 8, 7])])
    }

    /// RFC 4231 test case 2: HMAC-SHA256(key "Jefe", "what do ya want for nothing?"), a published
    /// vector; the message is split over four frames as the signature covers four frames.
    func testSignatureIsHexHMACSHA256OverTheFramesInOrderPerRFC4231() {
        let signer = MessageSigner(key: Data("Jefe".utf8))
        let frames = ["what do ya ", "want ", "for ", "nothing?"].map { Data($0.utf8) }
        XCTAssertEqual(String(decoding: signer.signature(of: frames), as: UTF8.self),
                       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    func testConstantTimeCompareRejectsAnyDifferenceAndOtherLengths() {
        let a = Data("abcdef".utf8)
        XCTAssertTrue(MessageSigner.constantTimeEqual(a, Data("abcdef".utf8)))
        XCTAssertFalse(MessageSigner.constantTimeEqual(a, Data("abcdeg".utf8)))
        XCTAssertFalse(MessageSigner.constantTimeEqual(a, Data("Abcdef".utf8)))
        XCTAssertFalse(MessageSigner.constantTimeEqual(a, Data("abcde".utf8)))
        XCTAssertFalse(MessageSigner.constantTimeEqual(a, Data()))
    }

    func testEncodeThenDecodeKeepsIdentitiesPartsAndBuffers() throws {
        let codec = WireCodec(key: key)
        let frames = codec.encode(sampleMessage())
        XCTAssertEqual(frames[2], WireCodec.delimiter)
        XCTAssertEqual(frames[3].count, 64)
        XCTAssertEqual(try codec.decode(frames), sampleMessage())
    }

    func testTamperedContentIsRejectedAsBadSignature() {
        let codec = WireCodec(key: key)
        var frames = codec.encode(sampleMessage())
        frames[7] = Data(#"{"code":"rm -rf"}"#.utf8)
        XCTAssertThrowsError(try codec.decode(frames)) { XCTAssertEqual($0 as? WireError, .badSignature) }
    }

    func testMessageSignedWithAnotherKeyIsRejected() {
        let frames = WireCodec(key: Data("other".utf8)).encode(sampleMessage())
        XCTAssertThrowsError(try WireCodec(key: key).decode(frames)) { XCTAssertEqual($0 as? WireError, .badSignature) }
    }

    func testUppercaseOrTruncatedSignatureIsRejected() {
        let codec = WireCodec(key: key)
        var frames = codec.encode(sampleMessage())
        let signature = frames[3]
        frames[3] = Data(String(decoding: signature, as: UTF8.self).uppercased().utf8)
        XCTAssertThrowsError(try codec.decode(frames))
        frames[3] = signature.prefix(63)
        XCTAssertThrowsError(try codec.decode(frames)) { XCTAssertEqual($0 as? WireError, .badSignature) }
    }

    func testReplayedSignatureIsRejected() throws {
        let codec = WireCodec(key: key)
        let frames = codec.encode(sampleMessage())
        _ = try codec.decode(frames)
        XCTAssertThrowsError(try codec.decode(frames)) { XCTAssertEqual($0 as? WireError, .duplicateSignature) }
    }

    func testSignatureHistoryForgetsOldestBeyondCapacity() {
        let history = SignatureHistory(capacity: 2)
        XCTAssertTrue(history.insert(Data([1])))
        XCTAssertTrue(history.insert(Data([2])))
        XCTAssertFalse(history.insert(Data([2])))
        XCTAssertTrue(history.insert(Data([3])))  // forgets [1]
        XCTAssertTrue(history.insert(Data([1])))
        XCTAssertFalse(history.insert(Data([3])))
    }

    func testMissingDelimiterAndMissingFramesAreRejected() {
        let codec = WireCodec(key: key)
        let frames = codec.encode(sampleMessage())
        XCTAssertThrowsError(try codec.decode(frames.filter { $0 != WireCodec.delimiter })) {
            XCTAssertEqual($0 as? WireError, .missingDelimiter)
        }
        XCTAssertThrowsError(try codec.decode(Array(frames.prefix(7)))) {
            XCTAssertEqual($0 as? WireError, .missingFrames(count: 4))
        }
    }

    /// A correctly signed message whose frames are not JSON objects must still be refused.
    func testSignedButMalformedJSONIsRejected() {
        let signer = MessageSigner(key: key)
        func frames(_ parts: [String]) -> [Data] {
            let data = parts.map { Data($0.utf8) }
            return [WireCodec.delimiter, signer.signature(of: data)] + data
        }
        let header = #"{"msg_id":"1","msg_type":"kernel_info_request"}"#
        let codec = WireCodec(key: key)
        XCTAssertThrowsError(try codec.decode(frames(["{not json", "{}", "{}", "{}"]))) {
            guard case .badJSON(frame: "header", _)? = $0 as? WireError else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try codec.decode(frames(["[]", "{}", "{}", "{}"]))) {
            XCTAssertEqual($0 as? WireError, .notAnObject(frame: "header"))
        }
        XCTAssertThrowsError(try codec.decode(frames([#"{"msg_id":"1"}"#, "{}", "{}", "{}"]))) {
            XCTAssertEqual($0 as? WireError, .missingField("msg_type"))
        }
        // With a readable header the message can be answered: it is unreadable, not dropped.
        XCTAssertThrowsError(try codec.decode(frames([header, "[]", "{}", "{}"]))) {
            XCTAssertEqual(($0 as? UnreadableMessage)?.problem, .notAnObject(frame: "parent_header"))
        }
    }

    func testSignedRequestWithALoneSurrogateInItsContentIsUnreadableWithItsHeaderKept() throws {
        let signer = MessageSigner(key: key)
        let parts = [#"{"msg_id":"m7","msg_type":"execute_request"}"#, "{}", "{}", #"{"code":"print(\"\ud800\")"}"#]
            .map { Data($0.utf8) }
        let identity = Data("client".utf8)
        let frames = [identity, WireCodec.delimiter, signer.signature(of: parts)] + parts
        XCTAssertThrowsError(try WireCodec(key: key).decode(frames)) { error in
            guard let unreadable = error as? UnreadableMessage else { return XCTFail("\(error)") }
            XCTAssertEqual(unreadable.message.msgID, "m7")
            XCTAssertEqual(unreadable.message.msgType, "execute_request")
            XCTAssertEqual(unreadable.message.identities, [identity])
            guard case .badJSON(frame: "content", let reason) = unreadable.problem else { return XCTFail("\(unreadable)") }
            XCTAssertTrue(reason.contains(#"unpaired surrogate \ud800"#), reason)
        }
    }

    func testMostNegativeInt64LiteralIsReadExactly() throws {
        XCTAssertEqual(try JSON.parse(#"{"n":-9223372036854775808,"m":9223372036854775807}"#),
                       ["n": .int(Int.min), "m": .int(Int.max)])
        XCTAssertEqual(JSON.int(Int.min).serialized(), "-9223372036854775808")
        // One past either end is no longer an Int, but still a number.
        XCTAssertEqual(try JSON.parse("-9223372036854775809"), .double(-9223372036854775809.0))
    }

    func testEmptyKeySendsEmptySignatureAndAcceptsUnsigned() throws {
        let codec = WireCodec(key: Data())
        let frames = codec.encode(sampleMessage())
        XCTAssertEqual(frames[3], Data())
        XCTAssertEqual(try codec.decode(frames).content, sampleMessage().content)
    }
}
