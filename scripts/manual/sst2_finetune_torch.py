#!/usr/bin/env python3
"""The PyTorch + transformers side of the SST-2 figure in the closing note (manual, not a test).

Same settings as the bert-kernel script scripts/manual/sst2.bert:
    load(model: MiniLM, labels: 2); first LIMIT rows of train.tsv (column `sentence`), no validation;
    train(epochs: 1, lr: 5e-5, batch: 32, maxLength: 64, warmup: 0.1, weightDecay: 0.01, seed: 42, clip: 1.0)
    evaluate(split: "test") on test.tsv (the GLUE SST-2 validation set).
AdamW without decay on biases and LayerNorm weights, linear warmup (ceil(0.1 * steps)) and decay,
seeded shuffling, dynamic padding per batch, 2 threads.

    /work/refvenv/bin/python scripts/manual/sst2_finetune_torch.py MODEL_DIR DATA_DIR [LIMIT]
"""
import csv
import math
import sys
import time

import torch
from transformers import BertForSequenceClassification, BertTokenizer, get_linear_schedule_with_warmup


def read(path, limit=None):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    rows = rows[:limit] if limit else rows
    return [r["sentence"] for r in rows], [int(r["label"]) for r in rows]


def main(model_dir, data_dir, limit):
    torch.set_num_threads(2)
    torch.manual_seed(42)
    tokenizer = BertTokenizer.from_pretrained(model_dir)
    model = BertForSequenceClassification.from_pretrained(model_dir, num_labels=2)
    texts, labels = read(f"{data_dir}/train.tsv", limit)
    test_texts, test_labels = read(f"{data_dir}/test.tsv")
    batch, epochs, lr, max_length = 32, 1, 5e-5, 64
    steps = math.ceil(len(texts) / batch) * epochs
    no_decay = [p for n, p in model.named_parameters() if n.endswith("bias") or "LayerNorm" in n]
    decay = [p for n, p in model.named_parameters() if not (n.endswith("bias") or "LayerNorm" in n)]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}], lr=lr)
    schedule = get_linear_schedule_with_warmup(optimizer, math.ceil(0.1 * steps), steps)
    generator = torch.Generator().manual_seed(42)
    start = time.time()
    model.train()
    for epoch in range(epochs):
        order = torch.randperm(len(texts), generator=generator).tolist()
        for i in range(0, len(order), batch):
            chosen = order[i:i + batch]
            enc = tokenizer([texts[j] for j in chosen], padding=True, truncation=True, max_length=max_length, return_tensors="pt")
            out = model(**enc, labels=torch.tensor([labels[j] for j in chosen]))
            out.loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
    train_seconds = time.time() - start
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(test_texts), 64):
            enc = tokenizer(test_texts[i:i + 64], padding=True, truncation=True, max_length=128, return_tensors="pt")
            predictions = model(**enc).logits.argmax(-1)
            correct += (predictions == torch.tensor(test_labels[i:i + 64])).sum().item()
    print(f"examples {len(texts)} steps {steps} train_seconds {train_seconds:.0f} "
          f"samples_per_second {len(texts) * epochs / train_seconds:.1f} test_accuracy {correct / len(test_texts):.4f}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else None)
