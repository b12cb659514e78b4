import ExactJSON
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A validated, memory-mapped safetensors file.
///
///     let file = try SafetensorsFile(contentsOf: URL(fileURLWithPath: "model.safetensors"))
///     let weight = try file.floats("pooler.dense.weight")   // (H, H), C order
///
/// Layout (`huggingface/safetensors`, README "Format"): an 8-byte little-endian header length
/// N, N bytes of UTF-8 JSON mapping each tensor name to `{dtype, shape, data_offsets}` plus an
/// optional `__metadata__` string map, then the data buffer, little-endian and C order.
/// `init` checks everything the Rust reader checks (`SafeTensors::read_metadata` and
/// `Metadata::validate`): N <= 100,000,000, 8 + N <= file size, UTF-8, valid JSON without
/// duplicate names, known dtypes, and tensors that, sorted by offset, tile the buffer exactly
/// with `end - begin = product(shape) * dtype size` (overflow-checked). Nothing assumes
/// alignment: the header length is arbitrary, so data is copied out with unaligned loads.
/// The file is mapped read-only for the lifetime of the object, so a 90 MB checkpoint loads
/// in the time of one copy.
public final class SafetensorsFile: @unchecked Sendable {
    /// The file this was read from.
    public let url: URL
    /// The `__metadata__` map (empty when the header has none).
    public let metadata: [String: String]
    /// Every tensor in the header, by name (including non-float ones such as `position_ids`).
    public var tensorInfos: [String: SafetensorsTensorInfo] { infos }
    /// Tensor names in the order their data appears in the file.
    public let namesInFileOrder: [String]

    /// Largest header the Rust reader accepts (`MAX_HEADER_SIZE`).
    public static let maxHeaderSize = 100_000_000

    private let infos: [String: SafetensorsTensorInfo]
    private let mapping: UnsafeRawPointer?
    private let mappingSize: Int
    /// Offset of the data buffer from the start of the file: 8 + N.
    private let dataStart: Int

