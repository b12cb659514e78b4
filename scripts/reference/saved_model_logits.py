#!/usr/bin/env python3
"""Logits of a directory written by bert-kernel's save(to:), as transformers reads it.

    /work/refvenv/bin/python scripts/reference/saved_model_logits.py tests/save/fixtures/tiny-saved \
        tests/save/fixtures/tiny-saved-transformers.json

Loads the directory with BertForSequenceClassification.from_pretrained and
BertTokenizer.from_pretrained (vocab.txt + tokenizer_config.json, as save(to:) writes them),
tokenizes TEXTS, and writes the ids, the id2label map, the problem_type, the eval-mode logits,
and the loss transformers computes from problem_type for fixed labels of that task (class ids,
multi-hot floats, or real values: see labels_for) as JSON.
The Swift test SaveCompatibilityTests compares its own tokenization, logits and loss with this
file, and checks that save(to:) still writes exactly the committed directory.
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


def labels_for(problem_type: str, count: int, num_labels: int) -> list:
    """Fixed labels of the saved model's task for the COUNT texts: what its loss is checked on."""
    if problem_type == "multi_label_classification":
        return [[float((i + j) % 2) for j in range(num_labels)] for i in range(count)]
    if problem_type == "regression":
        return [0.5 * i - 1.0 for i in range(count)]
    return [i % num_labels for i in range(count)]


def main(directory: str, out: str) -> None:
    torch.manual_seed(0)
    model = BertForSequenceClassification.from_pretrained(directory)
    model.eval()
    tokenizer = BertTokenizer.from_pretrained(directory)
    encoded = tokenizer(TEXTS, padding=True, return_tensors="pt")
    labels = labels_for(model.config.problem_type, len(TEXTS), model.config.num_labels)
    with torch.no_grad():
        output = model(**encoded, labels=torch.tensor(labels))
        logits = output.logits
    lengths = encoded["attention_mask"].sum(dim=1).tolist()
    result = {
        "texts": TEXTS,
        "input_ids": [row[:n] for row, n in zip(encoded["input_ids"].tolist(), lengths)],
        "id2label": {str(k): v for k, v in model.config.id2label.items()},
        "problem_type": model.config.problem_type,
        "logits": logits.tolist(),
        "labels": labels,
        "loss": float(output.loss),
    }
    with open(out, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    print(json.dumps(result["logits"]))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: saved_model_logits.py SAVED_DIR OUT.json")
    main(sys.argv[1], sys.argv[2])
