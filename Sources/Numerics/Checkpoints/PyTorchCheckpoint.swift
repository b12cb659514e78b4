import Foundation

/// A `pytorch_model.bin` as `torch.save(state_dict)` writes it since PyTorch 1.6: a zip archive
/// `<name>/data.pkl` (the pickled state dict), `<name>/data/<key>` (one member per storage, raw
/// little-endian elements), `<name>/byteorder`, `<name>/version` (torch/serialization.py,
/// `_save`). Read without running any code from the file: the pickle goes through
/// `RestrictedUnpickler`, which accepts only what a tensor state dict needs, as
/// `torch.load(weights_only=True)` does.
///
///     let checkpoint = try PyTorchCheckpoint(contentsOf: URL(fileURLWithPath: "pytorch_model.bin"))
///     checkpoint.tensorShapes["bert.pooler.dense.weight"]   // [C, C]
public final class PyTorchCheckpoint: CheckpointTensors {
    public let checkpointPath: String
    public let tensorShapes: [String: [Int]]
    private let tensors: [String: RestrictedUnpickler.TorchTensor]
    private let archive: ZipArchive
    /// The archive's folder (`archive`, or the name torch.save was given).
    private let prefix: String

    public init(contentsOf url: URL) throws {
        let path = url.path
        func fail(_ reason: String) -> CheckpointFormatError { CheckpointFormatError(file: path, reason) }
        // open(2) of a named pipe would block the kernel until a writer appears (issue 13).
        let resolved = url.resolvingSymlinksInPath().path
        guard let type = (try? FileManager.default.attributesOfItem(atPath: resolved))?[.type] as? FileAttributeType else {
            throw fail("cannot open: no such file")
        }
        guard type == .typeRegular else { throw fail("not a regular file") }
        let data: Data
        do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch {
            throw fail("cannot read: \(error.localizedDescription)")
        }
        guard data.starts(with: [0x50, 0x4B, 0x03, 0x04]) else {
            if data.first == 0x80 {
                throw fail("this is PyTorch's legacy serialisation (before PyTorch 1.6), which is not supported; "
                           + "re-save it with a recent torch.save, or convert it to safetensors")
            }
            throw fail("not a PyTorch checkpoint (a zip archive written by torch.save)")
        }
        let archive = try ZipArchive(bytes: data, path: path)
        let pickles = archive.names.filter { $0.hasSuffix("/data.pkl") && $0.dropLast("/data.pkl".count).contains("/") == false }
        guard pickles.count == 1, let pickle = pickles.first else {
            throw fail(pickles.isEmpty ? "the archive has no <name>/data.pkl (not written by torch.save)"
                                       : "the archive holds \(pickles.count) pickles (\(pickles.joined(separator: ", ")))")
        }
        let prefix = String(pickle.dropLast("data.pkl".count))
        if archive.entries[prefix + "byteorder"] != nil {
            let order = String(decoding: try archive.contents(of: prefix + "byteorder"), as: UTF8.self)
            guard order == "little" else { throw fail("byteorder is '\(order)'; only little-endian checkpoints are supported") }
        }
        var unpickler = RestrictedUnpickler([UInt8](try archive.contents(of: pickle)), path: path)
        guard case .dict(let stateDict) = try unpickler.load() else {
            throw fail("data.pkl holds no dict of tensors (a state dict is what from_pretrained loads)")
        }
        var tensors: [String: RestrictedUnpickler.TorchTensor] = [:]
        for (key, value) in stateDict.pairs {
            guard case .string(let name) = key else { throw fail("the state dict has a key that is \(key.kindName), not a name") }
            guard case .tensor(let tensor) = value else { throw fail("'\(name)' is \(value.kindName), not a tensor") }
            guard tensors[name] == nil else { throw fail("'\(name)' appears twice in the state dict") }
            let member = prefix + "data/" + tensor.storage.key
            guard let entry = archive.entries[member] else { throw fail("'\(name)' refers to storage \(member), which the archive lacks") }
            let (needed, overflow) = tensor.storage.count.multipliedReportingOverflow(by: tensor.storage.dtype.byteSize)
            guard !overflow, entry.data.count >= needed else {
                throw fail("storage \(member) of '\(name)' holds \(entry.data.count) bytes, less than its \(tensor.storage.count) "
                           + "\(tensor.storage.dtype.rawValue) elements (truncated?)")
            }
            tensors[name] = tensor
        }
        self.checkpointPath = path
        self.tensors = tensors
        self.tensorShapes = tensors.mapValues(\.shape)
        self.archive = archive
        self.prefix = prefix
    }

    /// The tensor's values as Float32, gathered through its strides (torch.save keeps views as
    /// they were; a transposed weight is stored with transposed strides).
    public func readFloats(_ name: String, into destination: UnsafeMutableBufferPointer<Float>) throws {
        guard let tensor = tensors[name] else { throw CheckpointFormatError(file: checkpointPath, "no tensor '\(name)'") }
        let dtype = tensor.storage.dtype
        guard dtype.isFloatingPoint else {
            throw CheckpointFormatError(file: checkpointPath, "'\(name)' is \(dtype.rawValue), which cannot be read as floats")
        }
        let count = tensor.shape.reduce(1, *)
        guard destination.count == count else {
            throw CheckpointFormatError(file: checkpointPath, "'\(name)' has \(count) values but the destination holds \(destination.count)")
        }
        guard count > 0, let out = destination.baseAddress else { return }
        let storage = try archive.contents(of: prefix + "data/" + tensor.storage.key)
        let size = dtype.byteSize
        var contiguous = 1
        var isContiguous = true
        for (extent, stride) in zip(tensor.shape, tensor.strides).reversed() where extent > 1 {
            if stride != contiguous { isContiguous = false }
            contiguous *= extent
        }
        storage.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let base = raw.baseAddress! + tensor.offset * size
            if isContiguous {
                dtype.convertToFloat(base, count: count, into: out)
                return
            }
            // C-order walk over the view: index holds the position in each dimension.
            var index = [Int](repeating: 0, count: tensor.shape.count)
            var element = 0
            for i in 0..<count {
                dtype.convertToFloat(base + element * size, count: 1, into: out + i)
                var dimension = tensor.shape.count - 1
                while dimension >= 0 {
                    index[dimension] += 1
                    element += tensor.strides[dimension]
                    if index[dimension] < tensor.shape[dimension] { break }
                    element -= tensor.strides[dimension] * index[dimension]
                    index[dimension] = 0
                    dimension -= 1
                }
            }
        }
    }
}
