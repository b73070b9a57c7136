# Two commands on a fresh machine: `make run` serves the bot, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup test-tools run test kb bench eval clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements-dev.txt
	touch $(STAMP)

setup: $(STAMP)

# What only the tests need, from Debian's packages: the console's browser tests drive chromium
# (Playwright never downloads a browser) and a CJK font keeps their screenshots readable; the
# scale-out tests start a real redis-server on a free loopback port.
test-tools:
	(command -v chromium && command -v redis-server && fc-list :lang=zh | grep -q .) >/dev/null 2>&1 || \
		(apt-get update && apt-get install -y chromium fonts-wqy-microhei redis-server)

run: setup
	$(BIN)/python run_bot.py serve

test: setup test-tools
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

kb: setup
	$(BIN)/python run_bot.py kb build

bench: setup
	$(BIN)/python benchmarks/bench_matching.py

eval: setup
	$(BIN)/python ../shared/eval/run_eval.py --set ../shared/eval/dev.jsonl --names ../shared/eval/names.txt --project . -v

clean:
	rm -rf $(VENV) linli.db linli.db-wal linli.db-shm
