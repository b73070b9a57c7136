"""A resident's conversation context: each open flow's own state, and what was last talked about.

Each flow (a question being clarified, an announcement being composed, a long reply being paged)
owns one `FlowState` under its name; a message that belongs to no open flow leaves the others'
state alone, so a staff member can ask a question while composing and still confirm. A flow's
state expires on its own (`ttl`), so a forgotten draft does not capture a `确认` an hour later.

`topic` remembers the last question answered, written out in full (`后大街社区有什么养老服务`,
not `有什么养老服务`) with the entities it named, so follow-ups can reuse any of them."""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import orjson


@dataclass(slots=True)
class FlowState:
    step: str
    data: dict
    expires: float


@dataclass(slots=True)
class Topic:
    question: str = ""                      # the last answered question, standalone
    mentions: list = field(default_factory=list)   # [kind, id, start, end] of entities in `question`
    bound: bool = False                     # the last message told where the resident lives

    def key(self) -> tuple:
        """The whole topic as a hashable value (for memo keys)."""
        return self.question, self.bound, tuple(map(tuple, self.mentions))

    def listed(self) -> tuple[str, ...]:
        """The programmes the last reply named, in order (what 第二个 or 这个平台 may point at)."""
        return tuple(m[1] for m in self.mentions if m[0] == "listed")

    def entity(self, *kinds: str) -> list | None:
        """The first mention of one of `kinds` (in that order of preference)."""
        for kind in kinds:
            for m in self.mentions:
                if m[0] == kind:
                    return m
        return None


@dataclass(slots=True)
class ConversationContext:
    flows: dict[str, FlowState] = field(default_factory=dict)
    topic: Topic = field(default_factory=Topic)

    def flow(self, name: str, now: float | None = None) -> FlowState | None:
        """The open state of flow `name`, or None (an expired state is dropped)."""
        state = self.flows.get(name)
        if state is not None and state.expires < (now or time.time()):
            del self.flows[name]
            return None
        return state

    def open(self, name: str, step: str, data: dict, ttl: float) -> FlowState:
        state = self.flows[name] = FlowState(step, data, time.time() + ttl)
        return state

    def close(self, name: str) -> None:
        self.flows.pop(name, None)

    def dumps(self) -> str:
        topic = self.topic
        if not self.flows and not topic.question and not topic.bound:
            return ""
        flows = orjson.dumps({k: [v.step, v.data, v.expires] for k, v in self.flows.items()}).decode() \
            if self.flows else "{}"
        return '{"flows":' + flows + _TOPIC_KEY + _topic_text(topic) + "}"

    @classmethod
    def loads(cls, text: str | None) -> "ConversationContext":
        """Read what `dumps` wrote. The topic part is looked up as written (topics are shared and
        never changed, only replaced), so residents left on the same topic share one object —
        what the turn memory keys a follow-up's view by — and only open flows are parsed."""
        if not text:
            return cls()
        at = text.rfind(_TOPIC_KEY)   # the topic comes last; inside JSON strings a quote is escaped
        if not text.startswith('{"flows":') or at < 0 or not text.endswith("}"):
            raw = orjson.loads(text)
            return cls({k: FlowState(*v) for k, v in raw.get("flows", {}).items()},
                       Topic(*(raw.get("topic") or ["", [], False])))
        flows = text[9:at]
        return cls({k: FlowState(*v) for k, v in orjson.loads(flows).items()} if flows != "{}" else {},
                   _topic_read(text[at + len(_TOPIC_KEY):-1]))


_TOPIC_KEY = ',"topic":'


def _topic_text(topic: Topic) -> str:
    known = _WRITTEN.get(id(topic))
    if known is not None and known[0] is topic:
        return known[1]
    text = orjson.dumps([topic.question, topic.mentions, topic.bound]).decode()
    # (not kept for reading: a topic read back is another object than the one a turn set, so the
    # turn memory sees a turn that set a topic equal to the one before as setting it)
    _keep(_WRITTEN, id(topic), (topic, text))
    return text


def _topic_read(text: str) -> Topic:
    topic = _READ.get(text)
    if topic is None:
        topic = Topic(*orjson.loads(text))
        _keep(_READ, text, topic)
        _keep(_WRITTEN, id(topic), (topic, text))
    return topic


# Topics are shared and never changed (only replaced): the JSON of the common ones is parsed and
# written once, not on every message.
_READ: dict[str, Topic] = {}
_WRITTEN: dict[int, tuple[Topic, str]] = {}   # id(topic) -> (topic, JSON); the topic kept, so the id stays its


def _keep(table: dict, key, value, limit: int = 4096) -> None:
    if len(table) >= limit:
        table.clear()
    table[key] = value
