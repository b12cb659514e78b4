import Foundation

/// Reads the pickle of a PyTorch state dict without running anything it names: the opcodes of
/// protocols 2-5 that data needs, and only the globals a tensor state dict uses, as
/// `torch.load(weights_only=True)` allows them (torch/_weights_only_unpickler.py):
/// `collections.OrderedDict`, `torch._utils._rebuild_tensor_v2`, `torch._utils._rebuild_parameter`,
/// the typed storages (`torch.FloatStorage`, ...), `torch.Size` and `_codecs.encode`. Anything else
/// (`os.system`, `builtins.eval`, any class to instantiate) is refused by name before it could be
/// called; here nothing is ever called, the allowed globals are interpreted.
///
/// Opcodes: Python's Lib/pickletools.py describes each. Every length is checked against the bytes
/// left, so a corrupt or hostile pickle ends in a `CheckpointFormatError`, never a crash.
struct RestrictedUnpickler {
    /// A list or dict, shared by reference as pickle's memo shares objects.
    final class Container {
        var items: [PickleValue] = []
        var pairs: [(key: PickleValue, value: PickleValue)] = []
    }

    enum Global: Equatable {
        case orderedDict, rebuildTensor, rebuildParameter, size, codecsEncode
        case storage(SafetensorsDType)
    }

    indirect enum PickleValue {
        case none
        case bool(Bool)
        case int(Int)
        case float(Double)
        case string(String)
        case bytes([UInt8])
        case tuple([PickleValue])
        case list(Container)
        case dict(Container)
        case global(Global)
        case storage(TorchStorage)
        case tensor(TorchTensor)

        var kindName: String {
            switch self {
            case .none: return "None"
            case .bool: return "a bool"
            case .int: return "an int"
            case .float: return "a float"
            case .string: return "a string"
            case .bytes: return "bytes"
            case .tuple: return "a tuple"
            case .list: return "a list"
            case .dict: return "a dict"
            case .global: return "a class or function"
            case .storage: return "a storage"
            case .tensor: return "a tensor"
            }
        }
    }

    /// A storage of a torch.save archive: `data/<key>` holding `count` elements of `dtype`.
    struct TorchStorage {
        let key: String
        let dtype: SafetensorsDType
        let count: Int
    }

    /// `_rebuild_tensor_v2(storage, storage_offset, size, stride, ...)`: a strided view of a storage.
    struct TorchTensor {
        let storage: TorchStorage
        /// In elements.
        let offset: Int
        let shape: [Int]
        /// In elements, one per dimension.
        let strides: [Int]
    }

    /// The globals allowed, by `module.name`.
    static let allowedGlobals: [String: Global] = {
        var table: [String: Global] = [
            "collections.OrderedDict": .orderedDict,
            "torch._utils._rebuild_tensor_v2": .rebuildTensor,
            "torch._utils._rebuild_parameter": .rebuildParameter,
            "torch.Size": .size,
            "_codecs.encode": .codecsEncode,
        ]
        let storages: [(String, SafetensorsDType)] = [
            ("FloatStorage", .F32), ("HalfStorage", .F16), ("BFloat16Storage", .BF16), ("DoubleStorage", .F64),
            ("LongStorage", .I64), ("IntStorage", .I32), ("ShortStorage", .I16), ("CharStorage", .I8),
            ("ByteStorage", .U8), ("BoolStorage", .BOOL),
        ]
        for (name, dtype) in storages { table["torch.\(name)"] = .storage(dtype) }
        return table
    }()

    let path: String
    private let bytes: [UInt8]
    private var position = 0
    private var stack: [PickleValue] = []
    private var marks: [Int] = []
    private var memo: [Int: PickleValue] = [:]

    init(_ bytes: [UInt8], path: String) {
        self.bytes = bytes
        self.path = path
    }

    private func fail(_ reason: String) -> CheckpointFormatError {
        CheckpointFormatError(file: path, "pickle byte \(position): \(reason)")
    }

