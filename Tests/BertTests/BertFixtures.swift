import Foundation
import Numerics
import XCTest
@testable import Bert

/// The committed reference fixtures (scripts/reference/model_fixtures.py).
enum BertFixtures {
    static var directory: URL { Bundle.module.resourceURL!.appendingPathComponent("Fixtures") }
    static var tiny: URL { directory.appendingPathComponent("tiny") }
    static var tinyClassifier: URL { directory.appendingPathComponent("tiny-cls") }

    static func json(_ name: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent(name)))
    }

    static func tensors(_ name: String) throws -> SafetensorsFile {
        try SafetensorsFile(contentsOf: directory.appendingPathComponent(name))
    }

    static func ints(_ value: Any?) -> [Int32] {
        if let rows = value as? [[Any]] { return rows.flatMap { $0.map { Int32(($0 as! NSNumber).intValue) } } }
        return (value as! [Any]).map { Int32(($0 as! NSNumber).intValue) }
    }

    static func floats(_ value: Any?) -> [Float] {
        if let rows = value as? [[Any]] { return rows.flatMap { $0.map { ($0 as! NSNumber).floatValue } } }
        return (value as! [Any]).map { ($0 as! NSNumber).floatValue }
    }

    /// A batch from a JSON object with input_ids / token_type_ids / attention_mask rows.
    static func batch(_ object: [String: Any]) throws -> BertBatch {
        let rows = object["input_ids"] as! [[Any]]
        return try BertBatch(batchSize: rows.count, sequenceLength: rows[0].count, inputIds: ints(object["input_ids"]),
                             tokenTypeIds: ints(object["token_type_ids"]), attentionMask: ints(object["attention_mask"]))
    }

    /// The tiny padded batch and its labels.
    static func tinyInputs() throws -> (batch: BertBatch, object: [String: Any]) {
        let object = try json("tiny_inputs.json") as! [String: Any]
        return (try batch(object), object)
    }
}
