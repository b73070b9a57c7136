"""Webhook load benchmark: Linli against a bare aiohttp app, side by side in one run.

Each server runs alone on core 0 (taskset), wrk on core 1. Rounds alternate the servers so
that machine noise hits both alike: the speed of this shared machine drifts by a fifth within
minutes, so each round's ratio compares two runs seconds apart, and the report gives the median
of those ratios with their range, the medians of requests/s, CPU time per request and p99. Usage: .venv/bin/python benchmarks/run_load.py [--seconds 10] [--rounds 3]
Needs wrk (Debian package `wrk`) and taskset (util-linux).
"""
from __future__ import annotations

import argparse
import hashlib
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
TOKEN = "benchtoken"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(port: int, path: str = "/healthz", tries: int = 300) -> None:
    for _ in range(tries):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=1)
            return
        except Exception as exc:  # noqa: BLE001
            if getattr(exc, "code", None) in (403, 405):
                return
            time.sleep(0.1)
    raise RuntimeError("server did not start")


def start(kind: str, port: int, tmp: str, extra_env: dict[str, str]) -> subprocess.Popen:
    env = {**os.environ, **extra_env, "BOT_SERVER_PORT": str(port), "BOT_WECHAT_TOKEN": TOKEN, "BOT_WECHAT_APP_ID": "",
           "BOT_WECHAT_ENCODING_AES_KEY": "", "BOT_STORAGE_DATABASE": os.path.join(tmp, f"{port}.db"),
           "BOT_LOG_LEVEL": os.environ.get("BENCH_LOG_LEVEL", "INFO")}
    cmd = [PY, "run_bot.py", "serve"] if kind == "linli" else [PY, "benchmarks/bare_app.py", str(port)]
    log = open(os.path.join(tmp, f"{kind}.log"), "ab")
    proc = subprocess.Popen(["taskset", "-c", "0", *cmd], cwd=ROOT, env=env, stdout=log, stderr=log)
    wait_ready(port, "/healthz" if kind == "linli" else "/wechat")
    return proc


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (/proc/PID/stat, clock ticks)."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def signed_paths(seconds: int, per_second: int = 15000) -> str:
    """A file of signed queries, one per request: the bot refuses a signed query used twice
    (replay memory), as WeChat signs every request afresh. More than the run can use."""
    ts = str(int(time.time()))
    fd, path = tempfile.mkstemp(suffix=".paths")
    with os.fdopen(fd, "w") as out:
        for _ in range(seconds * per_second):
            nonce = str(random.randrange(10**12, 10**13))
            sig = hashlib.sha1("".join(sorted([TOKEN, ts, nonce])).encode()).hexdigest()
            out.write(f"/wechat?signature={sig}&timestamp={ts}&nonce={nonce}\n")
    return path


def wrk(port: int, seconds: int, questions: list[str]) -> tuple[float, float, int]:
    paths = signed_paths(seconds)
    env = {**os.environ, "LOAD_PATHS": paths, "LOAD_TS": str(int(time.time())),
           "LOAD_QUESTIONS": "|".join(questions), "LOAD_MSGID_BASE": str(random.randrange(10**15, 9 * 10**15))}
    out = subprocess.run(["taskset", "-c", "1", "wrk", "-t1", "-c16", f"-d{seconds}s", "--latency",
                          "-s", str(ROOT / "benchmarks" / "webhook_load.lua"), f"http://127.0.0.1:{port}"],
                         env=env, capture_output=True, text=True, check=True).stdout
    os.unlink(paths)
    if "Non-2xx" in out:
        raise RuntimeError("non-2xx answers during the load:\n" + out)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    return rps, float(p99.group(1)) * scale, int(re.search(r"(\d+) requests in", out).group(1))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    if not shutil.which("wrk"):
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2
    real = [q.strip() for q in open(ROOT / "benchmarks" / "questions.txt", encoding="utf-8") if q.strip()]
    # name -> (questions, settings for Linli)
    no_caches = {"BOT_MATCHING_REPLY_CACHE_ENTRIES": "0", "BOT_STORAGE_STATE_CACHE_ENTRIES": "0"}
    scenarios = {"greeting (text, no knowledge lookup)": (["你好"], {}),
                 "realistic questions (`questions.txt`)": (real, {}),
                 "realistic questions, reply and resident caches off": (real, no_caches)}
    tmp = tempfile.mkdtemp(prefix="linli-load-")
    results: dict[tuple[str, str], list[tuple[float, float, float]]] = {}  # (req/s, p99 ms, CPU µs per request)
    try:
        for name, (questions, settings) in scenarios.items():
            for _ in range(args.rounds):
                for kind in ("bare", "linli"):
                    port = free_port()
                    proc = start(kind, port, tmp, settings if kind == "linli" else {})
                    try:
                        wrk(port, 2, questions)  # warm-up
                        cpu = cpu_seconds(proc.pid)
                        rps, p99, n = wrk(port, args.seconds, questions)
                        per_request = (cpu_seconds(proc.pid) - cpu) / n * 1e6
                        results.setdefault((name, kind), []).append((rps, p99, per_request))
                    finally:
                        proc.terminate()
                        proc.wait(10)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("| scenario | bare aiohttp req/s | Linli req/s | ratio (median of rounds) | ratio per round (min-max) "
          "| CPU per request bare / Linli µs | CPU ratio | bare p99 ms | Linli p99 ms |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name in scenarios:
        bare, linli = results[(name, "bare")], results[(name, "linli")]
        b, ours = statistics.median(r[0] for r in bare), statistics.median(r[0] for r in linli)
        per_round = [lr[0] / br[0] for br, lr in zip(bare, linli)]
        cb, cl = statistics.median(r[2] for r in bare), statistics.median(r[2] for r in linli)
        print(f"| {name} | {b:.0f} | {ours:.0f} | {statistics.median(per_round):.2f} | "
              f"{min(per_round):.2f}-{max(per_round):.2f} | "
              f"{cb:.0f} / {cl:.0f} | {cb / cl:.2f} | {statistics.median(r[1] for r in bare):.2f} | "
              f"{statistics.median(r[1] for r in linli):.2f} |")
    print(f"\n{args.rounds} alternating rounds of {args.seconds} s per server, medians; wrk -t1 -c16 on core 1, "
          "server on core 0. CPU per request: the server's user + system time during the run over the "
          "requests it answered (steal time of a shared host is not in it).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
