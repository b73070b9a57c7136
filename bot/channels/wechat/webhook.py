"""The aiohttp application: webhook (GET verification, POST messages), /healthz, /metrics.

Request flow: check signature and timestamp -> (decrypt) -> parse -> de-duplicate -> dispatch
under a deadline -> render -> (encrypt). The webhook knows nothing of any handler's logic.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.web_protocol import RequestPayloadError

from bot.channels.wechat.accesslog import AccessLog
from bot.config import Config
from bot.channels.wechat.dedup import MemoryDeduplicator, MemoryReplay, message_key
from bot.channels.wechat.metrics import Metrics
from bot.channels.wechat.serving import quiet_protocol_errors
from bot.channels.wechat.protocol import BadRequest, Crypto, parse_xml, reply_parts, signature_ok, to_message
from bot.conversation.answers import for_matching
from bot.conversation.message import Message, Reply
from bot.conversation.router import Dispatcher
from bot.storage.residents import openid_hash

log = logging.getLogger("linli.webhook")
WEBHOOK = web.AppKey("webhook", object)
SUCCESS = "success"


@dataclass
class WeChatWebhook:
    """Everything the webhook needs; `deps` is handed to handlers untouched."""
    config: Config
    dispatcher: Dispatcher
    deps: Any
    client: Any = None                      # WeChatClient for deadline fallbacks
    dedup: Any = None
    replay: Any = None                      # ReplayMemory
    metrics: Metrics = field(default_factory=Metrics)
    background: set = field(default_factory=set)
    access_log: AccessLog = field(default_factory=AccessLog)

    def __post_init__(self) -> None:
        if self.dedup is None:
            self.dedup = MemoryDeduplicator(self.config.dedup.ttl_seconds, self.config.dedup.max_entries)
        if self.replay is None:
            self.replay = MemoryReplay(self.config.dedup.replay_entries)
        w = self.config.wechat
        self.crypto = Crypto(w.token, w.encoding_aes_key, w.app_id) if w.encoding_aes_key else None


def refuse(webhook: WeChatWebhook, status: int, reason: str, kind: str = "-") -> web.Response:
    webhook.metrics.request(kind, f"refused_{status}")
    log.warning(json.dumps({"outcome": f"refused_{status}", "reason": reason}, ensure_ascii=False))
    return web.Response(status=status, text=reason if status != 403 else "forbidden")


def _query_ok(webhook: WeChatWebhook, q) -> str | None:
    """None when the query is signed by our token and fresh; otherwise the refusal reason."""
    ts, nonce, sig = q.get("timestamp", ""), q.get("nonce", ""), q.get("signature", "")
    if not (ts and nonce and sig):
        return "missing signature, timestamp or nonce"
    if not signature_ok((webhook.config.wechat.token, ts, nonce), sig):
        return "bad signature"
    try:
        skew = abs(time.time() - int(ts))
    except ValueError:
        return "timestamp is not a number"
    if skew > webhook.config.server.timestamp_window_seconds:
        return f"stale timestamp ({int(skew)} s off)"
    return None


async def verify(request: web.Request) -> web.Response:
    webhook: WeChatWebhook = request.app[WEBHOOK]
    reason = _query_ok(webhook, request.query)
    if reason:
        return refuse(webhook, 403, reason, "verify")
    return web.Response(text=request.query.get("echostr", ""))


async def _answer_later(webhook: WeChatWebhook, msg: Message, task: asyncio.Task) -> None:
    try:
        reply: Reply = await task
        if reply.empty or webhook.client is None:
            webhook.metrics.fallbacks.labels("nothing_to_send" if reply.empty else "no_client").inc()
            return
        text = reply.text or f"{reply.article.title}\n{reply.article.description}"
        await webhook.client.send_text(msg.openid, text)
        webhook.metrics.fallbacks.labels("sent").inc()
    except Exception as exc:  # logged, never raised into the loop
        webhook.metrics.fallbacks.labels("failed").inc()
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


OFF_LOOP_CHARS = 64  # texts longer than this are understood in a thread before dispatch


async def _dispatch(webhook: WeChatWebhook, msg: Message) -> Reply:
    """Dispatch; a long text is first understood in a worker thread (the engine caches it, so
    the handler finds it done): the event loop keeps answering others meanwhile, and the
    deadline applies to it like to any answer that waits."""
    kb = webhook.deps.knowledge
    if len(msg.text) > OFF_LOOP_CHARS and kb is not None:
        await asyncio.get_running_loop().run_in_executor(None, kb.understand, for_matching(msg.text)[0])
    return await webhook.dispatcher.dispatch(msg, webhook.deps)


def _failed(msg: Message) -> tuple[str, str, str]:
    log.exception("handler failed for %s", msg.kind)
    return SUCCESS, "error", "handler_error"


async def _process(webhook: WeChatWebhook, msg: Message) -> tuple[str | tuple[str, ...], str, str]:
    """(reply xml's parts (`reply_parts`) or 'success', handler name, outcome) with the deadline
    applied. The parts are what the retry memory keeps; each response joins them."""
    started = time.monotonic()
    try:
        reply, task = start_eagerly(_dispatch(webhook, msg))
    except Exception:
        return _failed(msg)
    if task is not None:
        # asyncio.wait leaves the task running on timeout (no cancel, no shield needed)
        await asyncio.wait((task,), timeout=webhook.config.server.reply_deadline_seconds - (time.monotonic() - started))
        if not task.done():
            later = asyncio.ensure_future(_answer_later(webhook, msg, task))
            webhook.background.add(later)
            later.add_done_callback(webhook.background.discard)
            return SUCCESS, "deferred", "deadline_fallback"
        try:
            reply = task.result()
        except Exception:
            return _failed(msg)
    if reply.empty:
        return SUCCESS, reply.handler, "no_reply"
    return reply_parts(reply, msg), reply.handler, "replied"


def _arrived(request: web.Request, most: int) -> bytes:
    """The whole body when it has all arrived already (a message is one packet: nearly always),
    taken without request.read()'s loop; b"" otherwise, and request.read() waits for the rest.
    More than `most` bytes is refused as request.read() refuses it."""
    payload = request.content
    if not payload.is_eof() or payload.exception() is not None:
        return b""
    body = payload.read_nowait()
    if len(body) > most:
        raise web.HTTPRequestEntityTooLarge(max_size=most, actual_size=len(body))
    return body


async def _replayed() -> tuple[str, str, str]:
    return SUCCESS, "replay", "replay_ignored"


async def receive(request: web.Request) -> web.Response:
    webhook: WeChatWebhook = request.app[WEBHOOK]
    started = time.perf_counter()
    q = request.query
    reason = _query_ok(webhook, q)
    if reason:
        return refuse(webhook, 403, reason)
    try:
        body = _arrived(request, webhook.config.server.max_body_bytes) or await request.read()  # (stops past max_body_bytes)
    except web.HTTPRequestEntityTooLarge:
        return refuse(webhook, 413, "body too large")
    except RequestPayloadError as exc:     # e.g. a corrupt gzip body
        return refuse(webhook, 400, f"unreadable body: {str(exc).strip().splitlines()[-1].strip()}")
    except (ConnectionError, asyncio.IncompleteReadError):
        webhook.metrics.request("-", "client_gone")
        log.info(json.dumps({"outcome": "client_gone", "reason": "connection closed while sending the body"}))
        return web.Response(status=400, text="incomplete body")
    encrypted = q.get("encrypt_type", "raw").lower() == "aes"
    try:
        if encrypted:
            if webhook.crypto is None:
                return refuse(webhook, 400, "encrypted message but no encoding_aes_key configured")
            envelope = parse_xml(body)
            body = webhook.crypto.decrypt(envelope.get("Encrypt", ""), q.get("msg_signature", ""),
                                       q.get("timestamp", ""), q.get("nonce", ""))
        elif webhook.config.wechat.mode == "safe":
            return refuse(webhook, 400, "plain message refused in safe mode")
        msg = to_message(parse_xml(body))
    except PermissionError as exc:
        return refuse(webhook, 403, str(exc))
    except BadRequest as exc:
        return refuse(webhook, 400, str(exc))

    key = message_key(msg.openid, msg.create_time, msg.msg_id, msg.event, msg.event_key)
    window = webhook.config.server.timestamp_window_seconds
    replay, signed = webhook.replay, f"{q['timestamp']}|{q['nonce']}|{q['signature']}"
    seen = (await replay.first(signed, key, 2 * window + 1)) if replay.is_async else replay.seen(signed, key, 2 * window + 1)
    if seen is not None and seen[0] != key:
        return refuse(webhook, 403, "signed query used before for another message")
    # a query seen before with this message is WeChat's retry, answered through the retry memory;
    # once that memory may have forgotten it, a replay: acknowledged, never processed again
    late = seen is not None and seen[1] >= webhook.config.dedup.ttl_seconds - 1
    work = _replayed if late else (lambda: _process(webhook, msg))
    try:
        (xml, handler, outcome), duplicate = await webhook.dedup.once(key, work)
    except TimeoutError:   # still being answered by another worker: that one replies (or sends it later)
        (xml, handler, outcome), duplicate = (SUCCESS, "elsewhere", "still_running"), True
    if xml.__class__ is not str:      # parts (a list once through Redis)
        xml = "".join(xml)
    if duplicate:
        webhook.metrics.retries.inc()
        outcome = "retry_" + outcome
    if encrypted and xml != SUCCESS:
        xml = webhook.crypto.encrypt(xml, q.get("nonce", ""))
    elapsed = time.perf_counter() - started
    webhook.metrics.request(msg.kind if msg.kind != "event" else "event_" + msg.event, outcome, elapsed)
    webhook.access_log.write({"kind": msg.kind, "event": msg.event or None, "openid": openid_hash(msg.openid),
                           "handler": handler, "latency_ms": int(elapsed * 100000) / 100, "outcome": outcome})
    return web.Response(text=xml, content_type="application/xml" if xml != SUCCESS else "text/plain")


async def healthz(request: web.Request) -> web.Response:
    """X-Worker names the serving process (several share the port with `serve --workers N`);
    `event_loop` the loop it runs on (`server.event_loop`)."""
    loop = type(asyncio.get_running_loop()).__module__.split(".")[0]
    return web.json_response({"status": "ok", "event_loop": loop}, headers={"X-Worker": str(os.getpid())})


async def metrics(request: web.Request) -> web.Response:
    webhook: WeChatWebhook = request.app[WEBHOOK]
    return web.Response(body=webhook.metrics.render(), headers={"Content-Type": webhook.metrics.content_type})


async def _drain(app: web.Application) -> None:
    webhook: WeChatWebhook = app[WEBHOOK]
    webhook.access_log.flush()
    webhook.deps.flush()
    if webhook.background:
        await asyncio.wait(webhook.background, timeout=5)
    if webhook.client is not None:
        await webhook.client.close()
    if getattr(webhook, "redis", None) is not None:
        await webhook.redis.aclose()


def make_app(webhook: WeChatWebhook) -> web.Application:
    quiet_protocol_errors()
    app = web.Application(client_max_size=webhook.config.server.max_body_bytes)
    app[WEBHOOK] = webhook
    path = webhook.config.server.path
    app.router.add_get(path, verify)
    app.router.add_post(path, receive)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    app.on_cleanup.append(_drain)
    return app
