"""Every notebook in notebooks/ executes end to end on the installed kernel without an error
output; a few key outputs are asserted per notebook (checks below)."""
import json
import os
import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
from run_notebook import execute  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def outputs(nb):
    for cell in nb.cells:
        if cell.cell_type == "code":
            yield from cell.get("outputs", [])


def json_results(nb):
    """application/json payloads of execute_result / display_data outputs, in order."""
    for out in outputs(nb):
        data = out.get("data", {})
        if "application/json" in data:
            yield data["application/json"]


def check_quickstart(nb):
    metrics = [j for j in json_results(nb) if isinstance(j, dict) and "accuracy" in j]
    assert metrics, "the quickstart shows evaluation metrics"
    assert metrics[-1]["accuracy"] >= 0.75, f"quickstart accuracy {metrics[-1]['accuracy']} below the floor"


CHECKS = {"01-quickstart.ipynb": check_quickstart}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_without_errors(path):
    nb = execute(str(path))
    errors = [o for o in outputs(nb) if o.get("output_type") == "error"]
    assert not errors, "\n".join("\n".join(o.get("traceback", [])) for o in errors)
    check = CHECKS.get(path.name)
    if check:
        check(nb)


def test_there_are_notebooks():
    assert NOTEBOOKS, "notebooks/ holds the tutorials; none found"
