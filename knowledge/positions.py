"""`20强名单上排第3的是哪个社区`: the member at a place of a published list.

A list is printed in an order; the Nth member of it is a fact of the article whether or not the
order is a ranking (lists.yaml `ordered` says which), so the answer names the member and says
when the order is only the order of print. `我数错了，是第13个` corrects the place asked."""
from __future__ import annotations

import re

from knowledge.text import chinese_number

# 第3个, 排第十三, 第13名: a place in a list (not 第二届, 第一批: a round of it)
POSITION = re.compile(r"(?:排在?|排名)?第([一二两三四五六七八九十\d]{1,3})(?:个|名|位|家|项)?(?![届批期轮次])")
def _places(text: str) -> list[re.Match]:
    """The places in a list `text` says (排第3, 第3个), not a bare 第3 of something else."""
    return [m for m in POSITION.finditer(text) if m.group(0).startswith("排") or m.group(0)[-1] in "个名位家项"]


def asked_position(text: str) -> int:
    """The place in a list `text` asks about (0 when it asks none)."""
    found = _places(text)
    return chinese_number(found[-1].group(1)) if found else 0


def corrected(question: str, correction: str) -> str:
    """`question` with the place it asked replaced by the one `correction` says (是第13个), else ""."""
    new = asked_position(correction) or (chinese_number(m.group(1)) if (m := POSITION.search(correction)) else 0)
    old = _places(question)
    if not new or not old:
        return ""
    m = old[-1]
    return question[:m.start(1)] + str(new) + question[m.end(1):]
