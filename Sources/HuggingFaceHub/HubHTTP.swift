import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Blocking HTTP over the toolchain's URLSession (FoundationNetworking, libcurl underneath): the
/// kernel runs a cell on one thread and waits for it anyway, and the delegate streams a body to
/// disk chunk by chunk, so a 440 MB checkpoint never sits in memory.
final class HubHTTP: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    struct Response {
        let status: Int
        /// Header names lowercased.
        let headers: [String: String]
        let body: Data
        let url: URL
    }

    private let lock = NSLock()
    private var session: URLSession!
    private var followRedirects = true
    private var response: HTTPURLResponse?
    private var body = Data()
    private var sink: FileHandle?
    private var received: Int64 = 0
    private var onData: ((Int64) -> Bool)?
    private var failure: Error?
    private var done = DispatchSemaphore(value: 0)
    private var cancelledByCaller = false
    private var restartOn200 = false

    override init() {
        super.init()
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 30
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        session = URLSession(configuration: configuration, delegate: self, delegateQueue: nil)
    }

    func invalidate() { session.invalidateAndCancel() }

    /// Sends `request` and waits for the whole answer. With `followRedirects: false` a 3xx is the
    /// answer (huggingface_hub reads X-Repo-Commit and the etag off the resolve endpoint's own
    /// reply, before the redirect to the storage host). With `sink`, a 2xx body is appended to it
    /// and `onData(bytes so far)` is called per chunk; returning false cancels. With
    /// `restartOn200`, a 200 to a Range request (a server that ignores ranges) empties the sink first.
    func send(_ request: URLRequest, followRedirects: Bool = true, sink: FileHandle? = nil, restartOn200: Bool = false,
              onData: ((Int64) -> Bool)? = nil) throws -> Response {
        lock.lock()
        self.followRedirects = followRedirects
        response = nil
        body = Data()
        self.sink = sink
        received = 0
        self.onData = onData
        failure = nil
        cancelledByCaller = false
        self.restartOn200 = restartOn200
        done = DispatchSemaphore(value: 0)
        let semaphore = done
        lock.unlock()
        session.dataTask(with: request).resume()
        semaphore.wait()
        lock.lock()
        defer { lock.unlock() }
        if cancelledByCaller { throw CancellationError() }
        if let failure { throw failure }
        guard let response else { throw URLError(.badServerResponse) }
        var headers: [String: String] = [:]
        for (key, value) in response.allHeaderFields {
            if let key = key as? String, let value = value as? String { headers[key.lowercased()] = value }
        }
        return Response(status: response.statusCode, headers: headers, body: body, url: response.url ?? request.url!)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        lock.lock()
        let follow = followRedirects
        lock.unlock()
        guard follow else { return completionHandler(nil) }
        // The storage host of a redirect gets no Authorization header (huggingface_hub drops it too).
        var next = request
        if request.url?.host != task.originalRequest?.url?.host { next.setValue(nil, forHTTPHeaderField: "Authorization") }
        completionHandler(next)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        lock.lock()
        self.response = response as? HTTPURLResponse
        if restartOn200, self.response?.statusCode == 200, let sink {
            do { try sink.truncate(atOffset: 0) } catch { failure = error }
        }
        lock.unlock()
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        lock.lock()
        let status = response?.statusCode ?? 0
        let sink = (200..<300).contains(status) ? self.sink : nil
        if sink == nil { body.append(data) }
        received += Int64(data.count)
        let total = received
        let onData = self.onData
        lock.unlock()
        guard let sink else { return }
        do { try sink.write(contentsOf: data) } catch {
            lock.lock()
            failure = error
            lock.unlock()
            dataTask.cancel()
            return
        }
        if let onData, !onData(total) {
            lock.lock()
            cancelledByCaller = true
            lock.unlock()
            dataTask.cancel()
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        lock.lock()
        if let error, failure == nil, !cancelledByCaller { failure = error }
        let semaphore = done
        lock.unlock()
        semaphore.signal()
    }
}
