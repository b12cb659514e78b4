import XCTest
import Display
@testable import KernelServer

final class ConnectionInfoTests: XCTestCase {
    let sample: JSON = ["shell_port": 50001, "iopub_port": 50002, "stdin_port": 50003, "control_port": 50004,
                        "hb_port": 50005, "ip": "127.0.0.1", "key": "secret", "transport": "tcp",
                        "signature_scheme": "hmac-sha256", "kernel_name": "bert"]

    func testParsesWhatJupyterClientWrites() throws {
        let info = try ConnectionInfo(json: sample)
        XCTAssertEqual(info.shellPort, 50001)
        XCTAssertEqual(info.heartbeatPort, 50005)
        XCTAssertEqual(info.key, Data("secret".utf8))
        XCTAssertEqual(info.endpoint(port: info.controlPort), "tcp://127.0.0.1:50004")
    }

    func testIPCEndpointIsIpDashPort() throws {
        guard case .object(var object) = sample else { return XCTFail() }
        object["transport"] = "ipc"
        object["ip"] = "/tmp/kernel-1"
        XCTAssertEqual(try ConnectionInfo(json: .object(object)).endpoint(port: 3), "ipc:///tmp/kernel-1-3")
    }

    func testProblemsNameTheKey() {
        guard case .object(let object) = sample else { return XCTFail() }
        var missing = object
        missing["hb_port"] = nil
        XCTAssertThrowsError(try ConnectionInfo(json: .object(missing), source: "c.json")) {
            XCTAssertTrue("\($0)".contains("c.json") && "\($0)".contains("hb_port"), "\($0)")
        }
        var scheme = object
        scheme["signature_scheme"] = "hmac-md5"
        XCTAssertThrowsError(try ConnectionInfo(json: .object(scheme))) {
            XCTAssertTrue("\($0)".contains("hmac-md5"))
        }
        var port = object
        port["shell_port"] = 70000
        XCTAssertThrowsError(try ConnectionInfo(json: .object(port)))
    }

    func testUnreadableFileIsAnError() {
        XCTAssertThrowsError(try ConnectionInfo(contentsOf: "/nonexistent/connection.json")) {
            XCTAssertTrue("\($0)".contains("/nonexistent/connection.json"))
        }
    }
}
