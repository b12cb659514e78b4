import Foundation
import Display

/// What the kernel reads from the connection file jupyter_client writes (`docs/kernels.rst`,
/// "Connection files"): where to bind each socket and the signing key.
public struct ConnectionInfo: Equatable {
    public var transport: String
    public var ip: String
    public var shellPort: Int
    public var controlPort: Int
    public var iopubPort: Int
    public var stdinPort: Int
    public var heartbeatPort: Int
    public var key: Data
    public var signatureScheme: String

    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    /// Reads and checks `path`; every problem names the file and the key.
    public init(contentsOf path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Problem(description: "cannot read connection file \(path)")
        }
        let json: JSON
        do { json = try JSON.parse(data) } catch {
            throw Problem(description: "connection file \(path) is not valid JSON: \(error)")
        }
        try self.init(json: json, source: path)
    }

    public init(json: JSON, source: String = "connection file") throws {
        func string(_ key: String, default value: String? = nil) throws -> String {
            if let s = json[key]?.stringValue { return s }
            if let value { return value }
            throw Problem(description: "\(source): missing string '\(key)'")
        }
        func port(_ key: String) throws -> Int {
            guard let p = json[key]?.intValue, (0...65535).contains(p) else {
                throw Problem(description: "\(source): '\(key)' must be a port number 0-65535")
            }
            return p
        }
        transport = try string("transport", default: "tcp")
        guard transport == "tcp" || transport == "ipc" else {
            throw Problem(description: "\(source): transport '\(transport)' is not tcp or ipc")
        }
        ip = try string("ip", default: "127.0.0.1")
        shellPort = try port("shell_port")
        controlPort = try port("control_port")
        iopubPort = try port("iopub_port")
        stdinPort = try port("stdin_port")
        heartbeatPort = try port("hb_port")
        key = Data(try string("key", default: "").utf8)
        signatureScheme = try string("signature_scheme", default: "hmac-sha256")
        guard signatureScheme == "hmac-sha256" else {
            throw Problem(description: "\(source): signature_scheme '\(signatureScheme)' is not supported (only hmac-sha256)")
        }
    }

    /// The ZeroMQ endpoint for `port`, as jupyter_client builds it (`ipc` uses `ip-port` as a path).
    public func endpoint(port: Int) -> String {
        transport == "ipc" ? "ipc://\(ip)-\(port)" : "tcp://\(ip):\(port)"
    }
}
