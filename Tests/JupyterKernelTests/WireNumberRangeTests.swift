import Display
import XCTest
@testable import JupyterKernel

/// Found by `make fuzz` (target wire): a number beyond the range of a double parsed as infinity,
/// which serializes as null, so a header the kernel echoes as parent_header came back changed.
final class WireNumberRangeTests: XCTestCase {
    func testNumbersBeyondADoubleAreRefusedAsBadJSONNotTurnedIntoInfinity() {
        for literal in ["1e400", "-180379e308", "1" + String(repeating: "0", count: 400)] {
            XCTAssertThrowsError(try JSON.parse("{\"n\": \(literal)}"), literal)
            let signer = MessageSigner(key: Data("k".utf8))
            let parts = [#"{"msg_id":"1","msg_type":"kernel_info_request","n":\#(literal)}"#, "{}", "{}", "{}"]
                .map { Data($0.utf8) }
            XCTAssertThrowsError(try WireCodec(key: Data("k".utf8)).decode([WireCodec.delimiter, signer.signature(of: parts)] + parts)) {
                guard case .badJSON(frame: "header", _)? = $0 as? WireError else { return XCTFail("\(literal): \($0)") }
            }
        }
        // The largest finite doubles and integers still parse, and survive a round trip.
        for literal in ["1.7976931348623157e308", "-1.7976931348623157e308", "5e-324", "1e-400", "9223372036854775807"] {
            let value = try? JSON.parse("[\(literal)]")
            XCTAssertNotNil(value, literal)
            XCTAssertEqual(value.flatMap { try? JSON.parse($0.serialized()) }, value, literal)
        }
    }
}
