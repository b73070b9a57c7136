"""Instructions per webhook request, Linli against the bare aiohttp app: a noise-free second measure.

Wall-clock requests/s on a shared machine drift by a fifth within minutes; valgrind's callgrind
counts the instructions a server executes, which do not depend on what else the machine does.
Each server starts under callgrind with instrumentation off (start-up is not counted), is
warmed up, then counted while wrk sends requests; the count divided by the requests answered is
the cost of one request, aiohttp's own work included. (Instructions are not time: cache misses
and the like are not in them, so this complements `run_load.py`, it does not replace it.)

Usage: .venv/bin/python benchmarks/count_instructions.py [--seconds 6] [--questions FILE ...]
(`--questions` adds a scenario per file, e.g. the shared harness's 2,240 varied questions.)
Needs valgrind (callgrind, callgrind_control) and wrk.
"""
from __future__ import annotations

import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time

from run_load import PY, ROOT, TOKEN, free_port, wait_ready, wrk


def count(kind: str, questions: list[str], seconds: int, tmp: str) -> tuple[int, int]:
    """(instructions, requests) of one server while wrk loads it."""
    port = free_port()
    out = os.path.join(tmp, f"{kind}-{port}-%p.out")
    env = {**os.environ, "BOT_SERVER_PORT": str(port), "BOT_WECHAT_TOKEN": TOKEN, "BOT_WECHAT_APP_ID": "",
           "BOT_WECHAT_ENCODING_AES_KEY": "", "BOT_STORAGE_DATABASE": os.path.join(tmp, f"{port}.db")}
    cmd = [PY, "run_bot.py", "serve"] if kind == "linli" else [PY, "benchmarks/bare_app.py", str(port)]
    proc = subprocess.Popen(["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}", *cmd],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_ready(port, "/healthz" if kind == "linli" else "/wechat", tries=1200)
        warmed, started = 0, time.monotonic()
        while warmed < 3000 and time.monotonic() - started < 90:  # every openid seen thrice, as in a server that runs
            warmed += wrk(port, 4, questions)[2]
        control = ["callgrind_control"]
        subprocess.run([*control, "-i", "on", str(proc.pid)], capture_output=True, check=True)
        _, _, requests = wrk(port, seconds, questions)
        subprocess.run([*control, "-i", "off", str(proc.pid)], capture_output=True, check=True)
        subprocess.run([*control, "-d", str(proc.pid)], capture_output=True, check=True)
        time.sleep(1)
    finally:
        proc.terminate()
        proc.wait(60)
    total = 0
    for path in glob.glob(out.replace("%p", "*") + "*"):  # the dump adds a part suffix
        for line in open(path):
            if line.startswith("totals:"):
                total += int(line.split()[1])
    return total, requests


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=6)
    ap.add_argument("--questions", nargs="*", default=[], help="more question files, one scenario each")
    args = ap.parse_args()
    for tool in ("valgrind", "callgrind_control", "wrk"):
        if not shutil.which(tool):
            print(f"{tool} is not installed", file=sys.stderr)
            return 2
    real = [q.strip() for q in open(ROOT / "benchmarks" / "questions.txt", encoding="utf-8") if q.strip()]
    tmp = tempfile.mkdtemp(prefix="linli-instr-")
    try:
        bare, bare_n = count("bare", ["你好"], args.seconds, tmp)
        print("| scenario | bare aiohttp instructions/request | Linli instructions/request | ratio |")
        print("|---|---|---|---|")
        extra = [(os.path.basename(path), [q.strip() for q in open(path, encoding="utf-8") if q.strip()])
                 for path in args.questions]
        for name, questions in (("greeting", ["你好"]), ("realistic questions", real), *extra):
            ours, n = count("linli", questions, args.seconds, tmp)
            print(f"| {name} | {bare // bare_n:,} | {ours // n:,} | {(bare / bare_n) / (ours / n):.2f} |")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
