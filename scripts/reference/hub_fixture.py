#!/usr/bin/env python3
"""The tiny BERT that tests/hub's local hub serves (issue 19, part 1), written with transformers.

Run from the repository root with the reference venv (after model_fixtures.py and
checkpoint_format_fixtures.py):
    /work/refvenv/bin/python scripts/reference/hub_fixture.py

Writes tests/hub/fixtures/:
  tiny-bert/           tiny-cls (Tests/BertTests/Fixtures) as save_pretrained writes it, with a
                       120-token uncased tokenizer saved by BertTokenizer.save_pretrained
  tiny-bert-sharded/   the same model in three safetensors shards (model.safetensors.index.json)
  tiny-bert.json       transformers' logits for TEXTS on tiny-bert
"""
import json
import shutil
from pathlib import Path

import torch
from transformers import BertForSequenceClassification, BertTokenizer

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "hub" / "fixtures"
MODEL = ROOT / "Tests" / "BertTests" / "Fixtures" / "tiny-cls"
TEXTS = ["The child came home from school.", "What a great movie!"]
torch.set_num_threads(1)

specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
letters = [chr(c) for c in range(ord("a"), ord("z") + 1)]
words = ["the", "child", "came", "home", "from", "school", "what", "great", "movie", "was", "it", "a"]
punctuation = list(".,!?'-")
tokens = specials + letters + ["##" + c for c in letters] + punctuation + [w for w in words if w not in letters]
digits = [str(d) for d in range(10)]
tokens += digits + ["##" + d for d in digits]
tokens += [f"[unused{i}]" for i in range(120 - len(tokens))]
assert len(tokens) == 120, len(tokens)
vocab = {t: i for i, t in enumerate(tokens)}

model = BertForSequenceClassification.from_pretrained(str(MODEL)).eval()
tokenizer = BertTokenizer(vocab=vocab, do_lower_case=True)
for name, shard in (("tiny-bert", None), ("tiny-bert-sharded", "40KB")):
    path = OUT / name
    shutil.rmtree(path, ignore_errors=True)
    if shard:
        model.save_pretrained(str(path), max_shard_size=shard)
    else:
        model.save_pretrained(str(path))
    tokenizer.save_pretrained(str(path))

reloaded = BertForSequenceClassification.from_pretrained(str(OUT / "tiny-bert")).eval()
tok = BertTokenizer.from_pretrained(str(OUT / "tiny-bert"))
batch = tok(TEXTS, padding=True, return_tensors="pt")
with torch.no_grad():
    logits = reloaded(**batch).logits
(OUT / "tiny-bert.json").write_text(json.dumps({"texts": TEXTS, "input_ids": batch["input_ids"].tolist(),
                                                "logits": logits.tolist()}, indent=1) + "\n")
for name in ("tiny-bert", "tiny-bert-sharded"):
    print(name, sorted(p.name for p in (OUT / name).iterdir()))
