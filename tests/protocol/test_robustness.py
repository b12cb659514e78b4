"""What the kernel does with traffic jupyter_client would never send, and with the situations
users of other kernels report most: heartbeat during long work, forged or broken messages,
queued cells after an error, restart."""
import json
import subprocess
import time

import zmq
from jupyter_client.blocking import BlockingKernelClient
from jupyter_client.connect import write_connection_file
from jupyter_client.kernelspec import KernelSpecManager

from conftest import KERNEL_NAME, receive, require_kernelspec


def test_heartbeat_echoes_while_a_cell_runs(kernel):
    msg_id = kernel.kc.execute("sleep(seconds: 3)")
    kernel.wait_for_iopub(msg_id, "execute_input")
    hb = kernel.raw_socket("hb", zmq.REQ)
    for i in range(3):
        payload = f"ping-{i}".encode()
        hb.send(payload)
        assert hb.poll(1000), "no heartbeat echo within 1 s while a cell runs"
        assert hb.recv() == payload
    assert kernel.kc.hb_channel.is_beating()
    kernel.km.interrupt_kernel()
    assert kernel.reply_to(msg_id, timeout=5)["content"]["ename"] == "KeyboardInterrupt"


def test_wrong_signature_gets_no_reply_and_runs_nothing(kernel):
    shell = kernel.raw_socket("shell")
    msg_id, _, parts = kernel.frames("execute_request", {"code": "let forged = 1", "silent": False})
    wrong = kernel.sign(parts, key=b"not-the-key")
    shell.send_multipart([b"<IDS|MSG>", wrong] + parts)
    assert receive(shell, 1.0) == [], "a message with a wrong signature was answered"
    reply, outputs = kernel.execute("forged")
    assert reply["content"]["status"] == "error"
    assert reply["content"]["ename"] == "NameError", "the forged cell ran"
    assert "signature does not match" in kernel.stderr


def test_malformed_messages_are_dropped_logged_and_serving_continues(kernel):
    shell = kernel.raw_socket("shell")
    _, signature, parts = kernel.frames("kernel_info_request", {})
    bad_header = [b"{not json", b"{}", b"{}", b"{}"]
    not_object = [b"[]", b"{}", b"{}", b"{}"]
    no_msg_type = [json.dumps({"msg_id": "x"}).encode(), b"{}", b"{}", b"{}"]
    cases = {
        "no <IDS|MSG> delimiter": [signature] + parts,
        "frames after the delimiter": [b"<IDS|MSG>", signature, parts[0]],
        "not valid JSON": [b"<IDS|MSG>", kernel.sign(bad_header)] + bad_header,
        "not a JSON object": [b"<IDS|MSG>", kernel.sign(not_object)] + not_object,
        "header has no string 'msg_type'": [b"<IDS|MSG>", kernel.sign(no_msg_type)] + no_msg_type,
        "signature does not match": [b"<IDS|MSG>", b"", *parts],
        "binary garbage": [b"\xff\xfe\x00", b"<IDS|MSG>", b"zz"],
    }
    for frames in cases.values():
        shell.send_multipart(frames)
    assert receive(shell, 1.0) == []
    for expected in cases:
        if expected != "binary garbage":
            assert expected in kernel.stderr, f"no log line for {expected}"
    # Control gets the same treatment.
    control = kernel.raw_socket("control")
    control.send_multipart([b"<IDS|MSG>", b"deadbeef", *parts])
    assert receive(control, 0.5) == []
    reply, outputs = kernel.execute('print("alive")')
    assert reply["content"]["status"] == "ok"
    assert kernel.km.is_alive()


def test_signed_request_with_unreadable_content_gets_an_error_reply(kernel):
    """A header that reads names the sender, so a content frame that does not (bad JSON, not an
    object, a lone surrogate) is answered: busy, error, reply, idle, instead of silence."""
    shell = kernel.raw_socket("shell")
    kernel.flush_iopub()
    msg_id, _, parts = kernel.frames("kernel_info_request", {})
    parts[3] = b"{not json"
    shell.send_multipart([b"<IDS|MSG>", kernel.sign(parts)] + parts)
    [reply] = receive(shell, 1.0)
    header, content = json.loads(reply[2]), json.loads(reply[5])
    assert header["msg_type"] == "kernel_info_reply"
    assert json.loads(reply[3])["msg_id"] == msg_id
    assert content["status"] == "error" and content["ename"] == "FormatError"
    assert "content is not valid JSON" in content["evalue"]
    assert "answering an unreadable message" in kernel.stderr
    assert kernel.outputs_of(msg_id, timeout=5) == []


