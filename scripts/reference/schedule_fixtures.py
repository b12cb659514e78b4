#!/usr/bin/env python3
"""Reference fixtures for issue 18's schedules, layer-wise learning rates and freezing
(Tests/BertTests/Fixtures/), written with transformers and PyTorch.

Run from the repository root with the reference venv:
    /work/refvenv/bin/python scripts/reference/schedule_fixtures.py

Writes:
  schedules.json   the learning rate of every optimizer update for each schedule kind and a few
                   (total steps, warmup steps) settings: transformers' get_linear_schedule_with_warmup,
                   get_cosine_schedule_with_warmup (num_cycles 0.5), get_constant_schedule_with_warmup,
                   get_inverse_sqrt_schedule (timescale: its default), and torch's OneCycleLR with
                   fastai's fit_one_cycle settings (div 25, div_final 1e5, cosine, pct_start = warmup / total)
                   without momentum cycling (LearningRateSchedule.swift says why)
  tiny_layer_decay.json + tiny_layer_decay.safetensors
                   ten AdamW steps on tiny-cls from tiny_adamw.json's batches with (a) layer-wise
                   learning rates, layer l of N at lr * d^(N - l), the embeddings at lr * d^(N + 1),
                   pooler and classifier at lr, under a cosine schedule; (b) the embeddings and layer 0
                   frozen (requires_grad off, not in the optimizer; clipping over the optimizer's
                   parameters); the final weights of both
"""
import json
import re
from pathlib import Path

import torch
from safetensors.torch import save_file
from transformers import BertForSequenceClassification
from transformers.optimization import (get_constant_schedule_with_warmup, get_cosine_schedule_with_warmup,
                                       get_inverse_sqrt_schedule, get_linear_schedule_with_warmup)

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "Tests" / "BertTests" / "Fixtures"

torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)

PEAK = 1e-3
SETTINGS = [(10, 0), (10, 3), (37, 5), (100, 25)]


def rates(kind, total, warmup):
    param = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.AdamW([param], lr=PEAK)
    if kind == "linear":
        sched = get_linear_schedule_with_warmup(opt, warmup, total)
    elif kind == "cosine":
        sched = get_cosine_schedule_with_warmup(opt, warmup, total)
    elif kind == "constant":
        sched = get_constant_schedule_with_warmup(opt, warmup)
    elif kind == "inverse-sqrt":
        sched = get_inverse_sqrt_schedule(opt, warmup)
    elif kind == "one-cycle":
        sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=PEAK, total_steps=total, pct_start=warmup / total,
                                                    anneal_strategy="cos", div_factor=25.0, final_div_factor=1e5,
                                                    cycle_momentum=False)
    out = []
    for _ in range(total):
        out.append(sched.get_last_lr()[0])
        opt.step()
        sched.step()
    return out


def write_schedules():
    cases = []
    for kind in ["linear", "cosine", "constant", "inverse-sqrt", "one-cycle"]:
        for total, warmup in SETTINGS:
            cases.append({"kind": kind, "total_steps": total, "warmup_steps": warmup, "lr": PEAK,
                          "rates": rates(kind, total, warmup)})
    (OUT / "schedules.json").write_text(json.dumps({"cases": cases}, separators=(",", ":")) + "\n")


STEPS = {"lr": 5e-3, "betas": [0.9, 0.999], "eps": 1e-8, "weight_decay": 0.05, "warmup_steps": 3, "total_steps": 10,
         "max_grad_norm": 1.0, "accumulate": 2}


def layer_scale(name, layers, decay):
    """The Trainer-side grouping bert-kernel uses: embeddings d^(N+1), layer l d^(N-l), the rest 1."""
    if name.startswith("bert.embeddings."):
        return decay ** (layers + 1)
    found = re.match(r"bert\.encoder\.layer\.(\d+)\.", name)
    if found:
        return decay ** (layers - int(found.group(1)))
    return 1.0


def ten_steps(decay=1.0, frozen_layers=None, schedule="linear"):
    model = BertForSequenceClassification.from_pretrained(OUT / "tiny-cls")
    model.eval()  # dropout off: deterministic
    layers = model.config.num_hidden_layers
    batches = json.loads((OUT / "tiny_adamw.json").read_text())["batches"]
    batches = [tuple(torch.tensor(b[k]) for k in ("input_ids", "token_type_ids", "attention_mask", "labels"))
               for b in batches]
    trained = []
    for name, p in model.named_parameters():
        frozen = frozen_layers is not None and (
            name.startswith("bert.embeddings.")
            or any(name.startswith(f"bert.encoder.layer.{l}.") for l in range(frozen_layers)))
        p.requires_grad_(not frozen)
        if not frozen:
            trained.append((name, p))
    groups = {}
    for name, p in trained:
        decays = not (name.endswith("bias") or "LayerNorm" in name)
        key = (layer_scale(name, layers, decay), decays)
        groups.setdefault(key, []).append(p)
    opt = torch.optim.AdamW([{"params": ps, "lr": STEPS["lr"] * scale,
                              "weight_decay": STEPS["weight_decay"] if decays else 0.0}
                             for (scale, decays), ps in groups.items()],
                            lr=STEPS["lr"], betas=tuple(STEPS["betas"]), eps=STEPS["eps"])
    make = get_cosine_schedule_with_warmup if schedule == "cosine" else get_linear_schedule_with_warmup
    sched = make(opt, STEPS["warmup_steps"], STEPS["total_steps"])
    params = [p for _, p in trained]
    micro, losses, norms = 0, [], []
    for _ in range(STEPS["total_steps"]):
        for _ in range(STEPS["accumulate"]):
            ids, types, mask, labels = batches[micro % len(batches)]
            micro += 1
            loss = model(input_ids=ids, token_type_ids=types, attention_mask=mask, labels=labels).loss
            (loss / STEPS["accumulate"]).backward()
            losses.append(float(loss))
        norms.append(float(torch.nn.utils.clip_grad_norm_(params, STEPS["max_grad_norm"])))
        opt.step()
        sched.step()
        opt.zero_grad()
    final = {n: p.detach().clone().contiguous() for n, p in model.named_parameters()}
    return final, {"micro_losses": losses, "grad_norms": norms}


def write_layer_decay():
    decayed, decayed_log = ten_steps(decay=0.9, schedule="cosine")
    plain, _ = ten_steps(decay=1.0, schedule="cosine")
    # The fixture must tell decay from none: the embeddings move visibly less.
    gap = max(float((decayed[n] - plain[n]).abs().max()) for n in decayed if n.startswith("bert.embeddings."))
    assert gap > 1e-2, gap
    frozen, frozen_log = ten_steps(frozen_layers=1)
    tensors = {f"layer_decay/{n}": t for n, t in decayed.items()}
    tensors.update({f"freeze_1/{n}": t for n, t in frozen.items()})
    save_file(tensors, OUT / "tiny_layer_decay.safetensors")
    (OUT / "tiny_layer_decay.json").write_text(json.dumps({
        "settings": STEPS, "batches_from": "tiny_adamw.json",
        "layer_decay": {"decay": 0.9, "schedule": "cosine", **decayed_log},
        "freeze_1": {"frozen_layers": 1, "schedule": "linear", **frozen_log},
        "decay_vs_none_max_gap_in_embeddings": gap,
    }, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    write_schedules()
    write_layer_decay()
