#!/usr/bin/env python3
"""Reference for LengthGrouping (Tests/BertTests/Fixtures/length_grouping.json): what transformers'
`get_length_grouped_indices` (the `group_by_length` sampler) returns for given lengths, batch
size and shuffled order. Its shuffle is `torch.randperm`; we replace that by the given
permutation, so the Swift side (which shuffles with its own seeded generator) can be compared
on the grouping itself.

    /work/refvenv/bin/python scripts/reference/length_grouping_fixture.py
"""
import json
import random
from pathlib import Path

import torch
import transformers.trainer_pt_utils as pt_utils

OUT = Path(__file__).resolve().parents[2] / "Tests" / "BertTests" / "Fixtures" / "length_grouping.json"


def grouped(lengths, batch_size, permutation):
    original = pt_utils.torch.randperm
    pt_utils.torch.randperm = lambda n, generator=None: torch.tensor(permutation)
    try:
        return pt_utils.get_length_grouped_indices(lengths, batch_size)
    finally:
        pt_utils.torch.randperm = original


def main():
    rng = random.Random(8)
    cases = []
    # Small by hand; ties; fewer examples than a batch; megabatch multipliers 1, 3 and 50 (capped).
    shapes = [(10, 2), (7, 16), (100, 8), (2000, 8), (333, 32)]
    for n, batch_size in shapes:
        lengths = [rng.randint(3, 60) if n > 10 else rng.randint(1, 6) for _ in range(n)]
        permutation = list(range(n))
        rng.shuffle(permutation)
        cases.append({"lengths": lengths, "batch_size": batch_size, "shuffled": permutation,
                      "order": grouped(lengths, batch_size, permutation)})
    OUT.write_text(json.dumps({"cases": cases}, separators=(",", ":")) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
