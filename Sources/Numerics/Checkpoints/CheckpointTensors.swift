/// A checkpoint's named tensors, whatever file format holds them: one safetensors file, the
/// shards of `model.safetensors.index.json`, or PyTorch's `pytorch_model.bin` (and its shards).
/// The BERT loader compares shapes first and then reads each parameter as Float32.
public protocol CheckpointTensors: AnyObject {
    /// The file (or index) the tensors come from, for messages.
    var checkpointPath: String { get }
    /// Every tensor's shape, by name (integer tensors such as `position_ids` included).
    var tensorShapes: [String: [Int]] { get }
    /// Converts tensor `name` to Float32 into `destination`, whose count must equal product(shape).
    /// - destination: (product(shape)), C order.
    func readFloats(_ name: String, into destination: UnsafeMutableBufferPointer<Float>) throws
}

extension SafetensorsFile: CheckpointTensors {
    public var checkpointPath: String { url.path }
    public var tensorShapes: [String: [Int]] { tensorInfos.mapValues(\.shape) }
    public func readFloats(_ name: String, into destination: UnsafeMutableBufferPointer<Float>) throws {
        try read(name, into: destination)
    }
}

extension CheckpointTensors {
    /// `readFloats` into a view: a parameter of the flat buffer, or an array's values.
    public func readFloats(_ name: String, into destination: MutableVectorView) throws {
        try readFloats(name, into: UnsafeMutableBufferPointer(start: destination.base, count: destination.count))
    }
}