    /// Runs the pickle to its STOP and returns the value it built.
    mutating func load() throws -> PickleValue {
        while true {
            let opcode = try byte()
            switch opcode {
            case 0x80: _ = try byte()                                     // PROTO
            case 0x95: _ = try take(8)                                    // FRAME (its length only helps buffering)
            case 0x2E:                                                    // STOP
                guard let result = stack.popLast(), stack.isEmpty else { throw fail("STOP with \(stack.count) values on the stack") }
                return result
            case 0x28: marks.append(stack.count)                          // MARK
            case 0x4E: stack.append(.none)                                // NONE
            case 0x88: stack.append(.bool(true))                          // NEWTRUE
            case 0x89: stack.append(.bool(false))                         // NEWFALSE
            case 0x4A: stack.append(.int(Int(Int32(bitPattern: UInt32(try littleEndian(4))))))  // BININT
            case 0x4B: stack.append(.int(Int(try byte())))                // BININT1
            case 0x4D: stack.append(.int(Int(try littleEndian(2))))       // BININT2
            case 0x8A: stack.append(.int(try long(Int(try byte()))))      // LONG1
            case 0x8B: stack.append(.int(try long(try length(4))))        // LONG4
            case 0x47: stack.append(.float(Double(bitPattern: try bigEndian64())))  // BINFLOAT
            case 0x58: stack.append(.string(try utf8(try length(4))))     // BINUNICODE
            case 0x8C: stack.append(.string(try utf8(Int(try byte()))))   // SHORT_BINUNICODE
            case 0x8D: stack.append(.string(try utf8(try length(8))))     // BINUNICODE8
            case 0x55: stack.append(.string(latin1(try take(Int(try byte())))))  // SHORT_BINSTRING
            case 0x54: stack.append(.string(latin1(try take(try length(4)))))    // BINSTRING
            case 0x43: stack.append(.bytes(try take(Int(try byte()))))    // SHORT_BINBYTES
            case 0x42: stack.append(.bytes(try take(try length(4))))      // BINBYTES
            case 0x8E: stack.append(.bytes(try take(try length(8))))      // BINBYTES8
            case 0x29: stack.append(.tuple([]))                           // EMPTY_TUPLE
            case 0x85: stack.append(.tuple(try pop(1)))                   // TUPLE1
            case 0x86: stack.append(.tuple(try pop(2)))                   // TUPLE2
            case 0x87: stack.append(.tuple(try pop(3)))                   // TUPLE3
            case 0x74: stack.append(.tuple(try popToMark()))              // TUPLE
            case 0x5D: stack.append(.list(Container()))                   // EMPTY_LIST
            case 0x7D: stack.append(.dict(Container()))                   // EMPTY_DICT
            case 0x6C:                                                    // LIST
                let list = Container()
                list.items = try popToMark()
                stack.append(.list(list))
            case 0x64:                                                    // DICT
                let dict = Container()
                dict.pairs = try pairs(try popToMark())
                stack.append(.dict(dict))
            case 0x61:                                                    // APPEND
                let item = try pop(1)[0]
                try list(top: "APPEND").items.append(item)
            case 0x65:                                                    // APPENDS
                let items = try popToMark()
                try list(top: "APPENDS").items += items
            case 0x73:                                                    // SETITEM
                let pair = try pop(2)
                try dict(top: "SETITEM").pairs.append((pair[0], pair[1]))
            case 0x75:                                                    // SETITEMS
                let items = try pairs(try popToMark())
                try dict(top: "SETITEMS").pairs += items
            case 0x30: _ = try pop(1)                                     // POP
            case 0x31: _ = try popToMark()                                // POP_MARK
            case 0x32:                                                    // DUP
                guard let top = stack.last else { throw fail("DUP on an empty stack") }
                stack.append(top)
            case 0x71: try put(Int(try byte()))                           // BINPUT
            case 0x72: try put(Int(try littleEndian(4)))                             // LONG_BINPUT
            case 0x94: try put(memo.count)                                // MEMOIZE
            case 0x68: try get(Int(try byte()))                           // BINGET
            case 0x6A: try get(Int(try littleEndian(4)))                             // LONG_BINGET
            case 0x63:                                                    // GLOBAL "module\nname\n"
                let module = try line(), name = try line()
                stack.append(.global(try resolve(module, name)))
            case 0x93:                                                    // STACK_GLOBAL
                let names = try pop(2)
                guard case .string(let module) = names[0], case .string(let name) = names[1] else {
                    throw fail("STACK_GLOBAL needs two strings")
                }
                stack.append(.global(try resolve(module, name)))
            case 0x51:                                                    // BINPERSID
                stack.append(try persistentLoad(try pop(1)[0]))
            case 0x52:                                                    // REDUCE
                let pair = try pop(2)
                guard case .global(let callable) = pair[0], case .tuple(let arguments) = pair[1] else {
                    throw fail("REDUCE of \(pair[0].kindName) with \(pair[1].kindName)")
                }
                stack.append(try call(callable, arguments))
            case 0x62:                                                    // BUILD
                // torch.save's state dict is an OrderedDict carrying `_metadata` (module versions) as
                // its attribute; the loader has no use for it.
                let state = try pop(1)[0]
                guard case .dict = stack.last, case .dict = state else {
                    throw fail("BUILD of \(stack.last?.kindName ?? "nothing") with \(state.kindName): a state dict never needs it")
                }
            default:
                let printable = (0x21...0x7E).contains(opcode) ? " ('\(Character(Unicode.Scalar(opcode)))')" : ""
                throw fail("opcode 0x\(String(opcode, radix: 16))\(printable) is not one a tensor state dict uses; refused")
            }
        }
    }

