"""Which WeChat channel reaches each resident, decided one way for the preview and the worker.

  mass       one mass send to their community's tag (`delivery.mass_tags`): first, because it
             reaches every follower with the tag, active or not, so no other channel may add a copy
  custom     customer-service message: the resident wrote within `active_window_hours`
  subscribe  subscription message (订阅通知, subscribe/bizsend): they accepted
             `delivery.subscribe_template_id` and have an unused acceptance left
  template   template message (`delivery.template_id`)
  ""         nobody can reach them: the reason says why

Owner of the `subscriptions` table (openid, template id, acceptances left): each acceptance of
a one-time subscription allows one message.
"""
from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

import sqlite_utils

from bot.config import DeliveryConfig, mass_tags

NO_CHANNEL = "不在48小时互动期内，且没有订阅通知、群发标签或模板消息可用"
UNSUBSCRIBED = "已取消关注"
CHANNEL_NAMES = {"custom": "客服消息（48小时内互动过）", "subscribe": "订阅通知", "mass": "按标签群发",
                 "template": "模板消息"}


@dataclass
class Plan:
    """Audience per channel, and who cannot be reached, by reason."""
    channels: Counter = field(default_factory=Counter)
    unreachable: Counter = field(default_factory=Counter)

    @property
    def reachable(self) -> int:
        return sum(self.channels.values())


class Channels:
    def __init__(self, db: sqlite_utils.Database, cfg: DeliveryConfig) -> None:
        self.db, self.cfg, self.tags = db, cfg, mass_tags(cfg)
        if not db["subscriptions"].exists():
            db["subscriptions"].create({"openid": str, "template_id": str, "remaining": int, "updated_at": float},
                                       pk=("openid", "template_id"))

    # ------------------------------------------------------------ subscriptions
    def accept(self, openid: str, template_id: str, times: int = 1) -> None:
        """The resident accepted a subscription template (subscribe_msg_popup_event: accept)."""
        with self.db.conn:
            self.db.conn.execute("insert into subscriptions (openid, template_id, remaining, updated_at) values "
                                 "(?, ?, ?, ?) on conflict(openid, template_id) do update set remaining = "
                                 "remaining + excluded.remaining, updated_at = excluded.updated_at",
                                 (openid, template_id, times, time.time()))

    def refused(self, openid: str, template_id: str) -> None:
        with self.db.conn:
            self.db.conn.execute("update subscriptions set remaining = 0, updated_at = ? where openid = ? and "
                                 "template_id = ?", (time.time(), openid, template_id))

    def used(self, openid: str, refused: bool = False) -> None:
        """One acceptance spent (or all of them, when WeChat says 43101)."""
        sql = "remaining = 0" if refused else "remaining = max(0, remaining - 1)"
        with self.db.conn:
            self.db.conn.execute(f"update subscriptions set {sql}, updated_at = ? where openid = ? and template_id = ?",
                                 (time.time(), openid, self.cfg.subscribe_template_id))

    # ------------------------------------------------------------ choice
    def _facts(self, openids: list[str]) -> dict[str, tuple[float, str, int]]:
        """openid -> (last_seen, community, subscription acceptances left), in bulk."""
        out: dict[str, tuple[float, str, int]] = {}
        tpl = self.cfg.subscribe_template_id
        for i in range(0, len(openids), 500):
            chunk = openids[i:i + 500]
            marks = ",".join("?" * len(chunk))
            seen = dict(self.db.conn.execute(f"select openid, coalesce(last_seen, 0) from residents where openid in ({marks})",
                                             chunk).fetchall())
            comm = dict(self.db.conn.execute(
                "select o, c from (select openid o, community_id c from followers where community_id != '' "
                f"and openid in ({marks}) union all select openid, community_id from residents where "
                f"community_id != '' and openid in ({marks})) order by 1", chunk + chunk).fetchall())
            subs = dict(self.db.conn.execute(f"select openid, remaining from subscriptions where template_id = ? "
                                             f"and openid in ({marks})", [tpl, *chunk]).fetchall()) if tpl else {}
            for o in chunk:
                out[o] = (seen.get(o, 0.0), comm.get(o, ""), subs.get(o, 0))
        return out

    def _pick(self, last_seen: float, community: str, acceptances: int) -> str:
        if community in self.tags:
            return "mass"   # the mass send reaches every follower with the tag: one channel for all of them
        if time.time() - last_seen < self.cfg.active_window_hours * 3600:
            return "custom"
        if acceptances > 0:
            return "subscribe"
        return "template" if self.cfg.template_id else ""

    def choose(self, openid: str) -> str:
        return self._pick(*self._facts([openid])[openid])

    def plan(self, openids: list[str], unsubscribed: int = 0) -> Plan:
        p = Plan()
        for facts in self._facts(openids).values():
            ch = self._pick(*facts)
            if ch:
                p.channels[ch] += 1
            else:
                p.unreachable[NO_CHANNEL] += 1
        if unsubscribed:
            p.unreachable[UNSUBSCRIBED] += unsubscribed
        return p
