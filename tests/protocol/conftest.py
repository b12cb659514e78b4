"""Shared fixtures for the protocol suite: a running `bert` kernel (from the kernelspec that
`bert-kernel install --prefix .venv` wrote) with its stderr captured, and raw ZeroMQ access
to its sockets for the tests that send what jupyter_client never would."""
import datetime
import hashlib
import hmac
import json
import os
import signal
import tempfile
import time
import uuid

import pytest
import zmq
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
from jupyter_client.manager import KernelManager

KERNEL_NAME = os.environ.get("BERT_KERNEL_NAME", "bert")


def require_kernelspec():
    try:
        KernelSpecManager().get_kernel_spec(KERNEL_NAME)
    except NoSuchKernel:
        pytest.exit(f"kernelspec '{KERNEL_NAME}' not installed; run `make kernelspec` "
                    "(bert-kernel install --prefix .venv)", returncode=2)


class RunningKernel:
    """A started kernel with a blocking client, the kernel's stderr in a file, and helpers."""

    def __init__(self):
        require_kernelspec()
        self.stderr_file = tempfile.NamedTemporaryFile(prefix="bert-kernel-stderr-", suffix=".log", delete=False)
        self.km = KernelManager(kernel_name=KERNEL_NAME)
        self.km.start_kernel(stderr=self.stderr_file)
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=30)
        self.context = zmq.Context()

    def close(self):
        self.kc.stop_channels()
        if self.km.is_alive():
            self.km.shutdown_kernel(now=False)
        self.context.destroy(linger=0)
        self.stderr_file.close()
        os.unlink(self.stderr_file.name)

    @property
    def stderr(self):
        with open(self.stderr_file.name, errors="replace") as f:
            return f.read()

    @property
    def pid(self):
        return self.km.provisioner.process.pid

    def flush_iopub(self):
        while True:
            try:
                self.kc.get_iopub_msg(timeout=0.2)
            except Exception:
                return

    def execute(self, code, timeout=30, **kwargs):
        """Runs `code`; returns (reply, [IOPub outputs up to idle])."""
        msg_id = self.kc.execute(code, **kwargs)
        reply = self.reply_to(msg_id, timeout)
        return reply, self.outputs_of(msg_id, timeout)

    def reply_to(self, msg_id, timeout=30, channel="shell"):
        deadline = time.monotonic() + timeout
        get = self.kc.get_shell_msg if channel == "shell" else self.kc.get_control_msg
        while True:
            msg = get(timeout=max(0.01, deadline - time.monotonic()))
            if msg["parent_header"].get("msg_id") == msg_id:
                return msg

    def outputs_of(self, msg_id, timeout=30):
        outputs = []
        deadline = time.monotonic() + timeout
        while True:
            msg = self.kc.get_iopub_msg(timeout=max(0.01, deadline - time.monotonic()))
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "status":
                if msg["content"]["execution_state"] == "idle":
                    return outputs
                continue
            outputs.append(msg)

    def wait_for_iopub(self, msg_id, msg_type, timeout=10):
        deadline = time.monotonic() + timeout
        while True:
            msg = self.kc.get_iopub_msg(timeout=max(0.01, deadline - time.monotonic()))
            if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == msg_type:
                return msg

    # Raw access -------------------------------------------------------------------------

    def raw_socket(self, channel, socket_type=zmq.DEALER):
        info = self.km.get_connection_info()
        sock = self.context.socket(socket_type)
        sock.linger = 0
        sock.connect(f"{info['transport']}://{info['ip']}:{info[channel + '_port']}")
        return sock

    @property
    def key(self):
        key = self.km.get_connection_info()["key"]
        return key if isinstance(key, bytes) else key.encode()

    def frames(self, msg_type, content, key=None, header_overrides=None):
        """The four JSON frames of a request and their signature, as jupyter_client builds them."""
        # The date a client would write (jupyter_client: now, UTC): stop-on-error compares it
        # with the time of the last error reply.
        now = datetime.datetime.now(datetime.timezone.utc).isoformat().replace("+00:00", "Z")
        header = {"msg_id": uuid.uuid4().hex, "session": "raw-test", "username": "test",
                  "date": now, "msg_type": msg_type, "version": "5.3"}
        header.update(header_overrides or {})
        parts = [json.dumps(p).encode() for p in (header, {}, {}, content)]
        return header["msg_id"], self.sign(parts, key), parts

    def sign(self, parts, key=None):
        mac = hmac.new(self.key if key is None else key, digestmod=hashlib.sha256)
        for part in parts:
            mac.update(part)
        return mac.hexdigest().encode()


def receive(sock, timeout):
    """All multipart messages arriving on `sock` within `timeout` seconds."""
    messages = []
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        if sock.poll(int(left * 1000)):
            messages.append(sock.recv_multipart())
    return messages


@pytest.fixture
def kernel():
    k = RunningKernel()
    yield k
    k.close()


@pytest.fixture(scope="module")
def shared_kernel():
    k = RunningKernel()
    yield k
    k.close()


__all__ = ["RunningKernel", "receive", "KERNEL_NAME", "signal"]
