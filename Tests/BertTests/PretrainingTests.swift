import Foundation
import Numerics
import TestSupport
import TextDatasets
import WordPiece
import XCTest
@testable import Bert

/// The pre-training loop: its updates against PyTorch, its data, and that it learns.
final class PretrainingTests: XCTestCase {
    /// Eight MLM + NSP updates of the tiny BertForPreTraining (AdamW, warm-up/decay, clipping,
    /// no decay on biases/LayerNorm) against scripts/reference/pretraining_fixtures.py.
    func testEightPretrainingUpdatesMatchPyTorchLossesWithin1e3() throws {
        let fixture = try BertFixtures.json("tiny_pretrain_steps.json") as! [String: Any]
        let settings = fixture["settings"] as! [String: Any]
        let batches = try (fixture["batches"] as! [[String: Any]]).map { object in
            (try BertFixtures.batch(object),
             BertLabels.preTraining(maskedLM: BertFixtures.ints(object["mlm_labels"]),
                                    nextSentence: BertFixtures.ints(object["nsp_labels"])))
        }
        let (network, _) = try BertCheckpoint.load(from: BertFixtures.tiny)
        XCTAssertEqual(network.heads, .preTraining)
        var options = PretrainingOptions()
        options.dropout = 0
        options.weightDecay = (settings["weight_decay"] as! NSNumber).floatValue
        options.maxGradNorm = (settings["max_grad_norm"] as! NSNumber).floatValue
        options.learningRate = (settings["lr"] as! NSNumber).floatValue
        options.steps = settings["total_steps"] as! Int
        options.warmupFraction = Double(settings["warmup_steps"] as! Int) / Double(options.steps)
        // The run's own step (its options from PretrainingRun), fed PyTorch's batches.
        let step = try TrainingStep(network: network, options: PretrainingRun.stepOptions(options))
        XCTAssertEqual(step.options.warmupSteps, settings["warmup_steps"] as! Int)
        XCTAssertNil(step.options.dropoutSeed)
        for (index, expected) in (fixture["steps"] as! [[String: Any]]).enumerated() {
            let (batch, labels) = batches[index % batches.count]
            let result = try step.run([(batch, labels)])
            let (report, norm, lr) = (result.microBatches[0], result.gradientNorm, result.learningRate)
            XCTAssertEqual(report.maskedLMLoss!, (expected["mlm_loss"] as! NSNumber).floatValue, accuracy: 1e-3, "step \(index) MLM")
            XCTAssertEqual(report.nextSentenceLoss!, (expected["nsp_loss"] as! NSNumber).floatValue, accuracy: 1e-3, "step \(index) NSP")
            XCTAssertEqual(report.loss, report.maskedLMLoss! + report.nextSentenceLoss!, accuracy: 1e-6)
            XCTAssertEqual(norm, (expected["grad_norm"] as! NSNumber).floatValue, accuracy: 1e-3, "step \(index) norm")
            XCTAssertEqual(lr, (expected["lr"] as! NSNumber).floatValue, accuracy: 1e-9, "step \(index) lr")
        }
    }

