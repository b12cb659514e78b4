import XCTest
import Display
import JupyterKernel
@testable import KernelServer

final class IOPubCoalescingTests: XCTestCase {
    func message(_ type: String, parent: String, content: JSON) -> Message {
        Message(header: ["msg_id": .string(UUID().uuidString), "msg_type": .string(type)],
                parentHeader: ["msg_id": .string(parent)], content: content)
    }

    func stream(_ text: String, _ name: String = "stdout", parent: String = "p1") -> Message {
        message("stream", parent: parent, content: ["name": .string(name), "text": .string(text)])
    }

    func testAdjacentStreamsOfOneCellAndStreamMergeInOrder() {
        let merged = IOPubPublisher.coalesce([stream("a"), stream("b"), stream("c")])
        XCTAssertEqual(merged.count, 1)
        XCTAssertEqual(merged[0].content["text"], "abc")
    }

    func testDifferentStreamsParentsAndInterleavedMessagesStaySeparate() {
        let idle = message("status", parent: "p1", content: ["execution_state": "idle"])
        let merged = IOPubPublisher.coalesce([
            stream("a"), stream("b", "stderr"), stream("c", "stderr"), idle, stream("d"), stream("e", parent: "p2"),
        ])
        XCTAssertEqual(merged.map { $0.content["text"] ?? $0.content["execution_state"] ?? nil },
                       ["a", "bc", "idle", "d", "e"])
    }
}