def test_execute_request_with_a_lone_surrogate_gets_an_error_not_silence(kernel):
    kernel.flush_iopub()
    shell = kernel.raw_socket("shell")
    msg_id, _, parts = kernel.frames("execute_request", {"code": 'print("\ud800")', "silent": False,
                                                        "store_history": True})
    assert b"\\ud800" in parts[3], "json.dumps writes the lone surrogate as an escape"
    shell.send_multipart([b"<IDS|MSG>", kernel.sign(parts)] + parts)
    [reply] = receive(shell, 1.0)
    content = json.loads(reply[5])
    assert json.loads(reply[2])["msg_type"] == "execute_reply"
    assert content["status"] == "error" and content["ename"] == "FormatError"
    assert "\\ud800" in content["evalue"], content["evalue"]
    assert "execution_count" in content
    outputs = kernel.outputs_of(msg_id, timeout=5)  # returns at idle, so busy and idle were sent
    assert [m["msg_type"] for m in outputs] == ["error"]
    assert outputs[0]["content"]["ename"] == "FormatError"


def test_execute_request_whose_code_is_not_a_string_gets_an_argument_error(kernel):
    kernel.flush_iopub()
    shell = kernel.raw_socket("shell")
    msg_id, signature, parts = kernel.frames("execute_request", {"code": 5, "silent": False})
    shell.send_multipart([b"<IDS|MSG>", signature] + parts)
    [reply] = receive(shell, 1.0)
    content = json.loads(reply[5])
    assert content["status"] == "error" and content["ename"] == "ArgumentError"
    assert "'code' must be a string, not the number 5" in content["evalue"]
    assert [m["msg_type"] for m in kernel.outputs_of(msg_id, timeout=5)] == ["error"]
    # Nothing ran and nothing was counted.
    reply, _ = kernel.execute("1")
    assert reply["content"]["execution_count"] == 1


def test_empty_key_warns_that_signing_is_off(tmp_path):
    """As jupyter_client's Session warns: an empty key means anyone who reaches the ports can run code."""
    require_kernelspec()
    binary = KernelSpecManager().get_kernel_spec(KERNEL_NAME).argv[0]
    path, _ = write_connection_file(str(tmp_path / "connection.json"), key=b"")
    log = tmp_path / "stderr.log"
    with open(log, "wb") as stderr:
        process = subprocess.Popen([binary, "kernel", "--connection-file", path], stderr=stderr)
    try:
        client = BlockingKernelClient(connection_file=path)
        client.load_connection_file()
        client.start_channels()
        client.wait_for_ready(timeout=30)
        client.shutdown()
        process.wait(timeout=10)
        client.stop_channels()
    finally:
        if process.poll() is None:
            process.kill()
    assert "Message signing is disabled" in log.read_text()


def test_replayed_message_is_dropped(kernel):
    shell = kernel.raw_socket("shell")
    _, signature, parts = kernel.frames("execute_request", {"code": 'print("once")', "silent": False,
                                                            "store_history": True})
    shell.send_multipart([b"<IDS|MSG>", signature] + parts)
    first = receive(shell, 2.0)
    assert len(first) == 1
    shell.send_multipart([b"<IDS|MSG>", signature] + parts)
    assert receive(shell, 1.0) == []
    assert "seen before" in kernel.stderr


def test_queued_cells_after_a_failing_cell_are_aborted(kernel):
    kernel.flush_iopub()
    failing = kernel.kc.execute("sleep(seconds: 0.5); undefined_name")
    queued = [kernel.kc.execute("let ran = 1"), kernel.kc.execute('print("nor me")')]
    first = kernel.reply_to(failing)
    assert first["content"]["status"] == "error"
    assert first["content"]["ename"] == "NameError"
    for msg_id in queued:
        reply = kernel.reply_to(msg_id)
        assert reply["content"]["status"] == "error"
        assert [m["msg_type"] for m in kernel.outputs_of(msg_id)] == [], "an aborted cell produced output"
    # The queue drained: the next cell runs, and the aborted binding never happened.
    reply, outputs = kernel.execute("ran")
    assert reply["content"]["ename"] == "NameError"


