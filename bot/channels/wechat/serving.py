"""Serving the webhook on a port: the guards a public HTTP server needs, and N worker processes.

- a connection that has not sent a complete request within `server.header_timeout_seconds` is
  closed (aiohttp's keep-alive timer also runs before the first request), and at most
  `server.max_connections` are open at once (more are closed at once, before they cost a file);
- malformed requests aiohttp refuses itself (a URL over 8,190 bytes, a bad request line, a client
  gone mid-body) are logged as one line, not an ERROR with a traceback; identical log lines are
  rate-limited (a flood writes a few lines and a count, not megabytes);
- the public default token is refused on any but a loopback address, and warned about there;
- `--workers N` forks N processes that each bind the port with SO_REUSEPORT (the kernel spreads
  connections between them); a worker that dies is started again.
"""
from __future__ import annotations

import asyncio
import gc
import ipaddress
import logging
import os
import resource
import signal
import sys
import time
from typing import Callable

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.web_protocol import RequestPayloadError

from bot.channels.wechat.accesslog import MESSAGE_LOG
from bot.config import Config, ConfigError

log = logging.getLogger("linli.serve")
DEFAULT_TOKEN = "linli-dev-token"


# The cyclic garbage collector's thresholds while serving. Start-up objects are frozen out of its
# scans (gc.freeze); what grows while serving (the retry and replay memories, up to 350k entries,
# the turn and reply memories) is still scanned, and with Python's default (700, 10, 10) an 8 s
# load run spent 0.18–0.24 s (2–3 %) collecting, mostly in the few full scans. Collecting young
# objects every 20,000 allocations and old ones a hundred times less often measured +0.5–5 % requests
# per second in alternating runs; cycles are still collected, only less often (memory grows by at
# most the young objects allowed, a few MB).
GC_THRESHOLDS = (20000, 20, 100)


def settle_collector() -> None:
    """Freeze what start-up built out of the collector's scans and collect less often (GC_THRESHOLDS)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def check_token(cfg: Config) -> str | None:
    """ConfigError when the public default token would serve a non-loopback address; a warning
    (to log loudly) when it serves loopback; None when a real token is set."""
    if cfg.wechat.token != DEFAULT_TOKEN:
        return None
    try:
        loopback = cfg.server.host == "localhost" or ipaddress.ip_address(cfg.server.host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ConfigError(f"wechat.token: the public default token may not serve {cfg.server.host}; "
                          "set BOT_WECHAT_TOKEN to the Token from the admin console")
    return ("USING THE PUBLIC DEFAULT wechat.token: anyone can sign requests. Fine for trying it on "
            "loopback; set BOT_WECHAT_TOKEN before exposing the bot")


class QuietProtocolErrors(logging.Filter):
    """aiohttp logs requests it refuses itself with ERROR and a traceback; these are the
    client's fault, so they become one WARNING line."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, (HttpProcessingError, RequestPayloadError, ConnectionError)):
            reason = str(exc).strip().splitlines()[0][:120] if str(exc).strip() else type(exc).__name__
            record.msg, record.args = "refused a malformed or abandoned request: %s", (reason,)
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.exc_info = record.exc_text = None
        return True


class RepeatLimit(logging.Filter):
    """At most `burst` identical lines (same logger, level and message template) per `period`
    seconds; the next line after a quiet spell says how many were left out."""

    def __init__(self, burst: int = 5, period: float = 10.0, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.burst, self.period, self.clock = burst, period, clock
        self._seen: dict[tuple, list] = {}   # key -> [window start, count]

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == MESSAGE_LOG:
            return True
        now, key = self.clock(), (record.name, record.levelno, str(record.msg)[:200])
        entry = self._seen.get(key)
        if entry is None or now - entry[0] > self.period:
            left_out = entry[1] - self.burst if entry and entry[1] > self.burst else 0
            if len(self._seen) > 1000:
                self._seen.clear()
            self._seen[key] = [now, 1]
            if left_out:
                record.msg = f"{record.getMessage()} (and {left_out} more like it left out)"
                record.args = None
            return True
        entry[1] += 1
        return entry[1] <= self.burst


def quiet_protocol_errors() -> None:
    server_log = logging.getLogger("aiohttp.server")
    if not any(isinstance(f, QuietProtocolErrors) for f in server_log.filters):
        server_log.addFilter(QuietProtocolErrors())


def install_log_guards() -> None:
    quiet_protocol_errors()
    limit = RepeatLimit()
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RepeatLimit) for f in handler.filters):
            handler.addFilter(limit)


