"""Turning the knowledge engine's Answer into reply text with the operators' templates.

Answers are rendered whole; the one door (bot/conversation/pager.py) pages what is too long."""
from __future__ import annotations

import re
from dataclasses import dataclass

import orjson

from bot.conversation.memo import Memo
from bot.conversation.templates import Templates


def render_answer(templates: Templates, answer, sources: dict) -> str:
    data = dict(answer.data)
    data["sources"] = sources
    follow = data.pop("follow", None)
    if follow is not None:
        data["follow_text"] = render_answer(templates, follow, sources)
    parts = data.pop("parts", None)
    if parts is not None:  # several communities answered side by side (knowledge/several.py)
        data["part_texts"] = [render_answer(templates, p, sources) for p in parts]
    if answer.pages is not None:
        data["items"] = answer.pages
    return templates.render(answer.template, **data)


QUESTION_CHARS = 300  # a longer message is matched on its first this many characters


def for_matching(text: str) -> tuple[str, bool]:
    """(the text matching reads, whether it was cut): bounds the work one message can cost
    whatever its length (a message of several thousand characters is not a question)."""
    return (text[:QUESTION_CHARS], True) if len(text) > QUESTION_CHARS else (text, False)


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
    uses_residence: bool = False    # depends on where the resident lives (cached per community)
    listed: tuple[str, ...] = ()    # programmes the reply names, in order (for a later 第二个, 最后那个)


def answer_and_render(kb, templates: Templates, question: str, community_id: str, open_question: dict) -> Rendered:
    answer = kb.answer(question, resident_community=community_id, open_question=open_question)
    text = render_answer(templates, answer, kb.model.sources)
    contacts = answer.data.get("contacts") or ()
    people = tuple(c.name for c in contacts[:1]) if answer.template in ("contacts", "phone") else \
        _people_told(kb, answer.data["passage"]) if answer.template == "passage" else ()
    return Rendered(text, answer.lives_in, answer.open_question, answer.intent, orjson.dumps(answer.entities).decode(),
                    round(answer.confidence, 3), bool(answer.answered), people, answer.uses_residence,
                    _programmes_named(kb, text) if answer.answered else ())


QUOTED = re.compile(r"“([^”]{2,24})”")
LISTED_MOST = 9


def _programmes_named(kb, text: str) -> tuple[str, ...]:
    """The programmes a reply names in quotes, in order: what 第二个 or 最后那个 may point at next."""
    found = (kb.programme_named(name) for name in QUOTED.findall(text))
    return tuple(dict.fromkeys(pid for pid in found if pid))[:LISTED_MOST]


def _people_told(kb, passage) -> tuple[str, ...]:
    """The person a passage about someone tells of, then one more it names with them (for 他, 她们)."""
    if passage.kind != "person" or passage.ref not in kb.model.people:
        return ()
    first = kb.model.people[passage.ref].name
    others = [p.name for p in kb.model.people.values() if p.name != first and p.name in passage.text]
    return (first, *others[:1])


class ReplyCache:
    """Rendered answers by (question, resident's community, open clarifying question).

    Answering is a pure function of the question, the resident's community, the question the bot
    asked last (if any) and the knowledge; rendering is a pure function of the answer and the
    templates. So a question asked before in the same situation is answered from here; the memo
    empties itself when the knowledge or the templates are replaced (reload).

    Most answers do not depend on where the resident lives (`后大街社区书记是谁` reads the same
    for everyone; the engine says so: `Answer.uses_residence`): those are kept once, under
    `ANYONE`, instead of once per community the askers live in."""

    def __init__(self, entries: int = 10000) -> None:
        self._memo: Memo[Rendered] = Memo(entries)

    @property
    def entries(self) -> int:
        return self._memo.entries

    def __len__(self) -> int:
        return len(self._memo)

    def answer(self, kb, templates: Templates, question: str, community_id: str, open_question: dict) -> Rendered:
        opened = orjson.dumps(open_question, option=orjson.OPT_SORT_KEYS) if open_question else b""
        owner = (kb, templates)
        found = self._memo.peek(owner, (question, ANYONE, opened))
        if found is None:
            found = self._memo.peek(owner, (question, community_id, opened))
        if found is None:
            found = answer_and_render(kb, templates, question, community_id, open_question)
            self._memo.put(owner, (question, community_id if found.uses_residence else ANYONE, opened), found)
        return found


ANYONE = "\x00anyone"   # the community key of answers that are the same wherever the resident lives
