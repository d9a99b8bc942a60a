# The two commands of the README. Each creates (or reuses) the virtual
# environment .venv with the pinned packages of requirements*.txt: the workflow's,
# the tests' and the linters'.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
CORES  ?= 2

.PHONY: run test lint venv clean

run: $(VENV)/.installed
	$(BIN)/snakemake --cores $(CORES)

test: $(VENV)/.installed
	$(BIN)/python -m pytest -ra

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/snakefmt --check Snakefile workflow
	$(BIN)/snakemake --lint
	$(BIN)/python -m dfscope.config.docs --check

venv: $(VENV)/.installed

REQUIREMENTS := requirements.txt requirements-test.txt requirements-lint.txt

$(VENV)/.installed: $(REQUIREMENTS) pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "dfscope needs Python >= 3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet $(addprefix -r ,$(REQUIREMENTS))
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

clean:
	rm -rf results .snakemake
