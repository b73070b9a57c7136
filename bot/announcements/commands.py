"""`run_bot.py staff ...` and `run_bot.py announce ...`: the staff register and announcements from a terminal."""
from __future__ import annotations

import asyncio
import time
from datetime import datetime

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from bot.announcements.command import parse_cli_time

IMAGE_REFUSALS = {"bad_type": "WeChat takes JPG, PNG, GIF or BMP images", "too_big": "the image is over 10 MB",
                  "empty": "the file is empty", "upload_failed": "WeChat did not take the upload",
                  "no_api": "no WeChat API client"}
console = Console(highlight=False)
err = Console(stderr=True, highlight=False)


def _community_ids(webhook, names: list[str]) -> list[str]:
    """Community ids for names as WeChat accepts them (虞波, 虞波社区, an id); namesakes are
    listed with their ids and refused, as is anything unknown."""
    t = webhook.deps.announcements.resolver().resolve(names)
    if t.unknown:
        raise SystemExit(f"unknown community: {'、'.join(t.unknown)}")
    amb = t.ambiguous
    if amb is not None:
        r = webhook.deps.announcements.resolver()
        raise SystemExit(f"{amb.word} names {len(amb.ids)} communities; give the id: " +
                         "; ".join(f"{i} = {r.label_for(i)}" for i in amb.ids))
    for hit in t.corrections:
        err.print(f"note: {hit.word} read as {hit.label}")
    return t.ids


def staff_cmd(args, webhook) -> int:
    store = webhook.deps.staff
    if args.staff_command == "add":
        communities = _community_ids(webhook, args.community or [])
        if not communities and args.role != "admin":
            err.print("staff add: name at least one --community (or --role admin for someone who may address all)")
            return 2
        s = store.add(args.openid, args.name, communities, args.role)
        console.print(f"added {s.name} ({s.role}) for {', '.join(s.communities) or 'all communities (admin)'}")
    elif args.staff_command == "invite":
        communities = _community_ids(webhook, args.community or [])
        try:
            inv = webhook.deps.announcements.invites.create(communities, args.role, args.name or "", args.hours)
        except ValueError as exc:
            err.print(f"staff invite: {exc}")
            return 2
        console.print(f"invite code {inv.code} ({inv.role} for {', '.join(inv.communities) or 'all'}), valid until "
                      f"{datetime.fromtimestamp(inv.expires_at):%Y-%m-%d %H:%M}. The worker sends "
                      f"“绑定工作人员 {inv.code}” to the account.")
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


def _print_status(st: dict) -> None:
    t = Table(title=f"Announcement #{st['id']} ({st['status']}, audience {st['audience']})")
    for col in ("channel", "sent", "pending", "claimed", "failed", "uncertain"):
        t.add_column(col, justify="right" if col != "channel" else "left")
    for channel, states in sorted(st["channels"].items()):
        t.add_row(channel, *(str(states.get(k, 0)) for k in ("sent", "pending", "claimed", "failed", "uncertain")))
    console.print(t)
    for reason, n in st["errors"].items():
        console.print(f"  {n} × {reason}")
    if st.get("partial"):
        console.print(f"  {st['partial']} resident(s) got only the first parts so far; a re-send starts after them")
    if st.get("worker", "").startswith("stopped"):
        console.print(f"delivery worker {st['worker']}")


def _create(args, webhook) -> int:
    service = webhook.deps.announcements
    if not args.text or not (args.community or args.district or args.all or args.tag):
        err.print("announce needs --text and one of --community, --district, --tag, --all")
        return 2
    try:
        send_at = parse_cli_time(args.at)
    except ValueError as exc:
        err.print(f"--at: {exc}")
        return 2
    if send_at is not None and send_at <= time.time():
        err.print(f"--at {args.at} is in the past; give a later time")
        return 2
    words = ["全体"] if args.all else list(args.district or []) + list(args.community or []) + \
        [f"标签:{t}" for t in args.tag or []]
    if args.community:
        _community_ids(webhook, args.community)        # refuses unknown names and namesakes with the ids
    targets = service.resolver().resolve(words)
    if targets.unknown:
        err.print(f"unknown target: {'、'.join(targets.unknown)}")
        return 2
    image_id = 0
    if args.image:
        try:
            data = open(args.image, "rb").read()
        except OSError as exc:
            err.print(f"--image: {exc.strerror}: {args.image}")
            return 2

        async def attach():
            try:
                return await service.attach_image(data)
            finally:
                await webhook.client.close()
        got = asyncio.run(attach())
        if got.error:
            err.print(f"--image refused: {IMAGE_REFUSALS.get(got.error, got.error)} {got.detail}".rstrip())
            return 2
        image_id = got.id
        console.print(f"image uploaded to WeChat (media_id {got.media_id})")
    result = service.submit("cli", {"targets": targets.to_dict(), "text": args.text, "send_at": send_at,
                                    "form": args.form or "", "image_id": image_id})
    if not isinstance(result, tuple):
        err.print(f"not sent: {result.error.replace('_', ' ')} ({result.targets.label})")
        return 2
    aid, p = result
    console.print(f"announcement #{aid} for {p.audience} residents of {p.targets.label}, "
                  f"{'scheduled for ' + args.at if args.at else 'queued now'}; the bot's worker delivers it "
                  f"(or run `run_bot.py announce deliver`)")
    if p.form:
        console.print(f"  long text ({p.fit.chars} characters) sent " + (
            "as a news article linking to its page" if p.form == "article" else
            f"in {p.fit.custom_parts} numbered customer-service parts"))
    for channel, n in sorted(p.plan.channels.items()):
        console.print(f"  {n} by {channel}")
    for reason, n in p.plan.unreachable.items():
        console.print(f"  {n} not reachable: {reason}")
    return 0


