"""Scale-out benchmark: one worker without Redis, one with Redis, two workers with Redis
(`serve --workers 2`), alternating rounds, wrk on the same port. Usage:
.venv/bin/python benchmarks/run_scale.py [--seconds 8] [--rounds 3]
Needs wrk and redis-server (Debian packages). No CPU pinning: two workers need both cores, so
wrk shares them; the numbers say what one machine gains, not what a core does.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from redis_server import RedisServer  # noqa: E402
from run_load import PY, ROOT, TOKEN, free_port, signed_paths, wait_ready  # noqa: E402

SETUPS = {"1 worker": (1, False), "1 worker + Redis": (1, True), "2 workers + Redis": (2, True)}


def run(workers: int, redis_url: str, seconds: int, questions: list[str], tmp: str) -> tuple[float, float]:
    port = free_port()
    env = {**os.environ, "BOT_SERVER_PORT": str(port), "BOT_WECHAT_TOKEN": TOKEN, "BOT_WECHAT_APP_ID": "",
           "BOT_STORAGE_DATABASE": os.path.join(tmp, "scale.db"), "BOT_STORAGE_REDIS_URL": redis_url,
           "BOT_LOG_LEVEL": "WARNING"}
    proc = subprocess.Popen([PY, "run_bot.py", "serve", "--workers", str(workers)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_ready(port)
        time.sleep(3 if workers > 1 else 0.5)   # the other workers finish loading
        paths = signed_paths(seconds)
        lenv = {**os.environ, "LOAD_PATHS": paths, "LOAD_TS": str(int(time.time())),
                "LOAD_QUESTIONS": "|".join(questions), "LOAD_MSGID_BASE": str(int(time.time() * 1000) * 1000)}
        out = subprocess.run(["wrk", "-t1", "-c32", f"-d{seconds}s", "--latency", "-s",
                              str(ROOT / "benchmarks" / "webhook_load.lua"), f"http://127.0.0.1:{port}"],
                             env=lenv, capture_output=True, text=True, check=True).stdout
        os.unlink(paths)
    finally:
        proc.terminate()
        proc.wait(30)
    if "Non-2xx" in out:
        raise RuntimeError(out)
    import re
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    return rps, float(p99.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    questions = [q.strip() for q in open(ROOT / "benchmarks" / "questions.txt", encoding="utf-8") if q.strip()]
    redis = RedisServer()
    results: dict[str, list[tuple[float, float]]] = {k: [] for k in SETUPS}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for _ in range(args.rounds):
                for name, (workers, shared) in SETUPS.items():
                    if shared:
                        redis.flush()
                    results[name].append(run(workers, redis.url if shared else "", args.seconds, questions, tmp))
                    print(name, results[name][-1], flush=True)
    finally:
        redis.stop()
    base = statistics.median(r for r, _ in results["1 worker"])
    for name, runs in results.items():
        rps = statistics.median(r for r, _ in runs)
        print(f"{name}: {rps:.0f} requests/s (x{rps / base:.2f}), p99 {statistics.median(p for _, p in runs):.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
