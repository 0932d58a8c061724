# The two commands of the README: `make bench` (the main job) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
RUN := results/$(shell date +%Y%m%d-%H%M%S)
# interpreters of `make bench` (default: every one found or built), e.g. PYTHONS=3.12.1,3.13.5t
PYTHONS ?=
# tox environments to run (default: all of tox.ini's; missing interpreters are skipped)
TOXENVS ?=
# e.g. --skip-missing-interpreters=false, as CI does
TOXFLAGS ?=

.PHONY: venv pythons bench publish test tox clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -e '.[test,tox,lint,charts]'
	touch $(STAMP)

venv: $(STAMP)

# A free-threaded CPython and its GIL twin, built once into ~/.cache/gilbench when none is found.
pythons: $(STAMP)
	$(BIN)/gilbench pythons ensure-free-threaded

# The matrix and its reports (report.md, report.json, report.html), in results/<timestamp>/ (untracked):
# tracked files stay as they were.
# With PYTHONS, only those are measured: no twin pair is built for them.
bench: $(if $(PYTHONS),$(STAMP),pythons)
	$(BIN)/gilbench matrix --fast --out $(RUN)$(if $(PYTHONS), --pythons "$(PYTHONS)",)
	@echo "publish this run with: make publish RESULTS=$(RUN)"

# Maintainers: a matrix run (default: the newest under results/) into docs/results/ and the README's table.
RESULTS ?= $(lastword $(sort $(wildcard results/[0-9]*-[0-9]*)))
publish: $(STAMP)
	@test -n "$(RESULTS)" || { echo "make publish: no run under results/; give RESULTS=DIR" >&2; exit 2; }
	$(BIN)/gilbench publish $(RESULTS) --to docs/results --readme README.md

# Import contracts first (.importlinter: the architecture's arrows), then the suite.
test: $(STAMP)
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -n auto

# tox finds interpreters on PATH: .pythons/ holds a pythonX.Y[t] link for each one found or built.
tox: pythons
	$(BIN)/gilbench pythons link .pythons
	PATH="$(CURDIR)/.pythons:$$PATH" $(BIN)/tox $(TOXFLAGS) $(if $(TOXENVS),-e $(TOXENVS),)

clean:
	rm -rf $(VENV) .venvs .pythons .tox .pytest_cache
