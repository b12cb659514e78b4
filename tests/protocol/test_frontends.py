"""Real front ends against the installed kernelspec: jupyter console, jupyter run, nbclient;
and the bert-kernel command line (install, run)."""
import json
import os
import pathlib
import shutil
import subprocess
import sys

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient

from conftest import KERNEL_NAME, require_kernelspec

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = pathlib.Path(sys.prefix) / "bin"


def bert_kernel_binary():
    require_kernelspec()
    return KernelSpecManager().get_kernel_spec(KERNEL_NAME).argv[0]


def test_jupyter_console_runs_cells():
    cells = 'print("hello from console")\nlet y = 6\ny\nundefined_name\nprint("still alive")\n'
    result = subprocess.run([str(BIN / "jupyter"), "console", "--kernel", KERNEL_NAME, "--simple-prompt"],
                            input=cells, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    out = result.stdout + result.stderr  # console prints tracebacks on stderr
    assert "BERT (Swift)" in out  # the banner from kernel_info
    assert "hello from console" in out
    assert "Out[3]: 6" in out
    assert "NameError" in out
    assert "still alive" in out


def test_jupyter_run_executes_a_file(tmp_path):
    script = tmp_path / "hello.bert"
    script.write_text('print("hello via jupyter run")\n')
    result = subprocess.run([str(BIN / "jupyter"), "run", "--kernel", KERNEL_NAME, str(script)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "hello via jupyter run" in result.stdout


def test_nbclient_executes_a_notebook():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("A small notebook for the bert kernel."),
        nbformat.v4.new_code_cell('print("hello, notebook")'),
        nbformat.v4.new_code_cell("let n = 41\n[n, 1]"),
        nbformat.v4.new_code_cell('display("shown")'),
        nbformat.v4.new_code_cell('warn("careful")'),
    ]
    nb.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": "BERT (Swift)", "language": "bert"}
    NotebookClient(nb, kernel_name=KERNEL_NAME, timeout=60).execute()
    outputs = [cell.get("outputs", []) for cell in nb.cells[1:]]
    assert outputs[0][0]["output_type"] == "stream" and outputs[0][0]["text"] == "hello, notebook\n"
    assert outputs[1][0]["output_type"] == "execute_result"
    assert outputs[1][0]["data"]["text/plain"] == "[41, 1]"
    assert nb.cells[2]["execution_count"] == 2
    assert outputs[2][0]["output_type"] == "display_data"
    assert outputs[3][0]["name"] == "stderr"
    assert nb.metadata["language_info"]["name"] == "bert"


def test_results_carry_their_numbers_as_vendor_json_not_application_json():
    """JupyterLab ranks application/json above text/html and would show each table as a JSON
    tree (issue 13 part 7); the numbers travel as application/vnd.bert-kernel+json, a JSON
    value in the message and in the saved notebook, beside text/html and text/plain."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell('load(dataset: "demo")'), nbformat.v4.new_code_cell("info()")]
    nb.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": "BERT (Swift)", "language": "bert"}
    NotebookClient(nb, kernel_name=KERNEL_NAME, timeout=60).execute()
    nbformat.validate(nb)
    for cell in nb.cells:
        [result] = [o for o in cell.outputs if o["output_type"] == "execute_result"]
        assert set(result["data"]) == {"text/plain", "text/html", "application/vnd.bert-kernel+json"}, cell.source
        assert isinstance(result["data"]["application/vnd.bert-kernel+json"], dict), cell.source
    assert nb.cells[1].outputs[-1]["data"]["application/vnd.bert-kernel+json"]["dataset"]


def test_nbclient_stops_at_a_failing_cell():
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("undefined_name"), nbformat.v4.new_code_cell('print("never")')]
    with pytest.raises(CellExecutionError, match="NameError"):
        NotebookClient(nb, kernel_name=KERNEL_NAME, timeout=60).execute()


def test_installed_kernel_json_matches_the_template():
    require_kernelspec()
    spec_dir = pathlib.Path(KernelSpecManager().get_kernel_spec(KERNEL_NAME).resource_dir)
    installed = json.loads((spec_dir / "kernel.json").read_text())
    template = json.loads((ROOT / "kernelspec" / "kernel.json").read_text())
    assert os.path.isabs(installed["argv"][0]) and os.access(installed["argv"][0], os.X_OK)
    installed["argv"][0] = template["argv"][0]
    assert installed == template
    for size in (32, 64):
        assert (spec_dir / f"logo-{size}x{size}.png").read_bytes() == (ROOT / "kernelspec" / f"logo-{size}x{size}.png").read_bytes()


def test_install_locations_and_name(tmp_path):
    binary = bert_kernel_binary()
    result = subprocess.run([binary, "install", "--prefix", str(tmp_path / "p"), "--name", "bert-test"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "p/share/jupyter/kernels/bert-test/kernel.json").exists()
    env = dict(os.environ, JUPYTER_DATA_DIR=str(tmp_path / "user"))
    assert subprocess.run([binary, "install", "--user"], env=env, capture_output=True).returncode == 0
    assert (tmp_path / "user/kernels/bert/kernel.json").exists()
    env = dict(os.environ, VIRTUAL_ENV=str(tmp_path / "venv"))
    assert subprocess.run([binary, "install", "--sys-prefix"], env=env, capture_output=True).returncode == 0
    assert (tmp_path / "venv/share/jupyter/kernels/bert/logo-64x64.png").exists()
    bad = subprocess.run([binary, "install", "--prefix", str(tmp_path), "--name", "no spaces"],
                         capture_output=True, text=True)
    assert bad.returncode != 0 and "invalid kernel name" in bad.stderr
    both = subprocess.run([binary, "install", "--user", "--prefix", str(tmp_path)], capture_output=True, text=True)
    assert both.returncode != 0


def test_run_executes_a_script_and_fails_on_the_first_error(tmp_path):
    binary = bert_kernel_binary()
    good = tmp_path / "good.bert"
    good.write_text('print("one")\nlet x = 2\nx\n')
    result = subprocess.run([binary, "run", str(good)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "one\n2\n"
    bad = tmp_path / "bad.bert"
    bad.write_text('print("before")\nundefined_name\n')
    result = subprocess.run([binary, "run", str(bad)], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "before" in result.stdout and "NameError" in result.stderr


def test_kernel_with_a_bad_connection_file_exits_with_a_message(tmp_path):
    binary = bert_kernel_binary()
    broken = tmp_path / "connection.json"
    broken.write_text('{"shell_port": "x"}')
    for path in (broken, tmp_path / "missing.json"):
        result = subprocess.run([binary, "kernel", "--connection-file", str(path)], capture_output=True, text=True,
                                timeout=30)
        assert result.returncode != 0
        assert str(path) in result.stderr or "connection file" in result.stderr


def bench_json(*arguments, timeout):
    """`bert-kernel bench --json ARGUMENTS` with this Python as the companion; its report."""
    result = subprocess.run([bert_kernel_binary(), "bench", "--json", *arguments, "--python", sys.executable],
                            capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_bench_reports_kernel_section_as_json():
    """The kernel and machine sections report as JSON (numbers are not judged here)."""
    report = bench_json("--only", "machine,kernel", "--starts", "1", timeout=120)
    names = [m["name"] for m in report["kernel"]]
    assert names == ["startup to kernel_info_reply", "execute round-trip (median)", "execute to reply (median)"]
    for measurement in report["kernel"]:
        assert measurement["value"] > 0 and measurement["reference"]["name"] == "ipykernel"
    # The machine it ran on: CPU, BLAS core, and the sgemm peak measured in this run (issue 12).
    machine = report["machine"]
    assert machine[0]["blas_core"] and machine[0]["cpu"] and machine[0]["threads"] >= 1
    assert machine[-1]["name"] == "sgemm peak on the model's shapes" and machine[-1]["value"] > 0


def test_bench_model_sections_run_end_to_end():
    """Inference, training and real-data sections run (one round) and divide by the measured peak;
    the batch-8 rows (issue 12) time batches of 8."""
    report = bench_json("--only", "inference,training,inference-batch8,data", "--rounds", "1", timeout=600)
    assert report["inference-batch8"][0]["batch"] == 8 and report["inference"][0]["batch"] == 32
    inference = report["inference"]
    assert inference[0]["sgemm_peak_gflops"] > 0
    shares = [m for m in inference if m["name"].startswith("T=64 share of the measured sgemm peak")]
    assert shares and shares[0]["value"] > 0
    assert report["training"] and report["data"]


def test_bench_bert_base_sections_run_with_random_weights():
    """The bert-base-shaped rows (issue 19) need no download: random weights from bert-base's config,
    batch 8 at T=128, and training reports the minutes per 1,000 examples."""
    report = bench_json("--only", "inference-base,training-base", "--rounds", "1", timeout=900)
    assert report["inference-base"][0]["name"] == "T=128 throughput, median"
    assert report["inference-base"][0]["batch"] == 8
    per_thousand = [m for m in report["training-base"] if m["name"] == "T=128 fine-tuning time per 1,000 examples, median"]
    assert per_thousand and per_thousand[0]["value"] > 0 and per_thousand[0]["unit"] == "min"
