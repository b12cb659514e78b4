#!/usr/bin/env python3
"""Checkpoint-format fixtures for Tests/BertTests (issue 19, parts 2 and 3), from the tiny
classifier that model_fixtures.py writes (run that first).

Run from the repository root with the reference venv:
    /work/refvenv/bin/python scripts/reference/checkpoint_format_fixtures.py

Writes into Tests/BertTests/Fixtures/:
  tiny-cls-sharded/      save_pretrained(max_shard_size=...) of tiny-cls: config.json,
                         model.safetensors.index.json and its shards
  tiny-cls-bin/          config.json + pytorch_model.bin written by torch.save(state_dict), as
                         checkpoints from before safetensors are; classifier.weight is saved as a
                         transposed view (non-contiguous strides), which torch.save keeps as it is
  tiny-cls-bin-sharded/  two torch.save shards + pytorch_model.bin.index.json
  evil-bin/              a pytorch_model.bin whose pickle calls os.system (torch.save pickles any
                         object); torch.load(weights_only=True) refuses it, and so must we
  checkpoint_formats.json  transformers' logits on tiny_inputs.json for each directory it loads
"""
import json
import os
import shutil
from collections import OrderedDict
from pathlib import Path

import torch
from transformers import BertForSequenceClassification

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "Tests" / "BertTests" / "Fixtures"
torch.set_num_threads(1)

inputs = json.loads((OUT / "tiny_inputs.json").read_text())
batch = {k: torch.tensor(inputs[k]) for k in ("input_ids", "token_type_ids", "attention_mask")}


def logits(directory):
    model = BertForSequenceClassification.from_pretrained(str(directory)).eval()
    with torch.no_grad():
        return model(**batch).logits


def fresh(name):
    path = OUT / name
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


source = OUT / "tiny-cls"
model = BertForSequenceClassification.from_pretrained(str(source)).eval()
reference = logits(source)

sharded = fresh("tiny-cls-sharded")
model.save_pretrained(str(sharded), max_shard_size="40KB")
assert (sharded / "model.safetensors.index.json").exists(), sorted(os.listdir(sharded))
shards = sorted(p.name for p in sharded.glob("model-*.safetensors"))
assert len(shards) >= 2, shards

# state_dict() is an OrderedDict carrying `_metadata` (pickled with BUILD), as old checkpoints are.
state = model.state_dict()
assert hasattr(state, "_metadata")
state["classifier.weight"] = state["classifier.weight"].t().contiguous().t()
assert not state["classifier.weight"].is_contiguous()
binary = fresh("tiny-cls-bin")
shutil.copy(source / "config.json", binary / "config.json")
torch.save(state, binary / "pytorch_model.bin")

binary_sharded = fresh("tiny-cls-bin-sharded")
shutil.copy(source / "config.json", binary_sharded / "config.json")
names = list(state)
halves = [names[: len(names) // 2], names[len(names) // 2:]]
weight_map = {}
for index, part in enumerate(halves, start=1):
    file = f"pytorch_model-{index:05d}-of-00002.bin"
    shard = OrderedDict((k, state[k]) for k in part)
    shard._metadata = state._metadata
    torch.save(shard, binary_sharded / file)
    weight_map.update({k: file for k in part})
total = sum(v.numel() * v.element_size() for v in state.values())
(binary_sharded / "pytorch_model.bin.index.json").write_text(
    json.dumps({"metadata": {"total_size": total}, "weight_map": weight_map}, indent=2) + "\n")


class RunsAShellCommand:
    """What a malicious checkpoint carries: unpickling it would run `touch`."""

    def __reduce__(self):
        return (os.system, ("touch /tmp/bert-kernel-evil-pickle-ran",))


evil = fresh("evil-bin")
shutil.copy(source / "config.json", evil / "config.json")
torch.save({"bert.embeddings.word_embeddings.weight": state["bert.embeddings.word_embeddings.weight"],
            "payload": RunsAShellCommand()}, evil / "pytorch_model.bin")
try:
    torch.load(evil / "pytorch_model.bin", weights_only=True)
    raise SystemExit("torch.load(weights_only=True) accepted the evil pickle")
except Exception as error:
    refused = str(error).splitlines()[0]

results = {"torch": torch.__version__, "reference_logits": reference.flatten().tolist(),
           "shards": shards, "evil_refused_by_torch": refused}
for name in ("tiny-cls-sharded", "tiny-cls-bin", "tiny-cls-bin-sharded"):
    got = logits(OUT / name)
    # Same weights; the strided classifier.weight takes another GEMM path in torch, so the
    # logits of tiny-cls-bin may differ from the contiguous model's in the last bits (~1e-7).
    assert torch.allclose(got, reference, rtol=0, atol=1e-6), (name, (got - reference).abs().max())
    results[name] = got.flatten().tolist()
(OUT / "checkpoint_formats.json").write_text(json.dumps(results, indent=1) + "\n")
for name in ("tiny-cls-sharded", "tiny-cls-bin", "tiny-cls-bin-sharded", "evil-bin"):
    print(name, sorted(os.listdir(OUT / name)), sum(p.stat().st_size for p in (OUT / name).iterdir()), "bytes")
