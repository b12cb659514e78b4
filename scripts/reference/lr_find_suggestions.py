#!/usr/bin/env python3
"""Reference for LearningRateSuggestions (Tests/BertTests/Fixtures/lr_find_suggestions.json):
what fastai's own `valley`, `steep` and `minimum` (fastai 2.8.12, fastai/callback/schedule.py)
suggest for given smoothed learning-rate-finder curves, after `Learner.lr_find`'s trimming
`[num_it//10:-5]`.

fastai's package imports its whole stack (fastcore, fastprogress, ...), so rather than install it
this script reads the three functions' source from the fastai wheel and runs exactly that code,
with torch, on the curves. The curves are seeded synthetic finder curves (flat, a dip, an
explosion; noise and a spike; some stopping before their planned steps, as a divergence stop
does), smoothed as fastai's `AvgSmoothLoss` smooths (β = 0.98, debiased). fastai's `lr_find`
makes float32 tensors; we pass float64 so that the comparison is of the algorithms, not of
float32 rounding (the Swift side is Double).

    /work/refvenv/bin/pip download fastai==2.8.12 --no-deps -d build/fastai-wheel
    /work/refvenv/bin/python scripts/reference/lr_find_suggestions.py build/fastai-wheel/fastai-2.8.12-py3-none-any.whl
"""
import ast
import json
import math
import random
import sys
import zipfile
from pathlib import Path

import torch

OUT = Path(__file__).resolve().parents[2] / "Tests" / "BertTests" / "Fixtures" / "lr_find_suggestions.json"


def fastai_functions(wheel):
    source = zipfile.ZipFile(wheel).read("fastai/callback/schedule.py").decode()
    tree = ast.parse(source)
    wanted = [node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name in ("valley", "steep", "minimum")]
    assert len(wanted) == 3, "fastai's schedule.py no longer defines valley, steep and minimum"
    namespace = {"torch": torch}
    exec(compile(ast.Module(body=wanted, type_ignores=[]), "fastai/callback/schedule.py", "exec"), namespace)
    return namespace["valley"], namespace["steep"], namespace["minimum"]


def smoothed(losses, beta=0.98):
    out, average = [], 0.0
    for n, loss in enumerate(losses, start=1):
        average = beta * average + (1 - beta) * loss
        out.append(average / (1 - beta ** n))
    return out


def curve(rng, planned, recorded, start=1e-7, end=1.0):
    lrs = [start * (end / start) ** (i / (planned - 1)) for i in range(planned)][:recorded]
    dip = rng.uniform(-4.5, -2.5)   # log10 of the rate where the loss is lowest
    raw = []
    for i, lr in enumerate(lrs):
        x = math.log10(lr)
        loss = 0.7 - 0.4 / (1 + math.exp(-(x - dip + 1.2) * 3)) + 0.05 * math.exp(2.2 * max(0, x - dip))
        loss += rng.gauss(0, 0.03)
        if rng.random() < 0.03:
            loss += rng.uniform(0.5, 2)   # a spike
        raw.append(loss)
    return lrs, smoothed(raw)


def main():
    valley, steep, minimum = fastai_functions(sys.argv[1])
    rng = random.Random(18)
    cases = []
    for planned, recorded in [(100, 100), (100, 73), (60, 60), (200, 151), (37, 30)]:
        lrs, losses = curve(rng, planned, recorded)
        kept = slice(planned // 10, -5)
        t_lrs = torch.tensor(lrs[kept], dtype=torch.float64)
        t_losses = torch.tensor(losses[kept], dtype=torch.float64)
        v, _ = valley(t_lrs, t_losses, planned)
        s, _ = steep(t_lrs, t_losses, planned)
        m, (m_at, _) = minimum(t_lrs, t_losses, planned)
        cases.append({"planned": planned, "learning_rates": lrs, "smoothed_losses": losses,
                      "valley": v, "steep": s, "minimum": m, "minimum_at": m_at})
    OUT.write_text(json.dumps({"fastai": "2.8.12", "cases": cases}) + "\n")


if __name__ == "__main__":
    main()
