#!/usr/bin/env python3
"""The real-browser check (`make browser-check`): the path JupyterLab takes, end to end.

1. start a Jupyter server (JupyterLab) with a token on a free 127.0.0.1 port, serving a
   scratch folder under build/browser-check/ that holds a copy of the notebook;
2. start a session with the `bert` kernel through the REST API (POST /api/sessions), so the
   server launches the kernel from its installed kernelspec;
3. run every code cell through the kernel's websocket channels API
   (/api/kernels/<id>/channels, the one JupyterLab's notebook uses), collecting outputs the way
   the front end does (streams merged, update_display_data applied by display_id,
   clear_output honoured);
4. save the executed notebook through the contents API (PUT /api/contents/<path>);
5. open it in JupyterLab in headless Chromium, driven over the DevTools protocol: wait until
   the notebook's outputs have rendered (images decoded), then take screenshots — the top of the
   notebook, and the first plot scrolled into view;
6. check the DOM of the `load(model:)` cell's rendered output area: it must hold an HTML table
   and no JSON tree (JupyterLab ranks application/json above text/html, so a result carrying
   application/json shows as a collapsible "root" tree instead of the table; issue 13 part 7).
   A control notebook whose saved output does carry application/json must show the tree, so the
   check cannot pass only because it looks in the wrong place.

    .venv/bin/python tests/browser/browser_check.py [--notebook notebooks/01-quickstart.ipynb]
                                                    [--out build/browser-check]

Exits non-zero if a cell fails, an output is an error, the page never renders the outputs, or the
`load(model:)` result is not rendered as a table (or is rendered as a JSON tree).
Nothing leaves the loopback interface. Needs: Debian's `chromium`, and `jupyterlab` plus
`websocket-client` in the venv (the Makefile target installs them).
"""
import argparse
import base64
import json
import os
import pathlib
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import nbformat
import websocket  # websocket-client

ROOT = pathlib.Path(__file__).resolve().parents[2]


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def log(message):
    print(f"[browser-check {time.strftime('%H:%M:%S')}] {message}", flush=True)


