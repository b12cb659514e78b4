"""load(model:) downloads from the Hugging Face hub into huggingface_hub's cache (issue 19, part 1).

Every test talks to a hub the test itself serves on 127.0.0.1 (fake_hub.py) holding the tiny BERT
of scripts/reference/hub_fixture.py; nothing leaves the machine. bert-kernel runs a .bert script
(`bert-kernel run`) with HF_ENDPOINT pointing at that hub and an empty cache. huggingface_hub
(pinned in tests/requirements.txt) downloads from the same server into a cache our loader reads;
transformers (only where torch is installed, e.g. /work/refvenv) loads offline what we downloaded.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT

TEXTS = json.loads((FIXTURES / "tiny-bert.json").read_text())
SNAPSHOT_FILES = {"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"}


def run(binary, tmp_path, hub, cells, cache, **env):
    """Runs `cells` as one .bert script; returns (exit code, stdout + stderr)."""
    script = tmp_path / "cells.bert"
    script.write_text("\n".join(cells) + "\n")
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "HF_ENDPOINT": hub.url,
                   "HF_HUB_CACHE": str(cache)}
    for key in ("OPENBLAS_CORETYPE", "OPENBLAS_NUM_THREADS"):
        if key in os.environ:
            environment[key] = os.environ[key]
    environment.update({k: str(v) for k, v in env.items()})
    result = subprocess.run([str(binary), "run", str(script)], env=environment, capture_output=True, text=True, timeout=300)
    return result.returncode, result.stdout + result.stderr


def predict_cells(model, extra=""):
    texts = ", ".join(json.dumps(t) for t in TEXTS["texts"])
    return [f'load(model: "{model}"{extra})', f"predict([{texts}], maxLength: 32)"]


def printed_logits(output):
    """The logits column (the last) of predict's table, printed with four decimals."""
    rows = [line for line in output.splitlines() if any(line.startswith(t) for t in TEXTS["texts"])]
    return [[float(x) for x in row.split("  ")[-1].strip().split(", ")] for row in rows]


def assert_transformers_logits(output):
    got = printed_logits(output)
    assert len(got) == len(TEXTS["logits"]), output
    # Printed with four decimals (rounding: 5e-5) around a forward pass within 1e-4 of transformers.
    for row, expected in zip(got, TEXTS["logits"]):
        assert max(abs(a - b) for a, b in zip(row, expected)) < 1.5e-4, (row, expected)


def repo_folder(cache, repo):
    return Path(cache) / ("models--" + repo.replace("/", "--"))


def assert_hub_layout(cache, repo, hub, revision="main"):
    folder = repo_folder(cache, repo)
    commit = hub.repos[repo].commit
    assert (folder / "refs" / revision).read_text() == commit
    snapshot = folder / "snapshots" / commit
    for name in os.listdir(snapshot):
        link = snapshot / name
        assert link.is_symlink(), name
        target = os.readlink(link)
        assert target.startswith("../../blobs/"), target
        assert link.resolve().read_bytes() == (hub.repos[repo].files[name]), name
    assert not list((folder / "blobs").glob("*.incomplete"))
    return snapshot


def test_load_downloads_into_huggingface_hubs_layout_and_predicts_as_transformers(binary, tmp_path, hub):
    cache = tmp_path / "cache"
    code, output = run(binary, tmp_path, hub, predict_cells("tiny-org/tiny-bert"), cache)
    assert code == 0, output
    assert "downloading it from" in output and "download tiny-org/tiny-bert" in output, output
    snapshot = assert_hub_layout(cache, "tiny-org/tiny-bert", hub)
    assert set(os.listdir(snapshot)) == SNAPSHOT_FILES
    # The large file's blob is named by its sha256, as huggingface_hub names it.
    assert os.readlink(snapshot / "model.safetensors") == "../../blobs/" + hub.sha256("tiny-org/tiny-bert", "model.safetensors")
    assert_transformers_logits(output)


def test_a_cached_model_is_not_downloaded_again_and_offline_makes_no_connection(binary, tmp_path, hub):
    cache = tmp_path / "cache"
    assert run(binary, tmp_path, hub, predict_cells("tiny-org/tiny-bert"), cache)[0] == 0
    downloads = len(hub.requests_to("/lfs/"))
    assert downloads == 1
    before = hub.requests
    code, output = run(binary, tmp_path, hub, predict_cells("tiny-org/tiny-bert"), cache, HF_HUB_OFFLINE=1)
    assert code == 0, output
    assert hub.requests == before, "HF_HUB_OFFLINE=1 must make no request"
    assert_transformers_logits(output)


