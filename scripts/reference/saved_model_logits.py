#!/usr/bin/env python3
"""Logits of a directory written by bert-kernel's save(to:), as transformers reads it.

    /work/refvenv/bin/python scripts/reference/saved_model_logits.py tests/save/fixtures/tiny-saved \
        tests/save/fixtures/tiny-saved-transformers.json

Loads the directory with BertForSequenceClassification.from_pretrained and
BertTokenizer.from_pretrained (vocab.txt + tokenizer_config.json, as save(to:) writes them),
tokenizes TEXTS, and writes the ids, the id2label map and the eval-mode logits as JSON.
The Swift test SaveCompatibilityTests compares its own tokenization and logits with this file,
and checks that save(to:) still writes exactly the committed directory.
"""
import json
import sys

import torch
from transformers import BertForSequenceClassification, BertTokenizer

TEXTS = [
    "the film was very great .",
    "the plot is really awful !",
    "unbelievable story",
    "The ACTING was not dull, but the music...",
    "a",
]


def main(directory: str, out: str) -> None:
    torch.manual_seed(0)
    model = BertForSequenceClassification.from_pretrained(directory)
    model.eval()
    tokenizer = BertTokenizer.from_pretrained(directory)
    encoded = tokenizer(TEXTS, padding=True, return_tensors="pt")
    with torch.no_grad():
        logits = model(**encoded).logits
    lengths = encoded["attention_mask"].sum(dim=1).tolist()
    result = {
        "texts": TEXTS,
        "input_ids": [row[:n] for row, n in zip(encoded["input_ids"].tolist(), lengths)],
        "id2label": {str(k): v for k, v in model.config.id2label.items()},
        "problem_type": model.config.problem_type,
        "logits": logits.tolist(),
    }
    with open(out, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    print(json.dumps(result["logits"]))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: saved_model_logits.py SAVED_DIR OUT.json")
    main(sys.argv[1], sys.argv[2])
