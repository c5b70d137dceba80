# The two set-up commands of README.md: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)

.PHONY: demo test test-fast lint bench

$(INSTALLED): pyproject.toml package-lock.json
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	command -v npm >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; }
	npm ci --omit=dev --ignore-scripts --no-audit --no-fund
	mkdir -p yanxiu/web/static/vendor
	cp node_modules/echarts/dist/echarts.min.js yanxiu/web/static/vendor/
	rm -f $(VENV)/.installed-*
	touch $@

# Start the demo: SQLite in var/, a generated region, logins printed, served on :8000.
demo: $(INSTALLED)
	$(BIN)/python manage.py demo

# The whole suite: lint, types, then every test on SQLite and on PostgreSQL.
test: $(INSTALLED)
	bash scripts/test.sh

# The inner loop: lint and types, then the suite on SQLite without the browser and
# production tiers. CI runs `make test`, which runs everything on SQLite and PostgreSQL.
test-fast: lint
	$(BIN)/python manage.py compilemessages --ignore=.venv -v 0
	DJANGO_SETTINGS_MODULE=yanxiu.settings.test YANXIU_TEST_DB=sqlite \
		$(BIN)/pytest -n $${YANXIU_TEST_WORKERS:-2} -m "not browser and not production"

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy yanxiu tests bench
	$(BIN)/lint-imports

bench: $(INSTALLED)
	$(BIN)/python bench/run.py
