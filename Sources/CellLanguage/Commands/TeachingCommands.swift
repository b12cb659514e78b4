import Display

/// Seeing how BERT learns: masked-LM predictions, next-sentence prediction, how its training
/// pairs are built, and the three input embeddings.
enum TeachingCommands {
    static func all() -> [Command] {
        [
            Command(
                name: "mask", group: .teaching,
                summary: "Masked-LM predictions for each [MASK], or BERT's 15% / 80-10-10 recipe applied and predicted.",
                doc: """
                    With `[MASK]` in the text: the model's `top` most probable tokens at each `[MASK]`, with their \
                    probabilities (softmax over the vocabulary of the MLM head's logits, which reuse the word-embedding \
                    matrix). Without `[MASK]`: BERT's pre-training recipe is applied (each token chosen with probability \
                    15%, at least one; a chosen token becomes `[MASK]` 80%, a random token 10%, stays unchanged 10% of \
                    the time; seeded by `seed`) and the table shows what was chosen, what it became, and the model's \
                    predictions for the original token. Needs a model with an MLM head (`pretrain(...)`, or a \
                    `BertForPreTraining` / `BertForMaskedLM` checkpoint; all-MiniLM-L6-v2 has none).
                    """,
                parameters: [
                    Parameter(positional: "text", .string, doc: "a text, with or without [MASK]"),
                    Parameter("top", .int, default: .int(5), range: 1...100, doc: "predictions shown per position"),
                    Parameter("seed", .int, default: .int(42), doc: "seeds the recipe when the text has no [MASK]"),
                ],
                returns: "MaskPredictions",
                example: "mask(\"The child came home from [MASK].\", top: 5)"
            ) { args, context in
                let report = try context.session.mask(try args.string("text"), top: try args.int("top"), seed: try args.int("seed"))
                return .rich(RichValue(typeName: "MaskPredictions", bundle: report.bundle))
            },
            Command(
                name: "nsp", group: .teaching,
                summary: "Next-sentence prediction: how likely the second sentence follows the first.",
                doc: """
                    Encodes `[CLS] first [SEP] second [SEP]` (token type 0 for the first segment, 1 for the second) and \
                    shows the IsNext / NotNext probabilities of the model's next-sentence head. Needs a model with an NSP \
                    head (`pretrain(...)`, or a `BertForPreTraining` checkpoint).
                    """,
                parameters: [
                    Parameter(positional: "first", .string, doc: "sentence A"),
                    Parameter(positional: "second", .string, doc: "sentence B"),
                ],
                returns: "NextSentence",
                example: "nsp(\"I put the bread in the oven.\", \"Forty minutes later the loaf was golden.\")"
            ) { args, context in
                let report = try context.session.nsp(try args.string("first"), try args.string("second"))
                return .rich(RichValue(typeName: "NextSentence", bundle: report.bundle))
            },
            Command(
                name: "nsp", group: .teaching,
                summary: "Shows how next-sentence training pairs are built from a corpus.",
                doc: """
                    Builds NSP pairs from `corpus` (`"demo"`, or a text file with one sentence per line and a blank line \
                    between documents) as BERT does: consecutive sentences are gathered up to `maxLength`, split into A \
                    and B; half the time B is replaced by text from a random other document (NotNext). Shows `pairs` of \
                    them, shuffled with `seed`, with their segments and token type ids. Uses the loaded model's \
                    tokenizer, or without a model the vocabulary `pretrain` builds from the corpus.
                    """,
                parameters: [
                    Parameter("corpus", .string, suggestions: ["demo"], paths: true, doc: "\"demo\" or a text file"),
                    Parameter("pairs", .int, default: .int(6), range: 1...1000, doc: "how many pairs to show"),
                    Parameter("seed", .int, default: .int(42), doc: "seeds the pair building and the shuffle"),
                    Parameter("maxLength", .int, default: .int(64), range: 5...512, doc: "tokens per pair, [CLS] and [SEP] included"),
                ],
                returns: "NextSentencePairs",
                example: "nsp(corpus: \"demo\", pairs: 6)"
            ) { args, context in
                let report = try context.session.nspPairs(corpus: try args.string("corpus"), pairs: try args.int("pairs"),
                                                          seed: try args.int("seed"), maxLength: try args.int("maxLength"))
                return .rich(RichValue(typeName: "NextSentencePairs", bundle: report.bundle))
            },
            Command(
                name: "embeddings", group: .teaching,
                summary: "Shows each token's input vector as token + position + segment embeddings, then LayerNorm.",
                doc: """
                    For each wordpiece of `text` (and `pair`): the row of the token-embedding table for its id, the row of \
                    the position-embedding table for its position, the row of the token-type (segment) table for its \
                    segment, their sum and the LayerNorm of the sum, which is what the first encoder layer reads. Shows \
                    the first `dims` numbers of each vector and its length.
                    """,
                parameters: [
                    Parameter(positional: "text", .string, doc: "the text"),
                    Parameter("pair", .string, optional: true, doc: "a second text (segment B, token type 1)"),
                    Parameter("dims", .int, default: .int(4), range: 1...64, doc: "numbers shown per vector"),
                ],
                returns: "Embeddings",
                example: "embeddings(\"The cat sat.\", pair: \"It purred.\")"
            ) { args, context in
                let report = try context.session.embeddings(try args.string("text"), pair: try args.optionalString("pair"),
                                                            dims: try args.int("dims"))
                return .rich(RichValue(typeName: "Embeddings", bundle: report.bundle))
            },
        ]
    }
}
