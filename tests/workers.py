"""Waiting for `run_bot.py serve --workers N` to be up: each worker names itself in /healthz (X-Worker)."""
from __future__ import annotations

import time
import urllib.request


def worker_pids(base: str, n: int = 2, tries: int = 1200) -> set[str]:
    """The workers seen answering /healthz at `base`, once `n` have (or after `tries` tenths of a
    second: each worker loads the knowledge, slow on a busy machine)."""
    pids: set[str] = set()
    for _ in range(tries):
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=1) as resp:
                pids.add(resp.headers.get("X-Worker"))
            if len(pids) >= n:
                break
        except OSError:
            pass
        time.sleep(0.1)
    return pids
