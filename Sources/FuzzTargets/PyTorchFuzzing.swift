import Foundation
import Numerics

/// A `pytorch_model.bin`: the input is the whole file (zip archive, restricted pickle, storages).
/// An archive that is accepted has every float tensor read back through its strides, as loading
/// a checkpoint would.
enum PyTorchFuzzing {
    static func run(_ input: [UInt8]) -> FuzzTarget.Outcome {
        let url = ScratchFile.write(input, name: "pytorch_model.bin")
        return outcome(expecting: CheckpointFormatError.self) {
            let checkpoint = try PyTorchCheckpoint(contentsOf: url)
            for (name, shape) in checkpoint.tensorShapes.sorted(by: { $0.key < $1.key }) {
                // Views may repeat elements (stride 0): a tiny file can describe a huge tensor,
                // which the BERT loader refuses by shape before reading; here it is not read.
                let count = shape.reduce(1, *)
                guard count <= 1 << 20 else { continue }
                var values = [Float](repeating: .nan, count: count)
                do {
                    try values.withMutableVectorView { try checkpoint.readFloats(name, into: $0) }
                } catch let error as CheckpointFormatError where error.reason.contains("cannot be read as floats") {
                    continue   // integer tensors (position_ids) are accepted in the file, not as floats
                }
            }
        }
    }
}
