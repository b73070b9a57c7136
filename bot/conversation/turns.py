"""Repeated turns answered from memory.

A turn — a text message, the handler that wins it, its reply, the flows it opens or closes and
the topic it leaves — is a pure function of the message, the open flows, the resident's community
and last topic, and the knowledge, templates and keyword replies, provided the handler read
nothing else. Handlers say so per reply (`Reply.repeatable`: a question answered from the
knowledge, small talk, the fallback; not anything a staff member does). What changes at any time
(an activity question's recent announcements) is the reply's fresh part, read again on every repeat. Such turns are kept, bounded, and a repeat skips the decision over every
handler and the handler itself; the resident's state is still changed the same way, saved, and
the message logged. Measured on the live server, the decision and the handler were half of a
request's cost (benchmarks/README.md).

A flow the turn opened is opened again with a fresh expiry; a flow it did not touch keeps its own.
Turns that open pages of a long reply are not kept (the pages would be kept with them).
The memory empties itself when the knowledge, the templates or the keyword replies are replaced
(compared by identity, as bot/conversation/memo.py does)."""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable, Hashable

import orjson

from bot.conversation import pager
from bot.conversation.context import FlowState, Topic
from bot.conversation.memo import Memo
from bot.conversation.message import TEXT_KINDS, Message, Reply


@dataclass(frozen=True, slots=True)
class Turn:
    """What a kept turn answers and leaves behind (`topic` None: the topic stays as it was)."""
    text: str
    handler: str
    outcome: str
    intent: str
    confidence: float
    entities: str
    runner_up: str
    score: float
    settles: bool
    fresh: Callable[[Any], str] | None              # the part read afresh each time (Reply.fresh)
    community: str                                  # where the turn said the resident lives ("" if it did not)
    topic: Topic | None
    closed: tuple[str, ...]                         # flows the turn closed
    opened: tuple[tuple[str, str, bytes, float], ...]   # (flow, step, data as JSON, seconds to live)

    def reply(self) -> Reply:
        return Reply(self.text, handler=self.handler, outcome=self.outcome, intent=self.intent,
                     confidence=self.confidence, entities=self.entities, runner_up=self.runner_up,
                     settles=self.settles, fresh=self.fresh)

    def apply(self, state) -> None:
        """Change the state as the turn did when it was taken."""
        flows = state.context.flows
        for name in self.closed:
            flows.pop(name, None)
        if self.opened:
            now = time.time()
            for name, step, data, ttl in self.opened:
                flows[name] = FlowState(step, orjson.loads(data), now + ttl)
        if self.topic is not None:
            state.context.topic = self.topic
        if self.community:
            state.community_id = self.community


class TurnMemo:
    """Turns by (kind, text, open flows, community, topic); a turn whose reply did not read the
    community or the topic is kept once for any (`ANY`), as the reply cache keeps answers once
    for anyone, and one that read the topic under the part of it that it read (`topic_view`)."""

    def __init__(self, entries: int = 10000, topic_view: Callable[[str, Topic, Any], Hashable] | None = None) -> None:
        self._memo: Memo[Turn] = Memo(entries)
        # (text, topic, deps) -> the part of the topic a reply that reads it depends on (default: all of it)
        self._view = topic_view or (lambda text, topic, deps: topic.key())
        # views already taken, by text and topic: topics are shared and never changed, only replaced
        # (bot/conversation/context.py), so the same object gives the same view until the owner changes
        self._views: Memo[tuple] = Memo(entries)

    def __len__(self) -> int:
        return len(self._memo)

    @staticmethod
    def key(msg: Message, state) -> tuple | None:
        """What a turn reads of the message and the state for certain (expired flows dropped first)."""
        if msg.kind not in TEXT_KINDS:
            return None
        context = state.context
        if not context.flows:
            return msg.kind, msg.text, ()
        flows = tuple((name, flow.step, orjson.dumps(flow.data, option=orjson.OPT_SORT_KEYS))
                      for name in sorted(context.flows) if (flow := context.flow(name)) is not None)
        return msg.kind, msg.text, flows

    @staticmethod
    def _owner(deps) -> tuple:
        keywords = deps.keywords.generation if deps.keywords is not None else None
        return deps.knowledge, deps.templates, keywords

    def recall(self, deps, key: tuple, state) -> Turn | None:
        owner = self._owner(deps)
        get = self._memo.table(owner).get
        found = get((*key, ANY, ANY)) or get((*key, state.community_id, ANY))
        if found is None:
            view = self.view(owner, deps, key[1], state.context.topic)
            found = get((*key, ANY, view)) or get((*key, state.community_id, view))
        return found

    def view(self, owner: tuple, deps, text: str, topic: Topic) -> Hashable:
        """The part of `topic` a reply to `text` reads, taken once per text and topic object."""
        seen = self._views.peek(owner, (text, id(topic)))
        if seen is not None and seen[0] is topic:     # the topic kept with it, so its id stays its own
            return seen[1]
        view = self._view(text, topic, deps)
        self._views.put(owner, (text, id(topic)), (topic, view))
        return view

    def before(self, state) -> tuple:
        """What the turn about to be taken starts from (for `keep`)."""
        return state.community_id, state.context.topic, dict(state.context.flows)

    @staticmethod
    def _untouched(name: str, flow: FlowState, before: dict, key: tuple) -> bool:
        """The same flow as before the turn, with the same step and data (handlers may change data in place)."""
        if before.get(name) is not flow:
            return False
        return any(n == name and step == flow.step and data == orjson.dumps(flow.data, option=orjson.OPT_SORT_KEYS)
                   for n, step, data in key[2])

    def keep(self, deps, key: tuple, reply: Reply, text: str, score: float, state, before: tuple) -> None:
        """Keep the turn just taken, when it is one that repeats (see the module docstring); `text`
        is the reply as the handler gave it, before its fresh part was added."""
        community, topic, flows_before = before
        flows = state.context.flows
        if not reply.repeatable or reply.article is not None or pager.FLOW in flows or \
                state.community_id not in (community, reply.moves_to):   # a move the reply did not declare
            return
        now = time.time()
        opened = tuple((name, f.step, orjson.dumps(f.data), f.expires - now)
                       for name, f in flows.items() if not self._untouched(name, f, flows_before, key))
        closed = tuple(name for name in flows_before if name not in flows)
        # an unchanged topic is not carried: residents sharing a view of the topic may have different ones
        left = state.context.topic if state.context.topic is not topic else None
        owner = self._owner(deps)
        self._memo.put(owner, (*key, community if reply.reads_community else ANY,
                               self.view(owner, deps, key[1], topic) if reply.reads_topic else ANY),
                       Turn(text, reply.handler, reply.outcome, reply.intent, reply.confidence, reply.entities,
                            reply.runner_up, score, reply.settles, reply.fresh, reply.moves_to, left, closed, opened))


ANY = ("\x00any",)   # the community or topic part of the key of turns that did not read it
