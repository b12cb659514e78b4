"""Writes the safetensors fixtures for Tests/NumericsTests/SafetensorsFileTests.swift.

Run with the reference venv: /work/refvenv/bin/python scripts/reference/safetensors_fixtures.py

- mixed.safetensors: every float dtype the reader converts (F32, F16 with subnormals, infinities,
  signed zero and NaN, BF16, F64), an int64 `position_ids`, a scalar, an empty tensor and metadata,
  written by `safetensors.numpy.save_file` (the Rust writer). mixed.json holds each float tensor's
  expected float32 values as bit patterns (numpy's own conversion, exact for F16/BF16, round to
  nearest for F64) so the Swift test compares bits, not approximations.
- writer_reference.safetensors: float32 tensors written by Python; the Swift writer must produce
  the same bytes for the same input (writer_reference.json).
"""
import json
import pathlib

import numpy as np
import torch
from safetensors.numpy import save_file, load_file

OUT = pathlib.Path(__file__).resolve().parents[2] / "Tests" / "NumericsTests" / "Fixtures" / "safetensors"
OUT.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(1234)


def bits32(array):
    return [int(b) for b in np.ascontiguousarray(array, dtype=np.float32).view(np.uint32).ravel()]


# F16 values covering every class: normal, subnormal, the smallest subnormal, max, inf, nan, -0.
f16 = np.array([0.0, -0.0, 1.0, -2.5, 65504.0, -65504.0, 6.1e-5, 5.96e-8, -5.96e-8, 1e-6,
                np.inf, -np.inf, np.nan, 3.14159, 1 / 3, 1000.1], dtype=np.float16).reshape(4, 4)
f32 = rng.standard_normal((3, 5)).astype(np.float32)
f64 = rng.standard_normal((2, 3)).astype(np.float64) * 1e3
bf16_source = torch.tensor(rng.standard_normal((2, 2, 3)).astype(np.float32)).to(torch.bfloat16)
bf16_as_f32 = bf16_source.to(torch.float32).numpy()
# numpy has no bfloat16: the raw 16-bit patterns go in through safetensors.torch.
from safetensors.torch import save_file as save_torch

tensors_torch = {
    "f16": torch.from_numpy(f16),
    "f32": torch.from_numpy(f32),
    "f64": torch.from_numpy(f64),
    "bf16": bf16_source,
    "embeddings.position_ids": torch.arange(7, dtype=torch.int64).reshape(1, 7),
    "scalar": torch.tensor(2.5, dtype=torch.float32),
    "empty": torch.zeros((0, 4), dtype=torch.float32),
}
save_torch(tensors_torch, str(OUT / "mixed.safetensors"), metadata={"format": "pt", "note": "fixture \"quoted\" é"})
expected = {
    "metadata": {"format": "pt", "note": "fixture \"quoted\" é"},
    "tensors": {
        "f16": {"dtype": "F16", "shape": [4, 4], "bits": bits32(f16.astype(np.float32))},
        "f32": {"dtype": "F32", "shape": [3, 5], "bits": bits32(f32)},
        "f64": {"dtype": "F64", "shape": [2, 3], "bits": bits32(f64.astype(np.float32))},
        "bf16": {"dtype": "BF16", "shape": [2, 2, 3], "bits": bits32(bf16_as_f32)},
        "scalar": {"dtype": "F32", "shape": [], "bits": bits32(np.array([2.5], np.float32))},
        "empty": {"dtype": "F32", "shape": [0, 4], "bits": []},
        "embeddings.position_ids": {"dtype": "I64", "shape": [1, 7], "bits": None},
    },
}
(OUT / "mixed.json").write_text(json.dumps(expected, indent=1, ensure_ascii=False) + "\n")

# Float32 only, names out of order, one metadata key (Rust keeps metadata in a HashMap, so with
# several keys their order varies between runs): the Swift writer must match byte for byte.
ref = {
    "zeta.weight": rng.standard_normal((2, 3)).astype(np.float32),
    "alpha": rng.standard_normal((5,)).astype(np.float32),
    "mid.bias": np.array([1.0, -0.0, 3.5e-42], np.float32),
}
save_file(ref, str(OUT / "writer_reference.safetensors"), metadata={"format": "pt\n\"x\""})
(OUT / "writer_reference.json").write_text(json.dumps({
    "metadata": {"format": "pt\n\"x\""},
    "tensors": [{"name": k, "shape": list(v.shape), "bits": bits32(v)} for k, v in ref.items()],
}, indent=1) + "\n")

loaded = load_file(str(OUT / "writer_reference.safetensors"))
assert all(np.array_equal(loaded[k], v) for k, v in ref.items())
for name in ("mixed.safetensors", "writer_reference.safetensors"):
    raw = (OUT / name).read_bytes()
    n = int.from_bytes(raw[:8], "little")
    print(name, n, raw[8:8 + n].decode())
