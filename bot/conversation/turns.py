"""Repeated turns answered from memory.

A turn — a text message, the handler that wins it, its reply and the topic it leaves — is a pure
function of the message, the resident's community and last topic, and the knowledge, templates
and keyword replies, provided no flow is open before or after it and the handler read nothing
else. Handlers say so per reply (`Reply.repeatable`: a question answered from the knowledge, small
talk, the fallback; not an answer that read the announcements, nor anything a staff member does).
Such turns are kept, bounded, and a repeat skips the decision over every handler and the handler
itself; the resident's state is still saved and the message still logged. Measured on the live
server, the decision and the handler were half of a request's cost (benchmarks/README.md).

The memory empties itself when the knowledge, the templates or the keyword replies are replaced
(compared by identity, as bot/conversation/memo.py does)."""
from __future__ import annotations

from dataclasses import dataclass

from bot.conversation.context import Topic
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
    topic: Topic | None

    def reply(self) -> Reply:
        return Reply(self.text, handler=self.handler, outcome=self.outcome, intent=self.intent,
                     confidence=self.confidence, entities=self.entities, runner_up=self.runner_up)


class TurnMemo:
    """Turns by (kind, text, community, topic); a turn whose reply did not read the community or
    the topic is kept once for any (`ANY`), as the reply cache keeps answers once for anyone."""

    def __init__(self, entries: int = 10000) -> None:
        self._memo: Memo[Turn] = Memo(entries)

    def __len__(self) -> int:
        return len(self._memo)

    @staticmethod
    def key(msg: Message, state) -> tuple | None:
        """What a turn reads of the message for certain; None when a flow is open."""
        if msg.kind not in TEXT_KINDS or state.context.flows:
            return None
        return msg.kind, msg.text

    @staticmethod
    def _topic(state) -> tuple:
        topic = state.context.topic
        return topic.question, topic.bound, tuple(map(tuple, topic.mentions)) if topic.mentions else ()

    @staticmethod
    def _owner(deps) -> tuple:
        keywords = deps.keywords.generation if deps.keywords is not None else None
        return deps.knowledge, deps.templates, keywords

    def recall(self, deps, key: tuple, state) -> Turn | None:
        owner, peek = self._owner(deps), self._memo.peek
        found = peek(owner, (*key, ANY, ANY)) or peek(owner, (*key, state.community_id, ANY))
        if found is None:
            topic = self._topic(state)
            found = peek(owner, (*key, ANY, topic)) or peek(owner, (*key, state.community_id, topic))
        return found

    def before(self, state) -> tuple:
        """What the turn about to be taken starts from (for `keep`)."""
        return state.community_id, state.context.topic, self._topic(state)

    def keep(self, deps, key: tuple, reply: Reply, score: float, state, before: tuple) -> None:
        """Keep the turn just taken, when it is one that repeats (see the module docstring)."""
        community, topic, topic_key = before
        if not reply.repeatable or reply.article is not None or state.context.flows or state.community_id != community:
            return
        left = state.context.topic if state.context.topic is not topic else None
        self._memo.put(self._owner(deps), (*key, community if reply.reads_community else ANY,
                                           topic_key if reply.reads_topic else ANY),
                       Turn(reply.text, reply.handler, reply.outcome, reply.intent, reply.confidence, reply.entities,
                            reply.runner_up, score, left))


ANY = ("\x00any",)   # the community or topic part of the key of turns that did not read it
