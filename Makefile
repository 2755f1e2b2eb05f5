# Assist: the two commands are `make run` and `make test`; CI calls `make test`.
.PHONY: run test setup setup-test check lint format bench rasa rasa-stop clean

VENV := .venv/bin

run: setup  ## Start the whole service on embedded defaults
	$(VENV)/python -m assist.nlu.sidecar ensure || echo "Rasa is not available: using the in-process classifier."
	$(VENV)/assist serve

test: setup-test  ## Run the full test suite (lint, types, dialogue linter, all tests)
	$(MAKE) --no-print-directory check
	$(VENV)/python -m assist.nlu.sidecar ensure
	ASSIST_REQUIRE_RASA=1 $(VENV)/python -m pytest -p no:cacheprovider; status=$$?; \
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

bench: setup  ## Benchmarks: print figures, assert nothing
	@for b in bench/*.py; do echo "== $$b"; $(VENV)/python $$b || exit 1; done

rasa: setup
	$(VENV)/python -m assist.nlu.sidecar ensure

rasa-stop:
	$(VENV)/python -m assist.nlu.sidecar stop

clean:
	rm -rf .venv .venv-rasa .cache data .mypy_cache .ruff_cache .pytest_cache
