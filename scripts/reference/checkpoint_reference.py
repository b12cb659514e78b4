#!/usr/bin/env python3
"""What transformers reads from a checkpoint folder written by bert-kernel's train(checkpoints:).

    /work/refvenv/bin/python scripts/reference/checkpoint_reference.py \
        tests/save/fixtures/tiny-checkpoint/checkpoint-12 tests/save/fixtures/tiny-checkpoint-transformers.json

Loads the model with BertForSequenceClassification.from_pretrained and BertTokenizer.from_pretrained,
and trainer_state.json with transformers' own TrainerState.load_from_json (which builds the
dataclass from the file's fields, so an unknown or missing field fails here), then writes the
eval-mode logits of TEXTS and the TrainerState as transformers holds it (dataclasses.asdict).
The Swift test CheckpointCompatibilityTests compares both with what it wrote and computes.
"""
import dataclasses
import json
import sys
from pathlib import Path

import torch
from transformers import BertForSequenceClassification, BertTokenizer
from transformers.trainer_callback import TrainerState

TEXTS = ["the film was very great .", "the plot is really awful !", "unbelievable story"]


def main(directory: str, out: str) -> None:
    torch.manual_seed(0)
    model = BertForSequenceClassification.from_pretrained(directory)
    model.eval()
    tokenizer = BertTokenizer.from_pretrained(directory)
    logits = []
    with torch.no_grad():
        for text in TEXTS:
            encoded = tokenizer(text, return_tensors="pt")
            logits.append([float(x) for x in model(**encoded).logits[0]])
    state = TrainerState.load_from_json(str(Path(directory) / "trainer_state.json"))
    result = {"texts": TEXTS, "logits": logits, "trainer_state": dataclasses.asdict(state)}
    Path(out).write_text(json.dumps(result, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