def raise_open_file_limit() -> int:
    """The soft limit on open files raised to the hard one; returns it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard if hard != resource.RLIM_INFINITY else 65536,) * 2)
        except (ValueError, OSError):
            pass
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def limit_connections(server: web.Server, limit: int) -> None:
    """Close connections beyond `limit` as soon as they are made."""
    made = server.connection_made
    refused = [0.0]

    def connection_made(handler, transport) -> None:
        made(handler, transport)
        if len(server.connections) > limit:
            transport.abort()
            now = time.monotonic()
            if now - refused[0] > 10:
                refused[0] = now
                log.warning("connection limit %d reached: new connections are closed", limit)
    server.connection_made = connection_made


def loop_factory(cfg: Config) -> Callable[[], asyncio.AbstractEventLoop] | None:
    """The event loop to serve on (`server.event_loop`). uvloop runs the sockets, callbacks and
    timers in C (libuv): side by side on one core it answered a fifth more requests per second
    than the standard loop (benchmarks/README.md); "asyncio" is the fallback where uvloop is not
    installed. None means the standard loop."""
    if cfg.server.event_loop != "uvloop":
        return None
    import uvloop
    return uvloop.new_event_loop


def serve_forever(app: web.Application, cfg: Config, reuse_port: bool = False) -> None:
    """Run `serve` to its end on the configured event loop."""
    with asyncio.Runner(loop_factory=loop_factory(cfg)) as runner:
        runner.run(serve(app, cfg, reuse_port=reuse_port))


async def serve(app: web.Application, cfg: Config, reuse_port: bool = False,
                stop: asyncio.Event | None = None) -> None:
    """Serve `app` on the configured host and port until SIGTERM/SIGINT (or `stop`)."""
    s = cfg.server
    files = raise_open_file_limit()
    runner = web.AppRunner(app, access_log=None, keepalive_timeout=s.header_timeout_seconds)
    await runner.setup()
    limit_connections(runner.server, min(s.max_connections, max(16, files - 64)))
    site = web.TCPSite(runner, s.host, s.port, reuse_port=reuse_port or None, backlog=min(1024, s.max_connections))
    await site.start()
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


def run_workers(n: int, start: Callable[[int], None], on_reload: Callable[[], bool] | None = None) -> int:
    """Fork `n` processes running `start(index)`; forward SIGTERM/SIGINT to them, start again any
    that dies on its own, return when all have stopped after a signal. SIGHUP runs `on_reload()`
    here first (the knowledge rebuilt once, not by every worker at the same time) and is
    forwarded only when it succeeded."""
    children: dict[int, int] = {}
    stopping = False

    def spawn(index: int) -> None:
        pid = os.fork()
        if pid == 0:
            for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
                signal.signal(sig, signal.SIG_DFL)
            code = 0
            try:
                start(index)
            except BaseException:  # noqa: BLE001 - a worker's death is reported, then it is started again
                log.exception("worker %d failed", index)
                code = 1
            finally:
                logging.shutdown()
                os._exit(code)
        children[pid] = index

    def forward(sig, frame) -> None:
        nonlocal stopping
        if sig != signal.SIGHUP:
            stopping = True
        elif on_reload is not None and not on_reload():
            return
        for pid in list(children):
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, forward)
    for i in range(n):
        spawn(i)
    while children:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            break
        except InterruptedError:
            continue
        index = children.pop(pid, None)
        if index is not None and not stopping:
            log.error("worker %d (pid %d) ended (status %d); starting it again", index, pid, status)
            time.sleep(0.5)
            if not stopping:      # a stop signal may have come during the pause
                spawn(index)
    sys.stdout.flush()
    return 0
