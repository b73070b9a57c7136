"""`run_bot.py staff ...` and `run_bot.py announce ...`: the staff register and announcements from a terminal."""
from __future__ import annotations

import asyncio
import time
from datetime import datetime

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

console = Console(highlight=False)
err = Console(stderr=True, highlight=False)


def _community_ids(db, names: list[str]) -> list[str]:
    ids = []
    for n in names:
        row = db.conn.execute("select id from communities where id = ? or name = ?", [n, n]).fetchall()
        if len(row) != 1:
            raise SystemExit(f"unknown or ambiguous community: {n} (use its id; see `kb export`)")
        ids.append(row[0][0])
    return ids


def staff_cmd(args, webhook) -> int:
    store, db = webhook.deps.staff, webhook.db
    if args.staff_command == "add":
        s = store.add(args.openid, args.name, _community_ids(db, args.community or []), args.role)
        console.print(f"added {s.name} ({s.role}) for {', '.join(s.communities) or 'all (admin)'}")
    elif args.staff_command == "remove":
        if not store.remove(args.openid):
            err.print(f"no staff member with openid {args.openid}")
            return 1
        console.print(f"removed {args.openid}")
    else:
        t = Table(title="Staff")
        for col in ("openid", "name", "role", "communities"):
            t.add_column(col)
        for s in store.all():
            t.add_row(s.openid, s.name, s.role, "、".join(s.communities))
        console.print(t)
    return 0


def _when(text: str | None) -> float | None:
    if not text:
        return None
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, fmt).timestamp()
        except ValueError:
            pass
    raise SystemExit(f"--at: use 'YYYY-MM-DD HH:MM', got {text!r}")


def _print_status(st: dict) -> None:
    t = Table(title=f"Announcement #{st['id']} ({st['status']}, audience {st['audience']})")
    for col in ("channel", "sent", "pending", "claimed", "failed", "uncertain"):
        t.add_column(col, justify="right" if col != "channel" else "left")
    for channel, states in sorted(st["channels"].items()):
        t.add_row(channel, *(str(states.get(k, 0)) for k in ("sent", "pending", "claimed", "failed", "uncertain")))
    console.print(t)
    for reason, n in st["errors"].items():
        console.print(f"  {n} × {reason}")
    if st.get("worker", "").startswith("stopped"):
        console.print(f"delivery worker {st['worker']}")


def announce_cmd(args, webhook, cfg) -> int:
    outbox = webhook.deps.outbox
    action = args.action or "create"
    if action == "create":
        if not args.text or not (args.community or args.district or args.all):
            err.print("announce needs --text and one of --community, --district, --all")
            return 2
        scope = "all" if args.all else "district" if args.district else "community"
        if args.all:
            targets = []
        elif args.district:
            places = set(args.district)
            targets = [c.id for c in webhook.deps.knowledge.model.communities.values()
                       if places & {c.county, c.street, c.city}]
        else:
            targets = _community_ids(webhook.db, args.community)
        aid = outbox.create("cli", scope, targets, args.text, _when(args.at))
        st = outbox.status(aid)
        console.print(f"announcement #{aid} for {st['audience']} residents, "
                      f"{'scheduled for ' + args.at if args.at else 'queued now'}; the bot's worker delivers it "
                      f"(or run `run_bot.py announce deliver`)")
        return 0
    if action == "status":
        try:
            st = outbox.status(args.id)
        except KeyError:
            err.print(f"no announcement #{args.id}")
            return 1
        if args.watch and st["status"] in ("scheduled", "delivering"):
            with Progress(TextColumn("#{task.fields[aid]}"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"),
                          console=console) as bar:
                task = bar.add_task("", total=max(1, st["audience"]), aid=args.id)
                while st["status"] in ("scheduled", "delivering"):
                    done = sum(n for states in st["channels"].values() for k, n in states.items()
                               if k in ("sent", "failed", "uncertain"))
                    bar.update(task, completed=done, description=st["status"])
                    time.sleep(0.5)
                    st = outbox.status(args.id)
                bar.update(task, completed=st["audience"], description=st["status"])
        _print_status(st)
        return 0
    if action == "retry":
        console.print(f"{outbox.retry_failed(args.id)} failed rows queued again (the worker sends them)")
        return 0
    if action == "resend-uncertain":
        console.print(f"{outbox.resend_uncertain(args.id)} uncertain rows queued again by operator decision")
        return 0
    if action == "deliver":
        from bot.wiring import build_deliverer
        deliverer = build_deliverer(cfg, webhook)

        async def drain() -> None:
            deliverer.outbox.reconcile()
            while await deliverer.run_once():
                pass
            await webhook.client.close()
            if getattr(webhook, "redis", None) is not None:
                await webhook.redis.aclose()
        asyncio.run(drain())
        console.print("delivered everything that is due")
        return 0
    return 2


def register(sub, needs_webhook) -> None:
    s = sub.add_parser("staff", help="manage who may send announcements")
    ss = s.add_subparsers(dest="staff_command", required=True, metavar="ACTION")
    a = ss.add_parser("add", help="register a staff member (openid from the bot's logs or the admin console)")
    a.add_argument("openid")
    a.add_argument("--name", required=True)
    a.add_argument("--community", action="append", help="community id or name (repeat for several)")
    a.add_argument("--role", choices=("staff", "admin"), default="staff")
    r = ss.add_parser("remove", help="remove a staff member")
    r.add_argument("openid")
    ss.add_parser("list", help="list staff members")
    s.set_defaults(func=lambda args, cfg: staff_cmd(args, needs_webhook(cfg)))

    n = sub.add_parser("announce", help="send an announcement, or see how its delivery goes",
                       description="announce --community C --text T [--at TIME] | announce status ID [--watch] | "
                                   "announce deliver | announce retry ID | announce resend-uncertain ID")
    n.add_argument("action", nargs="?", choices=("status", "deliver", "retry", "resend-uncertain"))
    n.add_argument("id", nargs="?", type=int)
    n.add_argument("--community", action="append", help="community id or name (repeat for several)")
    n.add_argument("--district", action="append", help="district or county, e.g. 鄞州区 (admins)")
    n.add_argument("--all", action="store_true", help="every subscribed resident")
    n.add_argument("--text")
    n.add_argument("--at", help="send time 'YYYY-MM-DD HH:MM' (local time); default now")
    n.add_argument("--watch", action="store_true", help="with status: show a progress bar until done")
    n.set_defaults(func=lambda args, cfg: announce_cmd(args, needs_webhook(cfg), cfg))
