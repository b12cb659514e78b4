import ExactJSON
import Foundation

/// Writes Float32 tensors as a safetensors file that Python's `safetensors` reads.
///
///     try SafetensorsWriter.write([SafetensorsTensor(name: "w", shape: [2, 3], values: w)],
///                                 metadata: ["format": "pt"], to: url)
///
/// The header mirrors what `safetensors` 0.8 writes for float32 tensors (see
/// `scripts/reference/safetensors_fixtures.py`): compact JSON, `__metadata__` first, tensors in
/// name order with consecutive offsets, padded with spaces to a multiple of 8 bytes so the data
/// starts aligned. The file is written to a temporary sibling and renamed, so a reader never
/// sees half a file and a failed write leaves any previous file intact.
public enum SafetensorsWriter {
    public static func write(_ tensors: [SafetensorsTensor], metadata: [String: String], to url: URL) throws {
        let data = try encode(tensors, metadata: metadata, path: url.path)
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw SafetensorsError(file: url.path, reason: "cannot write: \(error.localizedDescription)")
        }
    }

    /// The bytes of the file `write` writes, for callers that write it themselves (`save(to:)`
    /// syncs it to disk and words the errno). `path` names the file in errors.
    public static func encode(_ tensors: [SafetensorsTensor], metadata: [String: String], path: String) throws -> Data {
        var seen = Set<String>()
        for tensor in tensors {
            guard tensor.name != "__metadata__", !tensor.name.isEmpty else {
                throw SafetensorsError(file: path, tensor: tensor.name, reason: "reserved or empty tensor name")
            }
            guard seen.insert(tensor.name).inserted else {
                throw SafetensorsError(file: path, tensor: tensor.name, reason: "name given twice")
            }
            var count = 1
            for dimension in tensor.shape {
                let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
                guard dimension >= 0, !overflow else {
                    throw SafetensorsError(file: path, tensor: tensor.name, reason: "invalid shape \(tensor.shape)")
                }
                count = product
            }
            guard count == tensor.values.count else {
                throw SafetensorsError(file: path, tensor: tensor.name,
                                       reason: "shape \(tensor.shape) needs \(count) values but \(tensor.values.count) were given")
            }
        }
        let ordered = tensors.sorted { $0.name < $1.name }

        var header = "{"
        var members: [String] = []
        if !metadata.isEmpty {
            let entries = metadata.keys.sorted().map { "\(JSONStringLiteral.quoted($0)):\(JSONStringLiteral.quoted(metadata[$0]!))" }
            members.append("\"__metadata__\":{\(entries.joined(separator: ","))}")
        }
        var offset = 0
        for tensor in ordered {
            let end = offset + tensor.values.count * 4
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            members.append("\(JSONStringLiteral.quoted(tensor.name)):{\"dtype\":\"F32\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        header += members.joined(separator: ",") + "}"
        var headerBytes = Array(header.utf8)
        while headerBytes.count % 8 != 0 { headerBytes.append(0x20) }

        var data = Data(capacity: 8 + headerBytes.count + offset)
        withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: headerBytes)
        for tensor in ordered {
            // Float32 little-endian: the host's own layout on every platform Swift targets here.
            tensor.values.withUnsafeBytes { data.append(contentsOf: $0) }
        }
        return data
    }
}
