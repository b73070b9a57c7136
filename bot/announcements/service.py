"""Announcement use cases for staff and operators; they return data, WeChat and the CLI present it.

  preview   what a `发布公告` command would do: targets (with corrections and namesakes), the
            audience per channel, who cannot be reached and why, length per channel, the time
  form      a long text as a news article (its own page) or numbered parts (messages.choose_form)
  attach    an image (bytes from the CLI, the console, or a staff member's image message),
            checked and uploaded (media/upload); refusals named (bad_type, too_big, ...)
  submit    a confirmed draft becomes an announcement (scheduled or due now)
  mine      a staff member's announcements with their status
  cancel    drop a scheduled one; withdraw: stop the rest and withdraw mass sends (mass/delete)
  report    sent / failed by reason / not reachable, sent to the author in WeChat when it ends
Owner of `announcement_reports` (which finished announcements were reported to their author).
"""
from __future__ import annotations

import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

import sqlite_utils
from sqlite_utils import Migrations

from bot.announcements import audience
from bot.announcements.channels import NO_CHANNEL, Channels, Plan
from bot.announcements.command import Command, parse
from bot.announcements.content import Fit, fit
from bot.announcements.followers import Followers
from bot.announcements.invites import Invites
from bot.announcements.media import Attached, Images
from bot.announcements.messages import choose_form
from bot.announcements.targeting import Resolver, Targets
from bot.channels.wechat.client import TransientError, WeChatAPIError
from bot.config import DeliveryConfig, mass_tags

FINISHED = ("done", "withdrawn")


MIGRATIONS = Migrations("announcement_reports")


@MIGRATIONS()
def m001_announcement_reports(db: sqlite_utils.Database) -> None:
    if not db["announcement_reports"].exists():
        db["announcement_reports"].create({"announcement_id": int, "author": str, "reported_at": float},
                                          pk="announcement_id")


@dataclass
class Preview:
    """A draft ready to confirm, or `error` (and what it is about) when it cannot be sent."""
    error: str = ""                 # empty | no_target | ambiguous | not_allowed | empty_audience | past | no_text
    word: str = ""
    targets: Targets = field(default_factory=Targets)
    text: str = ""
    send_at: float | None = None
    audience: int = 0
    plan: Plan = field(default_factory=Plan)
    fit: Fit | None = None
    choices: list[str] = field(default_factory=list)   # labels of namesakes, numbered from 1
    asked_form: str = ""            # what the staff member asked for: '' | article | split
    form: str = ""                  # what will be sent: '' (short) | article | split
    image_id: int = 0               # an attached image (media.py)
    link: bool = False              # template and subscription messages carry a link to the page

    def draft(self) -> dict:
        """What the conversation keeps until the staff member confirms; its `id` makes the
        announcement once, however often 确认 is retried (see `Outbox.create`)."""
        return {"targets": self.targets.to_dict(), "text": self.text, "send_at": self.send_at,
                "form": self.asked_form, "image_id": self.image_id, "id": uuid.uuid4().hex}


def from_draft(draft: dict) -> Preview:
    return Preview(targets=Targets.from_dict(draft["targets"]), text=draft["text"], send_at=draft.get("send_at"),
                   asked_form=draft.get("form", ""), image_id=draft.get("image_id", 0))


@dataclass
class Report:
    id: int
    status: str
    audience: int
    sent: int
    by_channel: dict
    failed: dict            # reason -> count
    unreachable: int
    uncertain: int