    /// Opens, maps and validates `url`. Throws `SafetensorsError` naming the file (and tensor).
    public init(contentsOf url: URL) throws {
        self.url = url
        let path = url.path
        func fail(_ reason: String, tensor: String? = nil) -> SafetensorsError {
            SafetensorsError(file: path, tensor: tensor, reason: reason)
        }

        // Look before opening: open(2) of a FIFO blocks until a writer appears, and an interrupt
        // cannot free the kernel from it (issue 13). O_NONBLOCK covers the race of the path
        // becoming a FIFO between the two calls; it means nothing for a regular file's reads.
        var status = stat()
        guard stat(path, &status) == 0 else { throw fail("cannot open: \(String(cString: strerror(errno)))") }
        guard (status.st_mode & S_IFMT) == S_IFREG else { throw fail(Self.notRegularReason(status.st_mode)) }
        let descriptor = open(path, O_RDONLY | O_NONBLOCK)
        guard descriptor >= 0 else { throw fail("cannot open: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
        guard fstat(descriptor, &status) == 0 else { throw fail("cannot stat: \(String(cString: strerror(errno)))") }
        guard (status.st_mode & S_IFMT) == S_IFREG else { throw fail(Self.notRegularReason(status.st_mode)) }
        let fileSize = Int(status.st_size)
        guard fileSize >= 8 else {
            throw fail("file is \(fileSize) bytes, too short for the 8-byte header length (truncated or not safetensors)")
        }

        let mapped = mmap(nil, fileSize, PROT_READ, MAP_PRIVATE, descriptor, 0)
        guard let mapped, mapped != MAP_FAILED else { throw fail("cannot map: \(String(cString: strerror(errno)))") }
        let base = UnsafeRawPointer(mapped)
        var keepMapping = false
        defer { if !keepMapping { munmap(mapped, fileSize) } }

        let headerLength = base.loadUnaligned(as: UInt64.self).littleEndian
        guard headerLength <= UInt64(Self.maxHeaderSize) else {
            throw fail("header length \(headerLength) exceeds the limit of \(Self.maxHeaderSize) bytes (corrupt or not safetensors)")
        }
        let headerSize = Int(headerLength)
        guard 8 + headerSize <= fileSize else {
            throw fail("header length \(headerSize) runs past the end of the \(fileSize)-byte file (truncated)")
        }
        let headerBytes = [UInt8](UnsafeRawBufferPointer(start: base + 8, count: headerSize))
        guard String(validating: headerBytes, as: UTF8.self) != nil else { throw fail("header is not valid UTF-8") }
        let header: OrderedJSON
        do {
            // Duplicate names are refused as the Rust reader's serde does; 64 levels is far more
            // than a header's two.
            header = try OrderedJSON.parse(headerBytes, rejectDuplicateKeys: true, maxDepth: 64)
        } catch let error as OrderedJSONError {
            if let name = error.duplicateKey { throw fail("name appears more than once in the header", tensor: name) }
            throw fail("invalid header JSON at byte \(error.offset): \(error.reason)")
        }
        guard case .object(let members) = header else { throw fail("header is \(header.kindName), expected a JSON object") }

        var metadata: [String: String] = [:]
        var infos: [SafetensorsTensorInfo] = []
        for (key, value) in members {
            if key == "__metadata__" {
                metadata = try Self.parseMetadata(value, fail: fail)
            } else {
                infos.append(try Self.parseTensorInfo(name: key, value, fail: fail))
            }
        }

        // Sorted by offset, the tensors must tile [0, bufferSize) exactly.
        infos.sort { ($0.dataOffsets.lowerBound, $0.dataOffsets.upperBound) < ($1.dataOffsets.lowerBound, $1.dataOffsets.upperBound) }
        let bufferSize = fileSize - 8 - headerSize
        var expectedBegin = 0
        for info in infos {
            let range = info.dataOffsets
            if range.lowerBound > expectedBegin {
                throw fail("data_offsets begin at \(range.lowerBound), leaving a gap after byte \(expectedBegin) of the data buffer", tensor: info.name)
            }
            if range.lowerBound < expectedBegin {
                throw fail("data_offsets [\(range.lowerBound), \(range.upperBound)) overlap the previous tensor, which ends at \(expectedBegin)", tensor: info.name)
            }
            if range.upperBound > bufferSize {
                throw fail("data_offsets end at \(range.upperBound), past the \(bufferSize)-byte data buffer (truncated file or lying header)", tensor: info.name)
            }
            expectedBegin = range.upperBound
        }
        if expectedBegin != bufferSize {
            throw fail("tensors cover \(expectedBegin) bytes but the data buffer holds \(bufferSize) (trailing bytes or a lying header)")
        }

        self.metadata = metadata
        self.infos = Dictionary(infos.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.namesInFileOrder = infos.map(\.name)
        self.mapping = base
        self.mappingSize = fileSize
        self.dataStart = 8 + headerSize
        keepMapping = true
    }

    /// Why a path that is not a regular file cannot be a checkpoint, by what it is.
    static func notRegularReason(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: return "is a folder, not a safetensors file"
        case S_IFIFO: return "is a named pipe (FIFO), not a regular file; it would block the kernel waiting for a writer"
        case S_IFCHR, S_IFBLK: return "is a device, not a regular file"
        case S_IFSOCK: return "is a socket, not a regular file"
        default: return "not a regular file"
        }
    }

    deinit {
        if let mapping { munmap(UnsafeMutableRawPointer(mutating: mapping), mappingSize) }
    }

    /// The header entry of `name`, or an error listing that the tensor is missing.
    public func info(_ name: String) throws -> SafetensorsTensorInfo {
        guard let info = infos[name] else {
            throw SafetensorsError(file: url.path, tensor: name, reason: "no such tensor in the file (\(infos.count) tensors)")
        }
        return info
    }

    /// The tensor's values converted to Float: F32 as is, F16 and BF16 exactly, F64 rounded to
    /// nearest. Integer and boolean tensors are an error.
    /// - returns: (product(shape)) values in C order.
    public func floats(_ name: String) throws -> [Float] {
        let info = try info(name)
        return try [Float](unsafeUninitializedCapacity: info.elementCount) { buffer, count in
            try read(name, into: buffer)
            count = info.elementCount
        }
    }

    /// Converts the tensor into `destination`, whose count must equal product(shape).
    /// - destination: (product(shape)), C order.
    public func read(_ name: String, into destination: UnsafeMutableBufferPointer<Float>) throws {
        let info = try info(name)
        guard info.dtype.isFloatingPoint else {
            throw SafetensorsError(file: url.path, tensor: name, reason: "dtype \(info.dtype.rawValue) cannot be read as floats")
        }
        let count = info.elementCount
        guard destination.count == count else {
            throw SafetensorsError(file: url.path, tensor: name,
                                   reason: "shape \(info.shape) has \(count) values but the destination holds \(destination.count)")
        }
        guard count > 0, let mapping, let out = destination.baseAddress else { return }
        info.dtype.convertToFloat(mapping + dataStart + info.dataOffsets.lowerBound, count: count, into: out)
    }

    /// The raw little-endian bytes of a tensor of any dtype (e.g. to inspect `position_ids`).
    public func rawBytes(_ name: String) throws -> [UInt8] {
        let info = try info(name)
        guard let mapping, !info.dataOffsets.isEmpty else { return [] }
        return [UInt8](UnsafeRawBufferPointer(start: mapping + dataStart + info.dataOffsets.lowerBound,
                                              count: info.dataOffsets.count))
    }

    /// IEEE binary16 -> binary32; every half value (subnormals, infinities, NaN payloads) is
    /// representable in float, so the conversion is exact.
    static func floatFromHalfBits(_ bits: UInt16) -> Float {
        let sign = UInt32(bits >> 15) << 31
        let exponent = UInt32(bits >> 10) & 0x1F
        let mantissa = UInt32(bits) & 0x3FF
        switch exponent {
        case 0:
            // Zero or subnormal: mantissa * 2^-24, exact since mantissa < 2^10.
            let magnitude = Float(mantissa) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        case 0x1F:
            return Float(bitPattern: sign | 0x7F80_0000 | mantissa << 13)
        default:
            return Float(bitPattern: sign | (exponent + 112) << 23 | mantissa << 13)
        }
    }
}
