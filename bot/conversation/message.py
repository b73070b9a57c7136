"""What flows through the conversation: a plain incoming Message and the Reply to it.

Channels (WeChat, the terminal console, later a web chat) turn their wire format into a Message
and a Reply back into theirs; handlers see nothing else."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping


TEXT_KINDS = ("text", "voice")


@dataclass(slots=True)
class Message:
    """A plain incoming message; `text` is the content, or the voice recognition result.

    Treat it as read-only. (Not `frozen`: a frozen dataclass sets each field through
    object.__setattr__, which made building the message cost three times as much.)"""
    kind: str
    openid: str
    account: str = ""
    create_time: int = 0
    msg_id: str = ""
    text: str = ""
    event: str = ""                 # lower case: subscribe, scan, click, ...
    event_key: str = ""
    latitude: float | None = None
    longitude: float | None = None
    label: str = ""
    fields: Mapping[str, str] = field(default_factory=dict)
    channel: str = "wechat"         # which channel it came through (wechat, console, web)


@dataclass(frozen=True)
class Article:
    title: str
    description: str = ""
    url: str = ""
    picurl: str = ""


@dataclass(slots=True)
class Reply:
    """What a handler answers: text, one news article, or nothing ("success").

    The rest is for the question log: what was understood (`intent`, `entities` as JSON), how
    sure the bot was, and the outcome (see bot/storage/questions.py). `settles` marks the
    answer to a clarifying question the bot asked in the previous turn."""
    text: str = ""
    article: Article | None = None
    handler: str = ""
    outcome: str = "answered"
    intent: str = ""
    confidence: float = 1.0
    entities: str = "{}"
    settles: bool = False
    runner_up: str = ""
    repeatable: bool = False        # read nothing but the message, community, topic, knowledge and templates
    reads_topic: bool = True        # may depend on the last topic (a follow-up); False: the same after any
    reads_community: bool = True    # may depend on where the resident lives; False: the same for anyone
    fresh: Callable[[Any], str] | None = None   # (deps) -> a part added each time it is given (changing data)
    moves_to: str = ""              # the community the message said the resident lives in ("" none)

    @property
    def empty(self) -> bool:
        return not self.text and self.article is None

    def add_fresh(self, deps) -> None:
        """Add the part read afresh (today's announcements), when there is one."""
        extra = self.fresh(deps) if self.fresh is not None else ""
        if extra:
            self.text += "\n\n" + extra


NO_REPLY = Reply(outcome="control")
