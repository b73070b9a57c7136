"""Message routing in the style of aiogram 3: routers hold handlers, handlers declare filters.

A handler is `async def handler(msg: Message, deps, **data) -> Reply`. Filters are
callables `(msg, deps, ctx) -> bool | dict`; a dict is merged into the handler's keyword
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


@dataclass(frozen=True)
class Article:
    title: str
    description: str = ""
    url: str = ""
    picurl: str = ""


@dataclass(slots=True)
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


@dataclass
class _Registration:
    handler: Handler
    filters: tuple[Filter, ...]
    name: str
    kinds: frozenset[str] = frozenset()     # message kinds ("event:<name>" for events) it can take; empty: any


class Router:
    """A named group of handlers; first matching registration wins, in order of inclusion."""

    def __init__(self, name: str = "") -> None:
        self.name = name
        self._registrations: list[_Registration] = []
        self._children: list[Router] = []

    def register(self, handler: Handler, *filters: Filter, kinds: frozenset[str] = frozenset()) -> Handler:
        self._registrations.append(_Registration(handler, filters, f"{self.name}.{handler.__name__}", kinds))
        return handler

    def message(self, *filters: Filter, kinds: tuple[str, ...] = TEXT_KINDS):
        """Register for incoming messages of `kinds` that pass every filter."""
        return lambda fn: self.register(fn, *filters, kinds=frozenset(kinds))

    def event(self, *events: str, filters: tuple[Filter, ...] = ()):
        return lambda fn: self.register(fn, *filters, kinds=frozenset(f"event:{e.lower()}" for e in events))

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
        self._by_kind: dict[str, list[tuple[tuple[Filter, ...], Handler, str]]] = {}

    def _candidates(self, kind: str) -> list[tuple[tuple[Filter, ...], Handler, str]]:
        """(filters, handler, name) of the registrations that can take this kind, in order
        (computed once per kind)."""
        regs = self._by_kind.get(kind)
        if regs is None:
            regs = self._by_kind[kind] = [(r.filters, r.handler, r.name) for r in self.registrations()
                                          if not r.kinds or kind in r.kinds]
        return regs

    async def dispatch(self, msg: Message, deps: Any) -> Reply:
        ctx: dict = {}
        for filters, handler, name in self._candidates(msg.kind if msg.kind != "event" else "event:" + msg.event):
            data: dict | None = None
            for flt in filters:
                res = flt(msg, deps, ctx)
                if res is True:     # the usual answers first: plain bools need no further look
                    continue
                if res is False:
                    break
                if inspect.isawaitable(res):
                    res = await res
                if not res:
                    break
                if isinstance(res, dict):
                    data = {**data, **res} if data else res
            else:
                reply = await (handler(msg, deps, **data) if data else handler(msg, deps))
                if reply.handler:
                    return reply
                return Reply(reply.text, reply.article, name)
        return Reply(handler="none")
