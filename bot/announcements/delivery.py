"""The delivery worker: takes due outbox rows and sends them, one claim and one confirmation each.

Channel (decided once per row before anything is sent, in channels.py, the same rule the
preview shows): residents of a community that `delivery.mass_tags` tags get the one mass send to
that tag (it reaches every follower with the tag, active or not); others active within
`active_window_hours` a customer-service message (split in numbered parts over 2048 bytes);
others a subscription message when they accepted one, else a template message when
`delivery.template_id` is set, else the row fails with that reason.
WeChat's answers are handled by their meaning:
  45015 outside the 48 h window -> the template channel (when configured)
  43101 subscription refused    -> the template channel (when configured)
  45047, 45009 limits           -> back to pending; the whole worker pauses `limit_pause_seconds`
  40001, 42001 invalid token    -> the client refreshes once and retries once; still failing is transient
  40125, 40013, 40164 credentials -> the worker stops (one log line, status in `announce status`);
                                   the row goes back to pending, nothing is failed
  43004 unsubscribed            -> the resident is marked unsubscribed; the row fails for good
  nothing sent (no connection, a proxy's error page) -> retried with exponential backoff (capped),
                                   `max_attempts` in all
  maybe sent (timeout, HTTP 5xx)-> the crash rule (outbox docstring): re-sent only where WeChat
                                   de-duplicates (template within 10 min, mass within 24 h), else `uncertain`
  anything else                 -> failed for good, with WeChat's code and message as the reason
A token bucket keeps the account under `rate_per_second` (shared by all workers when Redis is configured).
What each channel carries (parts, image, news link, mpnews) is decided in messages.py; images and
the mass-send article are uploaded before the send (a failed upload reached nobody: retried or
failed like a send that was not made). Customer-service parts resume after the last confirmed one.
"""
from __future__ import annotations

import asyncio
import logging
import time
from typing import Callable

from bot.channels.wechat.client import AmbiguousError, CredentialError, TransientError, WeChatAPIError
from bot.config import ROOT, DeliveryConfig, mass_tags
from bot.announcements import messages
from bot.announcements.channels import Channels
from bot.announcements.content import cut, subscribe_value
from bot.announcements.leases import DatabaseLeases, RowLeases, worker_name
from bot.announcements.media import MEDIA_DAYS, Images
from bot.announcements.outbox import MASS_DEDUP_SECONDS, TEMPLATE_DEDUP_SECONDS, Outbox, Row
from bot.announcements.wechat_api import AccountAPI

log = logging.getLogger("linli.delivery")
OUTSIDE_WINDOW, LIMITS, UNSUBSCRIBED, MASS_REPEATED, SUBSCRIBE_REFUSED = 45015, {45047, 45009}, 43004, 45065, 43101
TRANSIENT_CODES = {-1, 40001, 42001}
DEDUP_WINDOW = {"template": TEMPLATE_DEDUP_SECONDS, "mass": MASS_DEDUP_SECONDS}


class RateLimit:
    """Token bucket: at most `rate` sends per second on average, bursts of `rate`."""

    def __init__(self, rate: float) -> None:
        self.rate, self.tokens, self.stamp = rate, rate, time.monotonic()
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        async with self._lock:
            while True:
                now = time.monotonic()
                self.tokens = min(self.rate, self.tokens + (now - self.stamp) * self.rate)
                self.stamp = now
                if self.tokens >= 1:
                    self.tokens -= 1
                    return
                await asyncio.sleep((1 - self.tokens) / self.rate)