    private func resolve(_ module: String, _ name: String) throws -> Global {
        guard let global = Self.allowedGlobals["\(module).\(name)"] else {
            throw CheckpointFormatError(file: path, "the pickle calls \(module).\(name), which a tensor state dict never needs; "
                                        + "refused without running it (only tensors and OrderedDicts are loaded, as torch.load(weights_only=True) does)")
        }
        return global
    }

    private func call(_ callable: Global, _ arguments: [PickleValue]) throws -> PickleValue {
        switch callable {
        case .orderedDict:
            let dict = Container()
            if let first = arguments.first, case .list(let items) = first {
                for item in items.items {
                    guard case .tuple(let pair) = item, pair.count == 2 else { throw fail("OrderedDict of a non-pair") }
                    dict.pairs.append((pair[0], pair[1]))
                }
            } else if !arguments.isEmpty {
                throw fail("OrderedDict called with \(arguments.count) unexpected arguments")
            }
            return .dict(dict)
        case .rebuildTensor:
            guard arguments.count >= 4, case .storage(let storage) = arguments[0], case .int(let offset) = arguments[1],
                  case .tuple(let size) = arguments[2], case .tuple(let stride) = arguments[3] else {
                throw fail("_rebuild_tensor_v2 needs (storage, offset, size, stride, ...)")
            }
            let shape = try size.map(integer), strides = try stride.map(integer)
            guard shape.count == strides.count, offset >= 0, shape.allSatisfy({ $0 >= 0 }), strides.allSatisfy({ $0 >= 0 }) else {
                throw fail("tensor of size \(shape), stride \(strides), offset \(offset) is not a valid view")
            }
            // The view's last element must lie inside the storage.
            if !shape.contains(0) {
                var last = offset
                for (extent, step) in zip(shape, strides) {
                    let (product, overflow) = (extent - 1).multipliedReportingOverflow(by: step)
                    guard !overflow, last <= Int.max - product else { throw fail("tensor of size \(shape) overflows") }
                    last += product
                }
                guard last < storage.count else {
                    throw fail("tensor of size \(shape), stride \(strides), offset \(offset) reaches past its \(storage.count)-element storage")
                }
            }
            return .tensor(TorchTensor(storage: storage, offset: offset, shape: shape, strides: strides))
        case .rebuildParameter:
            guard let tensor = arguments.first, case .tensor = tensor else { throw fail("_rebuild_parameter of a non-tensor") }
            return tensor
        case .size:
            guard arguments.count == 1, case .tuple = arguments[0] else { throw fail("torch.Size needs one tuple") }
            return arguments[0]
        case .codecsEncode:
            // Protocol 2 pickles bytes as _codecs.encode(text, "latin1").
            guard arguments.count == 2, case .string(let text) = arguments[0], case .string(let encoding) = arguments[1],
                  ["latin1", "latin-1"].contains(encoding.lowercased()) else { throw fail("_codecs.encode other than latin1") }
            var out: [UInt8] = []
            for scalar in text.unicodeScalars {
                guard scalar.value < 256 else { throw fail("_codecs.encode of a non-latin1 text") }
                out.append(UInt8(scalar.value))
            }
            return .bytes(out)
        case .storage:
            throw fail("a storage class is called directly; torch.save refers to storages by persistent id")
        }
    }

