"""The aiohttp application: webhook (GET verification, POST messages), /healthz, /metrics.

Request flow: check signature and timestamp -> (decrypt) -> parse -> de-duplicate -> dispatch
under a deadline -> render -> (encrypt). The webhook knows nothing of any handler's logic.
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bot.accesslog import AccessLog
from bot.config import Config
from bot.dedup import MemoryDeduplicator, message_key
from bot.metrics import Metrics
from bot.protocol import BadRequest, Crypto, parse_xml, render_reply, signature_ok, to_message
from handlers.router import Dispatcher, Message, Reply
from handlers.state import openid_hash

log = logging.getLogger("linli.webhook")
EDGE = web.AppKey("edge", object)
SUCCESS = "success"


@dataclass
class Edge:
    """Everything the webhook needs; `services` is handed to handlers untouched."""
    config: Config
    dispatcher: Dispatcher
    services: Any
    client: Any = None                      # WeChatClient for deadline fallbacks
    dedup: Any = None
    metrics: Metrics = field(default_factory=Metrics)
    background: set = field(default_factory=set)
    access_log: AccessLog = field(default_factory=AccessLog)

    def __post_init__(self) -> None:
        if self.dedup is None:
            self.dedup = MemoryDeduplicator(self.config.dedup.ttl_seconds, self.config.dedup.max_entries)
        w = self.config.wechat
        self.crypto = Crypto(w.token, w.encoding_aes_key, w.app_id) if w.encoding_aes_key else None


def refuse(edge: Edge, status: int, reason: str, kind: str = "-") -> web.Response:
    edge.metrics.request(kind, f"refused_{status}")
    log.warning(json.dumps({"outcome": f"refused_{status}", "reason": reason}, ensure_ascii=False))
    return web.Response(status=status, text=reason if status != 403 else "forbidden")


def _query_ok(edge: Edge, q) -> str | None:
    """None when the query is signed by our token and fresh; otherwise the refusal reason."""
    ts, nonce, sig = q.get("timestamp", ""), q.get("nonce", ""), q.get("signature", "")
    if not (ts and nonce and sig):
        return "missing signature, timestamp or nonce"
    if not signature_ok((edge.config.wechat.token, ts, nonce), sig):
        return "bad signature"
    try:
        skew = abs(time.time() - int(ts))
    except ValueError:
        return "timestamp is not a number"
    if skew > edge.config.server.timestamp_window_seconds:
        return f"stale timestamp ({int(skew)} s off)"
    return None


async def verify(request: web.Request) -> web.Response:
    edge: Edge = request.app[EDGE]
    reason = _query_ok(edge, request.query)
    if reason:
        return refuse(edge, 403, reason, "verify")
    return web.Response(text=request.query.get("echostr", ""))


async def _answer_later(edge: Edge, msg: Message, task: asyncio.Task) -> None:
    try:
        reply: Reply = await task
        if reply.empty or edge.client is None:
            edge.metrics.fallbacks.labels("nothing_to_send" if reply.empty else "no_client").inc()
            return
        text = reply.text or f"{reply.article.title}\n{reply.article.description}"
        await edge.client.send_text(msg.openid, text)
        edge.metrics.fallbacks.labels("sent").inc()
    except Exception as exc:  # logged, never raised into the loop
        edge.metrics.fallbacks.labels("failed").inc()
        log.error(json.dumps({"outcome": "fallback_failed", "openid": openid_hash(msg.openid),
                              "error": f"{type(exc).__name__}: {exc}"}, ensure_ascii=False))


async def _drive(coro, yielded):
    """Continue, inside a Task, a coroutine that `start_eagerly` stepped once by hand."""
    while True:
        try:
            if yielded is None:        # a bare yield (asyncio.sleep(0))
                await asyncio.sleep(0)
                value, error = None, None
            else:
                yielded._asyncio_future_blocking = False  # as a Task does before waiting on a yielded future
                value, error = await yielded, None
        except BaseException as exc:  # noqa: BLE001 - handed back to the coroutine, as a Task would
            value, error = None, exc
        try:
            yielded = coro.throw(error) if error is not None else coro.send(value)
        except StopIteration as stop:
            return stop.value


def start_eagerly(coro) -> tuple[Any, asyncio.Task | None]:
    """Run `coro` until it first suspends: (result, None) when it never does, else (None, task)
    with the rest continued in a Task. An exception raised before any suspension propagates.

    Most answers are computed without awaiting anything, so this saves a Task, a Future and a
    timer per message (what Python 3.12's eager task factory does)."""
    try:
        yielded = coro.send(None)
    except StopIteration as stop:
        return stop.value, None
    return None, asyncio.ensure_future(_drive(coro, yielded))


def _failed(msg: Message) -> tuple[str, str, str]:
    log.exception("handler failed for %s", msg.kind)
    return SUCCESS, "error", "handler_error"


async def _process(edge: Edge, msg: Message) -> tuple[str, str, str]:
    """(reply xml or 'success', handler name, outcome) with the deadline applied."""
    started = time.monotonic()
    try:
        reply, task = start_eagerly(edge.dispatcher.dispatch(msg, edge.services))
    except Exception:
        return _failed(msg)
    if task is not None:
        # asyncio.wait leaves the task running on timeout (no cancel, no shield needed)
        await asyncio.wait((task,), timeout=edge.config.server.reply_deadline_seconds - (time.monotonic() - started))
        if not task.done():
            later = asyncio.ensure_future(_answer_later(edge, msg, task))
            edge.background.add(later)
            later.add_done_callback(edge.background.discard)
            return SUCCESS, "deferred", "deadline_fallback"
        try:
            reply = task.result()
        except Exception:
            return _failed(msg)
    if reply.empty:
        return SUCCESS, reply.handler, "no_reply"
    return render_reply(reply, msg), reply.handler, "replied"


async def receive(request: web.Request) -> web.Response:
    edge: Edge = request.app[EDGE]
    started = time.perf_counter()
    q = request.query
    reason = _query_ok(edge, q)
    if reason:
        return refuse(edge, 403, reason)
    try:
        body = await request.read()  # aiohttp stops reading past client_max_size (max_body_bytes)
    except web.HTTPRequestEntityTooLarge:
        return refuse(edge, 413, "body too large")
    encrypted = q.get("encrypt_type", "raw").lower() == "aes"
    try:
        if encrypted:
            if edge.crypto is None:
                return refuse(edge, 400, "encrypted message but no encoding_aes_key configured")
            envelope = parse_xml(body)
            body = edge.crypto.decrypt(envelope.get("Encrypt", ""), q.get("msg_signature", ""),
                                       q.get("timestamp", ""), q.get("nonce", ""))
        elif edge.config.wechat.mode == "safe":
            return refuse(edge, 400, "plain message refused in safe mode")
        msg = to_message(parse_xml(body))
    except PermissionError as exc:
        return refuse(edge, 403, str(exc))
    except BadRequest as exc:
        return refuse(edge, 400, str(exc))

    key = message_key(msg.openid, msg.create_time, msg.msg_id, msg.event)
    (xml, handler, outcome), duplicate = await edge.dedup.once(key, lambda: _process(edge, msg))
    if duplicate:
        edge.metrics.retries.inc()
        outcome = "retry_" + outcome
    if encrypted and xml != SUCCESS:
        xml = edge.crypto.encrypt(xml, q.get("nonce", ""))
    elapsed = time.perf_counter() - started
    edge.metrics.request(msg.kind if msg.kind != "event" else "event_" + msg.event, outcome, elapsed)
    edge.access_log.write({"kind": msg.kind, "event": msg.event or None, "openid": openid_hash(msg.openid),
                           "handler": handler, "latency_ms": round(elapsed * 1000, 2), "outcome": outcome})
    return web.Response(text=xml, content_type="application/xml" if xml != SUCCESS else "text/plain")


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def metrics(request: web.Request) -> web.Response:
    edge: Edge = request.app[EDGE]
    return web.Response(body=edge.metrics.render(), headers={"Content-Type": edge.metrics.content_type})


async def _drain(app: web.Application) -> None:
    edge: Edge = app[EDGE]
    edge.access_log.flush()
    edge.services.state.flush()
    if edge.background:
        await asyncio.wait(edge.background, timeout=5)
    if edge.client is not None:
        await edge.client.close()


def make_app(edge: Edge) -> web.Application:
    app = web.Application(client_max_size=edge.config.server.max_body_bytes)
    app[EDGE] = edge
    path = edge.config.server.path
    app.router.add_get(path, verify)
    app.router.add_post(path, receive)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    app.on_cleanup.append(_drain)
    return app
