"""Who an announcement is for, from the words a staff member (or operator) wrote.

One place for WeChat, the CLI and the web console: community names (full or short, several
separated by 、，, 和), a district or street (admins), everyone (全体), WeChat user tags
(`标签:名称`, admins). Namesakes come back as numbered choices, a typo comes back with the
correction made so the preview can say it, an unknown word comes back as unknown.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from knowledge.text import compact

EVERYONE = ("全体", "全部", "所有", "所有社区", "全部社区", "全体居民")
SEPARATORS = "、，,；;和及与 \t\u3000/"
SUFFIXES = ("社区", "村")
TAG = re.compile(r"^(?:标签|tag)[:：]\s*(\S+?)(?=[、，,；;\s]|$)", re.I)


@dataclass
class Hit:
    """One target word as understood: a community, a district, everyone, a tag, or namesakes."""
    word: str
    kind: str                  # community | district | all | tag | ambiguous
    ids: list[str]
    label: str
    corrected: bool = False    # a typo was corrected (the preview says so)


@dataclass
class Targets:
    hits: list[Hit] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)

    @property
    def scope(self) -> str:
        kinds = {h.kind for h in self.hits}
        if "all" in kinds:
            return "all"
        if "tag" in kinds:
            return "tag"
        return "district" if "district" in kinds else "community"

    @property
    def ids(self) -> list[str]:
        """Community ids (or tag ids for scope tag); empty for everyone."""
        if self.scope == "all":
            return []
        if self.scope == "tag":
            return [i for h in self.hits if h.kind == "tag" for i in h.ids]
        return list(dict.fromkeys(i for h in self.hits if h.kind in ("community", "district") for i in h.ids))

    @property
    def label(self) -> str:
        return "、".join(h.label for h in self.hits)

    @property
    def ambiguous(self) -> Hit | None:
        return next((h for h in self.hits if h.kind == "ambiguous"), None)

    @property
    def corrections(self) -> list[Hit]:
        return [h for h in self.hits if h.corrected]

    def choose(self, index: int) -> bool:
        """Settle the first namesake with the staff member's numbered choice (1-based)."""
        hit = self.ambiguous
        if hit is None or not 1 <= index <= len(hit.ids):
            return False
        hit.ids, hit.kind = [hit.ids[index - 1]], "community"
        return True

    def to_dict(self) -> dict:
        return {"hits": [h.__dict__ for h in self.hits], "unknown": self.unknown}

    @classmethod
    def from_dict(cls, d: dict) -> "Targets":
        return cls([Hit(**h) for h in d.get("hits", [])], list(d.get("unknown", [])))


class Resolver:
    """Reads target words against the knowledge engine's names (and the account's tags)."""

    def __init__(self, knowledge, tags: dict[str, int] | None = None) -> None:
        self.kb, self.tags = knowledge, tags or {}

    def label_for(self, cid: str) -> str:
        c = self.kb.community(cid)
        if c is None:
            return cid
        where = "·".join(x for x in (c.county, c.street) if x)
        return f"{c.name}（{where}）" if where else f"{c.name}（{c.id}）"

    def word(self, word: str) -> Hit | None:
        """One target word; None when nothing fits."""
        word = word.strip()
        if word in EVERYONE:
            return Hit(word, "all", [], "全体关注的居民")
        m = TAG.match(word)
        if m:
            name = m.group(1)
            return Hit(word, "tag", [str(self.tags[name])], f"标签“{name}”") if name in self.tags else None
        if self.kb.community(word) is not None:   # an id, as the CLI may give
            return Hit(word, "community", [word], self.kb.community(word).name)
        text = compact(word)
        for m in self.kb.index.exact(text):
            if m.end - m.start != len(text):
                continue
            if m.kind == "community":
                if len(m.ids) > 1:
                    return Hit(word, "ambiguous", list(m.ids), self.kb.community(m.ids[0]).name)
                return Hit(word, "community", list(m.ids), self.kb.community(m.ids[0]).name)
            if m.kind == "place":
                place = m.ids[0]
                ids = [c.id for c in self.kb.model.communities.values() if place in (c.county, c.street, c.city)]
                return Hit(word, "district", ids, place) if ids else None
        candidates = [text] if text.endswith(SUFFIXES) else [text, text + "社区"]
        for cand in candidates:
            fuzzy = self.kb.index.fuzzy_names(cand, "community")
            if fuzzy and fuzzy.start == 0 and fuzzy.end == len(cand):
                names = {self.kb.community(i).name for i in fuzzy.ids}
                if len(names) == 1:
                    kind = "ambiguous" if len(fuzzy.ids) > 1 else "community"
                    return Hit(word, kind, list(fuzzy.ids), names.pop(), corrected=True)
        return None

    def prefix(self, text: str) -> tuple[Hit, int] | None:
        """The target word at the start of `text` (no separator needed after it): (hit, length)."""
        for word in EVERYONE:
            if text.startswith(word):
                return Hit(word, "all", [], "全体关注的居民"), len(word)
        m = TAG.match(text)
        if m:
            hit = self.word(m.group(0))
            return (hit, m.end()) if hit else None
        forms = self.kb.index.surfaces.forms
        for length in range(min(len(text), self.kb.index.surfaces.max_len), 1, -1):
            entries = forms.get(text[:length])
            if entries and any(k in ("community", "place") for k, _, _ in entries):
                hit = self.word(text[:length])
                if hit is not None:
                    return hit, length
        # a typo: up to the first 社区/村 within reach, or the word before a separator
        ends = [text.find(s) + len(s) for s in SUFFIXES if 0 < text.find(s) <= 8]
        sep = next((i for i, ch in enumerate(text) if ch in SEPARATORS), len(text))
        for end in sorted(set(ends)) + ([sep] if 2 <= sep <= 6 else []):
            hit = self.word(text[:end])
            if hit is not None:
                return hit, end
        return None

    def resolve(self, words: list[str]) -> Targets:
        """Separate words (as the CLI gives them), each one a target."""
        out = Targets()
        for w in words:
            parts = [p for p in re.split(f"[{re.escape(SEPARATORS)}]+", w) if p] if not TAG.match(w) else [w]
            for p in parts:
                hit = self.word(p)
                if hit is None:
                    out.unknown.append(p)
                else:
                    out.hits.append(hit)
        return out