    /// torch.save's persistent id of a storage: ('storage', storage_type, key, location, numel).
    private func persistentLoad(_ id: PickleValue) throws -> PickleValue {
        guard case .tuple(let parts) = id, parts.count == 5, case .string("storage") = parts[0],
              case .global(.storage(let dtype)) = parts[1], case .string(let key) = parts[2],
              case .int(let count) = parts[4], count >= 0 else {
            throw fail("a persistent id that is not torch.save's ('storage', type, key, location, numel)")
        }
        guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
            throw fail("storage key '\(key)' is not a plain name")
        }
        return .storage(TorchStorage(key: key, dtype: dtype, count: count))
    }

    private func integer(_ value: PickleValue) throws -> Int {
        guard case .int(let number) = value else { throw fail("\(value.kindName) where a size or stride was expected") }
        return number
    }

    private func list(top operation: String) throws -> Container {
        guard case .list(let list) = stack.last else { throw fail("\(operation) on \(stack.last?.kindName ?? "an empty stack")") }
        return list
    }

    private func dict(top operation: String) throws -> Container {
        guard case .dict(let dict) = stack.last else { throw fail("\(operation) on \(stack.last?.kindName ?? "an empty stack")") }
        return dict
    }

    private func pairs(_ items: [PickleValue]) throws -> [(key: PickleValue, value: PickleValue)] {
        guard items.count % 2 == 0 else { throw fail("an odd number of items for a dict") }
        return stride(from: 0, to: items.count, by: 2).map { (items[$0], items[$0 + 1]) }
    }

    private mutating func put(_ index: Int) throws {
        guard let top = stack.last else { throw fail("memo of an empty stack") }
        memo[index] = top
    }

    private mutating func get(_ index: Int) throws {
        guard let value = memo[index] else { throw fail("memo \(index) was never stored") }
        stack.append(value)
    }

    private mutating func pop(_ count: Int) throws -> [PickleValue] {
        guard stack.count - count >= (marks.last ?? 0) else { throw fail("the stack holds too few values") }
        let values = Array(stack.suffix(count))
        stack.removeLast(count)
        return values
    }

    private mutating func popToMark() throws -> [PickleValue] {
        guard let mark = marks.popLast() else { throw fail("no MARK to pop to") }
        let values = Array(stack[mark...])
        stack.removeSubrange(mark...)
        return values
    }

    private mutating func byte() throws -> UInt8 {
        guard position < bytes.count else { throw fail("the pickle ends without STOP (truncated)") }
        defer { position += 1 }
        return bytes[position]
    }

    private mutating func take(_ count: Int) throws -> [UInt8] {
        guard count >= 0, count <= bytes.count - position else { throw fail("a \(count)-byte field runs past the end (truncated)") }
        defer { position += count }
        return Array(bytes[position..<(position + count)])
    }

    private mutating func littleEndian(_ count: Int) throws -> UInt64 {
        try take(count).reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }

    private mutating func length(_ count: Int) throws -> Int {
        let value = try littleEndian(count)
        guard value <= UInt64(bytes.count - position) else { throw fail("a length of \(value) runs past the end (truncated)") }
        return Int(value)
    }

    private mutating func bigEndian64() throws -> UInt64 {
        try take(8).reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// A little-endian two's-complement integer of `count` bytes (LONG1 / LONG4), within Int.
    private mutating func long(_ count: Int) throws -> Int {
        guard count <= 8 else { throw fail("an integer of \(count) bytes is out of range") }
        let raw = try take(count)
        guard !raw.isEmpty else { return 0 }
        var value = raw.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        if count < 8, raw[count - 1] & 0x80 != 0 { value |= ~0 << UInt64(8 * count) }
        return Int(Int64(bitPattern: value))
    }

    private mutating func utf8(_ count: Int) throws -> String {
        let raw = try take(count)
        guard let text = String(validating: raw, as: UTF8.self) else { throw fail("a string that is not UTF-8") }
        return text
    }

    private func latin1(_ raw: [UInt8]) -> String {
        String(String.UnicodeScalarView(raw.map { Unicode.Scalar($0) }))
    }

    /// A text line for GLOBAL, without its newline.
    private mutating func line() throws -> String {
        guard let end = bytes[position...].firstIndex(of: 0x0A), end - position <= 256 else {
            throw fail("GLOBAL without a newline-terminated name")
        }
        let text = String(decoding: bytes[position..<end], as: UTF8.self)
        position = end + 1
        return text
    }
}