def test_offline_without_the_model_says_where_it_looked_and_how_to_download(binary, tmp_path, hub):
    code, output = run(binary, tmp_path, hub, predict_cells("tiny-org/tiny-bert"), tmp_path / "cache", HF_HUB_OFFLINE=1)
    assert code != 0
    assert hub.requests == 0
    assert "FileError" in output and "HF_HUB_OFFLINE is set" in output, output
    assert "models--tiny-org--tiny-bert" in output and "huggingface-cli download tiny-org/tiny-bert" in output, output


def test_no_network_names_the_places_searched_and_the_download_command(binary, tmp_path, hub):
    url = hub.url
    hub.close()  # nothing listens there any more
    code, output = run(binary, tmp_path, hub, predict_cells("tiny-org/tiny-bert"), tmp_path / "cache", HF_ENDPOINT=url)
    assert code != 0
    assert "cannot reach" in output and "huggingface-cli download tiny-org/tiny-bert" in output, output
    assert "models--tiny-org--tiny-bert" in output, output


def test_an_unknown_name_is_a_clear_error_with_close_names(binary, tmp_path, hub):
    code, output = run(binary, tmp_path, hub, predict_cells("tiny-org/tiny-brt"), tmp_path / "cache")
    assert code != 0
    assert "there is no model 'tiny-org/tiny-brt'" in output and "tiny-org/tiny-bert" in output, output
    assert not repo_folder(tmp_path / "cache", "tiny-org/tiny-brt").exists()


def test_a_gated_model_asks_for_a_token_and_loads_with_one(binary, tmp_path, hub):
    cache = tmp_path / "cache"
    code, output = run(binary, tmp_path, hub, predict_cells("tiny-org/gated-bert"), cache)
    assert code != 0
    assert "gated" in output and "HF_TOKEN" in output and "huggingface-cli login" in output, output
    code, output = run(binary, tmp_path, hub, predict_cells("tiny-org/gated-bert"), cache, HF_TOKEN=hub.token)
    assert code == 0, output
    assert_transformers_logits(output)
    # The token goes to the hub, never to the storage host the large files are redirected to.
    assert all(entry[3] is None for entry in hub.requests_to("/lfs/"))
    assert any(entry[3] == f"Bearer {hub.token}" for entry in hub.requests_to("/tiny-org/gated-bert/"))


def test_the_token_file_huggingface_cli_login_writes_is_used(binary, tmp_path, hub):
    hf_home = tmp_path / "hf-home"
    hf_home.mkdir()
    (hf_home / "token").write_text(hub.token)
    code, output = run(binary, tmp_path, hub, predict_cells("tiny-org/gated-bert"), tmp_path / "cache", HF_HOME=hf_home)
    assert code == 0, output
    assert any(entry[3] == f"Bearer {hub.token}" for entry in hub.log)


def test_a_connection_dropped_half_way_resumes_with_a_range_request(binary, tmp_path, hub):
    sha = hub.sha256("tiny-org/tiny-bert", "model.safetensors")
    hub.drop_once.add(sha)
    cache = tmp_path / "cache"
    code, output = run(binary, tmp_path, hub, predict_cells("tiny-org/tiny-bert"), cache)
    assert code == 0, output
    downloads = hub.requests_to("/lfs/")
    assert len(downloads) == 2, downloads
    assert downloads[0][2] is None and downloads[1][2] is not None and downloads[1][2].startswith("bytes="), downloads
    assert int(downloads[1][2][len("bytes="):-1]) > 0
    assert_hub_layout(cache, "tiny-org/tiny-bert", hub)
    assert_transformers_logits(output)


def test_a_download_whose_sha256_does_not_match_is_rejected_and_not_linked(binary, tmp_path, hub):
    sha = hub.sha256("tiny-org/tiny-bert", "model.safetensors")
    hub.corrupt.add(sha)
    cache = tmp_path / "cache"
    code, output = run(binary, tmp_path, hub, predict_cells("tiny-org/tiny-bert"), cache)
    assert code != 0
    assert "sha256" in output and "not linked" in output, output
    folder = repo_folder(cache, "tiny-org/tiny-bert")
    assert not (folder / "blobs" / sha).exists()
    assert not list((folder / "blobs").glob("*.incomplete"))
    snapshot = folder / "snapshots" / hub.repos["tiny-org/tiny-bert"].commit
    assert not (snapshot / "model.safetensors").exists() and not (snapshot / "model.safetensors").is_symlink()


