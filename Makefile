# Bootstraps its own virtualenv: `make demo` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# JupyterHub's own proxy (Node): the pure-Python one buffers the spawn page's event stream.
PROXY := $(VENV)/node/node_modules/.bin/configurable-http-proxy

.PHONY: demo test test-fast lint bench clean browser dist

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

$(PROXY): | $(STAMP)
	@command -v npm >/dev/null || { echo "npm is needed to install configurable-http-proxy: install Node.js 20+ and npm" >&2; exit 1; }
	npm install --prefix $(VENV)/node --no-audit --no-fund --loglevel=error configurable-http-proxy@4

# Headless Chromium and its WebDriver for the browser test, from Debian; apt-get only when missing.
browser:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then \
		command -v apt-get >/dev/null || { echo "the browser test needs chromium and chromedriver; install them" >&2; exit 1; }; \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver \
			|| { echo "could not install chromium and chromium-driver with apt-get" >&2; exit 1; }; \
		command -v chromium >/dev/null && command -v chromedriver >/dev/null \
			|| { echo "chromium or chromedriver still missing after apt-get install" >&2; exit 1; }; \
	fi

demo: $(STAMP) $(PROXY)
	$(BIN)/kts demo

test: $(STAMP) $(PROXY) browser
	$(BIN)/ruff check kts tests benchmarks
	$(BIN)/mypy --ignore-missing-imports kts
	$(BIN)/python -m pytest -q -p no:cacheprovider

# The quick loop while developing: everything but the tests marked slow (end to end, kubectl, real
# KubeSpawner, long hypothesis runs); `make test` and CI still run them.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider -m "not slow"

# The wheel and sdist, for hub images: dist/jupyterhub_kts-<version>-py3-none-any.whl.
dist: $(STAMP)
	rm -rf dist
	$(BIN)/python -m build --outdir dist .

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build dist *.egg-info