class Announcements:
    def __init__(self, db, outbox, staff, cfg: DeliveryConfig, knowledge: Callable[[], object]) -> None:
        """`knowledge()` gives the current engine (it is swapped as a whole on reload)."""
        self.db, self.outbox, self.staff, self.cfg = db, outbox, staff, cfg
        self.channels = Channels(db, cfg)
        self._knowledge = knowledge
        self.invites = Invites(db, staff)
        self.followers = Followers(db, mass_tag_communities(cfg), self._scene_community)
        self.api = None                          # wechat_api.AccountAPI, set by wiring with the client
        self.images = Images(db)
        MIGRATIONS.apply(db)

    def _scene_community(self, scene: str) -> str:
        c = self._knowledge().community_by_scene(scene)
        return c.id if c is not None else ""

    def resolver(self) -> Resolver:
        return Resolver(self._knowledge(), self.followers.tag_names())

    # ------------------------------------------------------------ compose
    def preview_command(self, staff, text: str, now: datetime | None = None) -> Preview:
        cmd = parse(text, self.resolver(), now)
        return self.preview(staff, cmd)

    def preview(self, staff, cmd: Command) -> Preview:
        p = Preview(targets=cmd.targets, text=cmd.text, send_at=cmd.send_at, word=cmd.word)
        if cmd.error in ("empty", "no_target"):
            p.error = cmd.error
            return p
        amb = cmd.targets.ambiguous
        if amb is not None:
            p.error, p.word = "ambiguous", amb.word
            p.choices = [self.resolver().label_for(i) for i in amb.ids]
            return p
        return self.settle(staff, p, cmd.error)

    def choose(self, staff, draft: dict, index: int) -> Preview | None:
        """A numbered answer to the namesakes question; None when the number is not offered."""
        targets = Targets.from_dict(draft["targets"])
        if not targets.choose(index):
            return None
        p = from_draft(draft)
        p.targets = targets
        return self.settle(staff, p)

    def settle(self, staff, p: Preview, error: str = "") -> Preview:
        t = p.targets
        if t.ambiguous is not None:
            amb = t.ambiguous
            p.error, p.word, p.choices = "ambiguous", amb.word, [self.resolver().label_for(i) for i in amb.ids]
            return p
        if staff is None or not staff.may_address(t.scope, t.ids):
            p.error, p.word = "not_allowed", t.label
            return p
        if error:
            p.error = error
            return p
        people = audience.recipients(self.db, t.scope, t.ids)
        p.audience = len(people)
        p.plan = self.channels.plan(people, audience.unsubscribed(self.db, t.scope, t.ids))
        p.fit = fit(p.text, self.cfg.template_field_chars)
        p.form = choose_form(p.text, p.asked_form, self.cfg)
        p.link = bool(self.cfg.public_url and (p.form == "article" or p.image_id))
        if p.send_at is not None and p.send_at <= time.time():
            p.error = "past"
        elif not p.audience:
            p.error = "empty_audience"
        elif not p.plan.reachable and p.send_at is None:   # a scheduled one may become reachable
            p.error = "nobody_reachable"
        return p

    def submit(self, author: str, draft: dict, sender=None) -> tuple[int, Preview] | Preview:
        """The confirmed draft, checked again (time, permission, audience): (id, preview) or a refusal.
        `sender` answers `may_address` for an author who is not in the staff register (the web
        console's users); otherwise the register (or the CLI's operator) decides."""
        made = self.outbox.by_draft(draft["id"]) if draft.get("id") else None
        if made is not None:       # a retried 确认: the announcement exists, it is answered as done
            return made[0], Preview(targets=Targets.from_dict(draft["targets"]), text=draft["text"],
                                    send_at=draft.get("send_at"), audience=made[1])
        staff = sender or (self.staff.get(author) if author != "cli" else _Operator())
        p = self.settle(staff, from_draft(draft))
        if p.error:
            return p
        aid = self.outbox.create(author, p.targets.scope, p.targets.ids, p.text, p.send_at,
                                 form=p.form if p.form == "article" else "", image_id=p.image_id, draft_id=draft.get("id"))
        return aid, p

    async def attach_image(self, data: bytes) -> Attached:
        """An image for a draft: checked, uploaded through media/upload, its media_id recorded.
        The caller puts `Attached.id` in the draft as `image_id` (or presents the refusal)."""
        return await self.images.attach(self.api, data)

    async def attach_media(self, media_id: str) -> Attached:
        """The image a staff member sent in WeChat (its MediaId): fetched, then as `attach_image`."""
        if self.api is None:
            return Attached(error="no_api")
        try:
            data = await self.api.media_get(media_id)
        except (WeChatAPIError, TransientError) as exc:
            return Attached(error="upload_failed", detail=str(exc))
        return await self.attach_image(data)

    # ------------------------------------------------------------ manage
    def mine(self, author: str | None, limit: int = 10) -> list[dict]:
        """An author's announcements, newest first (None: everyone's, for operators)."""
        return self.outbox.by_author(author, limit)

    def _owned(self, author: str, aid: int) -> str:
        owner = self.outbox.author_of(aid)
        if owner is None:
            return "unknown"
        staff = self.staff.get(author)
        if owner != author and not (staff and staff.role == "admin") and author != "cli":
            return "not_yours"
        return ""

    def cancel(self, author: str, aid: int) -> str:
        """'' when cancelled, else why not: unknown, not_yours, started."""
        return self._owned(author, aid) or ("" if self.outbox.cancel(aid) else "started")

    async def withdraw(self, author: str, aid: int) -> dict:
        """Stops the rest and asks WeChat to withdraw each mass send; says what happened."""
        why = self._owned(author, aid)
        if why:
            return {"error": why}
        if self.outbox.cancel(aid):
            return {"error": "", "cancelled": True, "withdrawn": 0, "refused": {}}
        if self.api is None:
            return {"error": "no_api"}
        msg_ids = self.outbox.withdraw(aid)
        done, refused = 0, {}
        for msg_id in msg_ids:
            try:
                await self.api.mass_delete(msg_id)
                done += 1
            except WeChatAPIError as exc:
                refused[msg_id] = f"{exc.errcode}: {exc.errmsg}"
        st = self.outbox.status(aid)
        sent = sum(states.get("sent", 0) for ch, states in st["channels"].items() if ch != "mass")
        return {"error": "", "cancelled": False, "withdrawn": done, "refused": refused, "already_sent": sent}

    def report(self, aid: int) -> Report:
        st = self.outbox.status(aid)
        by_channel = {ch: states.get("sent", 0) for ch, states in st["channels"].items() if states.get("sent")}
        failed: Counter = Counter()
        unreachable = uncertain = 0
        for reason, n in st["errors"].items():
            if reason and reason.startswith("outside the 48 h window"):
                unreachable += n
            elif reason == "crash between call and confirmation":
                uncertain += n
            else:
                failed[_reason(reason)] += n
        none_rows = st["channels"].get("none", {}).get("failed", 0)
        unreachable = max(unreachable, none_rows)
        return Report(aid, st["status"], st["audience"], sum(by_channel.values()), by_channel, dict(failed),
                      unreachable, uncertain)

    def unreported(self) -> list[int]:
        return [r[0] for r in self.db.conn.execute(
            "select id from announcements a where status in ('done', 'withdrawn') and author != 'cli' and not exists "
            "(select 1 from announcement_reports r where r.announcement_id = a.id)")]

    async def send_reports(self, send_text, render: Callable[[Report], str]) -> int:
        """Tell each author how their finished announcement went (once: marked before sending)."""
        n = 0
        for aid in self.unreported():
            author = self.outbox.author_of(aid)
            with self.db.conn:
                won = self.db.conn.execute("insert or ignore into announcement_reports values (?, ?, ?)",
                                           (aid, author, time.time())).rowcount == 1
            if not won:
                continue
            try:
                await send_text(author, render(self.report(aid)))
                n += 1
            except Exception:  # noqa: BLE001 - a report is a courtesy; `announce status` has it all
                pass
        return n

    def recent(self, community_id: str, page: int = 0, per_page: int = 5) -> tuple[list[dict], bool]:
        """One page of recent announcements, with dates; and whether there are more."""
        items = self.outbox.recent(community_id, per_page + 1, page * per_page)
        for it in items:
            it["date"] = datetime.fromtimestamp(it["at"]).strftime("%m月%d日")
        return items[:per_page], len(items) > per_page


def _reason(error: str) -> str:
    return {"43004": "已取消关注", "43101": "未订阅或订阅已用完", "withdrawn by the sender": "已撤回"}.get(
        error.split(":")[0], error) if error else "未知"


class _Operator:
    """The terminal's operator may address anything (the CLI is run by whoever runs the bot)."""
    role = "admin"

    def may_address(self, scope: str, targets: list[str]) -> bool:
        return True


def mass_tag_communities(cfg: DeliveryConfig) -> dict[int, str]:
    """WeChat tag id -> community id: the mass-send tags bind followers to a community."""
    return {tag: community for community, tag in mass_tags(cfg).items()}


__all__ = ["Announcements", "Preview", "Report", "NO_CHANNEL", "mass_tag_communities"]
