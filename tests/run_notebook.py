#!/usr/bin/env python3
"""Execute a notebook headlessly on the installed `bert` kernel (nbclient), as `make demo` does.

    python tests/run_notebook.py notebooks/01-quickstart.ipynb --out build/01.ipynb --html build/01.html

Writes the executed notebook (and an HTML rendering), prints each cell's text output, and exits
non-zero if any cell produced an error. Notebooks run with a temporary working directory so the
files they write never land in the repository.
"""
import argparse
import copy
import os
import sys
import tempfile

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def text_of(output):
    if output.get("output_type") == "stream":
        return output.get("text", "")
    data = output.get("data", {})
    if "text/plain" in data:
        return data["text/plain"] + "\n"
    if output.get("output_type") == "error":
        return "\n".join(output.get("traceback", [])) + "\n"
    return ""


def execute(path, timeout=1800, kernel_name="bert"):
    """Returns the executed notebook; raises CellExecutionError on the first failing cell."""
    return execute_runs(path, runs=1, timeout=timeout, kernel_name=kernel_name)[0]


def execute_runs(path, runs=2, timeout=1800, kernel_name="bert"):
    """Runs all cells `runs` times in ONE kernel (as a class re-running a notebook does) and
    returns one executed notebook per run; raises CellExecutionError on the first failing cell.
    The kernel's working directory is a temporary folder, removed afterwards."""
    source = nbformat.read(path, as_version=4)
    executed = []
    with tempfile.TemporaryDirectory(prefix="bert-notebook-") as workdir:
        client = NotebookClient(copy.deepcopy(source), timeout=timeout, kernel_name=kernel_name,
                                resources={"metadata": {"path": workdir}})
        with client.setup_kernel():
            for _ in range(runs):
                nb = copy.deepcopy(source)
                client.nb = nb
                for index, cell in enumerate(nb.cells):
                    client.execute_cell(cell, index)
                executed.append(nb)
    return executed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook")
    parser.add_argument("--out")
    parser.add_argument("--html")
    parser.add_argument("--timeout", type=int, default=1800)
    args = parser.parse_args()
    failed = False
    try:
        nb = execute(args.notebook, timeout=args.timeout)
    except CellExecutionError as error:
        print(error, file=sys.stderr)
        failed = True
        nb = None
    if nb is not None:
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            for output in cell.get("outputs", []):
                sys.stdout.write(text_of(output))
        if args.out:
            os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
            nbformat.write(nb, args.out)
            print(f"executed notebook: {args.out}")
        if args.html:
            from nbconvert import HTMLExporter
            body, _ = HTMLExporter().from_notebook_node(nb)
            with open(args.html, "w", encoding="utf-8") as f:
                f.write(body)
            print(f"HTML rendering: {args.html}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
