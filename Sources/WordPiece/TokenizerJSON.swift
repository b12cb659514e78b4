import ExactJSON

/// A JSON value of the tokenizer's configuration files, read byte for byte (members in order,
/// keys exactly as written): Foundation's decoders would merge "é" and "e" U+0301 vocabulary
/// entries and drop a leading U+FEFF. See `OrderedJSON`.
typealias TokenizerJSON = OrderedJSON
