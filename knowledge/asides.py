"""Remarks after a question: `福城社区的五福是什么 客户跟我说的没听懂`, `…三有是哪三有，我们楼下王阿姨
的儿子在深圳上班，她不会用手机，我帮她问问`. They tell of the one asking or their family and name nothing
to look up, so they are left out before matching: their words would weigh against what is asked."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from knowledge.asks import SUBJECTS
from knowledge.text import RELATIVES, asks

if TYPE_CHECKING:
    from knowledge.engine import Engine

# clauses are parted where the question's own are; a remark has a person in it (我, 她, 邻居, 孙子…)
ASIDE_BREAK = re.compile(r"[，,。！!；;]+|(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")
TELLER = re.compile(rf"我|俺|咱|[他她]|想|打算|省得|人家|别人|客户|邻居|老乡|老伴|大姑子|小叔子|在家|家里|{RELATIVES}")
OWNED = ("我们", "我的", "咱们", "我家", "俺们")
TOLD_ME = re.compile(r"(?:跟|和|对|给|告诉)(?:我|俺)(?:讲|说|提|聊)?|听(?:说|人说|.{1,4}(?:讲|说))")


def without_asides(engine: "Engine", question: str) -> str:
    """`question` without the clauses after its last asking clause that only tell of the one asking:
    they name nothing to look up, and their words would weigh against what is asked."""
    said = question.strip().rstrip("，,。！!；; ")
    parts = ASIDE_BREAK.split(said)
    if len(parts) < 2:
        return question
    end = len(parts)
    while end > 1:
        clause = parts[end - 1]
        heard = engine.understand(clause)
        # (我们老年大学同学…: the resident's own, not the article's)
        named = [m for m in heard.mentions if m.kind != "place" and not heard.text.endswith(OWNED, 0, m.start)]
        if asks(clause) or not TELLER.search(clause) or any(m.kind != "category" for m in named) or \
                named and not TOLD_ME.search(clause) and not _names_subject(engine, parts[:end - 1]):
            break   # (有啥服务，我妈80了: a need told; 邻居跟我讲的: who told it, whatever service 邻居 names;
            # 我小叔子住骆驼街道那边: where someone lives; 三有三益是啥，她不会用手机: why one asks)
        end -= 1
    if end == len(parts) or not any(asks(p) for p in parts[:end]):
        return question
    cut = 0
    for _ in range(end):     # the text up to the end of the last clause kept, as written
        found = ASIDE_BREAK.search(said, cut)
        cut = found.end() if found else len(said)
    return said[:cut].rstrip("，,。！!；; ")


def _names_subject(engine: "Engine", clauses: list[str]) -> bool:
    return any(m.kind in SUBJECTS for c in clauses for m in engine.understand(c).mentions)
