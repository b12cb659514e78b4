import Foundation
import XCTest
@testable import HuggingFaceHub

/// The environment is read as huggingface_hub reads it (`constants.py`): endpoint, token,
/// offline switch and cache root, each with its fallbacks in the same order.
final class HubSettingsTests: XCTestCase {
    private let home = URL(fileURLWithPath: "/home/someone")

    func testDefaultsAreThePublicHubAndTheHomeCache() {
        let settings = HubSettings(environment: [:], homeDirectory: home)
        XCTAssertEqual(settings.endpoint.absoluteString, "https://huggingface.co")
        XCTAssertEqual(settings.cache.path, "/home/someone/.cache/huggingface/hub")
        XCTAssertFalse(settings.offline)
        XCTAssertNil(settings.token)
    }

    func testCacheRootFollowsHFHubCacheThenHFHomeThenXDGCacheHome() {
        XCTAssertEqual(HubSettings(environment: ["HF_HUB_CACHE": "/c", "HF_HOME": "/h", "XDG_CACHE_HOME": "/x"], homeDirectory: home).cache.path, "/c")
        XCTAssertEqual(HubSettings(environment: ["HF_HOME": "/h", "XDG_CACHE_HOME": "/x"], homeDirectory: home).cache.path, "/h/hub")
        XCTAssertEqual(HubSettings(environment: ["XDG_CACHE_HOME": "/x"], homeDirectory: home).cache.path, "/x/huggingface/hub")
        XCTAssertEqual(HubSettings(environment: ["HF_HOME": "~/hf"], homeDirectory: home).cache.path, "/home/someone/hf/hub")
    }

    func testOfflineAcceptsHuggingFaceHubsTrueValuesOnly() {
        for value in ["1", "ON", "yes", "True"] {
            XCTAssertTrue(HubSettings(environment: ["HF_HUB_OFFLINE": value], homeDirectory: home).offline, value)
        }
        for value in ["0", "off", "", "no"] {
            XCTAssertFalse(HubSettings(environment: ["HF_HUB_OFFLINE": value], homeDirectory: home).offline, value)
        }
    }

    func testEndpointLosesTrailingSlashes() {
        XCTAssertEqual(HubSettings(environment: ["HF_ENDPOINT": "http://127.0.0.1:8080//"], homeDirectory: home).endpoint.absoluteString,
                       "http://127.0.0.1:8080")
    }

    func testTokenComesFromHFTokenElseTheTokenFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hub-settings-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("hf_from_file\n".utf8).write(to: folder.appendingPathComponent("token"))
        XCTAssertEqual(HubSettings(environment: ["HF_HOME": folder.path], homeDirectory: home).token, "hf_from_file")
        XCTAssertEqual(HubSettings(environment: ["HF_HOME": folder.path, "HF_TOKEN": "hf_env"], homeDirectory: home).token, "hf_env")
        let other = folder.appendingPathComponent("elsewhere")
        try Data("hf_path".utf8).write(to: other)
        XCTAssertEqual(HubSettings(environment: ["HF_TOKEN_PATH": other.path], homeDirectory: home).token, "hf_path")
    }
}
