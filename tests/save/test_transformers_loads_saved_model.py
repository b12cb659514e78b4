"""transformers loads a directory written by save(to:) and predicts the committed logits.

The directories tests/save/fixtures/tiny-saved{,-multilabel,-regression} are written by the Swift
code (SaveCompatibilityTests checks byte for byte that save(to:) still writes them);
<directory>-transformers.json holds what transformers computed on each
(scripts/reference/saved_model_logits.py): logits, and the loss it picks from problem_type, which
the Swift test compares with its own. This test re-runs transformers when torch is installed (the
reference venv); the project venv has no torch, so there it is skipped with a message.
"""
import json
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent

CASES = {
    "tiny-saved": ({"0": "negative", "1": "positive"}, "single_label_classification"),
    "tiny-saved-multilabel": ({"0": "negative", "1": "positive", "2": "story"}, "multi_label_classification"),
    "tiny-saved-regression": ({"0": "score"}, "regression"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_transformers_reproduces_the_committed_logits(tmp_path, name):
    pytest.importorskip("torch", reason="torch is not installed here; run with /work/refvenv/bin/python -m pytest")
    pytest.importorskip("transformers")
    out = tmp_path / "logits.json"
    subprocess.run([sys.executable, str(ROOT / "scripts/reference/saved_model_logits.py"),
                    str(HERE / "fixtures" / name), str(out)], check=True)
    fresh = json.loads(out.read_text())
    committed = json.loads((HERE / "fixtures" / f"{name}-transformers.json").read_text())
    id2label, problem_type = CASES[name]
    assert fresh["input_ids"] == committed["input_ids"]
    assert fresh["id2label"] == id2label
    assert fresh["problem_type"] == problem_type
    for a, b in zip(fresh["logits"], committed["logits"]):
        assert max(abs(x - y) for x, y in zip(a, b)) < 1e-5
    assert abs(fresh["loss"] - committed["loss"]) < 1e-5


def test_transformers_reads_the_committed_checkpoint(tmp_path):
    """A checkpoint of train(checkpoints:): transformers loads its model and its trainer_state.json.

    tests/save/fixtures/tiny-checkpoint/checkpoint-12 is written by the Swift code
    (CheckpointCompatibilityTests checks it byte for byte); the script reads it with
    BertForSequenceClassification.from_pretrained and TrainerState.load_from_json.
    """
    pytest.importorskip("torch", reason="torch is not installed here; run with /work/refvenv/bin/python -m pytest")
    pytest.importorskip("transformers")
    out = tmp_path / "checkpoint.json"
    checkpoint = HERE / "fixtures" / "tiny-checkpoint" / "checkpoint-12"
    subprocess.run([sys.executable, str(ROOT / "scripts/reference/checkpoint_reference.py"), str(checkpoint), str(out)],
                   check=True)
    fresh = json.loads(out.read_text())
    committed = json.loads((HERE / "fixtures" / "tiny-checkpoint-transformers.json").read_text())
    assert fresh["trainer_state"] == committed["trainer_state"]
    assert fresh["trainer_state"]["best_model_checkpoint"] == "runs/tiny/checkpoint-6"
    for a, b in zip(fresh["logits"], committed["logits"]):
        assert max(abs(x - y) for x, y in zip(a, b)) < 1e-5
