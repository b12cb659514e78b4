import Bert
import Display

/// `pretrain(...)`: a small BERT pre-trained from scratch with masked-LM + next-sentence prediction.
enum PretrainCommands {
    static func all() -> [Command] {
        [
            Command(
                name: "pretrain", group: .teaching,
                summary: "Pre-trains a small BERT from scratch with masked LM + next sentence prediction.",
                doc: """
                    Builds a BERT of `layers` layers, width `hidden` and `heads` attention heads (feed-forward 4 × hidden, \
                    512 positions), initialised as transformers does, and trains it for `steps` AdamW updates on \
                    `corpus` (`"demo"`, or a text file: one sentence per line, a blank line between documents; at least \
                    two documents). Each step takes `batch` sentence pairs of up to `maxLength` tokens built as BERT does \
                    (50% IsNext, 50% NotNext from another document), masks 15% of their tokens (80% [MASK], 10% random, \
                    10% unchanged, new masks every time) and minimises MLM + NSP loss with the same layers, backward \
                    passes and AdamW as `train` (warm-up over the first `warmup` share of steps, then linear decay; \
                    weight decay 0.01; clipping at 1.0; `dropout` 0.1). \
                    Under mpirun (a kernel from `install --mpi N`) each rank computes its share of every batch's pairs \
                    and the gradients are summed before clipping, as `train` does. \
                    `vocab: "corpus"` (default) builds a small WordPiece vocabulary from the corpus (every word of it, \
                    plus its characters so unseen words still tokenise); `vocab: "model"` uses the loaded model's \
                    tokenizer (30522 tokens for MiniLM: much slower). The result replaces the session's model (with a \
                    fresh classifier for `train`), usable by `mask`, `nsp`, `tokenize`, `plot(attention:)`, `train` and \
                    `save`. Interrupting stops at the next step and keeps the model trained so far. Shows a progress \
                    bar, then a plot of both losses (again with `plot("pretraining")`).
                    """,
                parameters: [
                    Parameter("corpus", .string, default: .string("demo"), suggestions: ["demo"], paths: true,
                              doc: "\"demo\" or a text file (one sentence per line, blank lines between documents)"),
                    Parameter("steps", .int, default: .int(200), range: 1...1_000_000, doc: "optimizer updates"),
                    Parameter("layers", .int, default: .int(2), range: 1...24, doc: "encoder layers"),
                    Parameter("hidden", .int, default: .int(128), range: 4...1024, doc: "hidden size"),
                    Parameter("heads", .int, default: .int(2), range: 1...64, doc: "attention heads (must divide hidden)"),
                    Parameter("maxLength", .int, default: .int(64), range: 8...512, doc: "tokens per sentence pair"),
                    Parameter("lr", .double, default: .double(1e-3), range: 1e-7...0.5, doc: "peak learning rate"),
                    Parameter("batch", .int, default: .int(16), range: 1...1024, doc: "sentence pairs per step"),
                    Parameter("warmup", .double, default: .double(0.1), range: 0...1, doc: "share of steps warming up"),
                    Parameter("seed", .int, default: .int(42), doc: "seeds weights, pairs, masks and dropout"),
                    Parameter("dropout", .double, default: .double(0.1), range: 0...0.9,
                              doc: "hidden and attention dropout, BERT's 0.1; on R MPI processes each rank draws masks "
                                  + "over its rows, so only 0 repeats one process's run"),
                    Parameter("vocab", .string, default: .string("corpus"),
                              allowed: Session.VocabularySource.allCases.map(\.rawValue),
                              doc: "\"corpus\": a small vocabulary built from the corpus; \"model\": the loaded model's"),
                ],
                returns: "Pretraining",
                example: "pretrain(corpus: \"demo\", steps: 200, layers: 2, hidden: 128, heads: 2, maxLength: 64)"
            ) { args, context in
                var options = PretrainingOptions()
                options.steps = try args.int("steps")
                options.layers = try args.int("layers")
                options.hidden = try args.int("hidden")
                options.heads = try args.int("heads")
                options.maxLength = try args.int("maxLength")
                options.learningRate = Float(try args.double("lr"))
                options.batchSize = try args.int("batch")
                options.warmupFraction = try args.double("warmup")
                options.seed = UInt64(truncatingIfNeeded: try args.int("seed"))
                options.dropout = try args.double("dropout")
                guard options.hidden % options.heads == 0 else {
                    throw SessionError(.argument, "hidden \(options.hidden) must be a multiple of heads \(options.heads)",
                                       argument: "heads")
                }
                let vocabulary = Session.VocabularySource(rawValue: try args.string("vocab")) ?? .corpus
                let summary = try context.session.pretrain(corpus: try args.string("corpus"), options: options,
                                                           vocabulary: vocabulary, output: context.output)
                try context.display(context.session.plot(.pretraining))
                return .rich(RichValue(typeName: "Pretraining", bundle: summary.bundle))
            },
        ]
    }
}
