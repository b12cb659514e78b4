#!/usr/bin/env python3
"""Kernel startup and execute round-trip, for bert-kernel and ipykernel in the same run.

Called by `bert-kernel bench` (section "kernel") with the project venv's python, which has
jupyter_client and ipykernel. Prints one JSON object on stdout:

    {"bert": {"startup_ms": ..., "roundtrip_ms": ..., "reply_ms": ...}, "ipykernel": {...}}

startup_ms: from KernelManager.start_kernel() to the first kernel_info_reply (median of
--starts runs). roundtrip_ms: median over --rounds of sending execute_request('print("x")')
until both its execute_reply and its status idle arrived (the whole request, as a front end
sees it); reply_ms: until the execute_reply alone.
"""
import argparse
import json
import os
import statistics
import sys
import tempfile
import time

from jupyter_client.manager import KernelManager


def write_spec(root, name, argv, language):
    directory = os.path.join(root, "kernels", name)
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "kernel.json"), "w") as f:
        json.dump({"argv": argv, "display_name": name, "language": language,
                   "interrupt_mode": "message" if name == "bert-bench" else "signal"}, f)


def first_reply(kc, msg_id, deadline):
    while time.perf_counter() < deadline:
        try:
            msg = kc.get_shell_msg(timeout=0.05)
        except Exception:  # queue.Empty
            continue
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg
    raise TimeoutError("no reply")


def startup_ms(kernel_name):
    km = KernelManager(kernel_name=kernel_name)
    start = time.perf_counter()
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    try:
        deadline = start + 30
        while True:
            msg_id = kc.kernel_info()
            try:
                first_reply(kc, msg_id, min(deadline, time.perf_counter() + 0.25))
                break
            except TimeoutError:
                if time.perf_counter() > deadline:
                    raise
        return (time.perf_counter() - start) * 1000.0, km, kc
    except Exception:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
        raise


def roundtrip(kc, code, rounds):
    # Drain what start-up left on IOPub.
    while True:
        try:
            kc.get_iopub_msg(timeout=0.2)
        except Exception:
            break
    full, reply_only = [], []
    for i in range(rounds + 10):
        start = time.perf_counter()
        msg_id = kc.execute(code, store_history=False)
        first_reply(kc, msg_id, start + 10)
        replied = time.perf_counter()
        while True:
            msg = kc.get_iopub_msg(timeout=10)
            if (msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status"
                    and msg["content"]["execution_state"] == "idle"):
                break
        done = time.perf_counter()
        if i >= 10:  # warm-up rounds are not counted
            full.append((done - start) * 1000.0)
            reply_only.append((replied - start) * 1000.0)
    return statistics.median(full), statistics.median(reply_only)


def measure(kernel_name, code, rounds, starts):
    times = []
    for i in range(starts):
        ms, km, kc = startup_ms(kernel_name)
        times.append(ms)
        if i < starts - 1:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
    try:
        full, reply = roundtrip(kc, code, rounds)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return {"startup_ms": statistics.median(times), "roundtrip_ms": full, "reply_ms": reply}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bert-binary", required=True)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--starts", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as root:
        write_spec(root, "bert-bench", [args.bert_binary, "kernel", "--connection-file", "{connection_file}"], "bert")
        write_spec(root, "ipykernel-bench",
                   [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"], "python")
        os.environ["JUPYTER_PATH"] = root + os.pathsep + os.environ.get("JUPYTER_PATH", "")
        results = {
            "bert": measure("bert-bench", 'print("x")', args.rounds, args.starts),
            "ipykernel": measure("ipykernel-bench", 'print("x")', args.rounds, args.starts),
        }
    json.dump(results, sys.stdout)
    print()


if __name__ == "__main__":
    main()
