# Two commands on a fresh machine: `make demo` and `make test`.
# Each creates .venv and installs the package with its dev extra when missing or
# when pyproject.toml changed.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lab bench fuzz catalogue lint format clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  (echo "drivers needs Python >= 3.11; set PYTHON=/path/to/python3.11"; exit 1)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/drivers demo

# One BLAS thread: on a busy 2-core machine OpenBLAS threads spin-wait on small calls
# (see bench/README.md); the results do not change.
# The Spark test needs a Java runtime (17+): installed from Debian when missing.
test: $(STAMP)
	@command -v java >/dev/null || (apt-get update -qq && apt-get install -y -qq openjdk-17-jre-headless >/dev/null) || \
	  (echo "drivers: the Spark test needs Java 17+ (apt-get install openjdk-17-jre-headless)"; exit 1)
	$(BIN)/ruff check src tests bench
	OPENBLAS_NUM_THREADS=1 MPLBACKEND=Agg $(BIN)/python -m pytest -q

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,bench]'
	OPENBLAS_NUM_THREADS=1 $(BIN)/python bench/bench_shapley.py
	OPENBLAS_NUM_THREADS=1 $(BIN)/python bench/bench_bootstrap_route.py
	OPENBLAS_NUM_THREADS=1 $(BIN)/python bench/bench_load.py
	OPENBLAS_NUM_THREADS=1 $(BIN)/python bench/bench_run.py
	OPENBLAS_NUM_THREADS=1 $(BIN)/python bench/bench_notebooks.py
	OPENBLAS_NUM_THREADS=1 $(BIN)/python bench/bench_large.py
# pooling 10 million rows; --no-spark: the Spark local[2] time needs Java 17+ and PySpark
# (`make test` installs them); run bench/bench_pool.py without it to time Spark beside DuckDB
	OPENBLAS_NUM_THREADS=1 $(BIN)/python bench/bench_pool.py --no-spark
	OPENBLAS_NUM_THREADS=1 $(BIN)/python bench/bench_pool_agreement.py
	OPENBLAS_NUM_THREADS=1 $(BIN)/python bench/bench_themes.py

fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz OPENBLAS_NUM_THREADS=1 MPLBACKEND=Agg $(BIN)/python -m pytest -q tests -k fuzz

# The bad-input catalogue (tests/data/bad/) and its table of outcomes (docs/attack_catalogue.md).
catalogue: $(STAMP)
	$(BIN)/python tools/make_bad_inputs.py
	$(BIN)/python tools/attack_catalogue.py

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

format: $(STAMP)
	$(BIN)/ruff format src tests bench

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