def test_stop_on_error_false_keeps_the_queue(kernel):
    failing = kernel.kc.execute("sleep(seconds: 0.3); undefined_name", stop_on_error=False)
    queued = kernel.kc.execute("let ran = 1; ran")
    assert kernel.reply_to(failing)["content"]["status"] == "error"
    assert kernel.reply_to(queued)["content"]["status"] == "ok"


def test_restart_empties_the_session_and_renews_the_session_id(kernel):
    kernel.execute("let before = 1")
    kernel.kc.kernel_info()
    old_session = kernel.kc.get_shell_msg(timeout=5)["header"]["session"]
    kernel.km.restart_kernel(now=False)
    kernel.kc.wait_for_ready(timeout=30)
    kernel.kc.kernel_info()
    new_session = kernel.kc.get_shell_msg(timeout=5)["header"]["session"]
    assert new_session != old_session
    reply, _ = kernel.execute("before")
    assert reply["content"]["ename"] == "NameError"
    assert reply["content"]["execution_count"] == 1
    ok, _ = kernel.execute('print("fresh")')
    assert ok["content"]["status"] == "ok"


def test_shutdown_request_ends_the_process_promptly(kernel):
    process = kernel.km.provisioner.process
    kernel.kc.shutdown()
    reply = kernel.kc.get_control_msg(timeout=5) if hasattr(kernel.kc, "get_control_msg") else None
    assert reply is None or reply["msg_type"] == "shutdown_reply"
    started = time.monotonic()
    assert process.wait(timeout=5) == 0
    assert time.monotonic() - started < 3


def test_output_flood_arrives_whole(kernel):
    """Thousands of prints in one cell: batched on IOPub, so nothing is dropped at the PUB
    high-water mark and the text arrives complete and in order."""
    code = "\n".join(f'print("line {i}")' for i in range(3000))
    reply, outputs = kernel.execute(code, timeout=60)
    assert reply["content"]["status"] == "ok"
    text = "".join(m["content"]["text"] for m in outputs if m["msg_type"] == "stream")
    assert text == "".join(f"line {i}\n" for i in range(3000))
    assert len(outputs) < 3000


def test_shutdown_while_a_cell_runs_interrupts_it_and_exits(kernel):
    """A restart or shutdown during long work must not wait for the work (nor be killed after
    jupyter_client's 5 s grace period)."""
    process = kernel.km.provisioner.process
    msg_id = kernel.kc.execute("sleep(seconds: 30)")
    kernel.wait_for_iopub(msg_id, "execute_input")
    started = time.monotonic()
    kernel.kc.shutdown()
    assert process.wait(timeout=10) == 0
    assert time.monotonic() - started < 4


def test_kernel_exits_when_its_parent_process_dies(tmp_path):
    """An orphaned kernel (its notebook server killed) must not hold its ports forever:
    like ipykernel it watches JPY_PARENT_PID."""
    import os
    import signal as signals
    import subprocess
    import sys

    from jupyter_client.connect import write_connection_file
    from conftest import KERNEL_NAME
    from jupyter_client.kernelspec import KernelSpecManager

    binary = KernelSpecManager().get_kernel_spec(KERNEL_NAME).argv[0]
    connection_file, _ = write_connection_file(str(tmp_path / "connection.json"))
    pid_file = tmp_path / "kernel.pid"
    launcher = (
        "import os, subprocess, sys, time\n"
        f"p = subprocess.Popen([{binary!r}, 'kernel', '--connection-file', {connection_file!r}],"
        " env=dict(os.environ, JPY_PARENT_PID=str(os.getpid())))\n"
        f"open({str(pid_file)!r}, 'w').write(str(p.pid))\n"
        "time.sleep(60)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", launcher])
    deadline = time.monotonic() + 10
    while not (pid_file.exists() and pid_file.read_text()):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    kernel_pid = int(pid_file.read_text())
    time.sleep(0.5)
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.kill(kernel_pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.kill(kernel_pid, signals.SIGKILL)
    raise AssertionError("the kernel outlived its parent by 5 s")
