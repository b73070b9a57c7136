"""Who receives an announcement: every follower of the account bound to a target community.

A resident's community is the one they named (residents table), else the one a WeChat tag or
QR scene binds them to (followers table). Whether they follow the account: the followers row
when there is one (imported, then kept current from events); else the resident's own flag, or
simply having written to the account (only followers can), so a resident who said
`我住在虞波社区` but never (re)subscribed since the bot went live is not left out.
"""
from __future__ import annotations

import sqlite_utils

from bot.announcements.followers import ensure_tables

_PEOPLE = """
select o, c, s, tags from (
  select f.openid o, coalesce(nullif(r.community_id, ''), f.community_id) c, f.subscribed s, f.tags tags
    from followers f left join residents r on r.openid = f.openid
  union all
  select r.openid, r.community_id, (r.subscribed = 1 or coalesce(r.last_seen, 0) > 0), '[]'
    from residents r where not exists (select 1 from followers f where f.openid = r.openid)
)"""


def _query(db: sqlite_utils.Database, scope: str, targets: list[str], subscribed: int) -> list[str]:
    ensure_tables(db)
    if scope == "all":
        sql, params = f"{_PEOPLE} where s = ?", [subscribed]
    elif scope == "tag":
        sql = (f"{_PEOPLE} where s = ? and exists (select 1 from json_each(tags) "
               f"where json_each.value in ({','.join('?' * len(targets))}))")
        params = [subscribed, *(int(t) for t in targets)]
    else:
        if not targets:
            return []
        sql = f"{_PEOPLE} where s = ? and c in ({','.join('?' * len(targets))})"
        params = [subscribed, *targets]
    return [r[0] for r in db.conn.execute(sql + " order by o", params)]


def recipients(db: sqlite_utils.Database, scope: str, targets: list[str]) -> list[str]:
    return _query(db, scope, targets, 1)


def unsubscribed(db: sqlite_utils.Database, scope: str, targets: list[str]) -> int:
    """Known residents of the targets who no longer follow the account (for the preview)."""
    return len(_query(db, scope, targets, 0))


def community_of(db: sqlite_utils.Database, openid: str) -> str:
    """The resident's community: the one they named, else the one a tag or QR scene binds."""
    ensure_tables(db)
    row = db.conn.execute("select community_id from residents where openid = ? and community_id != ''",
                          [openid]).fetchone() or \
        db.conn.execute("select community_id from followers where openid = ?", [openid]).fetchone()
    return (row[0] or "") if row else ""