    func testCorpusVocabularyStartsWithSpecialsAndCoversEveryCorpusSentence() throws {
        let corpus = try PretrainingCorpus.load("demo")
        let tokens = try PretrainingVocabulary.tokens(for: corpus.documents)
        XCTAssertEqual(Array(tokens.prefix(5)), ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"])
        XCTAssertEqual(Set(tokens).count, tokens.count, "no token twice")
        XCTAssertTrue(tokens.contains("bread") && tokens.contains("##b") && tokens.contains("."))
        XCTAssertLessThan(tokens.count, 3000, "a small vocabulary")
        let tokenizer = try PretrainingVocabulary.tokenizer(for: corpus.documents)
        for sentence in corpus.documents.joined() {
            XCTAssertFalse(tokenizer.tokenize(sentence).contains("[UNK]"), sentence)
        }
        // An unseen word falls back to characters instead of [UNK].
        XCTAssertEqual(tokenizer.tokenize("Zebra"), tokenizer.tokenize("zebra"))
        XCTAssertFalse(tokenizer.tokenize("breadbox").contains("[UNK]"))
        // Special tokens written in the corpus are not words of the vocabulary.
        XCTAssertFalse(try PretrainingVocabulary.tokens(for: [["a [MASK] b"], ["c"]]).contains("[mask]"))
    }

    func testBatchesHaveMaskedLabelsOnlyAtChosenPositionsAndSegmentsAsTheirPairs() throws {
        let corpus = try PretrainingCorpus.load("demo")
        let tokenizer = try PretrainingVocabulary.tokenizer(for: corpus.documents)
        var stream = try PretrainingBatches(documents: try PretrainingBatches.tokenize(corpus.documents, with: tokenizer),
                                            tokenizer: tokenizer, vocabularySize: tokenizer.vocabularySize,
                                            maxLength: 32, batchSize: 8, seed: 3)
        var labelsSeen = Set<Int32>()
        for _ in 0..<20 {
            let next = try stream.next()
            let B = next.batch.batchSize, T = next.batch.sequenceLength
            XCTAssertEqual(B, 8)
            XCTAssertLessThanOrEqual(T, 32)
            guard case .preTraining(let mlm, let nsp) = next.labels else { return XCTFail("labels") }
            labelsSeen.formUnion(nsp)
            for (b, example) in next.examples.enumerated() {
                let masked = next.masked[b]
                for t in 0..<T {
                    let label = mlm[b * T + t]
                    if t >= example.inputIDs.count {
                        XCTAssertEqual(next.batch.attentionMask[b * T + t], 0)
                        XCTAssertEqual(label, -100)
                    } else {
                        XCTAssertEqual(next.batch.tokenTypeIds[b * T + t], Int32(example.tokenTypeIDs[t]))
                        XCTAssertEqual(Int(label), masked.labels[t])
                        if label != -100 {
                            XCTAssertEqual(Int(label), example.inputIDs[t], "the label is the original token")
                            XCTAssertFalse(tokenizer.isSpecial(example.inputIDs[t]))
                        } else {
                            XCTAssertEqual(Int(next.batch.inputIds[b * T + t]), example.inputIDs[t])
                        }
                    }
                }
                XCTAssertEqual(nsp[b], Int32(example.label))
            }
        }
        XCTAssertEqual(labelsSeen, [0, 1], "both IsNext and NotNext occur")
        XCTAssertGreaterThan(stream.passes, 0, "the stream rebuilds its pairs after a pass")
    }

    func testOptionsRejectImpossibleShapes() {
        var options = PretrainingOptions()
        options.hidden = 130
        options.heads = 4
        XCTAssertThrowsError(try options.validate()) { XCTAssertTrue("\($0)".contains("multiple of heads")) }
        options = PretrainingOptions()
        options.maxLength = 4
        XCTAssertThrowsError(try options.validate())
    }

    func testOneDocumentCorpusIsRejectedWithTheReason() throws {
        let tokenizer = try PretrainingVocabulary.tokenizer(for: [["one sentence here.", "and another."]])
        XCTAssertThrowsError(try PretrainingRun(documents: [["one sentence here.", "and another."]], tokenizer: tokenizer,
                                                options: PretrainingOptions())) { error in
            XCTAssertTrue("\(error)".contains("at least two documents"), "\(error)")
        }
    }

    /// A release-build check (debug builds run it at a tenth of the speed): 240 steps of the
    /// default small BERT on the demo corpus bring the MLM loss from chance (ln V ≈ 6.8 for the
    /// corpus' 880 tokens) down by more than one nat, i.e. the perplexity by a factor above e.
    /// (Measured: 6.75 -> 5.4 over 300 steps at the defaults; a from-scratch model this small
    /// learns the word frequencies first, the context later.)
    func testPretrainingOnTheDemoCorpusLowersTheMaskedLMLossMarkedly() throws {
        #if DEBUG
        throw XCTSkip("pre-training for a few hundred steps is checked in release builds (swift test -c release)")
        #else
        let corpus = try PretrainingCorpus.load("demo")
        let tokenizer = try PretrainingVocabulary.tokenizer(for: corpus.documents)
        var options = PretrainingOptions()
        options.steps = 240
        let run = try PretrainingRun(documents: corpus.documents, tokenizer: tokenizer, options: options)
        while run.step < options.steps { try run.runStep() }
        func mean(_ records: ArraySlice<PretrainingRecord>, _ value: (PretrainingRecord) -> Float) -> Float {
            records.map(value).reduce(0, +) / Float(records.count)
        }
        let start = mean(run.records.prefix(10)) { $0.maskedLMLoss }
        let end = mean(run.records.suffix(30)) { $0.maskedLMLoss }
        // Chance level is ln(V) ≈ 7; the first steps sit there.
        XCTAssertGreaterThan(start, 0.85 * log(Float(tokenizer.vocabularySize)))
        XCTAssertLessThan(end, start - 1, "MLM loss from \(start) to \(end)")
        XCTAssertTrue(run.records.allSatisfy { $0.nextSentenceLoss.isFinite })
        #endif
    }
}