def test_a_sharded_checkpoint_downloads_every_shard_and_loads(binary, tmp_path, hub):
    cache = tmp_path / "cache"
    code, output = run(binary, tmp_path, hub, predict_cells("tiny-org/tiny-bert-sharded"), cache)
    assert code == 0, output
    snapshot = assert_hub_layout(cache, "tiny-org/tiny-bert-sharded", hub)
    assert set(os.listdir(snapshot)) == set(hub.repos["tiny-org/tiny-bert-sharded"].files)
    assert_transformers_logits(output)


def test_a_revision_is_resolved_and_recorded_and_an_unknown_one_is_an_error(binary, tmp_path, hub):
    cache = tmp_path / "cache"
    code, output = run(binary, tmp_path, hub, predict_cells("tiny-org/tiny-bert", ', revision: "v1.0"'), cache)
    assert code == 0, output
    assert_hub_layout(cache, "tiny-org/tiny-bert", hub, revision="v1.0")
    code, output = run(binary, tmp_path, hub, predict_cells("tiny-org/tiny-bert", ', revision: "nope"'), cache)
    assert code != 0
    assert "ArgumentError" in output and "no revision 'nope'" in output, output


def test_what_huggingface_hub_downloads_our_loader_reads_offline(binary, tmp_path, hub):
    huggingface_hub = pytest.importorskip("huggingface_hub")
    cache = tmp_path / "hf-cache"
    for name in sorted(SNAPSHOT_FILES):
        huggingface_hub.hf_hub_download("tiny-org/tiny-bert", name, cache_dir=str(cache), endpoint=hub.url)
    before = hub.requests
    code, output = run(binary, tmp_path, hub, predict_cells("tiny-org/tiny-bert"), cache, HF_HUB_OFFLINE=1)
    assert code == 0, output
    assert hub.requests == before
    assert_transformers_logits(output)


def test_huggingface_hub_reuses_what_our_loader_downloaded(binary, tmp_path, hub):
    huggingface_hub = pytest.importorskip("huggingface_hub")
    cache = tmp_path / "cache"
    assert run(binary, tmp_path, hub, predict_cells("tiny-org/tiny-bert"), cache)[0] == 0
    downloads = len(hub.requests_to("/lfs/"))
    path = huggingface_hub.hf_hub_download("tiny-org/tiny-bert", "model.safetensors", cache_dir=str(cache), endpoint=hub.url)
    assert len(hub.requests_to("/lfs/")) == downloads, "huggingface_hub downloaded the blob again"
    assert Path(path).read_bytes() == hub.repos["tiny-org/tiny-bert"].files["model.safetensors"]


def reference_python():
    """A Python with torch and transformers: this one, $BERT_KERNEL_REF_PYTHON, .venv-ref, /work/refvenv."""
    candidates = [sys.executable, os.environ.get("BERT_KERNEL_REF_PYTHON"), ROOT / ".venv-ref/bin/python", "/work/refvenv/bin/python"]
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            probe = subprocess.run([str(candidate), "-c", "import torch, transformers"], capture_output=True)
            if probe.returncode == 0:
                return str(candidate)
    pytest.skip("no Python with torch and transformers here (make ref-venv, or set BERT_KERNEL_REF_PYTHON)")


def test_transformers_loads_offline_what_our_loader_downloaded(binary, tmp_path, hub):
    python = reference_python()
    cache = tmp_path / "cache"
    assert run(binary, tmp_path, hub, predict_cells("tiny-org/tiny-bert"), cache)[0] == 0
    program = (
        "import json, sys, torch\n"
        "from transformers import AutoModelForSequenceClassification, AutoTokenizer\n"
        "model = AutoModelForSequenceClassification.from_pretrained('tiny-org/tiny-bert', cache_dir=sys.argv[1]).eval()\n"
        "tok = AutoTokenizer.from_pretrained('tiny-org/tiny-bert', cache_dir=sys.argv[1])\n"
        "batch = tok(json.loads(sys.argv[2]), padding=True, return_tensors='pt')\n"
        "with torch.no_grad(): print(json.dumps(model(**batch).logits.tolist()))\n")
    environment = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path / "home"), "HF_HUB_OFFLINE": "1",
                   "HF_ENDPOINT": hub.url}
    before = hub.requests
    result = subprocess.run([python, "-c", program, str(cache), json.dumps(TEXTS["texts"])], env=environment,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert hub.requests == before
    logits = json.loads(result.stdout.strip().splitlines()[-1])
    for row, expected in zip(logits, TEXTS["logits"]):
        assert max(abs(a - b) for a, b in zip(row, expected)) < 1e-6
