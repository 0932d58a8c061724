# The two commands of the README: `make bench` (the main job) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
RUN := results/$(shell date +%Y%m%d-%H%M%S)

.PHONY: venv bench test clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

bench: $(STAMP)
	$(BIN)/gilbench run --fast --out $(RUN)
	$(BIN)/gilbench report $(RUN) > $(RUN)/report.md.tmp && mv $(RUN)/report.md.tmp $(RUN)/report.md
	@cat $(RUN)/report.md
	@echo "report: $(RUN)/report.md"

test: $(STAMP)
	$(BIN)/python -m pytest -n auto

clean:
	rm -rf $(VENV) .pytest_cache
