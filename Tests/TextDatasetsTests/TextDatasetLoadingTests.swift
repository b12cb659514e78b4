import XCTest
@testable import TextDatasets

final class TextDatasetLoadingTests: XCTestCase {
    private var files: TemporaryFiles!

    override func setUpWithError() throws { files = try TemporaryFiles() }
    override func tearDown() { files = nil }

    func testStringLabelsMapInLexicographicOrderAndColumnsAreChosenByName() throws {
        let path = try files.write("r.csv", "id,label,review\n1,pos,great\n2,neg,awful\n3,Mixed,fine\n4,pos,nice\n")
        let data = try TextDataset.load(dataset: path, text: "review", validation: 0)
        XCTAssertEqual(data.task, .singleLabel)
        // Unicode scalar order: uppercase before lowercase, as Python's sorted().
        XCTAssertEqual(data.labelMap.names, ["Mixed", "neg", "pos"])
        XCTAssertEqual(data.train.map(\.text), ["great", "awful", "fine", "nice"])
        XCTAssertEqual(data.train.map(\.label), [.classID(2), .classID(1), .classID(0), .classID(2)])
        XCTAssertEqual(data.train.map(\.line), [2, 3, 4, 5])
        XCTAssertNil(data.train[0].pair)
        XCTAssertEqual(data.labelCounts(in: .train), [1, 1, 2])
    }

    func testIntegerLabelsMapInNumericOrderWithCanonicalNames() throws {
        let path = try files.write("r.tsv", "text\tlabel\na\t10\nb\t2\nc\t-1\nd\t02\ne\t 2 \n")
        let data = try TextDataset.load(dataset: path, validation: 0)
        XCTAssertEqual(data.labelMap.names, ["-1", "2", "10"])
        XCTAssertEqual(data.train.map { $0.label.classID! }, [2, 1, 0, 1, 1])
    }

    func testFloatLabelsAreRegressionAndListsAreMultiLabel() throws {
        let regression = try files.write("s.jsonl", "{\"text\": \"a\", \"label\": 0.5}\n{\"text\": \"b\", \"label\": 3}\n{\"text\": \"c\", \"label\": \"4.25\"}\n")
        let r = try TextDataset.load(dataset: regression, validation: 0)
        XCTAssertEqual(r.task, .regression)
        XCTAssertEqual(r.labelMap.count, 0)
        XCTAssertEqual(r.train.map(\.label), [.value(0.5), .value(3), .value(4.25)])
        XCTAssertEqual(r.labelCounts(in: .train), [])

        let multi = try files.write("m.jsonl", "{\"text\": \"a\", \"label\": [\"sport\", \"news\"]}\n{\"text\": \"b\", \"label\": []}\n{\"text\": \"c\", \"label\": \"art\"}\n")
        let m = try TextDataset.load(dataset: multi, validation: 0)
        XCTAssertEqual(m.task, .multiLabel)
        XCTAssertEqual(m.labelMap.names, ["art", "news", "sport"])
        XCTAssertEqual(m.train.map(\.label), [.classIDs([1, 2]), .classIDs([]), .classIDs([0])])
        XCTAssertEqual(m.labelCounts(in: .train), [1, 1, 1])
    }

    func testJSONLIntegerAndStringLabelsAreReadAlike() throws {
        let path = try files.write("j.jsonl", "{\"text\": \"a\", \"label\": 1}\n{\"text\": \"b\", \"label\": \"0\"}\n")
        let data = try TextDataset.load(dataset: path, validation: 0)
        XCTAssertEqual(data.labelMap.names, ["0", "1"])
        XCTAssertEqual(data.train.map(\.label), [.classID(1), .classID(0)])
    }

    func testPairColumnIsRead() throws {
        let path = try files.write("p.csv", "premise,hypothesis,label\nA man runs.,Someone moves.,entailment\nA cat sleeps.,A dog barks.,neutral\n")
        let data = try TextDataset.load(dataset: path, text: "premise", pair: "hypothesis", validation: 0)
        XCTAssertTrue(data.hasPair)
        XCTAssertEqual(data.train.map(\.pair), ["Someone moves.", "A dog barks."])
    }

