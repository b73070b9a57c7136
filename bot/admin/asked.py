"""What residents ask that the bot could not answer well: grouped by similarity (rapidfuzz)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from rapidfuzz import fuzz

LOW_CONFIDENCE = 0.6
SIMILAR = 70.0


@dataclass
class Group:
    text: str                                  # the most frequent wording
    count: int = 0
    first: float = 0.0
    last: float = 0.0
    wordings: Counter = field(default_factory=Counter)
    intents: Counter = field(default_factory=Counter)


def group_questions(rows: list[dict], similar: float = SIMILAR, low: float = LOW_CONFIDENCE) -> list[Group]:
    """Unanswered and low-confidence questions, similar wordings together, biggest groups first."""
    groups: list[Group] = []
    for r in rows:
        if r["answered"] and (r["confidence"] or 0) >= low:
            continue
        text = r["text"].strip()
        if not text:
            continue
        g = next((g for g in groups if fuzz.ratio(text, g.text) >= similar
                  or any(fuzz.ratio(text, w) >= similar for w in list(g.wordings)[:5])), None)
        if g is None:
            g = Group(text=text, first=r["at"], last=r["at"])
            groups.append(g)
        g.count += 1
        g.wordings[text] += 1
        g.intents[r["intent"] or "-"] += 1
        g.first, g.last = min(g.first, r["at"]), max(g.last, r["at"])
        g.text = g.wordings.most_common(1)[0][0]
    return sorted(groups, key=lambda g: (-g.count, -g.last))
