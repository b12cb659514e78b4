import Foundation
import ExactJSON

extension SafetensorsFile {
    /// `__metadata__`: a map of strings to strings, or null (serde's `Option<HashMap<String, String>>`).
    static func parseMetadata(_ value: OrderedJSON,
                              fail: (String, String?) -> SafetensorsError) throws -> [String: String] {
        switch value {
        case .null:
            return [:]
        case .object(let members):
            var metadata: [String: String] = [:]
            for (key, entry) in members {
                guard case .string(let text) = entry else {
                    throw fail("__metadata__ value of '\(key)' is \(entry.kindName), expected a string", nil)
                }
                metadata[key] = text
            }
            return metadata
        default:
            throw fail("__metadata__ is \(value.kindName), expected an object of strings", nil)
        }
    }

    /// One tensor entry: `{"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}`.
    /// Unknown extra fields are ignored, as serde does for `TensorInfo`.
    static func parseTensorInfo(name: String, _ value: OrderedJSON,
                                fail: (String, String?) -> SafetensorsError) throws -> SafetensorsTensorInfo {
        guard case .object(let members) = value else {
            throw fail("entry is \(value.kindName), expected {dtype, shape, data_offsets}", name)
        }
        func field(_ key: String) throws -> OrderedJSON {
            guard let entry = members.first(where: { $0.key == key }) else { throw fail("missing '\(key)'", name) }
            return entry.value
        }
        func integers(_ key: String) throws -> [Int] {
            guard case .array(let elements) = try field(key) else { throw fail("'\(key)' is not an array", name) }
            return try elements.map { element in
                guard case .number(let text) = element, let number = Int(text), number >= 0 else {
                    throw fail("'\(key)' holds \(element.kindName) '\(element.sourceText)', expected non-negative integers that fit in 64 bits", name)
                }
                return number
            }
        }

        guard case .string(let dtypeName) = try field("dtype") else { throw fail("'dtype' is not a string", name) }
        guard let dtype = SafetensorsDType(rawValue: dtypeName) else {
            let known = SafetensorsDType.allCases.map(\.rawValue).joined(separator: ", ")
            throw fail("unsupported dtype '\(dtypeName)' (supported: \(known))", name)
        }
        let shape = try integers("shape")
        let offsets = try integers("data_offsets")
        guard offsets.count == 2 else { throw fail("'data_offsets' has \(offsets.count) entries, expected [begin, end]", name) }
        guard offsets[0] <= offsets[1] else {
            throw fail("data_offsets [\(offsets[0]), \(offsets[1])) end before they begin", name)
        }

        // end - begin must equal product(shape) * dtype size, computed without overflow.
        var elements = 1
        for dimension in shape {
            let (product, overflow) = elements.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw fail("shape \(shape) overflows the element count", name) }
            elements = product
        }
        let (byteCount, overflow) = elements.multipliedReportingOverflow(by: dtype.byteSize)
        guard !overflow else { throw fail("shape \(shape) of \(dtype.rawValue) overflows the byte count", name) }
        guard offsets[1] - offsets[0] == byteCount else {
            throw fail("data_offsets [\(offsets[0]), \(offsets[1])) hold \(offsets[1] - offsets[0]) bytes, but shape \(shape) of \(dtype.rawValue) needs \(byteCount)", name)
        }
        return SafetensorsTensorInfo(name: name, dtype: dtype, shape: shape, dataOffsets: offsets[0]..<offsets[1])
    }
}
