# The only set-up a user needs: `make run` opens the app, `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test bench lint clean compile

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Byte-compile the project's own modules (an editable install leaves them as source, and
# where PYTHONDONTWRITEBYTECODE is set they would be compiled again at every start: 0.2 s).
compile: $(STAMP)
	$(BIN)/python -m compileall -q nn tui

run: compile
	$(BIN)/trainlab

# One BLAS thread, as the app uses: many threads on small matrices are slower on 2 cores.
export OPENBLAS_NUM_THREADS ?= 1

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -q

bench: compile
	$(BIN)/python bench/core.py
	$(BIN)/python bench/ui.py

lint: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) build *.egg-info
