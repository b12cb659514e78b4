import Foundation
import XCTest
@testable import Numerics

/// The restricted unpickler refuses everything a tensor state dict does not need, naming it, and
/// never crashes on truncated input. Pickles are written out by hand here, opcode by opcode
/// (Lib/pickletools.py); the accepting side is tested on files torch.save wrote
/// (Tests/BertTests/CheckpointFormatTests).
final class RestrictedUnpicklerTests: XCTestCase {
    private func load(_ bytes: [UInt8]) throws -> RestrictedUnpickler.PickleValue {
        var unpickler = RestrictedUnpickler(bytes, path: "data.pkl")
        return try unpickler.load()
    }

    private func assertRefused(_ bytes: [UInt8], mentioning words: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try load(bytes), file: file, line: line) { error in
            for word in words { XCTAssertTrue("\(error)".contains(word), "\(error)", file: file, line: line) }
        }
    }

    private func text(_ string: String) -> [UInt8] { Array(string.utf8) }

    func testGlobalOsSystemIsRefusedByNameBeforeAnythingElse() {
        // c "posix\nsystem\n" X "touch x" \x85 R .   (os.system pickles as posix.system on Linux)
        let pickle: [UInt8] = [0x80, 2, 0x63] + text("posix\nsystem\n") + [0x58, 7, 0, 0, 0] + text("touch x") + [0x85, 0x52, 0x2E]
        assertRefused(pickle, mentioning: ["posix.system", "refused"])
    }

    func testStackGlobalBuiltinsEvalIsRefused() {
        let pickle: [UInt8] = [0x80, 4, 0x8C, 8] + text("builtins") + [0x8C, 4] + text("eval") + [0x93, 0x2E]
        assertRefused(pickle, mentioning: ["builtins.eval"])
    }

    func testObjectBuildingOpcodesAreRefused() {
        // INST, OBJ, NEWOBJ: instantiate classes, which a state dict never does.
        for opcode: UInt8 in [0x69, 0x6F, 0x81] {
            assertRefused([0x80, 2, 0x28, opcode, 0x2E], mentioning: ["0x\(String(opcode, radix: 16))", "refused"])
        }
    }

    func testAStorageCalledDirectlyAndBuildOnAnythingButADictAreRefused() {
        assertRefused([0x80, 2, 0x63] + text("torch\nFloatStorage\n") + [0x29, 0x52, 0x2E], mentioning: ["storage"])
        assertRefused([0x80, 2, 0x5D, 0x7D, 0x62, 0x2E], mentioning: ["BUILD"])
    }

    func testEveryTruncationOfAValidPickleIsAnErrorNotACrash() throws {
        // {"a": OrderedDict(), "b": [1, 300, -2, 2**40]} with memo puts and gets.
        let pickle: [UInt8] = [0x80, 2, 0x7D, 0x71, 0, 0x28, 0x58, 1, 0, 0, 0] + text("a") + [0x63] + text("collections\nOrderedDict\n")
            + [0x29, 0x52, 0x72, 1, 0, 0, 0, 0x58, 1, 0, 0, 0] + text("b") + [0x5D, 0x28, 0x4B, 1, 0x4D, 0x2C, 0x01, 0x4A, 0xFE, 0xFF, 0xFF, 0xFF,
            0x8A, 6, 0, 0, 0, 0, 0, 1, 0x65, 0x75, 0x68, 0, 0x30, 0x2E]
        guard case .dict(let dict) = try load(pickle), dict.pairs.count == 2, case .list(let list) = dict.pairs[1].value else {
            return XCTFail("expected a dict of two")
        }
        XCTAssertEqual(list.items.map { value -> Int? in if case .int(let n) = value { return n } else { return nil } }, [1, 300, -2, 1 << 40])
        for length in 0..<pickle.count - 1 {
            XCTAssertThrowsError(try load(Array(pickle.prefix(length))), "\(length) bytes")
        }
    }

    func testATensorViewReachingPastItsStorageIsRefused() {
        // _rebuild_tensor_v2(storage of 4 floats, offset 2, size (3,), stride (1,), False, OrderedDict())
        let pickle: [UInt8] = [0x80, 2, 0x63] + text("torch._utils\n_rebuild_tensor_v2\n") + [0x28, 0x28, 0x58, 7, 0, 0, 0] + text("storage")
            + [0x63] + text("torch\nFloatStorage\n") + [0x58, 1, 0, 0, 0] + text("0") + [0x58, 3, 0, 0, 0] + text("cpu")
            + [0x4B, 4, 0x74, 0x51, 0x4B, 2, 0x4B, 3, 0x85, 0x4B, 1, 0x85, 0x89, 0x63] + text("collections\nOrderedDict\n")
            + [0x29, 0x52, 0x74, 0x52, 0x2E]
        assertRefused(pickle, mentioning: ["past its 4-element storage"])
    }
}
