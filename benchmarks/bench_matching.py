"""Matching benchmark: answer latency per question (p50, p99) on the real knowledge base and on
synthetic ones of 10k and 100k entries, uncached (the engine's understanding cache is cleared
before every question), plus the memory the engine holds.

Usage: .venv/bin/python benchmarks/bench_matching.py [--sizes 10000,100000] [--rounds 3]
Synthetic names are random Chinese strings built like the real ones (2-4 characters + 社区,
programme names of 3-8 characters with a kind suffix); questions mix real phrasings with
names drawn from the synthetic data and with typos.
"""
from __future__ import annotations

import argparse
import gc
import json
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlite_utils  # noqa: E402

from knowledge.engine import Engine  # noqa: E402
from knowledge.loader import build_database, export_records  # noqa: E402

CHARS = "东西南北中海江湖山河金银玉华兴隆安宁康泰和平明光阳春秋丰富贵福寿禄文武德仁义礼智信新旧青红白绿蓝紫花草树林森竹梅兰菊松柏桃李"
KINDS = ["志愿服务队", "工作室", "服务站", "议事会", "课堂", "驿站", "俱乐部", "工作法", "公益行动", "日间照料中心"]
REAL_QUESTIONS = [q.strip() for q in open(ROOT / "benchmarks" / "questions.txt", encoding="utf-8") if q.strip()]


def rss_mb() -> float:
    """Current resident memory (Linux /proc), not the high-water mark."""
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def synthetic(size: int, seed: int = 7) -> tuple[dict, list[str]]:
    rnd = random.Random(seed)
    base = export_records(real_db())
    communities, programmes, seen = [], [], set()
    n_comm = max(1, size // 5)
    while len(communities) < n_comm:
        name = "".join(rnd.choice(CHARS) for _ in range(rnd.randint(2, 4))) + "社区"
        if name in seen:
            continue
        seen.add(name)
        communities.append({"id": f"s{len(communities)}", "name": name, "city": "宁波市",
                            "county": rnd.choice(["海曙区", "鄞州区", "江北区", "镇海区", "北仑区"]),
                            "source": base["sources"][0]["id"]})
    cats = [c["id"] for c in base["categories"]]
    while len(communities) + len(programmes) < size:
        name = "".join(rnd.choice(CHARS) for _ in range(rnd.randint(3, 6)))
        if name in seen:
            continue
        seen.add(name)
        programmes.append({"id": f"p{len(programmes)}", "name": name, "community": rnd.choice(communities)["id"],
                           "kind": rnd.choice(KINDS), "categories": rnd.sample(cats, 2), "source": base["sources"][0]["id"]})
    data = {"sources": base["sources"], "categories": base["categories"], "communities": communities,
            "programmes": programmes, "contacts": [], "lists": []}
    questions = []
    for i in range(60):
        c, p = rnd.choice(communities)["name"], rnd.choice(programmes)["name"]
        typo = c[:1] + rnd.choice(CHARS) + c[2:] if len(c) > 4 else c
        questions += [f"{c}在哪里", f"哪个社区有{p}", f"{typo}有什么养老服务", f"{c}书记是谁", "哪些社区有志愿服务",
                      "今天天气怎么样"]
    return data, questions


_REAL = None


def real_db() -> sqlite_utils.Database:
    global _REAL
    if _REAL is None:
        _REAL = sqlite_utils.Database(memory=True)
        build_database(_REAL, ROOT / "knowledge" / "data")
    return _REAL


def measure(engine: Engine, questions: list[str], rounds: int) -> tuple[float, float]:
    for q in questions[:20]:
        engine.answer(q)
    times = []
    for _ in range(rounds):
        for q in questions:
            engine._understood.clear()
            t = time.perf_counter()
            engine.answer(q)
            times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.99) - 1]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    rows = []
    gc.collect()
    before = rss_mb()
    engine = Engine.from_database(real_db())
    entries = len(engine.model.communities) + len(engine.model.programmes)
    p50, p99 = measure(engine, REAL_QUESTIONS, args.rounds * 10)
    rows.append(("real (articles)", entries, p50, p99, rss_mb() - before))
    for size in (int(s) for s in args.sizes.split(",") if s):
        data, questions = synthetic(size)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "kb.json"
            path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            db = sqlite_utils.Database(Path(tmp) / "kb.db")
            t = time.perf_counter()
            build_database(db, path)
            built = time.perf_counter() - t
            gc.collect()
            before = rss_mb()
            t = time.perf_counter()
            engine = Engine.from_database(db)
            loaded = time.perf_counter() - t
            p50, p99 = measure(engine, questions, args.rounds)
            rows.append((f"synthetic {size:,} (build {built:.0f} s, load {loaded:.0f} s)", size, p50, p99,
                         rss_mb() - before))
    print("| knowledge base | entries | p50 ms | p99 ms | engine memory (RSS growth) MB |")
    print("|---|---|---|---|---|")
    for name, n, p50, p99, mem in rows:
        print(f"| {name} | {n:,} | {p50:.2f} | {p99:.2f} | {mem:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
