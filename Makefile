# Two commands on a fresh machine: `make run` serves the bot, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test redis kb bench eval clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements-dev.txt
	touch $(STAMP)

setup: $(STAMP)
	@# the console's browser tests drive Debian's chromium (Playwright never downloads a browser);
	@# a CJK font makes their screenshots readable
	(command -v chromium && fc-list :lang=zh | grep -q .) >/dev/null 2>&1 || \
		(apt-get update && apt-get install -y chromium fonts-wqy-microhei)

run: setup
	$(BIN)/python run_bot.py serve

test: setup redis
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

# the scale-out tests start a real redis-server (Debian package) on a free loopback port
redis:
	command -v redis-server >/dev/null || (apt-get update && apt-get install -y redis-server)

kb: setup
	$(BIN)/python run_bot.py kb build

bench: setup
	$(BIN)/python benchmarks/bench_matching.py

eval: setup
	$(BIN)/python ../shared/eval/run_eval.py --set ../shared/eval/dev.jsonl --names ../shared/eval/names.txt --project . -v

clean:
	rm -rf $(VENV) linli.db linli.db-wal linli.db-shm
