"""Turning the knowledge engine's Answer into reply text with the operators' templates.

Long lists are cut to WeChat's 2048-byte limit; what was shown is remembered so that "更多"
continues from there (the question is re-asked and the list resumed at the same offset,
which is exact because answering is deterministic).
"""
from __future__ import annotations

from dataclasses import dataclass

import orjson

from bot.conversation.templates import Templates


def render_answer(templates: Templates, answer, sources: dict, offset: int = 0) -> tuple[str, int | None]:
    """(text, next offset or None when everything was shown)."""
    data = dict(answer.data)
    data["sources"] = sources
    follow = data.pop("follow", None)
    if follow is not None:
        data["follow_text"] = render_answer(templates, follow, sources)[0]
    if answer.pages is None:
        return templates.render(answer.template, offset=0, **data), None
    items = answer.pages[offset:]
    text, rest = templates.fit(answer.template, items, offset=offset, **data)
    return text, (offset + len(items) - len(rest)) if rest else None


QUESTION_CHARS = 300  # a longer message is matched on its first this many characters


def for_matching(text: str) -> tuple[str, bool]:
    """(the text matching reads, whether it was cut): bounds the work one message can cost
    whatever its length (a message of several thousand characters is not a question)."""
    return (text[:QUESTION_CHARS], True) if len(text) > QUESTION_CHARS else (text, False)


@dataclass(frozen=True)
class Rendered:
    """An answer as the ask handler needs it: the text and what to remember and log."""
    text: str
    next_offset: int | None
    bind: str | None
    pending: dict | None
    intent: str
    entities: str       # JSON, as logged
    confidence: float   # rounded as logged
    answered: int


def answer_and_render(kb, templates: Templates, question: str, home: str, pending: dict) -> Rendered:
    answer = kb.answer(question, home=home, pending=pending)
    text, next_offset = render_answer(templates, answer, kb.model.sources)
    return Rendered(text, next_offset, answer.bind, answer.pending, answer.intent, orjson.dumps(answer.entities).decode(),
                    round(answer.confidence, 3), int(answer.answered))


class ReplyCache:
    """Rendered answers by (question, resident's community, open clarifying question).

    Answering is a pure function of the question, the resident's community, the question the bot
    asked last (if any) and the knowledge (announcements are another handler's); rendering is a
    pure function of the answer and the templates. So a question asked before in the same
    situation is answered from here. The cache serves one engine and one template set and empties
    itself when either is replaced (SIGHUP reload). Bounded: the oldest entry goes first."""

    def __init__(self, entries: int = 10000) -> None:
        self.entries = entries
        self._owner: tuple = (None, None)
        self._items: dict[tuple[str, str, bytes], Rendered] = {}

    def __len__(self) -> int:
        return len(self._items)

    def answer(self, kb, templates: Templates, question: str, home: str, pending: dict) -> Rendered:
        if self._owner[0] is not kb or self._owner[1] is not templates:
            self._owner, self._items = (kb, templates), {}
        key = (question, home, orjson.dumps(pending, option=orjson.OPT_SORT_KEYS) if pending else b"")
        found = self._items.get(key)
        if found is None:
            found = answer_and_render(kb, templates, question, home, pending)
            if self.entries:
                if len(self._items) >= self.entries:
                    del self._items[next(iter(self._items))]
                self._items[key] = found
        return found
