"""`楼栋长和单元长加起来一共多少人`: when a question asks a total and the answer tells two or more
figures counted in the same unit, the answer adds them up (52名 + 147名 = 199名) instead of leaving
the sum to the resident. Figures whose values are no plain count (60%, 1000多人) are never added:
a sum of estimates would be a number the material does not support."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from knowledge.understand import Query

if TYPE_CHECKING:
    from knowledge.engine import Answer

TOTAL_ASKED = re.compile(r"加起来|加在一起|一共|总共|合计|总计|共计")
_COUNT = re.compile(r"^(\d+)([^\d多余几%.]{1,3})$")     # 52名, 7个: a plain count and its unit


def with_total(q: Query, answer: "Answer") -> "Answer":
    """`answer` with the sum of its figures when `q` asks a total and they add up; else as it is."""
    if answer.template != "community_items" or not TOTAL_ASKED.search(q.text):
        return answer
    # only the figures the question names (楼栋长和单元长), not others the answer shows beside them
    named = [e["item"] for e in answer.data["entries"] if e["kind"] == "figure" and _named(e["item"].label, q.text)]
    counts = [_COUNT.match(item.value.strip()) for item in named]
    if len(counts) < 2 or not all(counts) or len({m.group(2) for m in counts}) != 1:
        return answer
    answer.data["total"] = f"{sum(int(m.group(1)) for m in counts)}{counts[0].group(2)}"
    return answer


def _named(label: str, text: str) -> bool:
    """Whether the question says the figure's label: at least half of its character pairs."""
    label = re.sub(r"（.*?）|\(.*?\)", "", label)
    pairs = {label[i:i + 2] for i in range(len(label) - 1)}
    return bool(pairs) and sum(1 for b in pairs if b in text) * 2 >= len(pairs)
