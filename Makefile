# Everything installs from this project's own files into .venv; only python3 and make are needed.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: test lint demo bench soak clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

test: $(STAMP) lint
	# The long tests (marked slow) are collected first and handed round the workers one by one (--dist load),
	# so they run side by side from the start and do not leave a tail (tests/conftest.py)
	$(PY) -m pytest -q -n 4 --dist load

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

demo: $(STAMP)
	$(VENV)/bin/carework demo

bench: $(STAMP)
	$(PY) -m pip install --quiet -e '.[test,bench]'
	$(PY) bench/intake.py
	PYTHONPATH=. $(PY) bench/tap_cost.py
	PYTHONPATH=. $(PY) bench/capacity.py --participants 1500
	PYTHONPATH=. $(PY) bench/burden.py
	PYTHONPATH=. $(PY) bench/answering.py
	PYTHONPATH=. $(PY) bench/broadcast.py
	PYTHONPATH=. $(PY) bench/summaries.py
	PYTHONPATH=. $(PY) bench/export.py
	PYTHONPATH=. $(PY) bench/webhook.py

# SIGKILLs `carework run` at random moments while 1,000 people are invited, reminded and answer;
# then again with a tenth of Bot API requests failing. Prints one `soak:` line of figures per run.
soak: $(STAMP)
	CAREWORK_SOAK=1 $(PY) -m pytest -q -s -p no:cacheprovider tests/e2e/test_soak.py -k thousand

clean:
	rm -rf $(VENV) demo-output .pytest_cache