class Deliverer:
    def __init__(self, outbox: Outbox, client, cfg: DeliveryConfig, concurrency: int = 8,
                 on_unsubscribed: Callable[[str], None] | None = None, limit=None, leases: RowLeases | None = None) -> None:
        """`on_unsubscribed(openid)` hears of residents WeChat reports as gone (43004), so a
        copy of their state kept in memory is dropped. `limit`: a shared rate limit (Redis).
        `leases`: where claims are held (Redis); by default in the outbox rows."""
        self.outbox, self.client, self.cfg = outbox, client, cfg
        self.on_unsubscribed = on_unsubscribed
        self.limit = limit or RateLimit(cfg.rate_per_second)
        self.concurrency = concurrency
        self.paused_until = 0.0
        self.tags = mass_tags(cfg)
        self.leases = leases or DatabaseLeases(outbox, worker_name(), cfg.lease_seconds)
        self.owner = self.leases.owner
        self.halted = ""   # why the worker stopped (credentials refused); empty while it may send
        self.channels = Channels(outbox.db, cfg)
        self.api = AccountAPI(client)
        self.images = Images(outbox.db)
        self.on_finished = None     # async callable run after announcements finish (reports to senders)

    def channel_for(self, openid: str) -> str:
        """The rule is in channels.py, shared with the preview."""
        return self.channels.choose(openid)

    def _backoff(self, attempts: int) -> float:
        return time.time() + min(self.cfg.backoff_cap_seconds, self.cfg.backoff_seconds * 2 ** max(0, attempts - 1))

    async def send_one(self, row: Row) -> None:
        channel = self.outbox.assign_channel(row, self.channel_for(row.openid))
        if not channel:
            if await self.leases.claim(row, "none"):
                self.outbox.fail(row, "outside the 48 h window and no template message configured")
                await self.leases.settled([row])
            return
        await self.limit.acquire()  # before the claim: a crash while waiting leaves nothing claimed
        if self.halted or not await self.leases.claim(row, channel):
            return
        try:
            await self._deliver(row, channel)
        finally:
            await self.leases.settled([row])     # its state is recorded: the lease goes

    async def _deliver(self, row: Row, channel: str) -> None:
        parts = await self._prepared(row, lambda: self._custom_parts(row)) if channel == "custom" else []
        if parts is None:
            return
        link = messages.link(row, self.cfg) or self.cfg.template_url
        result: dict = {}
        try:
            if channel == "custom":
                for k in range(row.parts_sent, len(parts)):     # after the parts WeChat already confirmed
                    result = await self.api.send_custom(row.openid, parts[k])
                    if len(parts) > 1:                           # one message: confirm() says it all
                        self.outbox.part_sent(row, k + 1)
            elif channel == "subscribe":
                result = await self.api.send_subscribe(
                    row.openid, self.cfg.subscribe_template_id,
                    {self.cfg.subscribe_field: {"value": subscribe_value(row.text)}}, link)
                self.channels.used(row.openid)
            else:
                result = await self.client.send_template(row.openid, self.cfg.template_id,
                                                         cut(row.text, self.cfg.template_field_chars),
                                                         f"linli-{row.id}", link)
        except CredentialError as exc:
            self._halt(exc, [row])
            return
        except WeChatAPIError as exc:
            self._on_error(row, exc)
            return
        except TransientError as exc:
            self._transient(row, str(exc))
            return
        except (AmbiguousError, asyncio.TimeoutError) as exc:
            self._ambiguous(row, str(exc) or type(exc).__name__)
            return
        self.outbox.confirm(row, str(result.get("msgid", "")))

    async def _custom_parts(self, row: Row) -> list[dict]:
        media_id = await self.images.media_id(self.api, row.image_id) if row.image_id else ""
        return messages.custom(row, self.cfg, media_id)

    async def _mass_message(self, row: Row) -> dict:
        """text, or an mpnews article uploaded once per announcement (renewed with its media)."""
        if not messages.needs_news(row, self.cfg):
            return {"msgtype": "text", "text": {"content": messages.mass_text(row, self.cfg)}}
        media_id, at = self.outbox.news_media(row.announcement_id)
        if not media_id or time.time() - at >= MEDIA_DAYS * 86400:
            if row.image_id:
                thumb = await self.images.media_id(self.api, row.image_id)
            else:
                cover = (ROOT / self.cfg.article_cover).read_bytes()    # checked when the config was loaded
                thumb = await self.api.upload(cover, "thumb", "cover.jpg")
            media_id = await self.api.upload_news([messages.mpnews_article(row, self.cfg, thumb)])
            self.outbox.set_news_media(row.announcement_id, media_id)
        return {"msgtype": "mpnews", "mpnews": {"media_id": media_id}}

    async def _prepared(self, row_or_rows, make):
        """Uploads before a send: they reach no resident, so a failure is a send not made."""
        rows = row_or_rows if isinstance(row_or_rows, list) else [row_or_rows]
        try:
            return await make()
        except CredentialError as exc:
            self._halt(exc, rows)
        except WeChatAPIError as exc:
            for r in rows:
                self._on_error(r, exc)
        except (TransientError, AmbiguousError, asyncio.TimeoutError, OSError) as exc:
            for r in rows:
                self._transient(r, f"upload: {exc or type(exc).__name__}")
        return None

    async def send_mass(self, aid: int, tag: int, rows: list[Row]) -> None:
        """One mass send for the rows of an announcement whose residents share a tag."""
        await self.limit.acquire()
        claimed = [r for r in rows if not self.halted and await self.leases.claim(r, "mass")]
        if not claimed:
            return
        try:
            await self._deliver_mass(aid, tag, claimed)
        finally:
            await self.leases.settled(claimed)

    async def _deliver_mass(self, aid: int, tag: int, claimed: list[Row]) -> None:
        message = await self._prepared(claimed, lambda: self._mass_message(claimed[0]))
        if message is None:
            return
        try:
            result = await self.api.mass_send(tag, message, f"linli-a{aid}-t{tag}")
        except CredentialError as exc:
            self._halt(exc, claimed)
            return
        except WeChatAPIError as exc:
            if exc.errcode == MASS_REPEATED:  # WeChat already sent this one: a re-send after a crash
                for r in claimed:
                    self.outbox.confirm(r, "repeat")
                return
            for r in claimed:
                self._on_error(r, exc)
            return
        except TransientError as exc:
            for r in claimed:
                self._transient(r, str(exc))
            return
        except (AmbiguousError, asyncio.TimeoutError) as exc:
            for r in claimed:
                self._ambiguous(r, str(exc) or type(exc).__name__)
            return
        for r in claimed:
            self.outbox.confirm(r, str(result.get("msg_id", "")))

    def _halt(self, exc: CredentialError, rows: list[Row]) -> None:
        for r in rows:
            self.outbox.release(r, f"not sent: {exc}")
        if not self.halted:
            self.halted = f"stopped: WeChat refused the account's credentials ({exc}); fix wechat.app_id, " \
                          f"wechat.app_secret or the IP allow-list, then restart"
            self.outbox.set_worker_status(self.halted)
            log.error("delivery %s", self.halted)

    def _transient(self, row: Row, reason: str) -> None:
        if row.attempts >= self.cfg.max_attempts:
            self.outbox.fail(row, f"gave up after {row.attempts} attempts: {reason}")
        else:
            self.outbox.retry(row, self._backoff(row.attempts), reason)

    def _ambiguous(self, row: Row, reason: str) -> None:
        """WeChat may have delivered it: re-send only while WeChat would drop the repeat."""
        window = DEDUP_WINDOW.get(row.channel)
        at = self._backoff(row.attempts)
        if window and row.attempts < self.cfg.max_attempts and at < self.outbox.first_claimed(row) + window - 60:
            self.outbox.retry(row, at, f"maybe sent, re-sent under its de-duplication key: {reason}")
        else:
            self.outbox.hold(row, f"maybe sent ({reason}); not re-sent, since WeChat cannot drop a repeat")

    def _on_error(self, row: Row, exc: WeChatAPIError) -> None:
        code = exc.errcode
        if code == OUTSIDE_WINDOW and row.channel == "custom":
            if self.cfg.template_id:
                self.outbox.retry(row, 0, "45015: outside the 48 h window", channel="template")
            else:
                self.outbox.fail(row, "45015: outside the 48 h window and no template message configured")
        elif code == SUBSCRIBE_REFUSED and row.channel == "subscribe":
            self.channels.used(row.openid, refused=True)
            if self.cfg.template_id:
                self.outbox.retry(row, 0, "43101: subscription refused or used up", channel="template")
            else:
                self.outbox.fail(row, "43101: subscription refused or used up")
        elif code in LIMITS:
            self.paused_until = time.time() + self.cfg.limit_pause_seconds
            self.outbox.retry(row, self.paused_until, f"{code}: limit reached, resuming later")
            log.warning("WeChat limit %s: delivery paused for %ss", code, self.cfg.limit_pause_seconds)
        elif code == UNSUBSCRIBED:
            with self.outbox.db.conn:
                self.outbox.db.conn.execute("update residents set subscribed = 0 where openid = ?", [row.openid])
            if self.on_unsubscribed is not None:
                self.on_unsubscribed(row.openid)
            self.outbox.fail(row, "43004: the resident has unsubscribed")
        elif code in TRANSIENT_CODES:
            self._transient(row, f"{code}: {exc.errmsg}")
        else:
            self.outbox.fail(row, f"{code}: {exc.errmsg}")

    async def _renew(self) -> None:
        """Keep this worker's leases alive while it works."""
        while True:
            await asyncio.sleep(self.cfg.lease_seconds / 3)
            await self.leases.renew()

    async def run_once(self, batch: int = 200) -> int:
        """Queue due announcements and send what is due now; returns rows handled."""
        self.outbox.queue_due()
        if time.time() < self.paused_until or self.halted:
            return 0
        rows = self.outbox.due(batch)
        sem = asyncio.Semaphore(self.concurrency)
        singles, groups = [], {}
        for row in rows:
            channel = self.outbox.assign_channel(row, self.channel_for(row.openid))
            if channel == "mass":
                tag = self.tags[self.outbox.community_of(row.openid)]
                groups.setdefault((row.announcement_id, tag), []).append(row)
            else:
                singles.append(row)

        async def guarded(row: Row) -> None:
            async with sem:
                if time.time() >= self.paused_until and not self.halted:
                    await self.send_one(row)
        renewer = asyncio.create_task(self._renew())
        try:
            await asyncio.gather(*(guarded(r) for r in singles),
                                 *(self.send_mass(aid, tag, group) for (aid, tag), group in groups.items()))
        finally:
            renewer.cancel()
        self.outbox.finish_done()
        if self.on_finished is not None:
            await self.on_finished()
        return len(rows)

    async def settle_expired(self) -> None:
        settled = await self.leases.reconcile()
        if any(settled.values()):
            log.warning("settled rows whose worker died (lease expired): %s", settled)

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Deliver until stopped or halted; rows of dead workers (expired leases) are settled as it goes."""
        self.outbox.set_worker_status("running")
        stop = stop or asyncio.Event()
        while not stop.is_set() and not self.halted:
            try:
                await self.settle_expired()
                handled = await self.run_once()
            except Exception:  # noqa: BLE001 - the worker must outlive one bad batch
                log.exception("delivery batch failed")
                handled = 0
            if not handled:
                try:
                    await asyncio.wait_for(stop.wait(), self.cfg.poll_seconds)
                except asyncio.TimeoutError:
                    pass
