"""Routing in the style of aiogram 3, with one decision per message.

Handlers register on Routers with filters (`(msg, deps, ctx) -> bool | dict`; a dict is passed
to the handler as keyword arguments) and a `score`: a number, or `(msg, deps, ctx) -> float`.
Every registration whose filters pass is a candidate; the highest score wins (ties: the one
registered first), and the winner and runner-up are logged. The scale, used by every handler:

  1.0  the message continues an open flow (确认 while a draft waits, a choice, 更多) or is a
       staff command;
  0.9  small talk said in full (你好, 谢谢);
  0.3–0.8  intents keyed on words (recent announcements): lower when the message names an
       entity the word does not concern, so named entities outweigh generic words;
  0.5  a resident question answered from the knowledge;
  0.0  the fallback.

The dispatcher reads the resident's state once, hands it to the handler as `state`, passes
the reply through the one door that sizes every reply (bot/conversation/pager.py), saves the
state and logs the message. A turn that repeats one taken before in the same situation is answered
from memory (bot/conversation/turns.py), skipping the decision and the handler. Handlers never see aiohttp or WeChat's wire format."""
from __future__ import annotations

import inspect
from typing import Any, Awaitable, Callable

from bot.conversation import pager
from bot.conversation.message import NO_REPLY, TEXT_KINDS, Article, Message, Reply
from bot.conversation.turns import TurnMemo

__all__ = ["Article", "Dispatcher", "Message", "NO_REPLY", "Reply", "Router"]

LOGGED_KINDS = frozenset(("text", "voice", "image", "video", "shortvideo", "location", "link"))
Filter = Callable[[Message, Any, dict], "bool | dict"]
Handler = Callable[..., Awaitable[Reply]]


class Router:
    """A named group of handlers."""

    def __init__(self, name: str = "") -> None:
        self.name = name
        self._registrations: list[tuple] = []     # (handler, filters, name, kinds, score)
        self._children: list[Router] = []

    def register(self, handler: Handler, *filters: Filter, kinds: frozenset[str] = frozenset(),
                 score: float | Callable[[Message, Any, dict], float] = 0.5) -> Handler:
        self._registrations.append((handler, filters, f"{self.name}.{handler.__name__}", kinds, score))
        return handler

    def message(self, *filters: Filter, kinds: tuple[str, ...] = TEXT_KINDS, score: Any = 0.5):
        """Register for incoming messages of `kinds` that pass every filter."""
        return lambda fn: self.register(fn, *filters, kinds=frozenset(kinds), score=score)

    def event(self, *events: str, filters: tuple[Filter, ...] = (), score: Any = 1.0):
        return lambda fn: self.register(fn, *filters, kinds=frozenset(f"event:{e.lower()}" for e in events), score=score)

    def include_routers(self, *routers: "Router") -> None:
        self._children.extend(routers)

    def registrations(self):
        yield from self._registrations
        for child in self._children:
            yield from child.registrations()


class Dispatcher(Router):
    """The root router: scores every candidate, calls the winner, sizes, saves and logs."""

    def __init__(self, turns: TurnMemo | None = None) -> None:
        super().__init__("root")
        self._by_kind: dict[str, list[tuple]] = {}
        self.turns = turns      # repeated turns answered from memory (bot/conversation/turns.py); None: off

    def _candidates(self, kind: str) -> list[tuple]:
        """(filters, handler, name, score) that can take this kind, in order (once per kind)."""
        regs = self._by_kind.get(kind)
        if regs is None:
            regs = self._by_kind[kind] = [(f, h, n, s) for h, f, n, k, s in self.registrations() if not k or kind in k]
        return regs

    async def _choose(self, msg: Message, deps, ctx: dict):
        best = runner = None       # (score, handler, name, data)
        for filters, handler, name, score in self._candidates(msg.kind if msg.kind != "event" else "event:" + msg.event):
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
                value = score if score.__class__ is float else score(msg, deps, ctx)
                if value < 0:
                    continue
                if best is None or value > best[0]:
                    best, runner = (value, handler, name, data), best
                    if value >= 1.0:
                        break       # nothing outranks a flow's continuation
                elif runner is None or value > runner[0]:
                    runner = (value, handler, name, data)
        return best, runner

    async def dispatch(self, msg: Message, deps) -> Reply:
        residents = deps.residents
        awaits = residents.is_async      # a shared store (Redis) is awaited; SQLite's costs no await
        state = (await residents.get(msg.openid)) if awaits else residents.get(msg.openid)
        turns, key = self.turns, None
        if turns is not None and (key := turns.key(msg, state)) is not None:
            turn = turns.recall(deps, key, state)
            if turn is not None:         # a repeated turn: the same reply and state change, no decision needed
                turn.apply(state)
                reply = turn.reply()
                reply.add_fresh(deps)
                return await self._finish(msg, deps, state, pager.one_door(reply, state, deps.templates),
                                          turn.score, awaits)
            before = turns.before(state)
        best, runner = await self._choose(msg, deps, {"state": state})
        if best is None:
            return Reply(handler="none", outcome="control")
        score, handler, name, data = best
        reply = await (handler(msg, deps, state, **data) if data else handler(msg, deps, state))
        if reply is NO_REPLY:
            reply = Reply(outcome="control")    # the shared constant stays untouched
        as_given = reply.text
        reply.add_fresh(deps)
        reply = pager.one_door(reply, state, deps.templates)
        reply.handler = reply.handler or name
        reply.runner_up = runner[2] if runner else ""
        if key is not None:
            turns.keep(deps, key, reply, as_given, score, state, before)
        return await self._finish(msg, deps, state, reply, score, awaits)

    @staticmethod
    async def _finish(msg: Message, deps, state, reply: Reply, score: float, awaits: bool) -> Reply:
        """Save the state and log the message."""
        if awaits:
            await deps.residents.save(state)
        else:
            deps.residents.save(state)
        if msg.kind in LOGGED_KINDS:
            deps.questions.log(msg.openid, msg.text or f"[{msg.kind}]", channel=msg.channel,
                               intent=reply.intent or reply.handler, runner_up=reply.runner_up,
                               confidence=reply.confidence if reply.intent else score, outcome=reply.outcome,
                               entities=reply.entities)
            if reply.settles:
                deps.questions.settle(msg.openid)
        return reply
