import Foundation
import Numerics

/// A safetensors file: the input is the whole file (8-byte header length, header JSON, data).
/// A file that validates has every tensor read back, as loading a checkpoint would.
enum SafetensorsFuzzing {
    static func run(_ input: [UInt8]) -> FuzzTarget.Outcome {
        let url = ScratchFile.write(input, name: "model.safetensors")
        return outcome(expecting: SafetensorsError.self) {
            let file = try SafetensorsFile(contentsOf: url)
            precondition(Set(file.namesInFileOrder) == Set(file.tensorInfos.keys), "the file order and the header name different tensors")
            for name in file.namesInFileOrder {
                let info = try file.info(name)
                let bytes = try file.rawBytes(name)
                precondition(bytes.count == info.elementCount * info.dtype.byteSize,
                             "\(name): \(bytes.count) bytes for shape \(info.shape) of \(info.dtype)")
                if info.dtype.isFloatingPoint {
                    let floats = try file.floats(name)
                    precondition(floats.count == info.elementCount, "\(name): \(floats.count) floats for shape \(info.shape)")
                }
            }
        }
    }
}
