// TextDatasets: labelled text and pre-training data, with no tensors and no tokenizer.
//
// - Reading: `TextDataset.load(dataset:text:label:pair:validation:test:limit:seed:)` over
//   `DelimitedTextParser` (CSV, TSV), `JSONLinesParser` (JSONL, JSON arrays) and the embedded
//   `"demo"` sentiment set; labels typed by `LabelDecoding` into a `LabelMap`; train/validation
//   by `StratifiedSplit`.
// - Pre-training: `PretrainingCorpus` (documents of sentences, or the embedded `"demo"`),
//   `MaskingRecipe` (MLM 15% / 80-10-10) and `NextSentencePairs` (NSP), both over token ids.
// - Metrics: `ClassificationMetrics`, `ConfidentMistakes`, `MultiLabelMetrics`,
//   `RegressionMetrics`.
// Every user-caused failure is a `DatasetError` naming the file, column or line.
