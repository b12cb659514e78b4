#!/usr/bin/env python3
"""Reference for the Swift pre-training loop (Sources/Bert/PretrainingRun.swift), with transformers.

Run from the repository root with the reference venv, after model_fixtures.py (it reads the
tiny BertForPreTraining checkpoint that script writes):
    /work/refvenv/bin/python scripts/reference/pretraining_fixtures.py

Writes Tests/BertTests/Fixtures/tiny_pretrain_steps.json: eight updates of BertForPreTraining
(MLM + NSP loss, summed as the model's forward does) on the tiny checkpoint with AdamW set up as
the Trainer does (no decay on biases and LayerNorm weights), linear warm-up and decay, and
clipping of the global gradient norm; per step the two losses before the update, the learning
rate and the gradient norm. Dropout is off (eval mode) so the numbers are deterministic.
"""
import json
from pathlib import Path

import torch
from transformers import BertForPreTraining
from transformers.optimization import get_linear_schedule_with_warmup

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "Tests" / "BertTests" / "Fixtures"

torch.set_num_threads(1)
torch.manual_seed(0)
torch.use_deterministic_algorithms(True)


def main():
    model = BertForPreTraining.from_pretrained(OUT / "tiny")
    model.eval()  # dropout off
    g = torch.Generator().manual_seed(11)
    batches = []
    for _ in range(3):
        ids = torch.randint(5, 120, (4, 12), generator=g)
        ids[:, 0] = 2
        mask = torch.ones(4, 12, dtype=torch.long)
        types = torch.zeros(4, 12, dtype=torch.long)
        mlm = torch.full((4, 12), -100, dtype=torch.long)
        for r, (n, split) in enumerate([(12, 6), (9, 4), (10, 5), (7, 3)]):
            ids[r, split] = 3
            ids[r, n - 1] = 3
            ids[r, n:] = 0
            mask[r, n:] = 0
            types[r, split + 1:n] = 1
            for t in range(1, n - 1):
                if t != split and torch.rand((), generator=g) < 0.3:
                    mlm[r, t] = ids[r, t]
                    ids[r, t] = 4  # [MASK]
        nsp = torch.randint(0, 2, (4,), generator=g)
        batches.append((ids, types, mask, mlm, nsp))

    settings = {"lr": 2e-3, "betas": [0.9, 0.999], "eps": 1e-8, "weight_decay": 0.01,
                "warmup_steps": 2, "total_steps": 8, "max_grad_norm": 1.0}
    named = list(model.named_parameters())
    decay = [p for n, p in named if not (n.endswith("bias") or "LayerNorm" in n)]
    no_decay = [p for n, p in named if n.endswith("bias") or "LayerNorm" in n]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": settings["weight_decay"]},
                             {"params": no_decay, "weight_decay": 0.0}],
                            lr=settings["lr"], betas=tuple(settings["betas"]), eps=settings["eps"])
    sched = get_linear_schedule_with_warmup(opt, settings["warmup_steps"], settings["total_steps"])
    ce = torch.nn.CrossEntropyLoss()
    steps = []
    for step in range(settings["total_steps"]):
        ids, types, mask, mlm, nsp = batches[step % len(batches)]
        lr = sched.get_last_lr()[0]
        out = model(input_ids=ids, token_type_ids=types, attention_mask=mask, labels=mlm, next_sentence_label=nsp)
        mlm_loss = ce(out.prediction_logits.view(-1, model.config.vocab_size), mlm.view(-1))
        nsp_loss = ce(out.seq_relationship_logits.view(-1, 2), nsp.view(-1))
        assert abs(float(out.loss) - float(mlm_loss + nsp_loss)) < 1e-6
        out.loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(), settings["max_grad_norm"])
        opt.step()
        sched.step()
        opt.zero_grad()
        steps.append({"lr": lr, "mlm_loss": float(mlm_loss), "nsp_loss": float(nsp_loss), "grad_norm": float(norm)})
    (OUT / "tiny_pretrain_steps.json").write_text(json.dumps({
        "settings": settings,
        "batches": [{"input_ids": b[0].tolist(), "token_type_ids": b[1].tolist(), "attention_mask": b[2].tolist(),
                     "mlm_labels": b[3].tolist(), "nsp_labels": b[4].tolist()} for b in batches],
        "steps": steps}, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
