import Bert
import Foundation

/// `config.json` of a checkpoint: the input is the file.
enum ConfigFuzzing {
    static func run(_ input: [UInt8]) -> FuzzTarget.Outcome {
        outcome(expecting: BertError.self) { _ = try BertConfig(jsonData: Data(input)) }
    }
}