    func testUnknownColumnListsTheColumnsAndSuggestsCase() throws {
        let path = try files.write("r.csv", "Text,label\na,1\nb,0\n")
        assertDatasetError(.argument, ["no text column 'text'", "'Text', 'label'", "did you mean 'Text'"]) {
            try TextDataset.load(dataset: path)
        }
        assertDatasetError(.argument, ["no pair column 'hyp'"]) { try TextDataset.load(dataset: path, text: "Text", pair: "hyp") }
        assertDatasetError(.argument, ["no label column 'y'"]) { try TextDataset.load(dataset: path, text: "Text", label: "y") }
    }

    func testEmptySingleClassAndMissingLabelsAreClearErrors() throws {
        let headerOnly = try files.write("h.csv", "text,label\n")
        assertDatasetError(.format, ["h.csv has a header but no data rows"]) { try TextDataset.load(dataset: headerOnly) }
        let empty = try files.write("e.csv", "")
        assertDatasetError(.format, ["e.csv is empty"]) { try TextDataset.load(dataset: empty) }
        let single = try files.write("s.csv", "text,label\na,pos\nb,pos\n")
        assertDatasetError(.format, ["only one label ('pos')", "at least two classes"]) { try TextDataset.load(dataset: single) }
        let missing = try files.write("m.csv", "text,label\na,pos\nb,\nc,neg\nd,  \n")
        assertDatasetError(.format, ["m.csv, line 3", "no value in label column 'label'", "and 1 more row)"]) {
            try TextDataset.load(dataset: missing)
        }
        let nullLabel = try files.write("n.jsonl", "{\"text\": \"a\", \"label\": 1}\n{\"text\": \"b\", \"label\": null}\n")
        assertDatasetError(.format, ["n.jsonl, line 2", "no value in label column"]) { try TextDataset.load(dataset: nullLabel) }
        let noText = try files.write("t.jsonl", "{\"label\": 1}\n{\"text\": \"b\", \"label\": 0}\n")
        assertDatasetError(.format, ["t.jsonl, line 1", "no value in text column 'text'"]) { try TextDataset.load(dataset: noText) }
        let objectLabel = try files.write("o.jsonl", "{\"text\": \"a\", \"label\": {\"x\": 1}}\n")
        assertDatasetError(.format, ["line 1", "holds an object"]) { try TextDataset.load(dataset: objectLabel) }
    }

    func testMissingFileUnknownExtensionAndBadArgumentsAreClearErrors() throws {
        assertDatasetError(.file, ["no such file: /nonexistent/x.csv"]) { try TextDataset.load(dataset: "/nonexistent/x.csv") }
        assertDatasetError(.file, ["is a directory"]) { try TextDataset.load(dataset: files.directory.path + "/") }
        let txt = try files.write("x.txt", "a")
        assertDatasetError(.argument, ["cannot tell the format", ".csv, .tsv or .jsonl"]) { try TextDataset.load(dataset: txt) }
        assertDatasetError(.argument, ["validation must be a fraction"]) { try TextDataset.load(dataset: "demo", validation: 1) }
        assertDatasetError(.argument, ["validation must be a fraction"]) { try TextDataset.load(dataset: "demo", validation: -0.1) }
        assertDatasetError(.argument, ["limit must be a positive"]) { try TextDataset.load(dataset: "demo", limit: 0) }
    }

    func testANamedPipeIsAFileErrorInsteadOfBlockingInOpen() throws {
        // Issue 13: open(2) of a FIFO waits for a writer forever, and interrupt cannot free it.
        let files = try TemporaryFiles()
        let pipe = files.directory.appendingPathComponent("reviews.csv").path
        XCTAssertEqual(mkfifo(pipe, 0o644), 0)
        assertDatasetError(.file, ["reviews.csv is a named pipe", "not a regular file"]) { try TextDataset.load(dataset: pipe) }
    }

