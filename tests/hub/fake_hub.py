"""A Hugging Face hub on 127.0.0.1, enough of it for huggingface_hub's hf_hub_download and for
bert-kernel's load(model:) (issue 19): the resolve endpoint as huggingface.co answers it, large
files behind a redirect to a storage host, Range requests, the X-Error-Code answers, a search.

What it mimics (huggingface_hub file_download.py and utils/_http.py, read against hub answers):
- HEAD/GET /{repo}/resolve/{revision}/{file}: X-Repo-Commit, ETag; small files are served with
  their git blob sha1 as ETag; large ones (*.safetensors, *.bin) answer 302 with Location on the
  storage host, X-Linked-Etag (their sha256) and X-Linked-Size.
- GET /lfs/{sha256} on the storage host (a second server, on 127.0.0.2: another host, as the
  hub's CDN is, so clients must not follow the redirect when reading metadata and must not send
  the token there): the bytes, with Range (206 + Content-Range).
- errors: 404 RepoNotFound / RevisionNotFound / EntryNotFound, 401 GatedRepo without the token.
- GET /api/models?search=: close model ids (difflib here; the real hub searches by substring).
Test switches: drop_once (sha256s whose next download is cut half way), corrupt (sha256s served
with one byte changed). Every request is counted and logged.
"""
import difflib
import hashlib
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

LARGE_SUFFIXES = (".safetensors", ".bin")


class Repo:
    def __init__(self, name, folder, revisions=("main", "v1.0")):
        self.files = {}
        for path in sorted(Path(folder).rglob("*")):
            if path.is_file():
                self.files[path.relative_to(folder).as_posix()] = path.read_bytes()
        digest = hashlib.sha1(name.encode())
        for file, data in self.files.items():
            digest.update(file.encode() + hashlib.sha256(data).digest())
        self.commit = digest.hexdigest()
        self.revisions = {revision: self.commit for revision in revisions}
        self.revisions[self.commit] = self.commit


class FakeHub:
    def __init__(self, repos, gated=(), token="hf_fake_token_for_tests"):
        self.repos = {name: Repo(name, folder) for name, folder in repos.items()}
        self.gated = set(gated)
        self.token = token
        self.drop_once = set()
        self.corrupt = set()
        self.log = []
        self.lock = threading.Lock()
        self.blobs = {hashlib.sha256(data).hexdigest(): data for repo in self.repos.values() for data in repo.files.values()}
        hub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_HEAD(self):
                hub.handle(self, head=True)

            def do_GET(self):
                hub.handle(self, head=False)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.storage = ThreadingHTTPServer(("127.0.0.2", 0), Handler)
        for server in (self.server, self.storage):
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, daemon=True).start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def storage_url(self):
        return f"http://127.0.0.2:{self.storage.server_address[1]}"

    @property
    def requests(self):
        with self.lock:
            return len(self.log)

    def requests_to(self, prefix):
        with self.lock:
            return [entry for entry in self.log if entry[1].startswith(prefix)]

    def close(self):
        for server in (self.server, self.storage):
            server.shutdown()
            server.server_close()

    def sha256(self, repo, file):
        return hashlib.sha256(self.repos[repo].files[file]).hexdigest()

    # -- answers

    def handle(self, request, head):
        with self.lock:
            self.log.append((request.command, request.path, request.headers.get("Range"), request.headers.get("Authorization")))
        url = urllib.parse.urlsplit(request.path)
        path = urllib.parse.unquote(url.path)
        if path.startswith("/lfs/"):
            return self.serve_blob(request, path[len("/lfs/"):], head)
        if path == "/api/models":
            query = urllib.parse.parse_qs(url.query)
            search = query.get("search", [""])[0]
            names = difflib.get_close_matches(search, [n.split("/")[-1] for n in self.repos], n=5, cutoff=0.6)
            ids = [n for n in self.repos if n.split("/")[-1] in names]
            return self.reply(request, 200, {"Content-Type": "application/json"}, json.dumps([{"id": i} for i in ids]).encode(), head)
        if "/resolve/" not in path:
            return self.reply(request, 404, {"X-Error-Code": "RepoNotFound", "X-Error-Message": "Repository not found"}, b"", head)
        repo_name, rest = path[1:].split("/resolve/", 1)
        revision, _, file = rest.partition("/")
        repo = self.repos.get(repo_name)
        if repo is None:
            return self.reply(request, 404, {"X-Error-Code": "RepoNotFound", "X-Error-Message": "Repository not found"}, b"", head)
        if repo_name in self.gated and request.headers.get("Authorization") != f"Bearer {self.token}":
            message = f"Access to model {repo_name} is restricted. You must have access to it and be authenticated to access it."
            return self.reply(request, 401, {"X-Error-Code": "GatedRepo", "X-Error-Message": message}, b"", head)
        commit = repo.revisions.get(revision)
        if commit is None:
            return self.reply(request, 404, {"X-Error-Code": "RevisionNotFound", "X-Error-Message": "Invalid rev id"}, b"", head)
        data = repo.files.get(file)
        if data is None:
            return self.reply(request, 404, {"X-Error-Code": "EntryNotFound", "X-Error-Message": "Entry not found"}, b"", head)
        if file.endswith(LARGE_SUFFIXES):
            sha = hashlib.sha256(data).hexdigest()
            headers = {"X-Repo-Commit": commit, "X-Linked-Etag": f'"{sha}"', "X-Linked-Size": str(len(data)),
                       "ETag": f'"{hashlib.sha1(data).hexdigest()}"', "Location": f"{self.storage_url}/lfs/{sha}"}
            return self.reply(request, 302, headers, b"", head)
        blob_id = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
        return self.reply(request, 200, {"X-Repo-Commit": commit, "ETag": f'"{blob_id}"'}, data, head)

    def serve_blob(self, request, sha, head):
        data = self.blobs.get(sha)
        if data is None:
            return self.reply(request, 404, {}, b"", head)
        if sha in self.corrupt:
            data = bytes([data[0] ^ 0xFF]) + data[1:]
        start = 0
        status = 200
        headers = {"Accept-Ranges": "bytes", "Content-Type": "application/octet-stream"}
        ranges = request.headers.get("Range")
        if ranges and ranges.startswith("bytes=") and ranges.endswith("-"):
            start = int(ranges[len("bytes="):-1])
            if start >= len(data):
                return self.reply(request, 416, {"Content-Range": f"bytes */{len(data)}"}, b"", head)
            status = 206
            headers["Content-Range"] = f"bytes {start}-{len(data) - 1}/{len(data)}"
        body = data[start:]
        with self.lock:
            drop = sha in self.drop_once and not head
            self.drop_once.discard(sha)
        if drop:
            # Announce the whole body, send half, hang up: a connection dropped half way.
            request.send_response(status)
            for key, value in headers.items():
                request.send_header(key, value)
            request.send_header("Content-Length", str(len(body)))
            request.end_headers()
            request.wfile.write(body[: len(body) // 2])
            request.wfile.flush()
            request.close_connection = True
            request.connection.shutdown(2)
            return
        return self.reply(request, status, headers, body, head)

    @staticmethod
    def reply(request, status, headers, body, head):
        request.send_response(status)
        for key, value in headers.items():
            request.send_header(key, value)
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        if not head:
            request.wfile.write(body)
