"""transformers loads a directory written by save(to:) and predicts the committed logits.

The directory tests/save/fixtures/tiny-saved is written by the Swift code (SaveCompatibilityTests
checks byte for byte that save(to:) still writes it); tiny-saved-transformers.json holds what
transformers computed on it (scripts/reference/saved_model_logits.py), which the Swift test
compares with its own logits. This test re-runs transformers when torch is installed (the
reference venv); the project venv has no torch, so there it is skipped with a message.
"""
import json
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


def test_transformers_reproduces_the_committed_logits(tmp_path):
    pytest.importorskip("torch", reason="torch is not installed here; run with /work/refvenv/bin/python -m pytest")
    pytest.importorskip("transformers")
    out = tmp_path / "logits.json"
    subprocess.run([sys.executable, str(ROOT / "scripts/reference/saved_model_logits.py"),
                    str(HERE / "fixtures/tiny-saved"), str(out)], check=True)
    fresh = json.loads(out.read_text())
    committed = json.loads((HERE / "fixtures/tiny-saved-transformers.json").read_text())
    assert fresh["input_ids"] == committed["input_ids"]
    assert fresh["id2label"] == {"0": "negative", "1": "positive"}
    for a, b in zip(fresh["logits"], committed["logits"]):
        assert max(abs(x - y) for x, y in zip(a, b)) < 1e-5
