"""Figures for the statistics page, read from the question log and the outbox (read only)."""
from __future__ import annotations

import json
import sqlite3
import time
from collections import Counter
from datetime import datetime


def question_stats(db, days: int = 30) -> dict:
    since = time.time() - days * 86400
    try:
        rows = db.conn.execute("select at, intent, answered, entities from questions where at >= ?", [since]).fetchall()
    except sqlite3.Error:
        rows = []
    per_day: Counter = Counter()
    answered_day: Counter = Counter()
    intents: Counter = Counter()
    communities: Counter = Counter()
    categories: Counter = Counter()
    for at, intent, answered, entities in rows:
        day = datetime.fromtimestamp(at).strftime("%m-%d")
        per_day[day] += 1
        answered_day[day] += bool(answered)
        intents[intent or "-"] += 1
        try:
            ents = json.loads(entities or "{}")
        except ValueError:
            ents = {}
        for c in ents.get("community", []) if isinstance(ents, dict) else []:
            communities[c] += 1
        for c in ents.get("category", []) if isinstance(ents, dict) else []:
            categories[c] += 1
    days_list = sorted(per_day)
    every_day = [datetime.fromtimestamp(since + (i + 1) * 86400).strftime("%m-%d") for i in range(days)]
    total, answered = len(rows), sum(1 for r in rows if r[2])
    return {"total": total, "answer_rate": round(100 * answered / total, 1) if total else 0.0,
            "per_day": [(d, per_day[d]) for d in every_day] if total else [],
            "rate_per_day": [(d, round(100 * answered_day[d] / per_day[d], 1)) for d in days_list],
            "intents": intents.most_common(10), "communities": communities.most_common(10),
            "categories": categories.most_common(10)}


def delivery_stats(db) -> list[tuple[str, int]]:
    try:
        rows = db.conn.execute("select coalesce(nullif(channel, ''), '-'), state, count(*) from outbox "
                               "group by 1, 2").fetchall()
    except sqlite3.Error:
        return []
    return [(f"{channel} {state}", n) for channel, state, n in sorted(rows)]