    func testTestFileUsesTheTrainingMapAndRejectsUnseenLabels() throws {
        let train = try files.write("train.csv", "text,label\na,neg\nb,pos\nc,pos\n")
        let test = try files.write("test.csv", "text,label\nx,pos\ny,neg\n")
        let data = try TextDataset.load(dataset: train, validation: 0, test: test)
        XCTAssertEqual(data.test.map(\.label), [.classID(1), .classID(0)])
        XCTAssertEqual(data.labelCounts(in: .test), [1, 1])
        XCTAssertEqual(data.testSource, test)

        let unseen = try files.write("bad.csv", "text,label\nx,pos\ny,meh\nz,huh\nw,meh\n")
        assertDatasetError(.format, ["bad.csv", "'meh' (line 3), 'huh' (line 4) never occur in the training data", "'neg', 'pos'"]) {
            try TextDataset.load(dataset: train, test: unseen)
        }
        let otherColumns = try files.write("cols.csv", "sentence,label\nx,pos\n")
        assertDatasetError(.argument, ["cols.csv: no text column 'text'"]) { try TextDataset.load(dataset: train, test: otherColumns) }
        let regressionTrain = try files.write("reg.csv", "text,label\na,0.5\nb,1.5\n")
        let regressionTest = try files.write("regtest.csv", "text,label\na,high\n")
        assertDatasetError(.format, ["regtest.csv, line 2", "'high' is not a number"]) {
            try TextDataset.load(dataset: regressionTrain, test: regressionTest)
        }
    }

    func testLimitKeepsTheFirstRowsOfTheDatasetFileOnly() throws {
        let train = try files.write("train.csv", "text,label\na,0\nb,1\nc,0\nd,1\n")
        let test = try files.write("test.csv", "text,label\nx,0\ny,1\nz,1\n")
        let data = try TextDataset.load(dataset: train, validation: 0, test: test, limit: 2)
        XCTAssertEqual(data.train.map(\.text), ["a", "b"])
        XCTAssertEqual(data.test.count, 3)
    }

    func testDemoDatasetIsBalancedBinarySentimentWithDistinctSentences() throws {
        let data = try TextDataset.load(dataset: "demo", validation: 0.1)
        XCTAssertEqual(data.labelMap.names, ["negative", "positive"])
        XCTAssertEqual(data.train.count + data.validation.count, 800)
        XCTAssertEqual(data.validation.count, 80)
        XCTAssertEqual(data.labelCounts(in: .validation), [40, 40])
        XCTAssertEqual(data.labelCounts(in: .train), [360, 360])
        let all = data.train + data.validation
        XCTAssertEqual(Set(all.map(\.text)).count, 800, "every demo sentence is distinct")
        // A limit keeps the classes balanced (rows alternate).
        let limited = try TextDataset.load(dataset: "demo", validation: 0, limit: 10)
        XCTAssertEqual(limited.labelCounts(in: .train), [5, 5])
        assertDatasetError(.argument, ["the demo dataset: no text column 'sentence'", "'text', 'label'"]) {
            try TextDataset.load(dataset: "demo", text: "sentence")
        }
    }

    func testRemappingToAModelsLabelsRenumbersEverySplit() throws {
        let data = try TextDataset.load(dataset: "demo", validation: 0.1)
        let model = try LabelMap(names: ["positive", "negative", "neutral"])
        let remapped = try data.remapped(to: model)
        XCTAssertEqual(remapped.labelMap, model)
        for (before, after) in zip(data.train + data.validation, remapped.train + remapped.validation) {
            XCTAssertEqual(model.name(of: after.label.classID!), data.labelMap.name(of: before.label.classID!))
        }
        assertDatasetError(.argument, ["'negative'", "lack"]) { try data.remapped(to: try LabelMap(names: ["positive", "other"])) }
    }

    func testSummaryListsCountsPerSplit() throws {
        let summary = try TextDataset.load(dataset: "demo", validation: 0.1).summary
        XCTAssertTrue(summary.hasPrefix("demo: 800 examples (train 720, validation 80, test 0), 2 labels"), summary)
        XCTAssertTrue(summary.contains("negative      360          40        0"), summary)
    }
}

final class LabelInferenceTests: XCTestCase {
    func testAMissingLabelDoesNotTurnIntegerLabelsIntoStrings() throws {
        // The missing value is reported, and the task is still decided from the rest.
        let decoding = LabelDecoding(trainingValues: [.text("1"), .text(" "), .missing, .text("0")])
        XCTAssertEqual(decoding.task, .singleLabel)
        XCTAssertEqual(decoding.labelMap.names, ["0", "1"])
    }

    func testIntegerLiteralsWithFloatsAreRegressionAndWordsAreClasses() {
        XCTAssertEqual(LabelDecoding(trainingValues: [.text("1"), .text("2.5")]).task, .regression)
        XCTAssertEqual(LabelDecoding(trainingValues: [.text("1"), .text("nan")]).task, .singleLabel)
        XCTAssertEqual(LabelDecoding(trainingValues: [.text("1"), .text("two")]).labelMap.names, ["1", "two"])
    }
}
