"""`楼栋长和单元长加起来一共多少人`: when a question asks a total and the answer tells two or more
figures counted in the same unit, the answer adds them up (52名 + 147名 = 199名) instead of leaving
the sum to the resident; `党员比网格员多出多少人` gets the difference of the two. Figures whose
values are no plain count (60%, 1000多人) are never added: a sum of estimates would be a number
the material does not support."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from knowledge.text import bigrams
from knowledge.understand import Query

if TYPE_CHECKING:
    from knowledge.engine import Answer

TOTAL_ASKED = re.compile(r"加起来|加在一起|一共|总共|合计|总计|共计")
DIFFERENCE_ASKED = re.compile(r"多出|多多少|少多少|多几|少几|相差|差多少|差几|差了")
# units that count the same things (285人 and 181名 are both people)
_SAME_UNIT = {"名": "人", "位": "人", "人": "人"}
_COUNT = re.compile(r"^(\d+)([^\d多余几%.]{1,3})$")     # 52名, 7个: a plain count and its unit


def with_total(q: Query, answer: "Answer") -> "Answer":
    """`answer` with the sum (or the difference of two) of its figures when `q` asks it and they add
    up; else as it is."""
    total, difference = TOTAL_ASKED.search(q.text), DIFFERENCE_ASKED.search(q.text)
    if answer.template != "community_items" or not (total or difference):
        return answer
    # only the figures the question names (楼栋长和单元长), not others the answer shows beside them
    named = [e["item"] for e in answer.data["entries"] if e["kind"] == "figure" and _named(e["item"].label, q.text)]
    counts = [_COUNT.match(item.value.strip()) for item in named]
    units = {_SAME_UNIT.get(m.group(2), m.group(2)) for m in counts if m}
    if len(counts) < 2 or not all(counts) or len(units) != 1:
        return answer
    unit, values = counts[0].group(2), [int(m.group(1)) for m in counts]
    if difference and len(values) == 2:
        answer.data["difference"] = f"{abs(values[0] - values[1])}{unit}"
    elif total:
        answer.data["total"] = f"{sum(values)}{unit}"
    return answer


def _named(label: str, text: str) -> bool:
    """Whether the question says the figure's label: at least half of its character pairs."""
    label = re.sub(r"（.*?）|\(.*?\)", "", label)
    pairs = bigrams(label) if len(label) >= 2 else set()
    return bool(pairs) and sum(1 for b in pairs if b in text) * 2 >= len(pairs)