def announce_cmd(args, webhook, cfg) -> int:
    outbox = webhook.deps.outbox
    action = args.action or "create"
    if action == "create":
        return _create(args, webhook)
    if action in ("status", "cancel", "withdraw", "resend-uncertain") and args.id is None:
        err.print(f"usage: run_bot.py announce {action} ID (the number `announce list` shows)")
        return 2
    if action == "list":
        t = Table(title="Announcements")
        for col in ("id", "author", "status", "audience", "send at", "text"):
            t.add_column(col)
        for a in webhook.deps.announcements.mine(None, 20):
            t.add_row(str(a["id"]), a["author"], a["status"], str(a["audience"]),
                      f"{datetime.fromtimestamp(a['send_at']):%Y-%m-%d %H:%M}", a["text"][:30])
        console.print(t)
        return 0
    if action == "cancel":
        why = webhook.deps.announcements.cancel("cli", args.id)
        (err if why else console).print(f"announcement #{args.id}: " + (why.replace("_", " ") or "cancelled"))
        return 1 if why else 0
    if action == "withdraw":
        async def withdraw() -> dict:
            try:
                return await webhook.deps.announcements.withdraw("cli", args.id)
            finally:
                await webhook.client.close()
        res = asyncio.run(withdraw())
        if res["error"]:
            err.print(f"announcement #{args.id}: {res['error']}")
            return 1
        console.print(f"announcement #{args.id}: " + ("cancelled before sending" if res["cancelled"] else
                      f"the rest stopped; {res['withdrawn']} mass send(s) withdrawn, WeChat refused "
                      f"{len(res['refused'])}; {res['already_sent']} already delivered individually"))
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
            await deliverer.settle_expired()
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
    a = ss.add_parser("add", help="register a staff member by openid (they see it by sending 我的ID once registered; "
                                  "`staff invite` needs no openid)")
    a.add_argument("openid")
    a.add_argument("--name", required=True)
    a.add_argument("--community", action="append", help="community name (虞波, 虞波社区) or id; repeat for several")
    a.add_argument("--role", choices=("staff", "admin"), default="staff")
    i = ss.add_parser("invite", help="a one-time code the worker sends as “绑定工作人员 CODE” to register")
    i.add_argument("--community", action="append", help="community name or id; repeat for several")
    i.add_argument("--name", help="the worker's name")
    i.add_argument("--role", choices=("staff", "admin"), default="staff")
    i.add_argument("--hours", type=float, default=72, help="valid for this many hours (default 72)")
    r = ss.add_parser("remove", help="remove a staff member")
    r.add_argument("openid")
    ss.add_parser("list", help="list staff members")
    s.set_defaults(func=lambda args, cfg: staff_cmd(args, needs_webhook(cfg)))

    n = sub.add_parser("announce", help="send an announcement, or see how its delivery goes",
                       description="announce --community C --text T [--at TIME] | announce status ID [--watch] | "
                                   "announce list | announce cancel ID | announce withdraw ID | announce deliver | "
                                   "announce retry ID | announce resend-uncertain ID")
    n.add_argument("action", nargs="?", choices=("status", "list", "cancel", "withdraw", "deliver", "retry",
                                                 "resend-uncertain"))
    n.add_argument("id", nargs="?", type=int)
    n.add_argument("--community", action="append", help="community id or name (repeat for several)")
    n.add_argument("--district", action="append", help="district or county, e.g. 鄞州区 (admins)")
    n.add_argument("--tag", action="append", help="WeChat user tag name (after `followers sync`)")
    n.add_argument("--all", action="store_true", help="every subscribed resident")
    n.add_argument("--text")
    n.add_argument("--image", help="an image file (JPG, PNG, GIF, BMP, at most 10 MB) sent with the text")
    n.add_argument("--form", choices=("article", "split"),
                   help="a text over 2048 bytes as a news article link or numbered parts (default: delivery.long_text)")
    n.add_argument("--at", help="send time 'YYYY-MM-DD HH:MM' or 明天9点 (local time); default now; past refused")
    n.add_argument("--watch", action="store_true", help="with status: show a progress bar until done")
    n.set_defaults(func=lambda args, cfg: announce_cmd(args, needs_webhook(cfg), cfg))
    from bot.announcements import followers_cmd
    followers_cmd.register(sub, needs_webhook)
