# nesskit — the two commands of the quick start (reproduce, test), plus docs, lint, test-min and clean.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DOCS_STAMP := $(VENV)/.installed-docs
VENV_MIN := .venv-min
BIN_MIN := $(VENV_MIN)/bin
STAMP_MIN := $(VENV_MIN)/.installed
export OPENBLAS_NUM_THREADS ?= 1
export OMP_NUM_THREADS ?= 1
export MKL_NUM_THREADS ?= 1

.PHONY: reproduce test test-min lint docs clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

reproduce: $(STAMP)
	$(BIN)/nesskit reproduce --out results

test: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

# The documentation site (Sphinx; warnings are errors; tutorials executed): docs/_build/html/index.html
$(DOCS_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[test,docs]"
	touch $(DOCS_STAMP)

docs: $(DOCS_STAMP)
	$(BIN)/sphinx-build -E -W --keep-going -b html docs docs/_build/html

# The lowest declared versions (ci/min-versions.txt, kept in step with pyproject.toml) and the fast tests.
# Not part of CI (it downloads old wheels); run it after changing a floor or using a newer API.
$(STAMP_MIN): pyproject.toml ci/min-versions.txt
	$(PYTHON) ci/check_min_versions.py
	rm -rf $(VENV_MIN)
	$(PYTHON) -m venv $(VENV_MIN)
	echo '*' > $(VENV_MIN)/.gitignore
	$(BIN_MIN)/python -m pip install --quiet --upgrade pip
	$(BIN_MIN)/python -m pip install --quiet -c ci/min-versions.txt -e ".[test,docs]"
	touch $(STAMP_MIN)

test-min: $(STAMP_MIN)
	$(BIN_MIN)/python ci/check_min_versions.py --installed
	$(BIN_MIN)/python -m pytest -q -m "not slow" -p no:cacheprovider

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

clean:
	rm -rf $(VENV) $(VENV_MIN) results build *.egg-info src/*.egg-info docs/_build docs/api/generated docs/api/index.rst
