"""Issue 15 through the protocol: SIGINT in the middle of `train(checkpoints:)` stops the cell with
KeyboardInterrupt and leaves a checkpoint; after a kernel restart (the work a crash or a closed
laptop would lose), `train(resume:)` in the new kernel ends on the very weights of a run that was
never interrupted, byte for byte. The session-level tests check the same rule on every resume
case; this one checks it across a real process boundary and a real signal."""
import os
import signal
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# A two-layer, hidden-size-32 classifier with its own 36-word vocabulary, small enough that a
# few hundred steps take seconds (any checkpoint `load(model:)` reads would do).
TINY = REPO / "tests/save/fixtures/tiny-checkpoint/checkpoint-12"
SETUP = f'load(model: "{TINY}")\nload(dataset: "demo", validation: 0.2, limit: 80)'
# 64 training sentences in batches of 8: 8 steps an epoch, 400 steps in all, long enough that
# the interrupt lands mid-run and short enough for the unbroken run to take a few seconds.
TRAIN = "train(epochs: 50, batch: 8, maxLength: 32, lr: 1e-3, seed: 7"


def run_ok(kernel, code, timeout=120):
    reply, outputs = kernel.execute(code, timeout=timeout)
    assert reply["content"]["status"] == "ok", (code, reply["content"], outputs)
    return outputs


def stream_text(outputs):
    return "".join(m["content"]["text"] for m in outputs if m["msg_type"] == "stream")


def test_sigint_mid_training_leaves_a_checkpoint_that_resumes_exactly_after_a_restart(kernel, tmp_path):
    unbroken = tmp_path / "unbroken"
    run_ok(kernel, SETUP)
    run_ok(kernel, f"{TRAIN})\nsave(to: \"{unbroken}\")")

    run_ok(kernel, "reset()\n" + SETUP)
    kernel.flush_iopub()
    runs = tmp_path / "runs" / "a"
    msg_id = kernel.kc.execute(f'{TRAIN}, checkpoints: "{runs}")')
    # Interrupt once training shows progress, i.e. after its first optimizer steps.
    kernel.wait_for_iopub(msg_id, "display_data", timeout=60)
    time.sleep(0.5)
    kernel.km.signal_kernel(signal.SIGINT)
    reply = kernel.reply_to(msg_id, timeout=30)
    outputs = kernel.outputs_of(msg_id, timeout=30)
    assert reply["content"]["status"] == "error" and reply["content"]["ename"] == "KeyboardInterrupt", reply["content"]
    text = stream_text(outputs)
    assert f"Interrupted: saved checkpoint {runs}/checkpoint-" in text, text
    assert f'train(resume: "{runs}")' in text, text
    saved = sorted(p.name for p in runs.iterdir() if p.name.startswith("checkpoint-"))
    assert saved, "no checkpoint was written"
    last_step = max(int(name.split("-")[1]) for name in saved)
    assert 0 < last_step < 400, f"the interrupt should land mid-run, not at step {last_step}"

    # A new process: nothing of the old session survives but the files.
    kernel.km.restart_kernel(now=True)
    kernel.kc.wait_for_ready(timeout=30)
    kernel.flush_iopub()
    resumed = tmp_path / "resumed"
    run_ok(kernel, SETUP)
    run_ok(kernel, f'{TRAIN}, resume: "{runs}")\nsave(to: "{resumed}")')

    assert (resumed / "model.safetensors").read_bytes() == (unbroken / "model.safetensors").read_bytes(), \
        f"resumed from step {last_step} after a restart, the weights differ from the unbroken run's"
    assert kernel.km.is_alive()
