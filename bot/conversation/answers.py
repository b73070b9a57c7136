"""Turning the knowledge engine's Answer into reply text with the operators' templates.

Answers are rendered whole; the one door (bot/conversation/pager.py) pages what is too long."""
from __future__ import annotations

from dataclasses import dataclass

import orjson

from bot.conversation.templates import Templates


def render_answer(templates: Templates, answer, sources: dict) -> str:
    data = dict(answer.data)
    data["sources"] = sources
    follow = data.pop("follow", None)
    if follow is not None:
        data["follow_text"] = render_answer(templates, follow, sources)
    if answer.pages is None:
        return templates.render(answer.template, offset=0, **data)
    return templates.render(answer.template, items=answer.pages, more=False, offset=0, **data)


@dataclass(frozen=True)
class Rendered:
    """An answer as the ask flow needs it: the text and what to remember and log."""
    text: str
    chosen_community: str | None    # the community the resident said they live in, to remember
    open_question: dict | None      # a clarifying question the bot asked ({"kind": choose|need_community, ...})
    intent: str
    entities: str                   # JSON, as logged
    confidence: float               # rounded as logged
    answered: bool
    people: tuple[str, ...] = ()    # people the answer names (for a later 他)

    @property
    def entity_ids(self) -> dict:
        return orjson.loads(self.entities)


def answer_and_render(kb, templates: Templates, question: str, community_id: str, open_question: dict) -> Rendered:
    answer = kb.answer(question, home=community_id, pending=open_question)
    text = render_answer(templates, answer, kb.model.sources)
    contacts = answer.data.get("contacts") or ()
    people = tuple(c.name for c in contacts[:1]) if answer.template in ("contacts", "phone") else ()
    return Rendered(text, answer.bind, answer.pending, answer.intent, orjson.dumps(answer.entities).decode(),
                    round(answer.confidence, 3), bool(answer.answered), people)


class ReplyCache:
    """Rendered answers by (question, resident's community, open clarifying question).

    Answering is a pure function of the question, the resident's community, the question the bot
    asked last (if any) and the knowledge; rendering is a pure function of the answer and the
    templates. So a question asked before in the same situation is answered from here. The cache
    serves one engine and one template set and empties itself when either is replaced (reload).
    Bounded: the oldest entry goes first."""

    def __init__(self, entries: int = 10000) -> None:
        self.entries = entries
        self._owner: tuple = (None, None)
        self._items: dict[tuple[str, str, bytes], Rendered] = {}

    def __len__(self) -> int:
        return len(self._items)

    def answer(self, kb, templates: Templates, question: str, community_id: str, open_question: dict) -> Rendered:
        if self._owner[0] is not kb or self._owner[1] is not templates:
            self._owner, self._items = (kb, templates), {}
        key = (question, community_id, orjson.dumps(open_question, option=orjson.OPT_SORT_KEYS) if open_question else b"")
        found = self._items.get(key)
        if found is None:
            found = answer_and_render(kb, templates, question, community_id, open_question)
            if self.entries:
                if len(self._items) >= self.entries:
                    del self._items[next(iter(self._items))]
                self._items[key] = found
        return found
