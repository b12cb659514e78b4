import Foundation

/// The entries of a zip archive whose members are stored uncompressed, as `torch.save` writes
/// them (PyTorch's `PyTorchStreamWriter`, caffe2/serialize/inline_container.cc: miniz, method 0,
/// data aligned to 64 bytes). Read from the central directory (PKWARE APPNOTE 6.3.x, sections
/// 4.3.12-4.3.16, and the ZIP64 records of 4.3.14-4.3.15 and extra field 0x0001 for archives
/// past 4 GiB). A compressed or encrypted member is refused by name: nothing here inflates.
///
///     let zip = try ZipArchive(bytes: data, path: "pytorch_model.bin")
///     let pickle = try zip.contents(of: "archive/data.pkl")
struct ZipArchive {
    struct Entry {
        let name: String
        /// Byte range of the member's data in the archive.
        let data: Range<Int>
    }

    let path: String
    let bytes: Data
    /// Members by name, in central-directory order.
    private(set) var entries: [String: Entry] = [:]
    private(set) var names: [String] = []

    init(bytes: Data, path: String) throws {
        self.path = path
        self.bytes = bytes
        func fail(_ reason: String) -> CheckpointFormatError { CheckpointFormatError(file: path, reason) }
        let count = bytes.count
        // End of central directory: 22 bytes plus a comment of at most 65535, at the very end.
        guard count >= 22 else { throw fail("\(count) bytes is too short for a zip archive (truncated?)") }
        var end = -1
        var position = count - 22
        let lowest = max(0, count - 22 - 65_535)
        while position >= lowest {
            if u32(position) == 0x0605_4B50 { end = position; break }
            position -= 1
        }
        guard end >= 0 else { throw fail("no zip end-of-central-directory record (truncated, or not a zip archive)") }
        var entryCount = Int(u16(end + 10))
        var directorySize = Int(u32(end + 12))
        var directoryOffset = Int(u32(end + 16))
        if entryCount == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF {
            // ZIP64: a locator 20 bytes before the end record points at the ZIP64 end record.
            guard end >= 20, u32(end - 20) == 0x0706_4B50 else { throw fail("ZIP64 sizes without a ZIP64 locator") }
            let record = try checkedInt(u64(end - 20 + 8), "ZIP64 end record offset")
            guard record + 56 <= count, u32(record) == 0x0606_4B50 else { throw fail("the ZIP64 end record is missing or out of range") }
            entryCount = try checkedInt(u64(record + 32), "entry count")
            directorySize = try checkedInt(u64(record + 40), "central directory size")
            directoryOffset = try checkedInt(u64(record + 48), "central directory offset")
        }
        guard directoryOffset <= count, directorySize <= count - directoryOffset else {
            throw fail("the central directory lies outside the \(count)-byte file (truncated?)")
        }
        var cursor = directoryOffset
        for _ in 0..<entryCount {
            guard cursor + 46 <= directoryOffset + directorySize, u32(cursor) == 0x0201_4B50 else {
                throw fail("corrupt central directory at byte \(cursor)")
            }
            let flags = u16(cursor + 8)
            let method = u16(cursor + 10)
            var compressedSize = UInt64(u32(cursor + 20))
            var size = UInt64(u32(cursor + 24))
            let nameLength = Int(u16(cursor + 28))
            let extraLength = Int(u16(cursor + 30))
            let commentLength = Int(u16(cursor + 32))
            var localOffset = UInt64(u32(cursor + 42))
            let nameStart = cursor + 46
            guard nameStart + nameLength + extraLength + commentLength <= directoryOffset + directorySize else {
                throw fail("corrupt central directory entry at byte \(cursor)")
            }
            let name = String(decoding: bytes[(bytes.startIndex + nameStart)..<(bytes.startIndex + nameStart + nameLength)], as: UTF8.self)
            // ZIP64 extended information: the 8-byte values replace, in this order, those that are 0xFFFFFFFF.
            var extra = nameStart + nameLength
            let extraEnd = extra + extraLength
            while extra + 4 <= extraEnd {
                let id = u16(extra), length = Int(u16(extra + 2))
                if id == 0x0001 {
                    var field = extra + 4
                    let fieldEnd = field + length
                    func replace(_ value: inout UInt64) {
                        guard value == 0xFFFF_FFFF, field + 8 <= fieldEnd else { return }
                        value = u64(field)
                        field += 8
                    }
                    replace(&size)
                    replace(&compressedSize)
                    replace(&localOffset)
                }
                extra += 4 + length
            }
            if flags & 1 != 0 { throw fail("member \(name) is encrypted") }
            guard method == 0 else {
                throw fail("member \(name) is compressed (method \(method)); torch.save stores members uncompressed, "
                           + "so this archive was re-packed: re-save it with torch.save, or convert it to safetensors")
            }
            guard compressedSize == size else { throw fail("member \(name) is stored but its two sizes differ") }
            let local = try checkedInt(localOffset, "offset of \(name)")
            guard local + 30 <= count, u32(local) == 0x0403_4B50 else {
                throw fail("member \(name): no local header at byte \(local) (truncated or corrupt)")
            }
            let dataStart = local + 30 + Int(u16(local + 26)) + Int(u16(local + 28))
            let length = try checkedInt(size, "size of \(name)")
            guard dataStart <= count, length <= count - dataStart else {
                throw fail("member \(name) runs past the end of the \(count)-byte file (truncated download?)")
            }
            if entries[name] == nil { names.append(name) }
            entries[name] = Entry(name: name, data: dataStart..<(dataStart + length))
            cursor = nameStart + nameLength + extraLength + commentLength
        }
    }

    /// The bytes of member `name`.
    func contents(of name: String) throws -> Data {
        guard let entry = entries[name] else { throw CheckpointFormatError(file: path, "the archive has no member \(name)") }
        return bytes[(bytes.startIndex + entry.data.lowerBound)..<(bytes.startIndex + entry.data.upperBound)]
    }

    private func checkedInt(_ value: UInt64, _ what: String) throws -> Int {
        guard value <= UInt64(Int.max / 2) else { throw CheckpointFormatError(file: path, "\(what) \(value) is out of range") }
        return Int(value)
    }

    private func u16(_ offset: Int) -> UInt16 {
        let i = bytes.startIndex + offset
        return UInt16(bytes[i]) | UInt16(bytes[i + 1]) << 8
    }

    private func u32(_ offset: Int) -> UInt32 {
        UInt32(u16(offset)) | UInt32(u16(offset + 2)) << 16
    }

    private func u64(_ offset: Int) -> UInt64 {
        UInt64(u32(offset)) | UInt64(u32(offset + 4)) << 32
    }
}
