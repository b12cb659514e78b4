"""Shared pieces of the MPI suite (issue 20): the binary, a tiny model with dropout on, a small
dataset, reading the weights of a saved model, and a kernelspec for R MPI processes installed into
the test's own directory."""
import json
import os
import shutil
import struct
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
BIN = ROOT / ".build" / "release" / "bert-kernel"
MODEL = ROOT / "tests" / "save" / "fixtures" / "tiny-saved"

# Open MPI refuses to run as root without these; the tests run as root in CI and here.
# BERT_KERNEL_CHECK_RANKS=1: the release binary compares the ranks' weights after every epoch
# (`Trainer.checksWeightsAcrossRanks`, on by itself only in debug builds) and fails the cell if
# they differ.
MPI_ENV = {"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
           "OPENBLAS_NUM_THREADS": "1", "OMPI_MCA_btl_vader_single_copy_mechanism": "none",
           "BERT_KERNEL_CHECK_RANKS": "1"}

POSITIVE = ["a fine film", "good and fun", "I liked it a lot", "great story", "a warm and funny film",
            "nice acting", "good fun for all", "a lovely story", "fine and great", "fun film"]
NEGATIVE = ["a bad film", "dull and long", "I did not like it", "poor story", "a cold and boring film",
            "weak acting", "bad for all", "a sad mess", "boring and bad", "long film"]


def mpirun():
    path = shutil.which("mpirun")
    if path is None:
        pytest.fail("mpirun is not installed: make apt installs openmpi-bin")
    return path


@pytest.fixture
def tiny_model(tmp_path):
    """A copy of tests/save/fixtures/tiny-saved, whose dropout (0.1, hidden and attention) stays on:
    each mask element is keyed by its example's index in the global batch and its position, so the
    R-process run draws, for each rank's share, what one process draws for the whole batch."""
    model = tmp_path / "model"
    shutil.copytree(MODEL, model)
    config = json.loads((model / "config.json").read_text())
    assert config["hidden_dropout_prob"] > 0 and config["attention_probs_dropout_prob"] > 0, "a test of training with dropout"
    return model


@pytest.fixture
def dataset(tmp_path):
    """40 labelled texts: each epoch has batches of 8 and, with 10 % held out, one of 4."""
    path = tmp_path / "reviews.csv"
    rows = ["text,label"] + [f"{t},positive" for t in POSITIVE * 2] + [f"{t},negative" for t in NEGATIVE * 2]
    path.write_text("\n".join(rows) + "\n")
    return path


def cells(model, data, out, epochs=2):
    return [
        f'load(model: "{model}")',
        f'load(dataset: "{data}", validation: 0.1)',
        f"train(epochs: {epochs}, lr: 1e-3, batch: 8, seed: 3, warmup: 0)",
        "evaluate()",
        f'save(to: "{out}")',
    ]


def weights(directory):
    """{name: [float]} of a saved model.safetensors (little-endian F32 tensors)."""
    data = (Path(directory) / "model.safetensors").read_bytes()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    body = data[8 + length:]
    out = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        assert entry["dtype"] == "F32", name
        start, end = entry["data_offsets"]
        out[name] = struct.unpack(f"<{(end - start) // 4}f", body[start:end])
    return out


def max_difference(a, b):
    assert a.keys() == b.keys()
    return max(max(abs(x - y) for x, y in zip(a[k], b[k])) for k in a)


# Adding b to every key adds q·b to every score of a query's row, which softmax ignores: the true
# gradient of the attention keys' bias is 0, the computed one rounding noise that AdamW normalises
# into steps of up to lr either way, in one process as in R (DataParallelTests says the same).
KEY_BIAS = "attention.self.key.bias"


def assert_same_weights(a, b, tolerance, lr_times_steps):
    """Every tensor within `tolerance`, the keys' bias within what AdamW can move it."""
    assert a.keys() == b.keys()
    for name in a:
        difference = max(abs(x - y) for x, y in zip(a[name], b[name]))
        bound = lr_times_steps if name.endswith(KEY_BIAS) else tolerance
        assert difference < bound, (name, difference)


def install_kernelspec(prefix, processes, extra=()):
    import subprocess
    subprocess.run([str(BIN), "install", "--prefix", str(prefix), "--name", f"bert-mpi-{processes}",
                    "--mpi", str(processes), "--mpirun", mpirun(), *extra], check=True, capture_output=True)
    return Path(prefix) / "share" / "jupyter" / "kernels" / f"bert-mpi-{processes}"
