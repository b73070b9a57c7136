"""Message routing in the style of aiogram 3: routers hold handlers, handlers declare filters.

A handler is `async def handler(msg: Message, services, **data) -> Reply`. Filters are
callables `(msg, services, ctx) -> bool | dict`; a dict is merged into the handler's keyword
arguments (so an intent filter can hand the handler what it understood). The webhook only
calls `Dispatcher.dispatch`; it knows nothing of any handler's logic.
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Mapping

TEXT_KINDS = ("text", "voice")
MESSAGE_KINDS = ("text", "voice", "image", "video", "shortvideo", "location", "link")
EVENTS = ("subscribe", "unsubscribe", "scan", "click", "view", "location",
          "templatesendjobfinish", "masssendjobfinish")


@dataclass(frozen=True)
class Message:
    """A plain incoming message; `text` is the content, or the voice recognition result."""
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


@dataclass(frozen=True)
class Article:
    title: str
    description: str = ""
    url: str = ""
    picurl: str = ""


@dataclass(frozen=True)
class Reply:
    """What a handler answers: text, one news article, or nothing ("success")."""
    text: str = ""
    article: Article | None = None
    handler: str = ""

    @property
    def empty(self) -> bool:
        return not self.text and self.article is None


NO_REPLY = Reply()
Filter = Callable[[Message, Any, dict], "bool | dict"]
Handler = Callable[..., Awaitable[Reply]]


def kind_is(*kinds: str) -> Filter:
    return lambda msg, services, ctx: msg.kind in kinds


def event_is(*events: str) -> Filter:
    wanted = {e.lower() for e in events}
    return lambda msg, services, ctx: msg.kind == "event" and msg.event in wanted


@dataclass
class _Registration:
    handler: Handler
    filters: tuple[Filter, ...]
    name: str


class Router:
    """A named group of handlers; first matching registration wins, in order of inclusion."""

    def __init__(self, name: str = "") -> None:
        self.name = name
        self._registrations: list[_Registration] = []
        self._children: list[Router] = []

    def register(self, handler: Handler, *filters: Filter) -> Handler:
        self._registrations.append(_Registration(handler, filters, f"{self.name}.{handler.__name__}"))
        return handler

    def message(self, *filters: Filter, kinds: tuple[str, ...] = TEXT_KINDS):
        """Register for incoming messages of `kinds` that pass every filter."""
        return lambda fn: self.register(fn, kind_is(*kinds), *filters)

    def event(self, *events: str, filters: tuple[Filter, ...] = ()):
        return lambda fn: self.register(fn, event_is(*events), *filters)

    def include_routers(self, *routers: "Router") -> None:
        self._children.extend(routers)

    def registrations(self):
        yield from self._registrations
        for child in self._children:
            yield from child.registrations()


class Dispatcher(Router):
    """The root router: finds the first handler whose filters pass and calls it."""

    def __init__(self) -> None:
        super().__init__("root")
        self._flat: list[_Registration] | None = None

    async def dispatch(self, msg: Message, services: Any) -> Reply:
        if self._flat is None:
            self._flat = list(self.registrations())
        ctx: dict = {}
        for reg in self._flat:
            data: dict = {}
            for flt in reg.filters:
                res = flt(msg, services, ctx)
                if res.__class__ is not bool and inspect.isawaitable(res):
                    res = await res
                if not res:
                    break
                if isinstance(res, dict):
                    data.update(res)
            else:
                reply = await reg.handler(msg, services, **data)
                if reply.handler:
                    return reply
                return Reply(reply.text, reply.article, reg.name)
        return Reply(handler="none")