def stop_process(process, log_file, timeout):
    """Ends a child of this check (the Jupyter server, Chrome): terminate, kill if it has not
    exited after `timeout` seconds; then closes its log."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
    log_file.close()


class JupyterServer:
    """A JupyterLab server on loopback with a fresh settings and workspaces folder."""

    def __init__(self, root_dir, state_dir):
        self.port = free_port()
        self.token = secrets.token_hex(24)
        self.base = f"http://127.0.0.1:{self.port}"
        settings = state_dir / "lab-settings"
        # No "would you like news?" toast and no update check over the top of the screenshot.
        notification = settings / "@jupyterlab" / "apputils-extension"
        notification.mkdir(parents=True, exist_ok=True)
        (notification / "notification.jupyterlab-settings").write_text(
            json.dumps({"fetchNews": "false", "checkForUpdates": False}))
        env = dict(os.environ,
                   JUPYTERLAB_SETTINGS_DIR=str(settings),
                   JUPYTERLAB_WORKSPACES_DIR=str(state_dir / "lab-workspaces"),
                   JUPYTER_RUNTIME_DIR=str(state_dir / "runtime"),
                   JUPYTER_CONFIG_DIR=str(state_dir / "config"))
        self.log_path = state_dir / "jupyter-server.log"
        self.log_file = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={self.port}",
             "--port-retries=0", f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={root_dir}",
             "--ServerApp.open_browser=False", "--LabApp.news_url=None", "--allow-root"],
            stdout=self.log_file, stderr=subprocess.STDOUT, env=env)

    def request(self, method, path, body=None, timeout=30):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers={"Authorization": f"token {self.token}",
                                                  "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            text = response.read().decode()
            return json.loads(text) if text else None

    def wait_ready(self, timeout=90):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the Jupyter server exited; see {self.log_path}")
            try:
                self.request("GET", "/api/status", timeout=2)
                return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.5)
        raise RuntimeError(f"the Jupyter server did not answer within {timeout} s; see {self.log_path}")

    def stop(self):
        stop_process(self.process, self.log_file, timeout=15)


class KernelChannels:
    """The kernel's websocket channels as JupyterLab uses them (JSON messages with `channel`)."""

    def __init__(self, server, kernel_id):
        self.session = uuid.uuid4().hex
        url = f"ws://127.0.0.1:{server.port}/api/kernels/{kernel_id}/channels?session_id={self.session}"
        self.ws = websocket.create_connection(url, header=[f"Authorization: token {server.token}"], timeout=5)

    def send(self, channel, msg_type, content):
        msg_id = uuid.uuid4().hex
        self.ws.send(json.dumps({
            "channel": channel,
            "header": {"msg_id": msg_id, "msg_type": msg_type, "username": "browser-check",
                       "session": self.session, "date": time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime()),
                       "version": "5.3"},
            "parent_header": {}, "metadata": {}, "content": content, "buffers": []}))
        return msg_id

    def receive(self, timeout):
        self.ws.settimeout(timeout)
        return json.loads(self.ws.recv())

    def kernel_info(self, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            msg_id = self.send("shell", "kernel_info_request", {})
            try:
                while True:
                    msg = self.receive(max(0.5, min(5, deadline - time.time())))
                    if msg.get("parent_header", {}).get("msg_id") == msg_id and msg["channel"] == "shell":
                        return msg["content"]
            except websocket.WebSocketTimeoutException:
                continue
        raise RuntimeError("no kernel_info_reply over the websocket")

    def execute(self, code, timeout):
        """Runs one cell; returns (reply content, nbformat outputs)."""
        msg_id = self.send("shell", "execute_request", {
            "code": code, "silent": False, "store_history": True, "user_expressions": {},
            "allow_stdin": False, "stop_on_error": True})
        outputs, displays, reply, idle = [], {}, None, False
        clear_pending = False
        deadline = time.time() + timeout
        while reply is None or not idle:
            remaining = deadline - time.time()
            if remaining <= 0:
                raise RuntimeError(f"cell did not finish within {timeout} s:\n{code}")
            try:
                msg = self.receive(min(remaining, 30))
            except websocket.WebSocketTimeoutException:
                continue
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if msg["channel"] == "shell" and kind == "execute_reply":
                reply = content
                continue
            if msg["channel"] != "iopub":
                continue
            if kind == "status":
                idle = content["execution_state"] == "idle"
                continue
            if clear_pending and kind in ("stream", "display_data", "execute_result", "error"):
                outputs.clear()
                displays.clear()
                clear_pending = False
            if kind == "clear_output":
                if content.get("wait"):
                    clear_pending = True
                else:
                    outputs.clear()
                    displays.clear()
            elif kind == "stream":
                if outputs and outputs[-1].output_type == "stream" and outputs[-1].name == content["name"]:
                    outputs[-1].text += content["text"]
                else:
                    outputs.append(nbformat.v4.new_output("stream", name=content["name"], text=content["text"]))
            elif kind == "display_data":
                output = nbformat.v4.new_output("display_data", data=content["data"],
                                                metadata=content.get("metadata", {}))
                display_id = content.get("transient", {}).get("display_id")
                if display_id:
                    displays.setdefault(display_id, []).append(len(outputs))
                outputs.append(output)
            elif kind == "update_display_data":
                for index in displays.get(content.get("transient", {}).get("display_id"), []):
                    outputs[index] = nbformat.v4.new_output("display_data", data=content["data"],
                                                            metadata=content.get("metadata", {}))
            elif kind == "execute_result":
                outputs.append(nbformat.v4.new_output("execute_result", data=content["data"],
                                                      metadata=content.get("metadata", {}),
                                                      execution_count=content.get("execution_count")))
            elif kind == "error":
                outputs.append(nbformat.v4.new_output("error", ename=content["ename"], evalue=content["evalue"],
                                                      traceback=content["traceback"]))
        return reply, outputs

    def close(self):
        self.ws.close()


class Chromium:
    """Headless Chromium driven over the DevTools protocol on a loopback port."""

    def __init__(self, state_dir, width, height):
        self.port = free_port()
        self.profile = tempfile.mkdtemp(prefix="chromium-", dir=state_dir)
        self.log_file = open(state_dir / "chromium.log", "w")
        self.process = subprocess.Popen(
            [shutil.which("chromium") or "chromium", "--headless=new", "--no-sandbox", "--disable-gpu",
             "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check", "--hide-scrollbars",
             f"--remote-debugging-address=127.0.0.1", f"--remote-debugging-port={self.port}",
             f"--user-data-dir={self.profile}", f"--window-size={width},{height}", "about:blank"],
            stdout=self.log_file, stderr=subprocess.STDOUT)
        self.next_id = 0
        self.ws = None
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/json/list", timeout=2) as r:
                    pages = [t for t in json.loads(r.read()) if t.get("type") == "page"]
                if pages:
                    self.ws = websocket.create_connection(pages[0]["webSocketDebuggerUrl"], timeout=60,
                                                          suppress_origin=True)
                    break
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.5)
        if self.ws is None:
            raise RuntimeError(f"Chromium's DevTools endpoint did not come up; see {state_dir / 'chromium.log'}")
        self.call("Page.enable")
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)

    def call(self, method, **params):
        self.next_id += 1
        call_id = self.next_id
        self.ws.send(json.dumps({"id": call_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("method") == "Page.javascriptDialogOpening":
                # JupyterLab asks "leave the page?" (beforeunload) when a notebook with changes
                # is navigated away from; the dialog would block the navigation forever.
                self.next_id += 1
                self.ws.send(json.dumps({"id": self.next_id, "method": "Page.handleJavaScriptDialog",
                                         "params": {"accept": True}}))
                continue
            if msg.get("id") == call_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        return result.get("result", {}).get("value")

    def click(self, x, y):
        for kind in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)

    def screenshot(self, path):
        data = self.call("Page.captureScreenshot", format="png")["data"]
        pathlib.Path(path).write_bytes(base64.b64decode(data))

    def stop(self):
        try:
            if self.ws:
                self.ws.close()
        finally:
            stop_process(self.process, self.log_file, timeout=10)


# What the page must show before the screenshot: the notebook's rendered outputs, every image
# decoded, and no spinner of the kernel status still starting.
RENDER_PROBE = """
(() => {
  const panel = document.querySelector('.jp-NotebookPanel');
  if (!panel) return {ready: false, why: 'no notebook panel yet'};
  const outputs = panel.querySelectorAll('.jp-OutputArea-output');
  const images = [...panel.querySelectorAll('.jp-OutputArea-output img')];
  const pending = images.filter(i => !(i.complete && i.naturalWidth > 0)).length;
  return {ready: outputs.length >= %(min_outputs)d && pending === 0,
          outputs: outputs.length, images: images.length, pending,
          title: document.title};
})()
"""

# The file browser takes a fifth of the width; a real click on its (current) tab closes it so the
# notebook fills the picture. Lumino tab bars listen to pointer events, so the click goes through
# DevTools' input emulation rather than element.click().
LEFT_SIDEBAR_TAB = """
(() => {
  const tab = document.querySelector('.jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current');
  if (!tab) return null;
  const r = tab.getBoundingClientRect();
  return {x: r.left + r.width / 2, y: r.top + r.height / 2};
})()
"""

SCROLL_TO_FIRST_IMAGE = """
(() => {
  const img = document.querySelector('.jp-NotebookPanel .jp-OutputArea-output img');
  if (!img) return false;
  const cell = img.closest('.jp-Cell');
  (cell || img).scrollIntoView({block: 'start'});
  return true;
})()
"""

# Scrolls to the first code cell whose source starts with the given text (JSON-quoted in).
SCROLL_TO_CELL = """
(() => {
  const wanted = %s;
  for (const cell of document.querySelectorAll('.jp-NotebookPanel .jp-CodeCell')) {
    const editor = cell.querySelector('.cm-content');
    if (editor && editor.textContent.trim().startsWith(wanted)) {
      cell.scrollIntoView({block: 'start'});
      return true;
    }
  }
  return false;
})()
"""


# What JupyterLab rendered for the first code cell whose source contains `load(model:`: the MIME
# type of each rendered output (JupyterLab's renderers set data-mime-type on their node), how many
# <table> elements, and how many JSON trees (@jupyterlab/json-extension's .jp-RenderedJSON).
LOAD_MODEL_OUTPUT = """
(() => {
  for (const cell of document.querySelectorAll('.jp-NotebookPanel .jp-CodeCell')) {
    const editor = cell.querySelector('.cm-content');
    if (!editor || !editor.textContent.includes('load(model:')) continue;
    cell.scrollIntoView({block: 'start'});
    const area = cell.querySelector('.jp-OutputArea');
    if (!area) return {found: true, outputs: 0, mimeTypes: [], tables: 0, jsonTrees: 0};
    const rendered = [...area.querySelectorAll('[data-mime-type]')];
    return {found: true,
            outputs: area.querySelectorAll('.jp-OutputArea-output').length,
            mimeTypes: rendered.map(node => node.dataset.mimeType),
            tables: area.querySelectorAll('.jp-OutputArea-output table').length,
            jsonTrees: area.querySelectorAll('.jp-RenderedJSON, [data-mime-type="application/json"]').length};
  }
  return {found: false};
})()
"""


def table_problem(state):
    """Why the rendered `load(model:)` output is not a table without a JSON tree, or None."""
    if not state or not state.get("found"):
        return "no code cell with load(model: ...) was rendered"
    if state["jsonTrees"] or "application/json" in state["mimeTypes"]:
        return f"the load(model:) result is rendered as a JSON tree: {state}"
    if not state["tables"] or "text/html" not in state["mimeTypes"]:
        return f"the load(model:) result holds no HTML table: {state}"
    return None


def rendered_load_model(chromium, until, timeout=20):
    """LOAD_MODEL_OUTPUT, polled until `until(state)` holds or `timeout` seconds pass (renderers
    such as the JSON tree are loaded lazily); the last state."""
    deadline = time.time() + timeout
    while True:
        state = chromium.evaluate(LOAD_MODEL_OUTPUT)
        if (state and until(state)) or time.time() > deadline:
            return state
        time.sleep(1)


def control_notebook(path):
    """A notebook whose saved `load(model:)` output carries application/json beside the HTML
    table, as the kernel's results did before issue 13: JupyterLab must render it as a tree."""
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell('load(model: "all-MiniLM-L6-v2", labels: 2)', execution_count=1)
    cell.outputs = [nbformat.v4.new_output("execute_result", execution_count=1, data={
        "text/plain": "model  all-MiniLM-L6-v2",
        "text/html": "<table><tr><th>model</th><td>all-MiniLM-L6-v2</td></tr></table>",
        "application/json": {"directory": "all-MiniLM-L6-v2", "classifier_fresh": True}})]
    nb.cells = [cell]
    nb.metadata["kernelspec"] = {"name": "bert", "display_name": "BERT (Swift)", "language": "bert"}
    nbformat.write(nb, str(path))


def open_and_render(chromium, server, name, minimum, timeout):
    """Opens `name` in JupyterLab and waits until its outputs have rendered; the last page state."""
    url = f"{server.base}/lab/tree/{urllib.parse.quote(name)}?token={server.token}&reset"
    chromium.call("Page.navigate", url=url)
    log(f"Chromium opens {url.replace(server.token, '<token>')}")
    deadline = time.time() + timeout
    probe = RENDER_PROBE % {"min_outputs": max(1, minimum)}
    state = None
    while time.time() < deadline:
        try:
            state = chromium.evaluate(probe)
        except RuntimeError:
            state = None
        if state and state.get("ready"):
            break
        time.sleep(1)
    return state


def run(args):
    out = pathlib.Path(args.out).resolve()
    if out.exists():
        shutil.rmtree(out)
    work = out / "root"
    work.mkdir(parents=True)
    notebook_path = pathlib.Path(args.notebook).resolve()
    name = notebook_path.name
    shutil.copy(notebook_path, work / name)
    source = nbformat.read(notebook_path, as_version=4)

    server = JupyterServer(work, out)
    chromium = None
    failures = []
    try:
        server.wait_ready()
        log(f"Jupyter server on {server.base} (token auth), root {work}")
        specs = server.request("GET", "/api/kernelspecs")["kernelspecs"]
        if args.kernel not in specs:
            raise RuntimeError(f"the server has no '{args.kernel}' kernelspec (it has {sorted(specs)}); "
                               "run `make kernelspec`")
        spec = specs[args.kernel]["spec"]
        log(f"kernelspec {args.kernel}: {spec['display_name']} -> {spec['argv'][0]}")
        session = server.request("POST", "/api/sessions", {
            "path": name, "name": name, "type": "notebook", "kernel": {"name": args.kernel}})
        kernel_id = session["kernel"]["id"]
        log(f"session {session['id']} with kernel {kernel_id}")

        channels = KernelChannels(server, kernel_id)
        info = channels.kernel_info()
        log(f"kernel_info over the websocket: {info['implementation']} {info['implementation_version']}, "
            f"protocol {info['protocol_version']}, language {info['language_info']['name']}")

        started = time.time()
        count = 0
        for index, cell in enumerate(source.cells):
            if cell.cell_type != "code" or not cell.source.strip():
                continue
            t0 = time.time()
            reply, outputs = channels.execute(cell.source, timeout=args.cell_timeout)
            cell.outputs = outputs
            cell.execution_count = reply.get("execution_count")
            count += 1
            first_line = cell.source.strip().splitlines()[0][:70]
            log(f"cell {index:2d} {reply['status']:5s} {time.time() - t0:6.1f} s  {first_line}")
            errors = [o for o in outputs if o.output_type == "error"]
            if reply["status"] != "ok" or errors:
                failures.append(f"cell {index}: {reply.get('ename')}: {reply.get('evalue')}")
                break
        channels.close()
        log(f"{count} cells in {time.time() - started:.1f} s through the websocket API")

        # Save through the contents API, as JupyterLab's "Save" does.
        model = json.loads(nbformat.writes(source))
        saved = server.request("PUT", "/api/contents/" + urllib.parse.quote(name),
                               {"type": "notebook", "format": "json", "content": model})
        log(f"saved {saved['path']} through the contents API ({saved['last_modified']})")
        shutil.copy(work / name, out / ("executed-" + name))

        minimum = sum(1 for c in source.cells if c.cell_type == "code" and c.get("outputs"))
        chromium = Chromium(out, args.width, args.height)
        state = open_and_render(chromium, server, name, minimum, args.render_timeout)
        if not state or not state.get("ready"):
            failures.append(f"JupyterLab did not render the outputs within {args.render_timeout} s: {state}")
        tab = chromium.evaluate(LEFT_SIDEBAR_TAB)
        if tab:
            chromium.click(tab["x"], tab["y"])
        time.sleep(2)  # let fonts, the kernel indicator and late layout settle
        top = out / "notebook-top.png"
        chromium.screenshot(top)
        log(f"page state {state}; screenshot {top}")
        if chromium.evaluate(SCROLL_TO_FIRST_IMAGE):
            time.sleep(1)
            plot = out / "notebook-plot.png"
            chromium.screenshot(plot)
            log(f"screenshot scrolled to the first plot: {plot}")
        if args.scroll_to:
            if chromium.evaluate(SCROLL_TO_CELL % json.dumps(args.scroll_to)):
                time.sleep(1)
                chromium.screenshot(out / "notebook-cell.png")
                log(f"screenshot scrolled to the cell {args.scroll_to!r}: {out / 'notebook-cell.png'}")
            else:
                failures.append(f"no code cell starts with {args.scroll_to!r}")

        # The load(model:) result as rendered: a table, not a JSON tree.
        rendered = rendered_load_model(chromium, lambda state: table_problem(state) is None)
        time.sleep(1)
        chromium.screenshot(out / "notebook-load-model.png")
        log(f"load(model:) output as rendered: {rendered}; screenshot {out / 'notebook-load-model.png'}")
        problem = table_problem(rendered)
        if problem:
            failures.append(problem)

        # The control: a saved application/json output must show up as a JSON tree to this probe.
        control = "control-json-tree.ipynb"
        control_notebook(work / control)
        open_and_render(chromium, server, control, 1, args.render_timeout)
        seen = rendered_load_model(chromium, lambda state: state.get("jsonTrees"))
        log(f"control notebook (application/json beside the table) as rendered: {seen}")
        if not seen or not seen.get("jsonTrees"):
            failures.append(f"the probe sees no JSON tree in the control notebook, so it cannot detect one: {seen}")
    finally:
        if chromium:
            chromium.stop()
        try:
            server.request("DELETE", "/api/sessions/" + session["id"]) if "session" in locals() else None
        except Exception:  # the server may already be going down; the process is stopped next
            pass
        server.stop()
    if failures:
        for failure in failures:
            print("browser-check FAILED: " + failure, file=sys.stderr)
        return 1
    log("browser-check passed")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebook", default=str(ROOT / "notebooks" / "01-quickstart.ipynb"))
    parser.add_argument("--out", default=str(ROOT / "build" / "browser-check"))
    parser.add_argument("--kernel", default="bert", help="kernelspec name (default: bert)")
    parser.add_argument("--scroll-to", help="also screenshot the notebook scrolled to the code cell "
                        "whose source starts with this text (notebook-cell.png)")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=1000)
    parser.add_argument("--cell-timeout", type=int, default=1200)
    parser.add_argument("--render-timeout", type=int, default=120)
    return run(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
