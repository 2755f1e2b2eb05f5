# Assist: the two commands are `make run` and `make test`; CI calls `make test`.
.PHONY: run test setup setup-test check lint format bench rasa rasa-stop clean

VENV := .venv/bin

run: setup  ## Start the whole service at once; Rasa installs and trains in the background
	@mkdir -p .cache/rasa
	@echo "Starting Assist now on the in-process classifier; Rasa is set up in the background and answers when it is ready (progress lines start with [rasa])."
	@( $(VENV)/python -m assist.nlu.sidecar ensure 2>&1 | sed -u 's/^/[rasa] /' ) &
	$(VENV)/assist serve

test: setup-test  ## Run the full test suite (lint, types, dialogue linter, all tests)
	$(MAKE) --no-print-directory check
	$(VENV)/python -m assist.nlu.sidecar ensure
	$(VENV)/python -m pytest -p no:cacheprovider; status=$$?; \
	  $(VENV)/python -m assist.nlu.sidecar stop; exit $$status

setup:
	@scripts/setup.sh

setup-test:
	@scripts/setup.sh --test

check:  ## ruff, mypy and the humane dialogue linter
	$(VENV)/ruff check assist tests bench
	$(VENV)/ruff format --check assist tests bench
	$(VENV)/mypy
	$(VENV)/assist lint dialogues/

format:
	$(VENV)/ruff format assist tests bench
	$(VENV)/ruff check --fix assist tests bench

BENCH_SECONDS ?= 30
bench: setup  ## Benchmarks: busy hour beside saturation and baselines, then scaling (BENCH_SECONDS=10 for short)
	$(VENV)/python bench/run_all.py --seconds $(BENCH_SECONDS)

rasa: setup
	$(VENV)/python -m assist.nlu.sidecar ensure

rasa-stop:
	$(VENV)/python -m assist.nlu.sidecar stop

clean:
	rm -rf .venv .venv-rasa .cache data .mypy_cache .ruff_cache .pytest_cache
